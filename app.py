"""Overview: headline figures for the current filters, the latest events and small versions of the views.

Run with ``streamlit run app.py``. The other pages live in ``pages/`` (classic multipage app:
each page sets itself up through ``ui.start_page``, so a deep link works on a fresh server).
"""

import streamlit as st

import ui
from analysis import figures
from analysis.queries import TIMELINE_LISTED, count_label, date_label

MARKS = 500  # up to this many events the small timeline draws each one; beyond, it counts them per month
LATEST = min(8, TIMELINE_LISTED)  # latest events listed in full (from the timeline's events when drawn)

view = ui.start_page("Overview", ":material/dashboard:")
figures_now = view.query("overview")
if not figures_now["events"]:
    ui.empty("No events match these filters. Widen the dates or clear some filters in the sidebar.")
    st.stop()

first, last = figures_now["first_date"], figures_now["last_date"]
span = date_label(first, "month") if first and last and first.strftime("%Y%m") == last.strftime("%Y%m") \
    else f"{first:%b %Y} – {last:%b %Y}"
cells = st.columns([1, 1, 1, 1, 3])
for cell, (label, value, exact) in zip(cells, (
    *((label, count_label(figures_now[key]), f"{figures_now[key]:,}")
      for label, key in (("Events", "events"), ("Actors", "actors"), ("Countries", "countries"),
                         ("Sources", "sources"))),
    ("Date span", span, None),
), strict=True):
    cell.metric(label, value, help=exact if exact != value else None)

timeline_col, latest_col = st.columns([3, 2])
with timeline_col:
    st.subheader("Timeline", anchor=False)
    if figures_now["events"] <= MARKS:
        fig, timeline_events, _ = view.chart("timeline", "country", MARKS, 6, 560, compact_height=320)
        latest = timeline_events.head(LATEST)  # the timeline's newest events come with their sources
    else:
        # Too many events to tell apart in a small chart: their number per month, by type.
        fig = view.chart("monthly", compact_height=320)[0]
        latest = view.query("events_with_details", limit=LATEST)
        st.caption(f"{figures_now['events']:,} events: too many to draw one by one here, so they are counted "
                   "per month.")
    st.plotly_chart(fig, key="overview_timeline", config={"displayModeBar": False})
    view.link("pages/1_Timeline.py", "Open the timeline")
with latest_col:
    st.subheader("Latest events", anchor=False)
    with st.container(height=330, border=False):
        ui.event_list(latest, figures.TYPE_COLORS)
    view.link("pages/4_Events.py", "All events, with search and downloads")

map_col, actors_col = st.columns(2)
with map_col:
    st.subheader("Map", anchor=False)
    deck = view.chart("links_map", "type", "offline", 100, 300, (440, 340))[0]
    if deck is None:
        ui.empty("No event in this selection has a place.")
    else:
        st.pydeck_chart(deck, height=340, key="overview_map")
    view.link("pages/2_Map.py", "Open the map")
with actors_col:
    st.subheader("Actors", anchor=False)
    fig = view.chart("small_network", 15, (440, 340))
    if fig is None:
        ui.empty("No two actors take part in the same event in this selection.")
    else:
        st.plotly_chart(fig, key="overview_network", config={"displayModeBar": False})
    view.link("pages/3_Actors.py", "Open the actors")
