"""Events: a searchable, paginated table of the filtered events, details of one, and downloads."""

import streamlit as st

import ui
from analysis.figures import TYPE_COLORS
from ui.state import view_text_input

PAGE_SIZE = 50

view = ui.start_page("Events", ":material/table_rows:", view_params=("q",))
search_col, pager = view.controls.columns([3, 2], vertical_alignment="bottom")
with search_col:
    search = view_text_input("q", "Search", placeholder="Summaries, actors, quotes")
total = view.query("event_search_count", search)
if not total:
    ui.empty("No events match this search." if search else
             "No events match these filters. Widen the dates or clear some filters in the sidebar.")
    st.stop()

pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
page_key = ("events_page", view.filters, search)
if st.session_state.get("events_page_for") != page_key:
    st.session_state["events_page_for"] = page_key
    st.session_state["events_page_number"] = 1
number = pager.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, step=1,
                            key="events_page_number") if pages > 1 else 1
start = (number - 1) * PAGE_SIZE
st.markdown(
    f"Events {start + 1:,}–{min(start + PAGE_SIZE, total):,} of {total:,}, newest first"
    + (" (matching the search)" if search else "") + ". Select a row to read it in full."
)
events = view.query("events_with_details", limit=PAGE_SIZE, offset=start, search=search)
table = ui.event_table(events, columns=("date_label", "event_type", "summary", "actors", "place", "sources"),
                       key="events_table", selectable=True, type_colors=TYPE_COLORS,
                       height="auto" if len(events) <= 10 else 440)
rows = table.selection.rows if table is not None else []
if rows:
    with st.container(border=True):
        ui.event_details(events.iloc[rows[0]])

st.subheader("Download", anchor=False)
count = view.query("selection_span")["events"]
if search:
    st.caption("Downloads hold all the filtered events; the search only narrows the table.")
ui.export_buttons(view, count)
