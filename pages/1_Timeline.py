"""Timeline: every event as a mark on a date axis, one lane per country or actor, and counts per month."""

import streamlit as st

import ui
from analysis import figures
from analysis.queries import TIMELINE_LISTED, date_label

MAX_MARKS = 2000
LIST_ROWS = TIMELINE_LISTED  # the events timeline_data gives sources to
LANES = 8

view = ui.start_page("Timeline", ":material/timeline:", view_params=("lane",))
lane = ui.view_choice("lane", "Lanes", {"country": "Countries", "actor": "Actors"}, default="country",
                      container=view.controls)
total = view.query("selection_span")["events"]
if not total:
    ui.empty("No events match these filters. Widen the dates or clear some filters in the sidebar.")
    st.stop()

fig, events, lanes = view.chart("timeline", lane, MAX_MARKS, LANES, 800)
notes = []
if total > MAX_MARKS:
    since = date_label(events["date"].min(), "day")
    notes.append(f"The chart shows the latest {MAX_MARKS:,} of {total:,} events as marks (those since {since}); "
                 "the monthly chart below counts all of them.")
if lanes["lane"].nunique() > LANES:
    notes.append(f"The {LANES - 1} busiest {'countries' if lane == 'country' else 'actors'} have a lane each; "
                 "the others share one.")
notes.append("Drag across marks to list those events below.")
st.caption(" ".join(notes))

chart = st.plotly_chart(fig, key="timeline_chart", on_select="rerun", selection_mode=("points", "box", "lasso"))
ui.png_button(fig, "timeline", (view.store.path, view.version, view.filters, lane))

selected = figures.selected_event_ids(chart.selection)
if selected:
    picked = view.call("events_details_for_ids", tuple(selected))
    st.markdown(f"**{len(picked):,} selected event{'s' if len(picked) != 1 else ''}** "
                "(click an empty part of the chart to clear the selection)")
    ui.event_list(picked, figures.TYPE_COLORS)
else:
    st.markdown(f"**Latest {min(LIST_ROWS, total):,} of {total:,} events**")
    ui.event_list(events.head(LIST_ROWS), figures.TYPE_COLORS)
    view.link("pages/4_Events.py", "All events, with search and downloads")

st.subheader("Events per month", anchor=False)
month_fig, counts = view.chart("monthly")
st.plotly_chart(month_fig, key="month_chart")
if (counts["period_unit"] != "month").any():
    st.caption("Events known only to the year are counted in their year, not in a made-up month.")
ui.png_button(month_fig, "events-per-month", (view.store.path, view.version, view.filters))
