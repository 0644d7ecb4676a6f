"""Actors: who appears with whom (heatmap ordered by clusters, network, top pairs) and one actor's partners."""

import streamlit as st

import ui
from analysis import figures
from analysis.queries import actor_partners
from ui.state import set_view_text, view_text

HEATMAP_TOP = 25
NETWORK_TOP = 30
PAIRS_ROWS = 20
LIST_ROWS = 20
TOP_PAIRS = 200
MAX_OPTIONS = 2000
MAX_LISTED = 100

view = ui.start_page("Actors", ":material/hub:", view_params=("measure", "focus"))
measure = ui.view_choice("measure", "Measure", {"together": "Events together", "jaccard": "Jaccard index"},
                         "together", container=view.controls)
heatmap, network, actors, pairs, actor_count = view.chart("actor_charts", measure, HEATMAP_TOP, NETWORK_TOP)
if actors.empty:
    ui.empty("No events with actors match these filters. Widen the dates or clear some filters in the sidebar.")
    st.stop()
st.caption(
    ("Events together: how many events two actors share. " if measure == "together" else
     "Jaccard index: events shared divided by events of either actor (0 to 1), so busy actors do not dominate. ")
    + f"The heatmap shows the {min(HEATMAP_TOP, actor_count)} busiest of {actor_count:,} actors."
)
ids_by_name = dict(zip(actors["name"][::-1], actors["actor_id"][::-1], strict=True))


def shared_event_list(actor_ids: list[str], label: str) -> None:
    """The events in which all the given actors take part, under the chart they were picked on."""
    ids = view.query("shared_events", tuple(actor_ids))
    st.markdown(f"**{ui.escape_md(label)}**: {len(ids):,} event{'s' if len(ids) != 1 else ''} together"
                + (f" (the latest {MAX_LISTED} listed)" if len(ids) > MAX_LISTED else ""))
    ui.event_list(view.call("events_details_for_ids", tuple(ids[:MAX_LISTED])), figures.TYPE_COLORS)


heat_tab, network_tab, pairs_tab = st.tabs(["Heatmap", "Network", "Top pairs"])
with heat_tab:
    if pairs.empty:
        ui.empty("No two actors take part in the same event in this selection.")
    else:
        cell = st.plotly_chart(heatmap, key=f"heatmap_{measure}", on_select="rerun", selection_mode="points")
        st.caption("Actors are ordered so that groups who appear together sit side by side. "
                   "Click a cell to list the events the two actors share.")
        ui.png_button(heatmap, "actors-heatmap", (view.store.path, view.version, view.filters, measure))
        points = [p.get("customdata") for p in (cell.selection.get("points") or []) if p.get("customdata")]
        if points:
            name_a, name_b = points[0][0], points[0][1]
            if name_a in ids_by_name and name_b in ids_by_name:
                shared_event_list([ids_by_name[name_a], ids_by_name[name_b]], f"{name_a} and {name_b}")
with network_tab:
    if network is None:
        ui.empty("No two actors take part in the same event in this selection.")
    else:
        picked = st.plotly_chart(network, key=f"network_{measure}", on_select="rerun", selection_mode="points")
        st.caption(f"The {NETWORK_TOP} busiest actors. Node size: events; line width: "
                   f"{'events together' if measure == 'together' else 'Jaccard index'}. "
                   "Click a node or a line to list its events.")
        ui.png_button(network, "actors-network", (view.store.path, view.version, view.filters, measure))
        points = [p.get("customdata") for p in (picked.selection.get("points") or []) if p.get("customdata")]
        if points:
            chosen = [points[0]] if isinstance(points[0], str) else list(points[0])
            names = dict(zip(actors["actor_id"], actors["name"], strict=True))
            shared_event_list(chosen, " and ".join(names.get(a, a) for a in chosen))
with pairs_tab:
    if pairs.empty:
        ui.empty("No two actors take part in the same event in this selection.")
    else:
        order = ["together", "jaccard"] if measure == "together" else ["jaccard", "together"]
        frequent = view.query("top_pairs", TOP_PAIRS)
        top_pairs = frequent.sort_values(order, ascending=False).head(PAIRS_ROWS)
        st.caption(f"The {PAIRS_ROWS} pairs seen together most often." if measure == "together" else
                   f"Of the {len(frequent):,} pairs seen together most often, the {PAIRS_ROWS} "
                   "with the highest Jaccard index.")
        st.dataframe(top_pairs[["name_a", "name_b", "together", "jaccard"]], hide_index=True, width="stretch",
                     column_config={
                         "name_a": st.column_config.TextColumn("Actor", width="medium"),
                         "name_b": st.column_config.TextColumn("Actor", width="medium"),
                         "together": st.column_config.NumberColumn("Events together", width="small"),
                         "jaccard": st.column_config.NumberColumn("Jaccard", format="%.2f", width="small"),
                     })

st.subheader("One actor", anchor=False)
busiest = view.query("actor_event_counts", limit=MAX_OPTIONS)
names = dict(zip(busiest["actor_id"], busiest["name"], strict=True))
focus = view_text("focus")
if focus is not None and focus not in names:
    # A quieter actor than the busiest offered is fine, if it takes part in the selection.
    if view.query("selection_span", filters=view.filters.with_(actors=(focus,)))["events"]:
        names.update(view.call("actor_names", (focus,)))
    else:
        st.warning("Ignored in the link: focus " + ui.escape_md(f"‘{focus[:60]}’")
                   + " is not an actor in this selection.", icon=":material/link_off:")
        focus = None
        set_view_text("focus", None)
st.session_state["view_focus"] = focus
options = list(dict.fromkeys([*busiest["actor_id"], *([focus] if focus else [])]))
st.selectbox("Choose an actor to see its partners and events"
             + (f" (the {MAX_OPTIONS:,} busiest)" if view.query("actor_count") > MAX_OPTIONS else ""),
             options, format_func=names.get,
             index=None, key="view_focus", placeholder="Type a name",
             on_change=lambda: set_view_text("focus", st.session_state.get("view_focus")))
if focus:
    partners_col, events_col = st.columns([2, 3])
    with partners_col:
        partners = actor_partners(view.query("actor_partner_pairs", focus), focus)
        st.markdown(f"**Seen with** ({len(partners):,} actors)")
        if partners.empty:
            st.text("No other actor takes part in its events in this selection.")
        else:
            st.dataframe(partners[["partner", "together", "jaccard"]], hide_index=True, width="stretch",
                         height="auto" if len(partners) <= 10 else 400,
                         column_config={
                             "partner": st.column_config.TextColumn("Actor"),
                             "together": st.column_config.NumberColumn("Together", width="small"),
                             "jaccard": st.column_config.NumberColumn("Jaccard", format="%.2f", width="small"),
                         })
    with events_col:
        own = view.query("events_with_details", limit=LIST_ROWS, filters=view.filters.with_(actors=(focus,)))
        count = view.query("selection_span", filters=view.filters.with_(actors=(focus,)))["events"]
        st.markdown(f"**Its events** ({count:,}" + (f", the latest {LIST_ROWS}" if count > LIST_ROWS else "") + ")")
        with st.container(height=420, border=False):
            ui.event_list(own, figures.TYPE_COLORS)
