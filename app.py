"""Overview: headline figures for the current filters, the latest events and small versions of the views.

Run with ``streamlit run app.py``. The other pages live in ``pages/`` (classic multipage app:
each page sets itself up through ``ui.start_page``, so a deep link works on a fresh server).
"""

import streamlit as st

import ui
from analysis import figures
from analysis.queries import count_label, date_label

PLACES = 300  # the small map's places (its arcs, timeline and network: queries.OVERVIEW_*)
SMALL = (440, 340)  # the small map and network (width, height)

view = ui.start_page("Overview", ":material/dashboard:")
if not view.query("selection_span")["events"]:
    ui.empty("No events match these filters. Widen the dates or clear some filters in the sidebar.")
    st.stop()
data = view.chart("overview", 6, 560, 320, PLACES, SMALL)
figures_now = data["figures"]

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
    if data["timeline"] is not None:
        fig = data["timeline_figure"]
    else:
        # Too many events to tell apart in a small chart: their number per month, by type.
        fig = data["monthly_figure"]
        st.caption(f"{figures_now['events']:,} events: too many to draw one by one here, so they are counted "
                   "per month.")
    st.plotly_chart(fig, key="overview_timeline", config={"displayModeBar": False})
    view.link("pages/1_Timeline.py", "Open the timeline")
with latest_col:
    st.subheader("Latest events", anchor=False)
    with st.container(height=330, border=False):
        ui.event_list(data["latest"], figures.TYPE_COLORS)
    view.link("pages/4_Events.py", "All events, with search and downloads")

map_col, actors_col = st.columns(2)
with map_col:
    st.subheader("Map", anchor=False)
    if data["deck"] is None:
        ui.empty("No event in this selection has a place.")
    else:
        st.pydeck_chart(data["deck"], height=SMALL[1], key="overview_map")
    view.link("pages/2_Map.py", "Open the map")
with actors_col:
    st.subheader("Actors", anchor=False)
    if data["network"] is None:
        ui.empty("No two actors take part in the same event in this selection.")
    else:
        st.plotly_chart(data["network"], key="overview_network", config={"displayModeBar": False})
    view.link("pages/3_Actors.py", "Open the actors")
