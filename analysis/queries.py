"""From a Filters value to results: the functions every page and the command line call.

These are pure functions of a store and a filter; the SQL itself lives in ``analysis.store``.
"""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor

import networkx as nx
import pandas as pd

from analysis.filters import Filters, describe_filters
from analysis.schema import country_name
from analysis.store import LINK_LATEST_IDS, EventStore

EXPORT_FIELDS = ("event_id", "date", "date_precision", "date_end", "event_type", "mode",
                 "summary", "topic", "origin")


def _iso(value) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.isoformat()[:10]
    return str(value)


def _clean(value):
    """A JSON-friendly scalar: NaN and NaT become None, numpy numbers plain numbers."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        return value.item()
    return value


def overview(store: EventStore, filters: Filters) -> dict:
    """Headline figures for the selection."""
    return store.overview(filters)


def selection_span(store: EventStore, filters: Filters) -> dict:
    """How many events are selected and the first and last day they cover."""
    return store.selection_span(filters)


def describe(store: EventStore, filters: Filters) -> str:
    """The sentence under every page title, with the count and span of the selection."""
    figures = store.selection_span(filters)
    names = dict(store.distinct_values()["actors"]) if filters.actors else None
    return describe_filters(filters, figures["events"], (figures["first_date"], figures["last_date"]), names)


def events_with_details(store: EventStore, filters: Filters, limit: int | None = None,
                        offset: int = 0, search: str | None = None, sourced: int | None = None) -> pd.DataFrame:
    """Selected events with their actors, sources and evidence joined into text columns.

    ``sourced`` gives sources and evidence to the first ``sourced`` events only (the others
    get empty text): a timeline draws 2,000 marks but lists ten events in full.
    """
    return _with_details(store, store.events_page(filters, limit=limit, offset=offset, search=search), sourced)


def _with_details(store: EventStore, events: pd.DataFrame, sourced: int | None = None) -> pd.DataFrame:
    """``events`` with their actors, sources and evidence as text, and a date label."""
    ids = events["event_id"].tolist()
    actors = store.event_actors_for(ids, events["date"])
    first = events if sourced is None else events.head(sourced)
    sources = store.event_sources_for(first["event_id"].tolist(), first["date"])
    # Plain loops: a groupby with a Python function per group took most of the time for
    # the 2,000 events of a timeline.
    actor_text = _joined(actors["event_id"], actors["name"], "; ")
    actor_ids = _grouped(actors["event_id"], actors["actor_id"])
    outlet_text = _joined(sources["event_id"], sources["outlet"] + " (" + sources["outlet_type"].str.replace("_", " ")
                          + ")", "; ", unique=True)
    evidence_text = _joined(sources["event_id"], "“" + sources["evidence"].fillna("") + "” — " + sources["outlet"],
                            "\n")
    out = events.copy()
    listed = out["event_id"].tolist()  # plain lookups: a map of an empty dict gives float NaN
    out["actors"] = pd.Series([actor_text.get(e, "") for e in listed], index=out.index, dtype=object)
    out["actor_ids"] = pd.Series([actor_ids.get(e) for e in listed], index=out.index, dtype=object)
    out["sources"] = pd.Series([outlet_text.get(e, "") for e in listed], index=out.index, dtype=object)
    out["evidence"] = pd.Series([evidence_text.get(e, "") for e in listed], index=out.index, dtype=object)
    labels: dict = {}  # many events share a date
    out["date_label"] = [  # datetime64 values, not Timestamps: far cheaper for thousands of events
        labels[key] if key in labels else labels.setdefault(key, date_label(*key))
        for key in zip(_datetimes(out["date"]), out["date_precision"].tolist(), _datetimes(out["date_end"]),
                       strict=True)
    ]
    return out


def _datetimes(dates: pd.Series) -> list:
    """Dates as a list of datetime (None where missing), without building a Timestamp for each."""
    return pd.to_datetime(dates).astype("datetime64[us]").to_numpy().tolist()


def _grouped(keys, values) -> dict:
    """key → list of its values, in row order."""
    out: dict = {}
    keys = keys.tolist() if hasattr(keys, "tolist") else keys  # iterating arrow-backed columns is slow
    values = values.tolist() if hasattr(values, "tolist") else values
    for key, value in zip(keys, values, strict=True):
        out.setdefault(key, []).append(value)
    return out


def _joined(keys, values, sep: str, unique: bool = False) -> dict:
    """key → its values joined with ``sep`` (each value once if ``unique``), in row order."""
    return {key: sep.join(dict.fromkeys(vals) if unique else vals) for key, vals in _grouped(keys, values).items()}


def count_label(n: int) -> str:
    """A count short enough for a headline figure: 9,876 / 123,456 / 1.2M / 10M."""
    if n < 1_000_000:
        return f"{n:,}"
    return f"{n / 1_000_000:.1f}".removesuffix(".0") + "M"


def date_label(date, precision: str, end=None) -> str:
    """A date written at its own precision: '14 Aug 2025', 'Sep 2023', '2020'."""
    text = _written(pd.Timestamp(date), precision)
    if end is not None and not pd.isna(end):
        end_text = _written(pd.Timestamp(end), precision)
        if end_text != text:
            text = f"{text} – {end_text}"
    return text


def _written(day: pd.Timestamp, precision: str) -> str:
    if precision == "year":
        return str(day.year)
    return day.strftime("%b %Y") if precision == "month" else day.strftime("%d %b %Y").lstrip("0")


def counts_over_time(store: EventStore, filters: Filters, unit: str = "month") -> pd.DataFrame:
    """Events per period and type; coarser-dated events stay in their own coarser period."""
    frame = store.counts_over_time(filters, unit)
    frame["period"] = pd.to_datetime(frame["period"])
    return frame


def place_counts(store: EventStore, filters: Filters) -> pd.DataFrame:
    return store.place_counts(filters)


def capital_links(store: EventStore, filters: Filters, latest: int = LINK_LATEST_IDS,
                  limit: int | None = None) -> pd.DataFrame:
    """Map arcs (home capital → event place) with counts and the latest event summaries.

    ``limit`` keeps the busiest arcs; ``latest`` summaries per arc at most (up to ``LINK_LATEST_IDS``).
    """
    links = store.capital_links(filters, limit=limit)
    links["latest_events"] = [
        [f"{date_label(date, precision)}: {summary}" for date, precision, summary in events[:latest]]
        for events in links["latest_events"]
    ]
    return links


def actor_event_counts(store: EventStore, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """Actors in the selection with their number of events, busiest first (the ``limit`` busiest)."""
    return store.actor_event_counts(filters, limit=limit)


def actor_count(store: EventStore, filters: Filters) -> int:
    """How many actors take part in the selected events."""
    return store.actor_count(filters)


def actor_names(store: EventStore, actor_ids: tuple[str, ...]) -> dict[str, str]:
    """Actor id → name for the given actors."""
    return store.actor_names(list(actor_ids))


def cooccurrence_pairs(store: EventStore, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """Pairs of actors in the same events: count ``together`` and Jaccard index."""
    return store.cooccurrence_pairs(filters, limit=limit)


def cooccurrence_matrix(pairs: pd.DataFrame, actors: pd.DataFrame, measure: str = "together",
                        top: int = 25) -> pd.DataFrame:
    """A square actor × actor matrix of the top actors, ordered so that clusters sit together.

    Order: actors grouped by greedy-modularity community on the co-occurrence graph, the
    biggest community first, and by number of events within each.
    """
    top_actors = actors.nlargest(top, "events")
    names = dict(zip(top_actors["actor_id"], top_actors["name"], strict=False))
    keep = pairs[pairs["actor_a"].isin(names) & pairs["actor_b"].isin(names)]
    graph = nx.Graph()
    graph.add_nodes_from(names)
    graph.add_weighted_edges_from(zip(keep["actor_a"], keep["actor_b"], keep["together"], strict=False))
    communities = (
        nx.algorithms.community.greedy_modularity_communities(graph, weight="weight")
        if graph.number_of_edges() else [set(names)]
    )
    size = dict(zip(top_actors["actor_id"], top_actors["events"], strict=False))
    order = [a for group in sorted(communities, key=len, reverse=True)
             for a in sorted(group, key=lambda a: (-size.get(a, 0), names[a]))]
    matrix = pd.DataFrame(0.0, index=order, columns=order)
    for row in keep.itertuples():
        value = getattr(row, measure)
        matrix.loc[row.actor_a, row.actor_b] = value
        matrix.loc[row.actor_b, row.actor_a] = value
    matrix.index = [names[a] for a in order]
    matrix.columns = [names[a] for a in order]
    return matrix


def actor_partners(pairs: pd.DataFrame, actor_id: str) -> pd.DataFrame:
    """The actors that appear with one actor, most frequent first."""
    left = pairs[pairs["actor_a"] == actor_id].rename(columns={"actor_b": "partner_id", "name_b": "partner"})
    right = pairs[pairs["actor_b"] == actor_id].rename(columns={"actor_a": "partner_id", "name_a": "partner"})
    cols = ["partner_id", "partner", "together", "jaccard"]
    both = pd.concat([left[cols], right[cols]], ignore_index=True)
    return both.sort_values(["together", "jaccard", "partner"], ascending=[False, False, True]).reset_index(drop=True)


def export_records(store: EventStore, filters: Filters) -> list[dict]:
    """One record per selected event, with its actors, location and sources (for export)."""
    events = store.events_page(filters)
    ids = events["event_id"].tolist()
    actors = store.event_actors_for(ids, events["date"])
    sources = store.event_sources_for(ids, events["date"])
    by_event_actors = {k: g for k, g in actors.groupby("event_id")}
    by_event_sources = {k: g for k, g in sources.groupby("event_id")}
    records = []
    for row in events.itertuples(index=False):
        record = {f: _iso(getattr(row, f)) if f in ("date", "date_end") else _clean(getattr(row, f))
                  for f in EXPORT_FIELDS}
        group = by_event_actors.get(row.event_id)
        record["actors"] = [] if group is None else [
            {"name": a.name, "kind": a.kind, "country": _clean(a.country), "role_in_event": a.role_in_event}
            for a in group.itertuples()
        ]
        record["location"] = None if _clean(row.place_id) is None else {
            "name": row.place, "country": _clean(row.place_country), "lat": _clean(row.lat), "lon": _clean(row.lon),
        }
        group = by_event_sources.get(row.event_id)
        record["sources"] = [] if group is None else [
            {"outlet": s.outlet, "outlet_type": s.outlet_type, "title": _clean(s.title),
             "published": _iso(s.published), "url": _clean(s.url), "document": _clean(s.document),
             "evidence": _clean(s.evidence)}
            for s in group.itertuples()
        ]
        records.append(record)
    return records


def records_to_json(records: list[dict]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2)


def records_to_frame(records: list[dict]) -> pd.DataFrame:
    """Flatten export records for CSV: lists are joined with '; '."""
    rows = []
    for r in records:
        row = {f: r[f] for f in EXPORT_FIELDS}
        row["actors"] = "; ".join(
            f"{a['name']} ({a['country'] or a['kind']}, {a['role_in_event']})" for a in r["actors"]
        )
        loc = r["location"]
        row["location"] = "" if loc is None else loc["name"]
        row["location_country"] = "" if loc is None else (loc["country"] or "")
        row["lat"] = None if loc is None else loc["lat"]
        row["lon"] = None if loc is None else loc["lon"]
        row["sources"] = "; ".join(f"{s['outlet']} ({s['outlet_type']})" for s in r["sources"])
        row["titles"] = "; ".join(s["title"] or "" for s in r["sources"])
        row["published"] = "; ".join(s["published"] or "" for s in r["sources"])
        row["urls"] = "; ".join(s["url"] or "" for s in r["sources"])
        row["documents"] = "; ".join(s["document"] or "" for s in r["sources"])
        row["evidence"] = "; ".join(s["evidence"] or "" for s in r["sources"])
        rows.append(row)
    columns = [*EXPORT_FIELDS, "actors", "location", "location_country", "lat", "lon", "sources",
               "titles", "published", "urls", "documents", "evidence"]
    return pd.DataFrame(rows, columns=columns)


def records_to_csv(records: list[dict]) -> str:
    return records_to_frame(records).to_csv(index=False)


def country_options(store: EventStore) -> dict[str, str]:
    """ISO3 code → country name for every country the data can be filtered by."""
    return {code: country_name(code) for code in store.distinct_values()["countries"]}


# --- dashboard views ---------------------------------------------------------------------

NO_LANE = {"country": "No country", "actor": "No actor"}
OTHER_LANE = {"country": "Other countries", "actor": "Other actors"}


def data_version(store: EventStore) -> tuple:
    """Changes whenever the stored data does; cached results are keyed on it."""
    return store.data_version()


def timeline_lanes(store: EventStore, events: pd.DataFrame, by: str = "country", max_lanes: int = 10) -> pd.DataFrame:
    """One row per (event, lane): the countries or actors of each event, busiest lanes first.

    Only the ``max_lanes`` busiest lanes are kept by name; the others are folded into one
    'Other …' lane so that the chart stays readable. Events with none get a 'No …' lane.
    """
    if by not in NO_LANE:
        raise ValueError("by must be 'country' or 'actor'")
    ids = events["event_id"].tolist()
    if by == "country":
        rows = store.event_countries_for(ids, events["date"])
        names = {code: country_name(code) for code in rows["country"].unique().tolist()}
        found = zip(rows["event_id"].tolist(), (names[code] for code in rows["country"].tolist()), strict=True)
    else:
        rows = store.event_actors_for(ids, events["date"])
        found = zip(rows["event_id"].tolist(), rows["name"].tolist(), strict=True)
    # Plain Python: a few thousand rows, where pandas' group-bys cost more than the work.
    lanes_of: dict[str, dict[str, None]] = {event: {} for event in ids}
    for event, lane in found:
        lanes_of[event][lane] = None
    busy: dict[str, int] = {}
    for lanes in lanes_of.values():
        for lane in lanes:
            busy[lane] = busy.get(lane, 0) + 1
    named = sorted(busy, key=lambda lane: (-busy[lane], lane))[:max_lanes]
    order = {lane: i for i, lane in enumerate([*named, OTHER_LANE[by], NO_LANE[by]])}
    out = {
        (order[shown], event, shown)
        for event, lanes in lanes_of.items()
        for shown in ([lane if lane in order else OTHER_LANE[by] for lane in lanes] or [NO_LANE[by]])
    }
    ordered = sorted(out)
    return pd.DataFrame({"event_id": pd.Series([e for _, e, _ in ordered], dtype=object),
                         "lane": pd.Series([lane for _, _, lane in ordered], dtype=object)})


def events_details_for_ids(store: EventStore, event_ids: list[str]) -> pd.DataFrame:
    """Events by id (a chart selection) with their actors, sources and evidence as text."""
    return _with_details(store, store.events_by_id(list(event_ids)))


def event_search_count(store: EventStore, filters: Filters, search: str | None = None) -> int:
    """How many selected events a text search matches."""
    return store.event_search_count(filters, search)


def shared_events(store: EventStore, filters: Filters, actor_ids: list[str], limit: int | None = None) -> list[str]:
    """Ids of selected events in which all the given actors take part (a heatmap cell)."""
    return store.shared_event_ids(filters, actor_ids, limit)


TIMELINE_LISTED = 10  # events listed in full under a timeline


def timeline_data(store: EventStore, filters: Filters, by: str = "country", limit: int = 2000,
                  max_lanes: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The latest ``limit`` selected events with details, and their lanes (see timeline_lanes).

    Sources and evidence come with the first ``TIMELINE_LISTED`` events only (listed under
    the chart); a mark's hover names its actors and place, a click lists its sources.
    """
    events = events_with_details(store, filters, limit=limit, sourced=TIMELINE_LISTED)
    return events, timeline_lanes(store, events, by, max_lanes)


def top_capital_links(store: EventStore, filters: Filters, limit: int = 150,
                      latest: int = LINK_LATEST_IDS) -> tuple[pd.DataFrame, int]:
    """The ``limit`` busiest map arcs with their latest event summaries, and how many arcs there are."""
    links = capital_links(store, filters, latest=latest, limit=limit)
    return links, int(links["total_links"].iloc[0]) if len(links) else 0


def top_actors(store: EventStore, filters: Filters, top: int = 30) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """The ``top`` busiest actors, the co-occurring pairs among them, and the number of actors in all.

    Enough for the heatmap and the network (which draw the busiest actors only) without
    fetching every pair of a large store.
    """
    chosen = store.actor_event_counts(filters, limit=top)
    pairs = store.cooccurrence_pairs_among(filters, chosen["actor_id"].tolist())
    return chosen, pairs, store.actor_count(filters)


def link_events(store: EventStore, filters: Filters, from_id: str, to_id: str, limit: int) -> pd.DataFrame:
    """The ``limit`` latest selected events on one map link, with their details (a clicked arc)."""
    return events_details_for_ids(store, store.link_event_ids(filters, from_id, to_id, limit))


def actor_partner_pairs(store: EventStore, filters: Filters, actor_id: str) -> pd.DataFrame:
    """The co-occurring pairs one actor is part of (see :func:`actor_partners`)."""
    return store.actor_partner_pairs(filters, actor_id)


def top_pairs(store: EventStore, filters: Filters, limit: int = 200) -> pd.DataFrame:
    """The ``limit`` pairs of actors seen together most often."""
    return store.cooccurrence_pairs(filters, limit=limit)


# The Overview's parts are independent reads: a few run at once (each on its own cursor).
# On two cores one small query leaves the other core mostly idle, and converting a result
# to pandas holds the GIL while DuckDB, which releases it, runs the next query.
OVERVIEW_WORKERS = 4
_overview_pool = ThreadPoolExecutor(OVERVIEW_WORKERS, thread_name_prefix="overview")
# What the Overview shows (app.py; the benchmark times the same): up to this many events its
# small timeline draws each one, beyond it counts them per month and lists the latest; the
# busiest map arcs; the busiest actors of its small network.
OVERVIEW_MARKS, OVERVIEW_LATEST, OVERVIEW_ARCS, OVERVIEW_NETWORK = 500, min(8, TIMELINE_LISTED), 100, 15


def overview_data(store: EventStore, filters: Filters, marks: int = OVERVIEW_MARKS, arcs: int = OVERVIEW_ARCS,
                  network_top: int = OVERVIEW_NETWORK, latest: int = OVERVIEW_LATEST, max_lanes: int = 10) -> dict:
    """Everything the Overview shows, read a few queries at a time.

    ``figures``: the headline figures; up to ``marks`` events, ``timeline`` (events, lanes)
    of every event, else ``monthly`` counts per month and type (the other is None);
    ``latest``: the ``latest`` newest events with details; ``links`` and ``link_count``:
    the ``arcs`` busiest map arcs and how many there are; ``places``: place counts;
    ``actors``, ``pairs``, ``actor_count``: the ``network_top`` busiest actors and their pairs.
    """
    drawn = store.selection_span(filters)["events"] <= marks
    # The events listed in full first (a chain of small reads, slow to finish when started last), then the longest.
    tasks = {
        **({"timeline": lambda: timeline_data(store, filters, by="country", limit=marks, max_lanes=max_lanes)}
           if drawn else {"latest": lambda: events_with_details(store, filters, limit=latest)}),
        "links": lambda: top_capital_links(store, filters, arcs),
        "actors": lambda: top_actors(store, filters, network_top),  # keeps the actor counts for the figures
        "sources": lambda: store.source_count(filters),
        **({} if drawn else {"monthly": lambda: counts_over_time(store, filters, "month")}),
        "places": lambda: place_counts(store, filters),
        "countries": store.actor_countries,  # for the figures' count of countries
    }
    done = {name: future.result() for name, future in
            [(name, _overview_pool.submit(task)) for name, task in tasks.items()]}
    (links, link_count), (actors, pairs, actor_count) = done["links"], done["actors"]
    return {
        "figures": overview(store, filters),  # from the counts kept above
        "timeline": done.get("timeline"), "monthly": done.get("monthly"),
        "latest": done["timeline"][0].head(latest) if drawn else done["latest"],
        "links": links, "link_count": link_count, "places": done["places"],
        "actors": actors, "pairs": pairs, "actor_count": actor_count,
    }
