"""The pages' charts, built from cached query results and cached themselves.

Building a figure from thousands of rows takes seconds on a large store (hover texts, label
placement), so each chart is cached on the same key as the data it shows: store path, data
version, filters and the page's own choices.

Plotly figures are returned as plain dicts. Streamlit derives a selectable chart's identity
from its spec, and a Figure rebuilt from the cache serialises slightly differently from the
one first built, so a click on a chart drawn from a fresh result was lost on the rerun.
"""

from __future__ import annotations

import streamlit as st

from analysis import figures, queries
from analysis.filters import Filters
from ui import store as store_mod

ALL_LANES = 10_000  # the query keeps every lane; the figure folds the quiet ones into one


def _store():
    return store_mod.get_store()


@st.cache_data(max_entries=64, show_spinner="Drawing the timeline …")
def timeline(path: str, version: tuple, filters: Filters, lane: str, limit: int, max_lanes: int, width: int):
    """The timeline of the latest ``limit`` events, with the events and lanes it draws.

    The figure keeps ``max_lanes`` lanes (the busiest, then one for all the others).
    """
    events, lanes = queries.timeline_data(_store(), filters, by=lane, limit=limit, max_lanes=ALL_LANES)
    return _timeline_figure(events, lanes, lane, max_lanes, width), events, lanes


def _timeline_figure(events, lanes, lane: str, max_lanes: int, width: int, compact_height: int | None = None) -> dict:
    """``compact_height`` gives the Overview's small version: no milestones, legend or axis title."""
    fig = figures.timeline_figure(events, lanes, lane_title="Country" if lane == "country" else "Actor",
                                  milestones=() if compact_height else figures.default_milestones(),
                                  max_lanes=max_lanes, width_hint=width)
    if compact_height:
        fig.update_layout(height=compact_height, showlegend=False, title=None,
                          margin={"l": 110, "r": 10, "t": 10, "b": 30})
        fig.update_yaxes(title_text=None)
        # The note on events left off the axis does not fit the small version; the Timeline page shows it.
        fig.update_xaxes(title_text=None)
    return fig.to_dict()


@st.cache_data(max_entries=64, show_spinner="Counting events per month …")
def monthly(path: str, version: tuple, filters: Filters):
    """Events per month (coarser-dated events in their own rows) and the counts behind it."""
    counts = queries.counts_over_time(_store(), filters, "month")
    return _monthly_figure(counts), counts


def _monthly_figure(counts, compact_height: int | None = None) -> dict:
    """``compact_height`` gives the Overview's small version: no legend, tighter margins."""
    fig = figures.monthly_counts_figure(counts)
    if compact_height:
        fig.update_layout(height=compact_height, showlegend=False, margin={"l": 60, "r": 10, "t": 30, "b": 30})
    return fig.to_dict()


@st.cache_data(max_entries=64, show_spinner="Drawing the map …")
def links_map(path: str, version: tuple, filters: Filters, color_by: str, basemap: str, max_arcs: int,
              max_places: int, size: tuple[int, int]):
    """The map deck with the busiest arcs and places; also the arcs drawn and the counts of all."""
    links, link_count = queries.top_capital_links(_store(), filters, max_arcs)
    places = queries.place_counts(_store(), filters)
    return _map_deck(links, places, color_by, basemap, max_places, size), links, link_count, len(places)


def _map_deck(links, places, color_by: str, basemap: str, max_places: int, size: tuple[int, int]):
    if links.empty and places.empty:
        return None
    return figures.links_deck(links, places.head(max_places), color_by=color_by, basemap=basemap,
                              height=size[1], view_size=size)


@st.cache_data(max_entries=64, show_spinner="Finding who appears with whom …")
def actor_charts(path: str, version: tuple, filters: Filters, measure: str, heatmap_top: int, network_top: int):
    """Heatmap and network of the busiest actors, with the actors, pairs and number of actors."""
    actors, pairs, count = queries.top_actors(_store(), filters, network_top)
    if pairs.empty:
        return None, None, actors, pairs, count
    matrix = queries.cooccurrence_matrix(pairs, actors, measure=measure, top=heatmap_top)
    heatmap = figures.cooccurrence_heatmap(matrix, measure)
    network = figures.network_figure(pairs, actors, measure=measure, top=network_top)
    for fig in (heatmap, network):
        # On Streamlit 1.67 a figure whose drag mode is "select" ignores single clicks; here a
        # click on a cell or node is the way to choose, so dragging zooms instead.
        fig.update_layout(dragmode="zoom")
    return heatmap.to_dict(), network.to_dict(), actors, pairs, count


def _small_network(actors, pairs, top: int, size: tuple[int, int]) -> dict | None:
    if pairs.empty:
        return None
    fig = figures.network_figure(pairs, actors, measure="together", top=top, labels=6, size=size)
    fig.update_layout(showlegend=False, title=None)
    return fig.to_dict()


@st.cache_data(max_entries=64, show_spinner="Reading the overview …")
def overview(path: str, version: tuple, filters: Filters, max_lanes: int, width: int, compact_height: int,
             max_places: int, size: tuple[int, int]):
    """What the Overview shows (``queries.overview_data``, read a few queries at once) with its
    small charts: ``timeline_figure`` (each event, up to queries.OVERVIEW_MARKS) or else ``monthly_figure``,
    ``deck`` (None without places) and ``network`` (None without pairs)."""
    data = queries.overview_data(_store(), filters, max_lanes=ALL_LANES)
    if data["timeline"] is not None:
        data["timeline_figure"] = _timeline_figure(*data["timeline"], "country", max_lanes, width, compact_height)
    else:
        data["monthly_figure"] = _monthly_figure(data["monthly"], compact_height)
    data["deck"] = _map_deck(data["links"], data["places"], "type", "offline", max_places, size)
    data["network"] = _small_network(data["actors"], data["pairs"], queries.OVERVIEW_NETWORK, size)
    return data
