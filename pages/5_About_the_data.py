"""About the data: how events are coded, the PLOVER types, date and place precision, sources."""

import pandas as pd
import streamlit as st

import ui
from analysis.figures import TYPE_COLORS
from analysis.filters import Filters
from analysis.schema import OTHER_TYPE, PLOVER_TYPES
from ui.render import type_cell_style

view = ui.start_page("About the data", ":material/info:")

st.markdown(
    """
Each row of the data is an **event**: one act by one or more actors on a known date, such as a
visit, an agreement signed, a pledge of help, an accusation or a coup. An event says *who*
took part (actors, each as the one who acts, the one acted upon, or an equal participant),
*what* happened (an event type and a one-sentence summary in our own words), *when* (a date
at the precision the sources allow) and *where* (a place, when the sources name one).
Every event rests on at least one **source**: the outlet that reported it and a short quote
of the reporting text, shown as the event's evidence.

When several articles report the same act, it is one event with several sources.
Filtering by country keeps an event when an actor of that country takes part, when the
country belongs to a multinational body that takes part (the Alliance of Sahel States stands
for Mali, Niger and Burkina Faso), or when the event happened in that country.
"""
)

st.subheader("Event types", anchor=False)
st.markdown(
    "Events are coded with the sixteen types of the PLOVER scheme, from cooperative to "
    "hostile. The colour of a type is the same on every chart. "
    f"{OTHER_TYPE} is used only where no type fits, with a note saying why."
)
types = pd.DataFrame(
    [(code, text) for code, text in PLOVER_TYPES.items()] + [(OTHER_TYPE, "None of the above (with a note)")],
    columns=["Type", "Meaning"],
)
st.dataframe(
    types.style.map(type_cell_style(TYPE_COLORS), subset=["Type"]),
    hide_index=True, width="stretch", height=35 * (len(types) + 1) + 3,
)

left, right = st.columns(2)
with left:
    st.subheader("Dates", anchor=False)
    st.markdown(
        """
- **day**: the sources give the day (or it follows from a dateline: "on Thursday").
- **month** or **year**: only the month or year is known. The stored date is the first day
  of that month or year; charts draw these events as a span or a distinct mark and count them
  in their own month or year, never on a made-up day.
- Some events last a while (a deployment, a withdrawal): they have an end date too.
"""
    )
with right:
    st.subheader("Places", anchor=False)
    st.markdown(
        """
- A place is a city, a site, a region or a whole country, with the precision of its
  coordinates: a **country** point is the middle of the country, not where it happened.
- Arcs on the map go from the capital of each taking-part actor's country to the place of
  the event. An actor at home draws no arc.
"""
    )

st.subheader("Where the data comes from", anchor=False)
st.markdown(
    """
- **curated**: coded by hand from news reports (the bundled dataset: reports from 2024 and
  2025 on Russia and the Alliance of Sahel States), each event with its evidence quote.
- **extracted**: produced by the article pipeline from fetched news text, then reviewed.
- **acled** and **gdelt**: imported from the ACLED and GDELT event datasets, with their own
  coding and sources.

Source outlets are typed: *wire* (news agencies), *state media*, *other media*, *official*
(statements and transcripts) and *dataset*. Choose origins and outlets in the sidebar.
"""
)
totals = view.query("overview", filters=Filters())
st.caption(
    f"The store holds {totals['events']:,} events, {totals['actors']:,} actors and "
    f"{totals['sources']:,} sources in all."
)
