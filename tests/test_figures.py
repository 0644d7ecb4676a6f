"""Figures, map and PNG export, on the tiny fixture."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest

from analysis import figures
from analysis import queries as q
from analysis.figures import (
    TYPE_COLORS,
    cooccurrence_heatmap,
    figure_png,
    links_deck,
    monthly_counts_figure,
    network_figure,
    selected_event_ids,
    timeline_figure,
    type_color_rgb,
)
from analysis.filters import Filters
from analysis.schema import EVENT_TYPES, country_name

ALL = Filters()


def marker_traces(fig, kind=None):
    return [t for t in fig.data if t.mode == "markers" and (kind is None or (t.meta or {}).get("kind") == kind)]


def lanes_of(store):
    table = store.table("event_country_facts")[["event_id", "country"]]
    return table.assign(lane=table["country"].map(country_name))[["event_id", "lane"]]


# --- colours ---------------------------------------------------------------------------------

# Machado et al. (2009) simulation matrices at full severity, applied in linear RGB.
CVD = {
    "normal": np.eye(3),
    "protan": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                        [-0.003882, -0.048116, 1.051998]]),
    "deutan": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                        [-0.011820, 0.042940, 0.968881]]),
    "tritan": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                        [0.004733, 0.691367, 0.303900]]),
}


def lab(rgb, matrix):
    c = np.array(rgb) / 255
    linear = np.clip(matrix @ np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4), 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_every_event_type_has_its_own_colour():
    assert set(TYPE_COLORS) == set(EVENT_TYPES)
    assert len(TYPE_COLORS) == 17
    assert len({c.upper() for c in TYPE_COLORS.values()}) == 17


def test_type_colours_stay_apart_for_colour_blind_readers():
    for vision, matrix in CVD.items():
        points = {t: lab(type_color_rgb(t), matrix) for t in TYPE_COLORS}
        closest = min(np.linalg.norm(points[a] - points[b]) for a, b in itertools.combinations(points, 2))
        assert closest >= 10, f"two type colours are hard to tell apart under {vision} vision"


def test_type_color_rgb_reads_the_hex_value_and_falls_back_to_other():
    assert type_color_rgb("AGREE") == [int(TYPE_COLORS["AGREE"][i:i + 2], 16) for i in (1, 3, 5)]
    assert type_color_rgb("NOT-A-TYPE") == type_color_rgb("OTHER")


# --- timeline -------------------------------------------------------------------------------

def test_timeline_draws_month_and_year_events_as_spans_not_days(tiny_store):
    events = q.events_with_details(tiny_store, ALL)
    fig = timeline_figure(events, lanes_of(tiny_store))
    day_ids = {i for t in marker_traces(fig, "day") for i in t.customdata}
    coarse = {i: (x, t.marker.symbol)
              for t in marker_traces(fig, "coarse") for i, x in zip(t.customdata, t.x, strict=True)}
    assert {"e2", "e3"}.isdisjoint(day_ids)
    assert {"e2", "e3"} <= set(coarse)
    assert all(symbol.endswith("-open") for _, symbol in coarse.values())
    # The month event sits in the middle of March, not on a made-up 1 March.
    assert pd.Timestamp(coarse["e2"][0]).month == 3 and pd.Timestamp(coarse["e2"][0]).day > 10
    spans = [t for t in fig.data if (t.meta or {}).get("kind") == "span"]
    segments = [(pd.Timestamp(t.x[i]), pd.Timestamp(t.x[i + 1])) for t in spans for i in range(0, len(t.x), 3)]
    assert (pd.Timestamp("2024-03-01"), pd.Timestamp("2024-04-01")) in segments
    assert (pd.Timestamp("2023-01-01"), pd.Timestamp("2024-01-01")) in segments


def test_timeline_hover_shows_html_in_summaries_as_text(tiny_store):
    events = q.events_with_details(tiny_store, ALL)
    fig = timeline_figure(events, lanes_of(tiny_store))
    hover = {i: h for t in marker_traces(fig) for i, h in zip(t.customdata, t.hovertext, strict=True)}
    assert "&lt;b&gt;bold&lt;/b&gt;" in hover["e4"]
    assert "<b>bold</b>" not in hover["e4"]
    assert "month only" in hover["e2"] and "year only" in hover["e3"]


def test_timeline_points_carry_event_ids_in_every_lane(tiny_store):
    events = q.events_with_details(tiny_store, ALL)
    lanes = lanes_of(tiny_store)
    fig = timeline_figure(events, lanes, max_lanes=20)
    points = [i for t in marker_traces(fig) for i in t.customdata]
    assert sorted(points) == sorted(lanes.drop_duplicates()["event_id"])
    selection = {"points": [{"customdata": "e4"}, {"customdata": ["e1"]}, {"customdata": "e4"}]}
    assert selected_event_ids(selection) == ["e4", "e1"]


def test_timeline_folds_extra_lanes_into_one():
    events = pd.DataFrame({
        "event_id": [f"x{i}" for i in range(6)], "date": pd.to_datetime(["2024-01-05"] * 6),
        "date_precision": "day", "date_end": pd.NaT, "event_type": "CONSULT", "summary": "s",
    })
    lanes = pd.DataFrame({"event_id": events["event_id"], "lane": [f"Country {i}" for i in range(6)]})
    fig = timeline_figure(events, lanes, max_lanes=4)
    assert list(fig.layout.yaxis.ticktext)[-1] == "3 others"
    assert len(fig.layout.yaxis.ticktext) == 4


def test_milestone_labels_do_not_overlap_and_stay_in_range(tiny_store):
    events = q.events_with_details(tiny_store, ALL)
    milestones = [(dt.date(2024, 7, 6), "Confederation treaty"), (dt.date(2024, 7, 20), "Another step nearby"),
                  (dt.date(1990, 1, 1), "Long before the data")]
    fig = timeline_figure(events, None, milestones=milestones, x_start=None)
    labels = {a.text: a for a in fig.layout.annotations}
    assert "Long before the data" not in labels
    assert labels["Confederation treaty"].yshift != labels["Another step nearby"].yshift


def test_timeline_starts_after_early_outliers_and_says_so():
    dates = ["2000-05-01"] + [f"2024-{m:02d}-10" for m in range(1, 13)] * 2
    events = pd.DataFrame({
        "event_id": [f"x{i}" for i in range(len(dates))], "date": pd.to_datetime(dates), "date_precision": "day",
        "date_end": pd.NaT, "event_type": "AGREE", "summary": "s",
    })
    fig = timeline_figure(events)
    assert pd.Timestamp(fig.layout.xaxis.range[0]) > pd.Timestamp("2020-01-01")
    assert "1 earlier event (2000)" in fig.layout.xaxis.title.text
    full = timeline_figure(events, x_start=None)
    assert pd.Timestamp(full.layout.xaxis.range[0]) < pd.Timestamp("2000-05-01")


def test_figures_say_so_when_nothing_matches(tiny_store):
    empty = q.events_with_details(tiny_store, Filters(types=("ASSAULT",)))
    counts = q.counts_over_time(tiny_store, Filters(types=("ASSAULT",)))
    for fig in (timeline_figure(empty), monthly_counts_figure(counts),
                cooccurrence_heatmap(pd.DataFrame()), network_figure(pd.DataFrame(), pd.DataFrame())):
        assert [a.text for a in fig.layout.annotations] == ["No events match these filters"]


# --- counts over time ----------------------------------------------------------------------

def test_year_precise_counts_get_their_own_hatched_row(tiny_store):
    fig = monthly_counts_figure(q.counts_over_time(tiny_store, ALL, "month"))
    by_unit = {}
    for trace in fig.data:
        by_unit.setdefault(trace.meta["unit"], []).append(trace)
    assert set(by_unit) == {"month", "year"}
    year = by_unit["year"][0]
    assert year.name == "RETREAT" and year.marker.pattern.shape == "/"
    assert year.width[0] > 300 * 86_400_000
    assert "date known to the year only" in year.hovertext[0]
    assert all(t.marker.pattern.shape in (None, "") for t in by_unit["month"])
    assert year.yaxis != by_unit["month"][0].yaxis
    month_total = sum(sum(t.y) for t in by_unit["month"])
    assert month_total == 3


# --- co-occurrence --------------------------------------------------------------------------

def test_heatmap_titles_its_colour_bar_and_carries_pairs(tiny_store):
    pairs = q.cooccurrence_pairs(tiny_store, ALL)
    actors = q.actor_event_counts(tiny_store, ALL)
    for measure, title in (("together", "events together"), ("jaccard", "Jaccard")):
        fig = cooccurrence_heatmap(q.cooccurrence_matrix(pairs, actors, measure), measure)
        assert fig.data[0].colorbar.title.text == title
        cells = {tuple(c) for c in fig.data[1].customdata}
        assert ("Sergei Lavrov", "Abdourahamane Tchiani") in cells
        assert ("Sergei Lavrov", "Sergei Lavrov") not in cells


def test_heatmap_escapes_actor_names():
    matrix = pd.DataFrame([[0, 2], [2, 0]], index=["<i>A</i>", "B & C"], columns=["<i>A</i>", "B & C"])
    fig = cooccurrence_heatmap(matrix, "together")
    assert "&lt;i&gt;A&lt;/i&gt;" in fig.layout.yaxis.ticktext[0]
    assert "B &amp; C" in fig.data[1].hovertext[0]


def test_network_is_deterministic_and_scales_edges(tiny_store):
    pairs = q.cooccurrence_pairs(tiny_store, ALL)
    actors = q.actor_event_counts(tiny_store, ALL)
    one, two = network_figure(pairs, actors), network_figure(pairs, actors)
    assert one.to_json() == two.to_json()
    nodes = {i for t in one.data if (t.meta or {}).get("kind") == "nodes" for i in t.customdata}
    assert nodes == {"lavrov", "tiani", "goita"}
    widths = {t.meta["level"]: t.line.width for t in one.data if (t.meta or {}).get("kind") == "edges"}
    assert widths[max(widths)] > widths[min(widths)]


# --- the map --------------------------------------------------------------------------------

def deck_json(deck):
    return json.loads(deck.to_json())


def test_links_deck_layers_widths_and_text_tooltips(tiny_store):
    links = q.capital_links(tiny_store, ALL)
    links.loc[0, "latest_events"] = ["<img src=x onerror=alert(1)> a summary"]
    deck = links_deck(links, q.place_counts(tiny_store, ALL))
    spec = deck_json(deck)
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert set(layers) == {"links", "places", "place-labels"}
    assert layers["links"]["pickable"] and layers["places"]["pickable"]
    # deck.gl puts a "text" tooltip in with innerText, so markup in the data stays text
    # (pydeck keeps the tooltip beside the JSON spec; Streamlit reads it from there).
    assert set(deck._tooltip) == {"text", "style"} and deck._tooltip["text"] == "{tooltip}"
    for layer_id in ("links", "places"):
        assert all("tooltip" in row and isinstance(row["tooltip"], str) for row in layers[layer_id]["data"])
    assert any("<img src=x onerror=alert(1)> a summary" in row["tooltip"] for row in layers["links"]["data"])
    rows = layers["links"]["data"]
    assert len(rows) == 3


def test_arc_width_grows_with_event_count(tiny_store):
    links = q.capital_links(tiny_store, ALL)
    links.loc[0, "events"] = 9
    rows = deck_json(links_deck(links, q.place_counts(tiny_store, ALL)))["layers"][0]["data"]
    by_count = sorted((row["events"], row["width"]) for row in rows)
    assert by_count[-1][1] > by_count[0][1]


def test_nearby_place_labels_are_moved_apart(tiny_store):
    spec = deck_json(links_deck(q.capital_links(tiny_store, ALL), q.place_counts(tiny_store, ALL)))
    labels = {row["name"]: row["offset"] for row in spec["layers"][2]["data"]}
    # Bamako and the Mali marker are about 700 km apart: close at this zoom.
    assert labels["Bamako"] != labels["Mali"]


def test_place_labels_avoid_each_other():
    points = [(100.0, 100.0, 5.0), (110.0, 104.0, 5.0), (95.0, 96.0, 5.0)]
    names = ["Ouagadougou", "Bamako", "Niamey"]
    offsets = figures._place_labels(points, names, 15, (800, 600))
    boxes = []
    for (x, y, _), (dx, dy), name in zip(points, offsets, names, strict=True):
        w, h = len(name) * 15 * 0.58 + 6, 15 * 1.3
        boxes.append((x + dx - w / 2, y + dy - h / 2, x + dx + w / 2, y + dy + h / 2))
    for a, b in itertools.combinations(boxes, 2):
        assert min(a[2], b[2]) <= max(a[0], b[0]) or min(a[3], b[3]) <= max(a[1], b[1])


def test_initial_view_shows_every_place(tiny_store):
    places = q.place_counts(tiny_store, ALL)
    view = links_deck(q.capital_links(tiny_store, ALL), places, view_size=(1000, 500)).initial_view_state
    cx, cy = figures._mercator(view.longitude, view.latitude, view.zoom)
    for lon, lat in zip(places["lon"], places["lat"], strict=True):
        x, y = figures._mercator(lon, lat, view.zoom)
        assert abs(x - cx) <= 500 and abs(y - cy) <= 250


def test_direction_colours_follow_moscow(tiny_store):
    links = q.capital_links(tiny_store, ALL)
    rows = deck_json(links_deck(links, q.place_counts(tiny_store, ALL), color_by="direction"))["layers"][0]["data"]
    colour = {(row["tooltip"].split("\n")[0]): row["color"][:3] for row in rows}
    assert colour["Moscow → Bamako"] == figures.hex_to_rgb(figures.DIRECTION_COLORS["from Russia"])
    assert colour["Niamey → Moscow"] == figures.hex_to_rgb(figures.DIRECTION_COLORS["towards Russia"])


def test_links_deck_uses_the_offline_style_unless_asked(tiny_store):
    links, places = q.capital_links(tiny_store, ALL), q.place_counts(tiny_store, ALL)
    assert links_deck(links, places).map_style == "app/static/map-style.json"
    assert "cartocdn" in links_deck(links, places, basemap="carto").map_style
    empty = links_deck(links.iloc[:0], places.iloc[:0])
    assert empty.layers == []


def test_offline_style_files_are_generated_and_small():
    style = json.loads((figures.STATIC_DIR / figures.MAP_STYLE_FILE).read_text())
    assert style == figures.offline_style()
    assert [layer["type"] for layer in style["layers"]] == ["background", "fill", "fill", "line"]
    path = figures.STATIC_DIR / figures.COUNTRIES_FILE
    assert path.stat().st_size < 1_000_000
    countries = json.loads(path.read_text())
    codes = {f["properties"]["ISO_A3"] for f in countries["features"]}
    assert {"MLI", "NER", "BFA", "RUS", "FRA"} <= codes
    assert all(set(f["properties"]) == {"ISO_A3", "NAME"} for f in countries["features"])


# --- PNG export -----------------------------------------------------------------------------

def test_figure_png_returns_png_bytes(tiny_store):
    fig = monthly_counts_figure(q.counts_over_time(tiny_store, ALL))
    try:
        data = figure_png(fig, width=640, height=360)
    except figures.FigureExportError as exc:
        pytest.skip(f"no headless Chromium for kaleido here: {exc}")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (640, 360)


def test_base_layout_is_readable_on_a_projector():
    layout = figures.base_layout()
    assert layout["font"]["size"] >= 16 and layout["title"]["font"]["size"] >= 20
    assert math.isclose(len(figures.default_milestones()), 3)


def test_network_edges_keep_a_positive_width_when_one_pair_dwarfs_the_rest():
    """A pair seen once next to a pair seen 10,000 times still gets the thinnest line, not a negative one."""
    actors = pd.DataFrame({"actor_id": ["a", "b", "c"], "name": ["A", "B", "C"], "kind": "person",
                           "country": ["RUS", "MLI", "NER"], "sector": "government", "events": [10_000, 10_000, 2]})
    pairs = pd.DataFrame({"actor_a": ["a", "a"], "name_a": ["A", "A"], "actor_b": ["b", "c"], "name_b": ["B", "C"],
                          "together": [10_000, 1], "events_a": [10_000, 10_000], "events_b": [10_000, 2],
                          "jaccard": [1.0, 0.0001]})
    fig = figures.network_figure(pairs, actors)
    widths = [t.line.width for t in fig.data if (t.meta or {}).get("kind") == "edges"]
    assert widths and min(widths) >= 1


def test_counts_chart_of_a_million_events_needs_no_row_per_event():
    """Counts are drawn from one row per period and type, however many events they add up to."""
    periods = pd.date_range("2016-01-01", "2025-12-01", freq="MS")
    counts = pd.DataFrame([{"period_unit": "month", "event_type": t, "period": p, "events": 5_000}
                           for p in periods for t in ("AGREE", "ASSAULT")])
    counts.loc[0, "period"] = pd.Timestamp("2001-01-01")  # one early outlier row
    counts.loc[0, "events"] = 1
    fig = figures.monthly_counts_figure(counts)
    assert sum(sum(t.y) for t in fig.data) == counts["events"].sum()
    assert "1 earlier event (2001)" in fig.layout.xaxis.title.text


def test_a_crowded_map_labels_only_what_fits():
    """Forty places in a small square: the busiest twelve are labelled, the others only where a
    label fits without covering another; no label is dropped when there is room."""
    points = [(300.0 + 12 * (i % 8), 300.0 + 12 * (i // 8), 4.0) for i in range(40)]
    names = [f"Town {i}" for i in range(40)]
    offsets = figures._place_labels(points, names, 15, (800, 600), list(range(40)), always=12)
    assert all(o is not None for o in offsets[:12])
    assert sum(o is None for o in offsets) > 10
    spread = [(100.0 * (i + 1), 300.0, 4.0) for i in range(6)]
    assert all(o is not None for o in figures._place_labels(spread, names[:6], 15, (800, 600), list(range(6)),
                                                             always=2))
