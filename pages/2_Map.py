"""Map: event places sized by their events, and arcs from actors' home capitals to event places."""

import streamlit as st

import ui
from analysis import figures

MAX_ARCS = 150
MAX_PLACES = 400
LIST_ROWS = 10
MAX_LINK_EVENTS = 500

view = ui.start_page("Map", ":material/map:", view_params=("color", "basemap"))
left, right = view.controls.columns(2)
color_by = ui.view_choice("color", "Arc colour", {"type": "Type", "direction": "Direction"}, "type",
                          container=left)
basemap = ui.view_choice("basemap", "Basemap", {"offline": "Built-in", "carto": "Carto"},
                         "offline", container=right)

deck, shown_links, link_count, place_count = view.chart("links_map", color_by, basemap, MAX_ARCS, MAX_PLACES,
                                                        (790, 470))
if deck is None:
    ui.empty("No event in this selection has a known place, so there is nothing to map.")
    st.stop()

notes = []
if link_count > MAX_ARCS:
    notes.append(f"The {MAX_ARCS} busiest of {link_count:,} links are drawn.")
if place_count > MAX_PLACES:
    notes.append(f"The {MAX_PLACES} busiest of {place_count:,} places are drawn.")
notes.append("Arcs run from each actor's home capital to where the event happened; width shows the number "
             "of events. Click an arc to list its events below.")
st.caption(" ".join(notes))

chart = st.pydeck_chart(deck, height=470, key=f"map_{color_by}_{basemap}", on_select="rerun",
                        selection_mode="single-object")
ui.legend(figures.links_legend(color_by, shown_links))

picked = (chart.selection.indices.get("links") or []) if chart is not None else []
if picked and picked[0] < len(shown_links):
    link = shown_links.iloc[picked[0]]
    count = int(link["events"])
    label = f"{link['from_name']} → {link['to_name']}: {count:,} event{'s' if count != 1 else ''}"
    st.markdown(ui.escape_md(label)
                + (f" (the {MAX_LINK_EVENTS:,} latest listed)" if count > MAX_LINK_EVENTS else "")
                + " · click the map background to clear")
    ui.event_list(view.query("link_events", link["from_id"], link["to_id"], MAX_LINK_EVENTS), figures.TYPE_COLORS)
else:
    st.markdown("**Busiest links**")
    table = shown_links.head(LIST_ROWS).assign(
        link=lambda f: f["from_name"] + " → " + f["to_name"],
        types=lambda f: f["event_types"].str.replace(",", ", "),
    )[["link", "events", "latest", "types"]]
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "link": st.column_config.TextColumn("From capital → event place", width="large"),
        "events": st.column_config.NumberColumn("Events", width="small"),
        "latest": st.column_config.DateColumn("Latest", width="small"),
        "types": st.column_config.TextColumn("Event types", width="medium"),
    })
