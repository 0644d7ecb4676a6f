"""Charts and the map of the dashboard: plotly figures, a pydeck map and PNG export for slides.

Every figure shares one look (:func:`base_layout`, readable on a projector at 1280×720) and
one colour per event type (:data:`TYPE_COLORS`). Text from the data is escaped wherever a
renderer would read it as HTML, so a summary is always shown as text.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import datetime as dt
import html
import math
import textwrap
import threading
from pathlib import Path

import networkx as nx
import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
from plotly.subplots import make_subplots

from analysis.schema import EVENT_TYPES, OTHER_TYPE, country_name

# --- colours and the shared look ----------------------------------------------------------

# One colour per event type, picked from the Okabe-Ito and Paul Tol palettes so that every
# pair stays apart (CIE76 ΔE ≥ 11) under normal vision and simulated protan-, deuter- and
# tritanopia; cooperative types are blues and greens, hostile ones oranges, reds and purples.
TYPE_COLORS: dict[str, str] = {
    "AGREE": "#117733",
    "CONSULT": "#4477AA",
    "SUPPORT": "#88CCEE",
    "CONCEDE": "#77AADD",
    "COOPERATE": "#225522",
    "AID": "#332288",
    "RETREAT": "#999933",
    "REQUEST": "#EEDD88",
    "ACCUSE": "#E69F00",
    "REJECT": "#EE8866",
    "THREATEN": "#D55E00",
    "SANCTION": "#AA3377",
    "PROTEST": "#CC79A7",
    "MOBILIZE": "#EE3377",
    "COERCE": "#661100",
    "ASSAULT": "#000000",
    OTHER_TYPE: "#BBBBBB",
}
MIXED_COLOR = "#6E6E6E"

# Actor groups in the network: the four countries the dashboard is about, then the rest.
ACTOR_GROUP_COLORS: dict[str, str] = {
    "Russia": "#CC3311",
    "Mali": "#009988",
    "Niger": "#EE7733",
    "Burkina Faso": "#0077BB",
    "Other country": "#AA4499",
    "Multinational body": "#777777",
}
_FOCUS_COUNTRIES = {"RUS": "Russia", "MLI": "Mali", "NER": "Niger", "BFA": "Burkina Faso"}

# Direction of a link on the map, for color_by="direction".
DIRECTION_COLORS: dict[str, str] = {
    "from Russia": "#CC3311",
    "towards Russia": "#0077BB",
    "between other places": "#777777",
}

FONT_FAMILY = "Liberation Sans, Arial, Helvetica, sans-serif"
FONT_SIZE = 16
TITLE_SIZE = 22
EMPTY_MESSAGE = "No events match these filters"
MEASURE_TITLES = {"together": "events together", "jaccard": "Jaccard"}
PRECISION_NOTE = {"day": "", "month": "date known to the month only", "year": "date known to the year only"}


def type_color(event_type: str) -> str:
    """The hex colour of an event type (OTHER's grey for an unknown type)."""
    return TYPE_COLORS.get(event_type, TYPE_COLORS[OTHER_TYPE])


def hex_to_rgb(color: str) -> list[int]:
    color = color.lstrip("#")
    return [int(color[i:i + 2], 16) for i in (0, 2, 4)]


def type_color_rgb(event_type: str) -> list[int]:
    """An event type's colour as [r, g, b] for pydeck."""
    return hex_to_rgb(type_color(event_type))


def base_layout(**overrides) -> dict:
    """Layout settings every figure shares: large type, white background, room for labels."""
    layout = {
        "font": {"family": FONT_FAMILY, "size": FONT_SIZE, "color": "#222222"},
        "title": {"font": {"size": TITLE_SIZE}, "x": 0.01, "xanchor": "left"},
        "paper_bgcolor": "#FFFFFF",
        "plot_bgcolor": "#FFFFFF",
        "margin": {"l": 80, "r": 30, "t": 70, "b": 60},
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": FONT_SIZE}, "align": "left"},
        "legend": {"font": {"size": FONT_SIZE}},
    }
    legend = overrides.pop("legend", {})
    layout.update(overrides)
    layout["legend"] = {**layout["legend"], **legend}
    return layout


def _styled(fig: go.Figure, title: str | None, **overrides) -> go.Figure:
    fig.update_layout(**base_layout(**overrides))
    # Axis fonts are set on each axis too: Streamlit's chart theme would otherwise shrink them.
    for axis in [*fig.select_xaxes(), *fig.select_yaxes()]:
        if axis.tickfont.size is None:
            axis.tickfont.size = FONT_SIZE
        if axis.title.font.size is None:
            axis.title.font.size = FONT_SIZE
    if title:
        fig.update_layout(title_text=escape(title))
    return fig


def empty_figure(message: str = EMPTY_MESSAGE, title: str | None = None) -> go.Figure:
    """A blank figure that says why it is blank."""
    fig = go.Figure()
    fig.add_annotation(text=escape(message), x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font={"size": TITLE_SIZE, "color": "#555555"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _styled(fig, title, height=360)


def escape(value) -> str:
    """Text from the data made safe for plotly labels: < > & become entities."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=False)


def _wrapped(text, width: int = 70, max_lines: int = 6) -> str:
    """Escaped text broken into lines joined with <br>, for hover boxes."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    lines = textwrap.wrap(str(text), width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] += " …"
    return "<br>".join(escape(line) for line in lines)


def selected_event_ids(selection) -> list[str]:
    """Event ids of the points selected in a timeline (``st.plotly_chart(on_select=...)``)."""
    points = (selection or {}).get("points", []) if isinstance(selection, dict) else getattr(selection, "points", [])
    ids = []
    for point in points or []:
        data = point.get("customdata")
        if isinstance(data, (list, tuple)):
            data = data[0] if data else None
        if data and data not in ids:
            ids.append(str(data))
    return ids


# --- timeline -------------------------------------------------------------------------------

def _span(date: pd.Timestamp, precision: str, end) -> tuple[pd.Timestamp, pd.Timestamp | None]:
    """Start and end of what a date really says: a whole month or year when that is all we know."""
    last = date if end is None or pd.isna(end) else pd.Timestamp(end)
    if precision == "year":
        return pd.Timestamp(date.year, 1, 1), pd.Timestamp(last.year + 1, 1, 1)
    if precision == "month":
        return pd.Timestamp(date.year, date.month, 1), pd.Timestamp(last.year, last.month, 1) + pd.offsets.MonthBegin(1)
    if last > date:
        return date, last + pd.Timedelta(days=1)
    return date, None


def _stack_slots(rows: pd.DataFrame, pad: pd.Timedelta, per_side: int) -> list[int]:
    """Vertical slots within a lane so that markers close in time do not hide each other.

    Slots 0, 1, -1, 2, -2 … up to ``per_side``; when all are busy the least crowded is used.
    Only markers count: the translucent bars of month- and year-long events may overlap.
    """
    choices = [0] + [k for i in range(1, per_side + 1) for k in (i, -i)]
    slots = [0] * len(rows)
    recent: dict[tuple, list] = {}  # (lane, slot) -> end times of markers still close enough to collide
    marks = rows["x_mark"].tolist()
    lanes = rows["lane_pos"].tolist()
    ids = rows["event_id"].tolist()
    order = sorted(range(len(rows)), key=lambda i: (lanes[i], marks[i], ids[i]))
    for i in order:
        start = marks[i] - pad
        crowding = []
        for k in choices:
            ends = [e for e in recent.get((lanes[i], k), []) if e >= start]
            recent[(lanes[i], k)] = ends
            crowding.append(len(ends))
        slot = choices[crowding.index(min(crowding))]
        recent[(lanes[i], slot)].append(marks[i] + pad)
        slots[i] = slot
    return slots


def _lane_rows(events: pd.DataFrame, lanes: pd.DataFrame | None, lane_title: str, max_lanes: int) -> pd.DataFrame:
    if lanes is None or lanes.empty:
        rows = events.assign(lane="All events")
    else:
        rows = events.merge(lanes[["event_id", "lane"]].drop_duplicates(), on="event_id", how="left")
        rows["lane"] = rows["lane"].fillna(f"No {lane_title.lower()}").astype(str)
    counts = rows.groupby("lane")["event_id"].nunique().sort_values(ascending=False, kind="stable")
    counts = counts.sort_index(key=lambda idx: [(-counts[i], i) for i in idx])
    names = list(counts.index)
    if len(names) > max_lanes:
        keep = set(names[: max_lanes - 1])
        other = f"{len(names) - len(keep)} others"
        rows["lane"] = rows["lane"].where(rows["lane"].isin(keep), other)
        rows = rows.drop_duplicates(["event_id", "lane"])
        names = [n for n in names if n in keep] + [other]
    rows["lane_pos"] = rows["lane"].map({name: i for i, name in enumerate(names)})
    return rows.reset_index(drop=True), names


def _hover_text(row) -> str:
    precision = row.get("date_precision", "day")
    note = PRECISION_NOTE.get(precision, "")
    head = f"<b>{escape(row.get('date_label') or '')}</b>" + (f" ({note})" if note else "")
    parts = [head, f"<b>{escape(row.get('event_type'))}</b>: {_wrapped(row.get('summary'))}"]
    if row.get("actors"):
        parts.append("Actors: " + _wrapped(row.get("actors"), max_lines=2))
    if row.get("place") and not pd.isna(row.get("place")):
        parts.append("Place: " + escape(row.get("place")))
    if row.get("sources"):
        parts.append("Sources: " + _wrapped(row.get("sources"), max_lines=2))
    return "<br>".join(parts)


def _milestone_annotations(milestones, x_min, x_max, plot_px: float) -> tuple[list[dict], list[dict], int]:
    """Dashed lines (a shaded band for a month-precise milestone) and labels set in rows that never overlap."""
    shapes, notes, row_ends = [], [], []
    span = (x_max - x_min).total_seconds() or 1.0
    for milestone in sorted(milestones, key=lambda m: pd.Timestamp(m[0])):
        day, label = pd.Timestamp(milestone[0]), str(milestone[1])
        precision = milestone[2] if len(milestone) > 2 else "day"
        start, stop = _span(day, precision, None)
        x = start if stop is None else start + (stop - start) / 2
        if not (x_min <= x <= x_max):
            continue
        px = (x - x_min).total_seconds() / span * plot_px
        width = len(label) * FONT_SIZE * 0.52 + 12
        right_aligned = px > plot_px / 2
        left, right = (px - width, px) if right_aligned else (px, px + width)
        row = next((i for i, end in enumerate(row_ends) if left > end + 8), len(row_ends))
        if row == len(row_ends):
            row_ends.append(right)
        else:
            row_ends[row] = right
        if stop is None:
            shapes.append({"type": "line", "x0": x, "x1": x, "xref": "x", "yref": "paper", "y0": 0, "y1": 1,
                           "line": {"color": "#444444", "width": 1.5, "dash": "dash"}, "layer": "below"})
        else:
            shapes.append({"type": "rect", "x0": start, "x1": stop, "xref": "x", "yref": "paper", "y0": 0, "y1": 1,
                           "fillcolor": "rgba(68,68,68,0.12)", "line": {"color": "#444444", "width": 1, "dash": "dot"},
                           "layer": "below"})
        notes.append({"x": x, "xref": "x", "yref": "paper", "y": 1, "yshift": 6 + 24 * row,
                      "text": escape(label), "showarrow": False, "yanchor": "bottom",
                      "xanchor": "right" if right_aligned else "left",
                      "font": {"size": FONT_SIZE - 1, "color": "#333333"},
                      "bgcolor": "rgba(255,255,255,0.85)"})
    return shapes, notes, len(row_ends)


def _focus_start(spans: list[tuple[pd.Timestamp, pd.Timestamp]], end: pd.Timestamp,
                 weights: list[int] | None = None) -> pd.Timestamp | None:
    """Where the time axis may start so that a few early outliers do not squeeze everything else.

    At most a tenth of the events are left out, and only when that shows the rest at least
    two-thirds wider; None when nothing is worth cutting. ``weights`` counts events per span.
    """
    weights = [1] * len(spans) if weights is None else [int(w) for w in weights]
    ordered = sorted(zip(spans, weights, strict=True))
    budget, first = sum(weights) // 10, ordered[0][0][0]
    hidden = 0
    for (start, _), weight in ordered:
        if hidden > budget:
            return None
        # The earliest start that hides something and makes the rest at least 2/3 wider.
        if hidden and (end - start) <= 0.6 * (end - first):
            return start if any(stop < start for (_, stop), _ in ordered) else None
        hidden += weight
    return None


def _left_out_note(spans: list[tuple[pd.Timestamp, pd.Timestamp]], start: pd.Timestamp, noun: str,
                   weights: list[int] | None = None) -> str:
    weights = [1] * len(spans) if weights is None else [int(w) for w in weights]
    hidden = sorted((s, w) for (s, stop), w in zip(spans, weights, strict=True) if stop < start)
    first, last = hidden[0][0].year, hidden[-1][0].year
    count = sum(w for _, w in hidden)
    years = str(first) if first == last else f"{first}–{last}"
    plural = "s" if count != 1 else ""
    return f"← {count:,} earlier {noun}{plural} ({years}) not shown: double-click to see all"


def timeline_figure(events: pd.DataFrame, lanes: pd.DataFrame | None = None, lane_title: str = "Country",
                    milestones=(), title: str | None = None, max_lanes: int = 8,
                    x_start="auto", width_hint: int = 1000) -> go.Figure:
    """Events on a time axis, one lane per country or actor, coloured by event type.

    ``lanes`` maps event_id → lane (an event may sit in several lanes). Day-precise events are
    filled circles; events known only to the month or year are a bar over that month or year
    with an open diamond in its middle. Every point carries its event id as ``customdata``.
    ``milestones`` are (date, label) or (date, label, precision) tuples, see :func:`default_milestones`.
    ``x_start``: "auto" starts the axis after a few early outliers (saying so under the axis),
    None shows everything, a date starts there.
    """
    if events is None or events.empty:
        return empty_figure(title=title)
    frame = events.copy()
    frame["date"] = pd.to_datetime(frame["date"])
    frame["date_end"] = pd.to_datetime(frame["date_end"]) if "date_end" in frame else pd.NaT
    if "date_precision" not in frame:
        frame["date_precision"] = "day"
    rows, lane_names = _lane_rows(frame, lanes, lane_title, max_lanes)
    spans = [_span(d, p, e) for d, p, e in zip(rows["date"], rows["date_precision"], rows["date_end"], strict=True)]
    rows["x_start"] = [s for s, _ in spans]
    rows["x_stop"] = [e for _, e in spans]
    rows["coarse"] = rows["date_precision"].isin(["month", "year"])
    rows["x_mark"] = [s + (e - s) / 2 if c else s for (s, e), c in zip(spans, rows["coarse"], strict=True)]
    x_max = max(rows["x_stop"].dropna().max() if rows["x_stop"].notna().any() else rows["x_start"].min(),
                rows["x_start"].max())
    per_event = rows.drop_duplicates("event_id")
    event_spans = [(s, e if pd.notna(e) else s) for s, e in zip(per_event["x_start"], per_event["x_stop"], strict=True)]
    x_min = rows["x_start"].min()
    if x_start == "auto":
        x_start = _focus_start(event_spans, x_max)
    note = ""
    if x_start is not None and pd.Timestamp(x_start) > x_min:
        x_min = pd.Timestamp(x_start)
        if any(stop < x_min for _, stop in event_spans):
            note = _left_out_note(event_spans, x_min, "event")
    pad = max((x_max - x_min) * 0.03, pd.Timedelta(days=20))
    x_min, x_max = x_min - pad, x_max + pad
    plot_px = width_hint - 230
    shapes, notes, label_rows = _milestone_annotations(milestones or (), x_min, x_max, plot_px)
    top = 60 + (24 * label_rows + 10 if label_rows else 0) + (30 if title else 0)
    # Ticks a few days apart carry the year on a second line: the legend goes below both.
    tick_px = 64 if x_max - x_min < pd.Timedelta(days=150) else 28
    below_px = tick_px + (26 if note else 0)
    bottom = 62 + below_px
    height = max(460 if len(lane_names) == 1 else 380, 150 + top + 46 * len(lane_names))
    lane_px = (height - top - bottom) / len(lane_names)
    step = max(17 / lane_px, 0.1)
    per_side = max(1, int(0.32 / step))
    step = min(step, 0.3 / per_side)
    rows["slot"] = _stack_slots(rows, (x_max - x_min) * 0.012, per_side)
    rows["y"] = rows["lane_pos"] + rows["slot"] * step
    rows["hover"] = [_hover_text(r) for r in rows.to_dict("records")]

    fig = go.Figure()
    for event_type in [t for t in EVENT_TYPES if t in set(rows["event_type"])]:
        color = type_color(event_type)
        of_type = rows[rows["event_type"] == event_type]
        with_span = of_type[of_type["x_stop"].notna()]
        if len(with_span):
            xs, ys = [], []
            for r in with_span.itertuples():
                xs += [r.x_start, r.x_stop, None]
                ys += [r.y, r.y, None]
            fig.add_trace(go.Scatter(
                x=xs, y=ys, mode="lines", line={"color": color, "width": 7}, opacity=0.45,
                hoverinfo="skip", legendgroup=event_type, showlegend=False, name=f"{event_type} span",
                meta={"kind": "span"},
            ))
        first = True
        for kind, part in (("day", of_type[~of_type["coarse"]]), ("coarse", of_type[of_type["coarse"]])):
            if part.empty:
                continue
            marker = (
                {"symbol": "circle", "size": 15, "color": color, "line": {"color": "#222222", "width": 1}}
                if kind == "day" else
                {"symbol": "diamond-open", "size": 16, "color": color, "line": {"color": color, "width": 3}}
            )
            fig.add_trace(go.Scatter(
                x=part["x_mark"], y=part["y"], mode="markers", marker=marker, name=event_type,
                legendgroup=event_type, showlegend=first, customdata=part["event_id"].tolist(),
                hovertext=part["hover"].tolist(), hoverinfo="text", meta={"kind": kind},
            ))
            first = False
    if rows["coarse"].any():
        fig.add_trace(go.Scatter(
            x=[None], y=[None], mode="lines+markers", name="bar ◇ = month or year only",
            marker={"symbol": "diamond-open", "size": 14, "color": "#555555", "line": {"width": 3}},
            line={"color": "rgba(85,85,85,0.45)", "width": 7}, hoverinfo="skip", meta={"kind": "key"},
        ))
    bands = [{"type": "rect", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": i - 0.5, "y1": i + 0.5,
              "fillcolor": "#F1F3F5", "line": {"width": 0}, "layer": "below"}
             for i in range(0, len(lane_names), 2)]
    fig.update_layout(shapes=bands + shapes, annotations=notes)
    fig.update_xaxes(range=[x_min, x_max], showgrid=True, gridcolor="#E0E0E0", type="date",
                     title={"text": note, "font": {"size": FONT_SIZE - 1, "color": "#555555"}, "standoff": 8})
    fig.update_yaxes(
        tickvals=list(range(len(lane_names))), ticktext=[escape(n) for n in lane_names],
        range=[len(lane_names) - 0.5, -0.5], showgrid=False, zeroline=False,
        title_text=escape(lane_title) if lanes is not None else "",
    )
    return _styled(
        fig, title, height=height, hovermode="closest", dragmode="select", clickmode="event+select",
        margin={"l": 150, "r": 30, "t": top, "b": bottom},
        legend={"orientation": "h", "y": -below_px / (height - top - bottom), "yanchor": "top", "x": 0,
                "font": {"size": FONT_SIZE - 1}},
    )


# --- events over time -----------------------------------------------------------------------

_UNIT_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30.44, "year": 365.25}
_ROW_TITLES = {
    "day": "Events per day", "week": "Events per week", "month": "Events per month", "year": "Events per year",
}


def _period_label(period: pd.Timestamp, unit: str) -> str:
    return {
        "day": period.strftime("%d %b %Y").lstrip("0"), "week": "week of " + period.strftime("%d %b %Y").lstrip("0"),
        "month": period.strftime("%b %Y"), "year": str(period.year),
    }[unit]


def _period_end(period: pd.Timestamp, unit: str) -> pd.Timestamp:
    if unit == "year":
        return pd.Timestamp(period.year + 1, 1, 1)
    if unit == "month":
        return period + pd.offsets.MonthBegin(1)
    return period + pd.Timedelta(days=_UNIT_DAYS[unit])


def monthly_counts_figure(counts: pd.DataFrame, title: str | None = None, x_start="auto") -> go.Figure:
    """Stacked bars of events per period and type; coarser-dated events get their own hatched row.

    ``counts`` is :func:`analysis.queries.counts_over_time`. An event known only to the year
    is drawn as a hatched bar over the whole year in a row of its own, never in a month.
    ``x_start`` works as in :func:`timeline_figure`.
    """
    if counts is None or counts.empty:
        return empty_figure(title=title)
    frame = counts.copy()
    frame["period"] = pd.to_datetime(frame["period"])
    units = sorted(frame["period_unit"].unique(), key=_UNIT_RANK.get)
    main = units[0]
    row_titles = [_ROW_TITLES[main]] + [PRECISION_NOTE.get(u) or _ROW_TITLES[u] for u in units[1:]]
    row_titles = [t[0].upper() + t[1:] for t in row_titles]
    heights = [1.0] if len(units) == 1 else [0.68] + [0.32 / (len(units) - 1)] * (len(units) - 1)
    fig = make_subplots(rows=len(units), cols=1, shared_xaxes=True, row_heights=heights,
                        vertical_spacing=0.11, subplot_titles=row_titles)
    spans = [(p, _period_end(p, u)) for p, u in zip(frame["period"], frame["period_unit"], strict=True)]
    weights = frame["events"].tolist()
    x_min, x_max = min(s for s, _ in spans), max(e for _, e in spans)
    if x_start == "auto":
        x_start = _focus_start(spans, x_max, weights)
    note = ""
    if x_start is not None and pd.Timestamp(x_start) > x_min:
        x_min = pd.Timestamp(x_start)
        if any(stop < x_min for _, stop in spans):
            note = _left_out_note(spans, x_min, "event", weights)
    pad = max((x_max - x_min) * 0.02, pd.Timedelta(days=15))
    shown = set()
    for row, unit in enumerate(units, start=1):
        part = frame[frame["period_unit"] == unit]
        days = _UNIT_DAYS[unit]
        width_ms = days * 0.86 * 86_400_000
        for event_type in [t for t in EVENT_TYPES if t in set(part["event_type"])]:
            bars = part[part["event_type"] == event_type].sort_values("period")
            centers = [p + pd.Timedelta(days=days / 2) for p in bars["period"]]
            hover = [
                f"<b>{_period_label(p, unit)}</b>"
                + (f" ({PRECISION_NOTE[unit]})" if row > 1 and unit in PRECISION_NOTE else "")
                + f"<br>{escape(event_type)}: {n} event{'s' if n != 1 else ''}"
                for p, n in zip(bars["period"], bars["events"], strict=True)
            ]
            marker = {"color": type_color(event_type), "line": {"color": "#FFFFFF", "width": 0.5}}
            if row > 1:
                marker["pattern"] = {"shape": "/", "size": 8, "solidity": 0.45}
            fig.add_trace(go.Bar(
                x=centers, y=bars["events"], width=[width_ms] * len(bars), name=event_type, legendgroup=event_type,
                showlegend=event_type not in shown, marker=marker, hovertext=hover, hoverinfo="text",
                customdata=[[event_type, p.date().isoformat(), unit] for p in bars["period"]],
                meta={"unit": unit},
            ), row=row, col=1)
            shown.add(event_type)
        fig.update_yaxes(title_text="events", rangemode="tozero", gridcolor="#E5E5E5", row=row, col=1)
    fig.update_xaxes(type="date", showgrid=False, range=[x_min - pad, x_max + pad])
    fig.update_xaxes(title={"text": note, "font": {"size": FONT_SIZE - 1, "color": "#555555"}, "standoff": 8},
                     row=len(units), col=1)
    fig.update_annotations(font_size=FONT_SIZE + 1, x=0, xanchor="left")
    return _styled(
        fig, title, barmode="stack", bargap=0, height=520 if len(units) == 1 else 600,
        margin={"l": 80, "r": 30, "t": 90 if title else 60, "b": 60},
        legend={"orientation": "v", "x": 1.01, "y": 1, "font": {"size": FONT_SIZE - 1}},
    )


# --- who appears with whom ------------------------------------------------------------------

def _short(name: str, limit: int = 30) -> str:
    name = str(name)
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def cooccurrence_heatmap(matrix: pd.DataFrame, measure: str = "together", title: str | None = None) -> go.Figure:
    """Actor × actor heatmap of how often two actors appear in the same events.

    ``matrix`` is :func:`analysis.queries.cooccurrence_matrix`; ``measure`` is "together" or
    "jaccard". Each cell with a value carries the pair of names as ``customdata`` on an
    invisible, selectable marker layer (heatmaps themselves cannot be selected in plotly).
    """
    if matrix is None or matrix.empty:
        return empty_figure(title=title)
    names = [str(n) for n in matrix.index]
    n = len(names)
    values = matrix.to_numpy(dtype=float)
    label = MEASURE_TITLES.get(measure, measure)
    is_ratio = measure == "jaccard"
    z = [[None if i == j else values[i][j] for j in range(n)] for i in range(n)]
    fmt = (lambda v: f"{v:.2f}") if is_ratio else (lambda v: f"{v:.0f}")
    cell_text = [["" if v is None or v == 0 else fmt(v) for v in row] for row in z]
    zmax = max((v for row in z for v in row if v is not None), default=1) or 1
    fig = go.Figure(go.Heatmap(
        z=z, x=list(range(n)), y=list(range(n)), colorscale="Blues", zmin=0, zmax=zmax,
        colorbar={"title": {"text": escape(label), "side": "right"}, "thickness": 18},
        text=cell_text if n <= 18 else None, texttemplate="%{text}" if n <= 18 else None,
        textfont={"size": FONT_SIZE - 1}, hoverinfo="skip", xgap=1, ygap=1,
    ))
    cells = [(i, j) for i in range(n) for j in range(n) if i != j and z[i][j]]
    fig.add_trace(go.Scatter(
        x=[j for _, j in cells], y=[i for i, _ in cells], mode="markers",
        marker={"symbol": "square", "size": max(6, min(40, 560 // max(n, 1))), "opacity": 0,
                "color": "#000000"},
        selected={"marker": {"opacity": 0.25}}, unselected={"marker": {"opacity": 0}},
        customdata=[[names[i], names[j]] for i, j in cells],
        hovertext=[f"<b>{escape(names[i])}</b> and <b>{escape(names[j])}</b><br>{fmt(z[i][j])} {escape(label)}"
                   for i, j in cells],
        hoverinfo="text", showlegend=False, name="pairs",
    ))
    tick_size = FONT_SIZE if n <= 20 else 13
    ticks = [escape(_short(name, 28)) for name in names]
    fig.update_xaxes(tickvals=list(range(n)), ticktext=ticks, tickangle=-50, tickfont_size=tick_size,
                     showgrid=False, zeroline=False, range=[-0.5, n - 0.5])
    fig.update_yaxes(tickvals=list(range(n)), ticktext=ticks, tickfont_size=tick_size, autorange=False,
                     range=[n - 0.5, -0.5], showgrid=False, zeroline=False)
    return _styled(fig, title, height=max(520, 180 + 26 * n), plot_bgcolor="#D4D4D4",
                   margin={"l": 250, "r": 30, "t": 70 if title else 30, "b": 230},
                   dragmode="zoom", clickmode="event+select")


def _edge_level(weight: float, w_max: float) -> int:
    """Line width class 1–4 of a network edge; a tiny share of the largest is still class 1."""
    return max(1, min(4, math.ceil(4 * float(weight) / float(w_max))))


def _actor_group(country) -> str:
    if country is None or (isinstance(country, float) and math.isnan(country)) or country == "" or pd.isna(country):
        return "Multinational body"
    return _FOCUS_COUNTRIES.get(country, "Other country")


# The busiest places always get a label on the map; others only where one fits.
ALWAYS_LABELLED = 12


def _place_labels(points: list[tuple[float, float, float]], labels: list[str], font_px: float,
                  size: tuple[float, float], order: list[int] | None = None,
                  always: int | None = None) -> list[tuple[float, float] | None]:
    """Pixel offsets for labels next to points so that labels cover neither each other nor points.

    ``points`` are (x_px, y_px, radius_px) with y growing downwards; only those listed in
    ``order`` get a label, every point is an obstacle. Greedy: the first in ``order`` chooses
    first among eight places around itself; a label goes where it overlaps least when no
    place is free. With ``always``, only the first ``always`` in ``order`` are labelled
    whatever the overlap; a later label with no free place is left out (None), so that a
    crowded map stays readable. Returns the offset of each label's centre from its point.
    """
    boxes: list[tuple[float, float, float, float]] = []
    offsets: list[tuple[float, float]] = [(0.0, 0.0)] * len(points)
    width_px, height_px = size

    def overlap(a, b):
        return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))

    for rank, i in enumerate(order if order is not None else range(len(points))):
        x, y, r = points[i]
        w = len(labels[i]) * font_px * 0.58 + 6
        h = font_px * 1.3
        gap = r + 4
        candidates = [
            (gap + w / 2, 0), (-gap - w / 2, 0), (0, -gap - h / 2), (0, gap + h / 2),
            (gap + w / 2, -gap - h / 2 + 4), (-gap - w / 2, -gap - h / 2 + 4),
            (gap + w / 2, gap + h / 2 - 4), (-gap - w / 2, gap + h / 2 - 4),
        ]
        best, best_cost = candidates[0], None
        for dx, dy in candidates:
            box = (x + dx - w / 2, y + dy - h / 2, x + dx + w / 2, y + dy + h / 2)
            cost = sum(overlap(box, other) for other in boxes)
            cost += sum(overlap(box, (px - pr, py - pr, px + pr, py + pr))
                        for j, (px, py, pr) in enumerate(points) if j != i)
            outside = max(0, -box[0]) + max(0, box[2] - width_px) + max(0, -box[1]) + max(0, box[3] - height_px)
            cost += outside * h * 2
            if best_cost is None or cost < best_cost - 1e-9:
                best, best_cost = (dx, dy), cost
        if always is not None and rank >= always and best_cost > 1e-9:
            offsets[i] = None
            continue
        offsets[i] = best
        dx, dy = best
        boxes.append((x + dx - w / 2, y + dy - h / 2, x + dx + w / 2, y + dy + h / 2))
    return offsets


def _network_layout(graph: nx.Graph) -> dict:
    """Seeded spring layout of each connected component, the biggest on the left, others in columns beside it.

    Laying out components apart keeps a small cluster from being pushed to a far corner.
    """
    components = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0]))
    pos, column_x, column_y, column_w = {}, 0.0, 0.0, 0.0
    main_side = 2 * math.sqrt(len(components[0]))
    for index, nodes in enumerate(components):
        sub = nx.Graph()
        sub.add_nodes_from(nodes)
        sub.add_weighted_edges_from(
            (a, b, math.log1p(d["weight"])) for a, b, d in graph.subgraph(nodes).edges(data=True))
        local = nx.spring_layout(sub, seed=7, k=2.4 / math.sqrt(len(nodes)), iterations=400)
        side = 2 * math.sqrt(max(len(nodes), 2))
        width = side * (1.5 if index == 0 else 1.0)
        if index == 0:
            x0, y0 = 0.0, 0.0
            column_x = width / 2 + 0.8
        else:
            if column_y + side > main_side and column_y > 0:
                column_x, column_y, column_w = column_x + column_w + 0.8, 0.0, 0.0
            x0, y0 = column_x + side / 2, main_side / 2 - column_y - side / 2
            column_y += side + 0.8
            column_w = max(column_w, side)
        xs = [x for x, _ in local.values()]
        ys = [y for _, y in local.values()]
        x_mid, y_mid = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
        x_half, y_half = max((max(xs) - min(xs)) / 2, 1e-9), max((max(ys) - min(ys)) / 2, 1e-9)
        for node, (x, y) in local.items():
            pos[node] = (x0 + (x - x_mid) / x_half * width * 0.45, y0 + (y - y_mid) / y_half * side * 0.45)
    return pos


def _node_hover(actor, group: str) -> str:
    where = "" if group == "Multinational body" else f", {escape(country_name(actor['country']))}"
    return f"<b>{escape(actor['name'])}</b><br>{escape(actor['kind'])}{where}<br>{int(actor['events'])} events"


def network_figure(pairs: pd.DataFrame, actors: pd.DataFrame, measure: str = "together", top: int = 30,
                   title: str | None = None, labels: int = 14, size: tuple[int, int] = (1280, 720)) -> go.Figure:
    """Network of the actors seen together most, laid out by a seeded spring layout.

    Node size is the actor's number of events, edge width the co-occurrence measure, node
    colour the actor's country (Russia and the three AES countries) or kind. Nodes carry the
    actor id as ``customdata``; edges carry the pair on invisible midpoint markers.
    """
    if pairs is None or actors is None or pairs.empty or actors.empty:
        return empty_figure(title=title)
    chosen = actors.sort_values(["events", "name"], ascending=[False, True]).head(top)
    info = chosen.set_index("actor_id")
    keep = pairs[pairs["actor_a"].isin(info.index) & pairs["actor_b"].isin(info.index)]
    keep = keep[keep[measure] > 0]
    if keep.empty:
        return empty_figure("No two of these actors appear in the same event", title=title)
    graph = nx.Graph()
    graph.add_nodes_from(sorted(set(keep["actor_a"]) | set(keep["actor_b"])))
    for row in keep.sort_values(["actor_a", "actor_b"]).itertuples():
        graph.add_edge(row.actor_a, row.actor_b, weight=float(getattr(row, measure)))
    pos = _network_layout(graph)
    label = MEASURE_TITLES.get(measure, measure)
    fig = go.Figure()
    w_max = keep[measure].max()
    bins = sorted({_edge_level(w, w_max) for w in keep[measure]})
    for level in bins:
        xs, ys = [], []
        for a, b, data in graph.edges(data=True):
            if _edge_level(data["weight"], w_max) == level:
                xs += [pos[a][0], pos[b][0], None]
                ys += [pos[a][1], pos[b][1], None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                                 line={"color": "rgba(90,100,110,0.45)", "width": 1 + 2.2 * (level - 1)},
                                 meta={"kind": "edges", "level": level}))
    edges = list(graph.edges(data=True))
    fmt = (lambda v: f"{v:.2f}") if measure == "jaccard" else (lambda v: f"{v:.0f}")
    fig.add_trace(go.Scatter(
        x=[(pos[a][0] + pos[b][0]) / 2 for a, b, _ in edges], y=[(pos[a][1] + pos[b][1]) / 2 for a, b, _ in edges],
        mode="markers", marker={"size": 10, "opacity": 0}, showlegend=False, hoverinfo="text", name="pairs",
        hovertext=[f"<b>{escape(info.loc[a, 'name'])}</b> and <b>{escape(info.loc[b, 'name'])}</b><br>"
                   f"{fmt(d['weight'])} {escape(label)}" for a, b, d in edges],
        customdata=[[a, b] for a, b, _ in edges], meta={"kind": "edge-points"},
    ))
    nodes = list(graph.nodes)
    e_max = max(float(info.loc[n, "events"]) for n in nodes) or 1.0
    node_size = {n: 14 + 34 * math.sqrt(float(info.loc[n, "events"]) / e_max) for n in nodes}
    groups = {n: _actor_group(info.loc[n, "country"]) for n in nodes}
    for group, color in ACTOR_GROUP_COLORS.items():
        members = [n for n in nodes if groups[n] == group]
        if not members:
            continue
        fig.add_trace(go.Scatter(
            x=[pos[n][0] for n in members], y=[pos[n][1] for n in members], mode="markers", name=group,
            marker={"size": [node_size[n] for n in members], "color": color,
                    "line": {"color": "#FFFFFF", "width": 1.5}},
            customdata=members, hoverinfo="text",
            hovertext=[_node_hover(info.loc[n], groups[n]) for n in members],
            meta={"kind": "nodes"},
        ))
    xs = [pos[n][0] for n in nodes]
    ys = [pos[n][1] for n in nodes]
    x_lo, x_hi, y_lo, y_hi = min(xs), max(xs), min(ys), max(ys)
    x_pad, y_pad = (x_hi - x_lo) * 0.12 + 0.05, (y_hi - y_lo) * 0.1 + 0.05
    x_range, y_range = (x_lo - x_pad, x_hi + x_pad), (y_lo - y_pad, y_hi + y_pad)
    margin = {"l": 20, "r": 20, "t": 70 if title else 30, "b": 20}
    legend_px = 230
    plot_w = size[0] - margin["l"] - margin["r"] - legend_px
    plot_h = size[1] - margin["t"] - margin["b"]

    def to_px(n):
        return ((pos[n][0] - x_range[0]) / (x_range[1] - x_range[0]) * plot_w,
                (y_range[1] - pos[n][1]) / (y_range[1] - y_range[0]) * plot_h, node_size[n] / 2)

    ranked = sorted(nodes, key=lambda n: (-float(info.loc[n, "events"]), str(info.loc[n, "name"])))[:labels]
    names = [_short(info.loc[n, "name"], 26) if n in ranked else "" for n in nodes]
    order = [nodes.index(n) for n in ranked]
    offsets = _place_labels([to_px(n) for n in nodes], names, FONT_SIZE, (plot_w, plot_h), order)
    fig.update_layout(annotations=[
        {"x": pos[nodes[i]][0], "y": pos[nodes[i]][1], "xshift": offsets[i][0], "yshift": -offsets[i][1],
         "text": escape(names[i]), "showarrow": False, "font": {"size": FONT_SIZE},
         "bgcolor": "rgba(255,255,255,0.75)", "xanchor": "center", "yanchor": "middle"}
        for i in order
    ])
    fig.update_xaxes(visible=False, range=x_range)
    fig.update_yaxes(visible=False, range=y_range)
    return _styled(fig, title, height=size[1], hovermode="closest", margin=margin,
                   legend={"title": {"text": "Actor from"}, "x": 1.0, "xanchor": "left", "y": 1,
                           "itemsizing": "constant"})


# --- the map --------------------------------------------------------------------------------

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
STATIC_BASE = "app/static/"
MAP_STYLE_FILE = "map-style.json"
COUNTRIES_FILE = "countries.geojson"
SEA_COLOR = "#D6E4EE"
LAND_COLOR = "#F6F4EF"
FOCUS_LAND_COLOR = "#EDE3CC"
BORDER_COLOR = "#9C9A94"


def offline_style(countries_url: str = STATIC_BASE + COUNTRIES_FILE) -> dict:
    """A MapLibre/Mapbox GL style with sea, land and borders from one GeoJSON: no tiles, no network.

    The AES countries are a shade darker so the region stands out at world zoom.
    """
    return {
        "version": 8,
        "name": "Countries (offline)",
        "sources": {"countries": {"type": "geojson", "data": countries_url}},
        "layers": [
            {"id": "sea", "type": "background", "paint": {"background-color": SEA_COLOR}},
            {"id": "land", "type": "fill", "source": "countries", "paint": {"fill-color": LAND_COLOR}},
            {"id": "aes-land", "type": "fill", "source": "countries",
             "filter": ["in", "ISO_A3", "MLI", "NER", "BFA"], "paint": {"fill-color": FOCUS_LAND_COLOR}},
            {"id": "borders", "type": "line", "source": "countries",
             "paint": {"line-color": BORDER_COLOR, "line-width": 0.8}},
        ],
    }


def map_style_url(base: str = STATIC_BASE) -> str:
    """URL of the offline style as the browser sees it; relative to the page, so it keeps a base path."""
    return base.rstrip("/") + "/" + MAP_STYLE_FILE


def _mercator(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    scale = 512 * 2 ** zoom
    lat = max(min(lat, 85.0), -85.0)
    x = (lon + 180) / 360 * scale
    y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * scale
    return x, y


def fit_view(lons: list[float], lats: list[float], size: tuple[int, int] = (1100, 500),
             padding: float = 60) -> pdk.ViewState:
    """The view (centre and zoom) that shows every point, in deck.gl's 512-pixel world."""
    if not lons:
        return pdk.ViewState(latitude=20, longitude=10, zoom=1.5)
    x0, y0 = _mercator(min(lons), max(lats), 0)
    x1, y1 = _mercator(max(lons), min(lats), 0)
    dx, dy = max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)
    zoom = math.log2(min((size[0] - 2 * padding) / dx, (size[1] - 2 * padding) / dy))
    zoom = max(0.5, min(zoom, 8.0))
    cx, cy = (x0 + x1) / 2 / 512, (y0 + y1) / 2 / 512
    lon = cx * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * cy))))
    return pdk.ViewState(latitude=lat, longitude=lon, zoom=round(zoom, 2), pitch=0, bearing=0)


# Arcs rise above the ground, so without this they would hide the dots and labels under them.
_ON_TOP = {"depthCompare": "always"}


def _link_direction(row) -> str:
    if row["from_country"] == "RUS" and row["to_country"] != "RUS":
        return "from Russia"
    if row["to_country"] == "RUS" and row["from_country"] != "RUS":
        return "towards Russia"
    return "between other places"


def links_legend(color_by: str = "type", links: pd.DataFrame | None = None) -> list[tuple[str, str]]:
    """(label, hex colour) pairs that explain the arc colours of :func:`links_deck`."""
    if color_by == "direction":
        return list(DIRECTION_COLORS.items())
    types = list(EVENT_TYPES)
    mixed = True
    if links is not None and not links.empty:
        parts = [str(t).split(",") for t in links["event_types"]]
        present = {p[0] for p in parts if len(p) == 1}
        types = [t for t in EVENT_TYPES if t in present]
        mixed = any(len(p) > 1 for p in parts)
    return [(t, type_color(t)) for t in types] + ([("several types", MIXED_COLOR)] if mixed else [])


def _join_lines(items, limit: int = 3, width: int = 80) -> str:
    lines = []
    for item in list(items or [])[:limit]:
        text = str(item)
        lines.append("• " + (text if len(text) <= width else text[: width - 1].rstrip() + "…"))
    return "\n".join(lines)


def links_deck(links: pd.DataFrame, places: pd.DataFrame, color_by: str = "type", map_style: str | None = None,
               basemap: str = "offline", static_base: str = STATIC_BASE, height: int = 500,
               view_size: tuple[int, int] = (1100, 500)) -> pdk.Deck:
    """Map of arcs from actors' home capitals to event places, with the places as dots.

    ``links`` is :func:`analysis.queries.capital_links`, ``places`` :func:`place_counts`.
    Arc width follows the number of events; colour the event type (grey when several types)
    or, with ``color_by="direction"``, whether the link leaves Russia, ends there or neither.
    Tooltips are plain text (deck.gl ``text`` tooltips never render HTML). The basemap is
    the offline countries style served from ``static/``; ``basemap="carto"`` uses Carto tiles.
    """
    links = links if links is not None else pd.DataFrame()
    places = places if places is not None else pd.DataFrame()
    arcs = links.copy()
    if not arcs.empty:
        biggest = float(arcs["events"].max()) or 1.0
        arcs["width"] = [round(2 + 10 * math.sqrt(float(n) / biggest), 2) for n in arcs["events"]]
        type_lists = [str(t).split(",") if isinstance(t, str) and t else [] for t in arcs["event_types"]]
        if color_by == "direction":
            arcs["direction"] = [_link_direction(r) for r in arcs.to_dict("records")]
            colors = [hex_to_rgb(DIRECTION_COLORS[d]) for d in arcs["direction"]]
        else:
            colors = [type_color_rgb(t[0]) if len(t) == 1 else hex_to_rgb(MIXED_COLOR) for t in type_lists]
        arcs["color"] = [c + [220] for c in colors]
        latest = arcs["latest_events"] if "latest_events" in arcs else [[] for _ in range(len(arcs))]
        arcs["tooltip"] = [
            f"{r['from_name']} → {r['to_name']}\n{int(r['events'])} event{'s' if r['events'] != 1 else ''}"
            f" · {', '.join(t) if t else 'no type'}"
            + (f"\nLatest:\n{_join_lines(items)}" if items is not None and len(items) else "")
            for r, t, items in zip(arcs.to_dict("records"), type_lists, latest, strict=True)
        ]
        arcs = arcs[["from_lon", "from_lat", "to_lon", "to_lat", "width", "color", "tooltip", "events"]]

    dots = _map_places(places, links)
    view = fit_view(dots["lon"].tolist(), dots["lat"].tolist(), view_size) if not dots.empty else fit_view([], [])
    if not dots.empty:
        zoom = view.zoom
        cx, cy = _mercator(view.longitude, view.latitude, zoom)
        px = [(x - cx + view_size[0] / 2, y - cy + view_size[1] / 2)
              for x, y in (_mercator(lon, lat, zoom) for lon, lat in zip(dots["lon"], dots["lat"], strict=True))]
        order = sorted(range(len(dots)), key=lambda i: (-dots["events"].iloc[i], dots["name"].iloc[i]))
        points = [(x, y, r) for (x, y), r in zip(px, dots["radius"], strict=True)]
        offsets = _place_labels(points, dots["name"].tolist(), 15, view_size, order, always=ALWAYS_LABELLED)
        dots["label"] = [name if offset else "" for name, offset in zip(dots["name"], offsets, strict=True)]
        dots["offset"] = [[round(o[0], 1), round(o[1], 1)] if o else [0, 0] for o in offsets]

    layers = []
    if not arcs.empty:
        layers.append(pdk.Layer(
            "ArcLayer", data=arcs, id="links", pickable=True, auto_highlight=True,
            get_source_position="[from_lon, from_lat]", get_target_position="[to_lon, to_lat]",
            get_source_color="color", get_target_color="color", get_width="width",
            width_units="'pixels'", get_height=0.6, great_circle=False,
        ))
    if not dots.empty:
        layers.append(pdk.Layer(
            "ScatterplotLayer", data=dots, id="places", pickable=True, stroked=True, filled=True,
            get_position="[lon, lat]", get_radius="radius", radius_units="'pixels'",
            get_fill_color="fill", get_line_color=[255, 255, 255], line_width_min_pixels=1.5,
            parameters=_ON_TOP,
        ))
        layers.append(pdk.Layer(
            "TextLayer", data=dots[dots["label"] != ""], id="place-labels", pickable=False,
            get_position="[lon, lat]", get_text="label", get_size=15, size_units="'pixels'",
            character_set="'auto'",  # every letter the names use (São Paulo, Ménaka), not ASCII only
            get_color=[30, 30, 30], get_pixel_offset="offset", get_text_anchor="'middle'",
            get_alignment_baseline="'center'", font_family='"Liberation Sans, Arial, sans-serif"',
            font_weight=600, background=True, get_background_color=[255, 255, 255, 215],
            background_padding=[3, 1, 3, 1], parameters=_ON_TOP,
        ))
    if map_style is None:
        map_style = pdk.map_styles.CARTO_LIGHT if basemap == "carto" else map_style_url(static_base)
    return pdk.Deck(
        layers=layers, initial_view_state=view, map_provider="carto" if basemap == "carto" else "maplibre",
        map_style=map_style, height=height,
        tooltip={"text": "{tooltip}", "style": {"fontSize": "15px", "whiteSpace": "pre-line", "maxWidth": "520px",
                                                "backgroundColor": "#222222", "color": "#FFFFFF"}},
    )


def _map_places(places: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Every place to draw: event places sized by events, plus capitals that only start arcs."""
    rows = {}
    if places is not None and not places.empty:
        for r in places.itertuples():
            rows[(round(float(r.lat), 4), round(float(r.lon), 4))] = {
                "name": str(r.name), "lat": float(r.lat), "lon": float(r.lon), "events": int(r.events)}
    if links is not None and not links.empty:
        for r in links.itertuples():
            for name, lat, lon in ((r.from_name, r.from_lat, r.from_lon), (r.to_name, r.to_lat, r.to_lon)):
                key = (round(float(lat), 4), round(float(lon), 4))
                rows.setdefault(key, {"name": str(name), "lat": float(lat), "lon": float(lon), "events": 0})
    dots = pd.DataFrame(list(rows.values()), columns=["name", "lat", "lon", "events"])
    if dots.empty:
        return dots
    biggest = max(dots["events"].max(), 1)
    dots["radius"] = [round(4 + 12 * math.sqrt(n / biggest), 1) if n else 4.0 for n in dots["events"]]
    dots["fill"] = [[34, 34, 34, 230] if n else [120, 120, 120, 200] for n in dots["events"]]
    dots["tooltip"] = [
        f"{name}\n{n} event{'s' if n != 1 else ''} here" if n else f"{name}\nhome capital of actors in these events"
        for name, n in zip(dots["name"], dots["events"], strict=True)
    ]
    return dots


# --- PNG export -----------------------------------------------------------------------------

class FigureExportError(RuntimeError):
    """A figure could not be turned into an image (no Chromium, or it failed)."""


class _Renderer:
    """One Kaleido (headless Chromium) kept open in a background event loop: ~0.2 s per image."""

    def __init__(self):
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None

    def _start(self):
        import kaleido

        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="figure-png", daemon=True)
        thread.start()
        engine = kaleido.Kaleido(mathjax=False)
        try:
            asyncio.run_coroutine_threadsafe(engine.open(), loop).result(timeout=60)
        except Exception as exc:
            loop.call_soon_threadsafe(loop.stop)
            raise FigureExportError(f"PNG export needs a headless Chromium, which did not start: {exc}") from exc
        self._loop, self._kaleido = loop, engine
        atexit.register(self.close)

    def render(self, fig_dict: dict, opts: dict, timeout: float = 60) -> bytes:
        with self._lock:
            if self._kaleido is None:
                self._start()
        future = asyncio.run_coroutine_threadsafe(self._kaleido.calc_fig(fig_dict, opts=opts), self._loop)
        try:
            return future.result(timeout=timeout)
        except Exception as exc:
            future.cancel()
            raise FigureExportError(f"the figure could not be exported as PNG: {exc}") from exc

    def close(self):
        with self._lock:
            if self._kaleido is None:
                return
            loop, engine = self._loop, self._kaleido
            self._loop = self._kaleido = None
        with contextlib.suppress(Exception):  # closing, often at exit, must never raise
            asyncio.run_coroutine_threadsafe(engine.close(), loop).result(timeout=20)
        loop.call_soon_threadsafe(loop.stop)


_renderer = _Renderer()


def figure_png(fig: go.Figure, width: int = 1280, height: int = 720, scale: float = 1) -> bytes:
    """PNG bytes of a figure at slide size, rendered by one Chromium kept open between calls.

    Raises :class:`FigureExportError` with a readable message when Chromium is missing.
    """
    fig_dict = fig.to_plotly_json() if hasattr(fig, "to_plotly_json") else dict(fig)
    fig_dict = go.Figure(fig_dict).to_dict()
    fig_dict.setdefault("layout", {})
    fig_dict["layout"]["width"], fig_dict["layout"]["height"] = width, height
    return _renderer.render(fig_dict, {"format": "png", "width": width, "height": height, "scale": scale})


def close_png_renderer() -> None:
    """Shut the Chromium used for PNG export (it restarts on the next export)."""
    _renderer.close()


def default_milestones() -> list[tuple[dt.date, str, str]]:
    """The three steps of the Alliance of Sahel States, at the precision the sources give them."""
    return [
        (dt.date(2023, 9, 1), "AES defence pact (Sep 2023)", "month"),
        (dt.date(2024, 7, 6), "Confederation treaty (6 Jul 2024)", "day"),
        (dt.date(2025, 1, 1), "AES leaves ECOWAS (Jan 2025)", "month"),
    ]
