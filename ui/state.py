"""Page setup: page config, the sidebar (page links and filter panel) and URL <-> filter sync.

The address bar is the view. Each run reads the query parameters once into a Filters value
and writes the canonical parameters back (ISO3 and PLOVER codes, actor ids). The sidebar's
page links carry the filters in their addresses; Streamlit's own page navigation drops query
parameters (seen on 1.67), so when a run's URL names no filter, the session's last filters
are used and written back. Widgets are initialised from the Filters on every run and, when
changed, write the new parameters to the URL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from analysis.filters import Filters
from analysis.schema import EVENT_TYPES, ORIGINS, PLOVER_TYPES, country_name
from analysis.store import EventStore
from ui import charts
from ui import store as store_mod
from ui.params import FILTER_PARAMS, Choices, filters_to_params, parse_filters, parse_view_param
from ui.render import escape_md

APP_TITLE = "Russia and the Sahel states"
ROOT = Path(__file__).resolve().parents[1]
# (script, label, icon) of every page, in sidebar order; paths are relative to app.py.
PAGES = (
    ("app.py", "Overview", ":material/dashboard:"),
    ("pages/1_Timeline.py", "Timeline", ":material/timeline:"),
    ("pages/2_Map.py", "Map", ":material/map:"),
    ("pages/3_Actors.py", "Actors", ":material/hub:"),
    ("pages/4_Events.py", "Events", ":material/table_rows:"),
    ("pages/5_About_the_data.py", "About the data", ":material/info:"),
)
EXTRA_PAGES = (("pages/9_Add_articles.py", "Add articles", ":material/post_add:"),)
FOCUS_COUNTRIES = ("MLI", "NER", "BFA", "RUS")
DATE_MIN, DATE_MAX = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
MAX_ACTOR_OPTIONS = 2000  # the panel lists the busiest actors; any actor id still works in a link

SESSION_FILTERS = "_filters"
SESSION_NOTES = "_link_notes"
KEYS = {name: f"flt_{name}" for name in FILTER_PARAMS}


@dataclass(frozen=True)
class View:
    """What a page works from: the store, the current filters and the data version."""

    store: EventStore
    filters: Filters
    version: tuple
    page: str
    controls: object = None  # the space right of the title, for the page's own choices

    @property
    def params(self) -> dict[str, list[str]]:
        """The canonical URL parameters of the filters (for links to other pages)."""
        return filters_to_params(self.filters)

    def link(self, script: str, label: str, icon: str = ":material/arrow_forward:") -> None:
        """A link to another page that keeps the current filters."""
        try:
            st.page_link(script, label=label, icon=icon, query_params=self.params)
        except StreamlitPageNotFoundError:
            return

    def chart(self, name: str, *args, **kwargs):
        """A cached chart of ``ui.charts`` for this view's filters."""
        return getattr(charts, name)(self.store.path, self.version, self.filters, *args, **kwargs)

    def call(self, name: str, *args, **kwargs):
        """A cached ``analysis.queries`` call that takes no filters (e.g. events by id)."""
        return store_mod.query(name, None, *args, version=self.version, **kwargs)

    def query(self, name: str, *args, filters: Filters | None = None, **kwargs):
        """A cached ``analysis.queries`` call on this view's filters (or on ``filters``)."""
        return store_mod.query(name, self.filters if filters is None else filters, *args,
                               version=self.version, **kwargs)


@st.cache_data(max_entries=16, show_spinner=False)
def _choices(path: str, version: tuple) -> dict:
    """Every value the filter panel offers, and the ids a link may name."""
    store = store_mod.get_store()
    values = store.distinct_values()
    values["all_actors"] = store.actor_names()
    if len(values["actors"]) > MAX_ACTOR_OPTIONS:
        busiest = store.actor_event_counts(Filters()).head(MAX_ACTOR_OPTIONS)
        values["actors"] = list(zip(busiest["actor_id"], busiest["name"], strict=True))
        values["actors_capped"] = True
    return values


def _url_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _write_url(params: dict[str, list[str]]) -> None:
    """Replace the query string, only when it differs (each write is a browser history step)."""
    wanted = {k: list(v) for k, v in params.items() if v}
    if wanted != {k: v for k, v in _url_params().items() if v}:
        st.query_params.from_dict(wanted)


def _page_view_params(page_params: tuple[str, ...]) -> dict[str, list[str]]:
    return {k: v for k, v in _url_params().items() if k in page_params}


def _filters_from_widgets() -> Filters:
    state = st.session_state
    return Filters(
        countries=tuple(state.get(KEYS["country"]) or ()),
        date_from=state.get(KEYS["from"]),
        date_to=state.get(KEYS["to"]),
        types=tuple(state.get(KEYS["type"]) or ()),
        actors=tuple(state.get(KEYS["actor"]) or ()),
        topics=tuple(state.get(KEYS["topic"]) or ()),
        outlets=tuple(state.get(KEYS["outlet"]) or ()),
        origins=tuple(state.get(KEYS["origin"]) or ()),
    )


def _on_filter_change(page_params: tuple[str, ...]) -> None:
    filters = _filters_from_widgets()
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        filters = filters.with_(date_from=filters.date_to, date_to=filters.date_from)
    st.session_state[SESSION_FILTERS] = filters
    st.session_state.pop(SESSION_NOTES, None)
    _write_url({**filters_to_params(filters), **_page_view_params(page_params)})


def _on_clear(page_params: tuple[str, ...]) -> None:
    st.session_state[SESSION_FILTERS] = Filters()
    st.session_state.pop(SESSION_NOTES, None)
    _write_url(_page_view_params(page_params))


def _current_filters(choices: dict, page: str) -> Filters:
    """The filters of this run: from the URL, or the session's when the URL names none."""
    params = _url_params()
    if st.session_state.get(SESSION_NOTES, (page,))[0] != page:
        st.session_state.pop(SESSION_NOTES)
    if any(k in FILTER_PARAMS for k in params) or SESSION_FILTERS not in st.session_state:
        known = Choices(
            actors=frozenset(choices["all_actors"]),
            topics=frozenset(choices["topics"]),
            outlets=frozenset(choices["outlets"]),
        )
        filters, notes = parse_filters(params, known)
        if notes:
            st.session_state[SESSION_NOTES] = (page, tuple(notes))
    else:
        filters = st.session_state[SESSION_FILTERS]
    st.session_state[SESSION_FILTERS] = filters
    return filters


def _sync_widgets(filters: Filters) -> None:
    """Put the filter values into the panel's widget state (before the widgets are drawn)."""
    for name, field in FILTER_PARAMS.items():
        value = getattr(filters, field)
        st.session_state[KEYS[name]] = value if name in ("from", "to") else list(value)


def _ordered_countries(codes) -> list[str]:
    codes = set(codes)
    focus = [c for c in FOCUS_COUNTRIES if c in codes]
    return focus + sorted(codes - set(focus), key=country_name)


def _nav(filters: Filters) -> None:
    """Links to every page with the current filters (none when a page runs without app.py)."""
    params = filters_to_params(filters)
    try:
        for script, label, icon in PAGES:
            st.page_link(script, label=label, icon=icon, query_params=params)
    except StreamlitPageNotFoundError:
        return
    for script, label, icon in EXTRA_PAGES:
        if (ROOT / script).exists():
            st.page_link(script, label=label, icon=icon)


def _panel(filters: Filters, choices: dict, page_params: tuple[str, ...]) -> None:
    args = (page_params,)
    st.multiselect(
        "Countries", _ordered_countries({*choices["countries"], *filters.countries}),
        format_func=country_name, key=KEYS["country"], on_change=_on_filter_change, args=args,
        placeholder="All countries",
    )
    left, right = st.columns(2)
    left.date_input("From", value=None, min_value=DATE_MIN, max_value=DATE_MAX, format="YYYY-MM-DD",
                    key=KEYS["from"], on_change=_on_filter_change, args=args)
    right.date_input("To", value=None, min_value=DATE_MIN, max_value=DATE_MAX, format="YYYY-MM-DD",
                     key=KEYS["to"], on_change=_on_filter_change, args=args)
    types = [t for t in EVENT_TYPES if t in {*choices["types"], *filters.types}]
    st.multiselect(
        "Event types", types, key=KEYS["type"], on_change=_on_filter_change, args=args,
        placeholder="All types", help="PLOVER event types; see 'About the data'.",
        format_func=lambda t: t if t in PLOVER_TYPES else t.title(),
    )
    actor_names = dict(choices["actors"])
    actor_names.update({a: choices["all_actors"].get(a, a) for a in filters.actors})
    st.multiselect(
        "Actors", sorted(actor_names, key=lambda a: actor_names[a].lower()), format_func=actor_names.get,
        key=KEYS["actor"], on_change=_on_filter_change, args=args, placeholder="All actors",
        help="Events in which any of these actors takes part."
        + (f" The {MAX_ACTOR_OPTIONS:,} busiest actors are listed." if choices.get("actors_capped") else ""),
    )
    more = bool(filters.topics or filters.outlets or filters.origins)
    with st.expander("Topic, source, origin", expanded=more):
        st.multiselect("Topics", sorted({*choices["topics"], *filters.topics}), key=KEYS["topic"],
                       on_change=_on_filter_change, args=args, placeholder="All topics")
        st.multiselect("Source outlets", sorted({*choices["outlets"], *filters.outlets}), key=KEYS["outlet"],
                       on_change=_on_filter_change, args=args, placeholder="All outlets")
        st.multiselect("Origin", list(ORIGINS), key=KEYS["origin"], on_change=_on_filter_change, args=args,
                       placeholder="All origins", help="curated and extracted: coded from news articles; "
                       "acled and gdelt: imported datasets.")
    st.button("Clear filters", on_click=_on_clear, args=args, disabled=filters.is_empty,
              icon=":material/filter_alt_off:")


def start_page(title: str, icon: str, view_params: tuple[str, ...] = ()) -> View:
    """Set up a page: config, sidebar with page links and filters, URL sync, title and sentence.

    ``view_params`` are the page's own URL parameters (e.g. ``lane``), kept in the URL next
    to the filters.
    """
    st.set_page_config(page_title=f"{title} · {APP_TITLE}", page_icon=icon, layout="wide",
                       initial_sidebar_state="expanded")
    store = store_mod.get_store()
    version = store_mod.data_version()
    choices = _choices(store_mod.db_path(), version)
    filters = _current_filters(choices, title)
    _write_url({**filters_to_params(filters), **_page_view_params(view_params)})
    _sync_widgets(filters)
    with st.sidebar:
        st.markdown(f"**{APP_TITLE}**")
        _nav(filters)
        st.divider()
        _panel(filters, choices, view_params)
    head, controls = st.columns(2, vertical_alignment="bottom")
    view = View(store=store, filters=filters, version=version, page=title, controls=controls)
    head.title(title, anchor=False)
    head.markdown(escape_md(view.query("describe")))
    notes = st.session_state.get(SESSION_NOTES)
    if notes:
        st.warning("Some parts of this link were ignored: " + "; ".join(escape_md(n) for n in notes[1]) + ".",
                   icon=":material/link_off:")
    return view


def view_choice(name: str, label: str, options: dict[str, str], default: str, container=None) -> str:
    """A page-specific choice (e.g. lanes by country or actor) kept in the URL as ``name``."""
    allowed = tuple(options)
    value, notes = parse_view_param(name, st.query_params.get_all(name), default, allowed)
    if notes:
        st.warning("Ignored in the link: " + escape_md(notes[0]) + ".", icon=":material/link_off:")
    _set_view_param(name, value, default)
    key = f"view_{name}"
    st.session_state[key] = value
    (container or st).segmented_control(
        label, allowed, format_func=options.get, key=key, required=True,
        on_change=_on_view_change, args=(name, key, default),
    )
    return value


def _set_view_param(name: str, value: str | None, default: str | None) -> None:
    current = st.query_params.get_all(name)
    if value is None or value == default:
        if current:
            del st.query_params[name]
    elif current != [value]:
        st.query_params[name] = value


def _on_view_change(name: str, key: str, default: str | None) -> None:
    _set_view_param(name, st.session_state.get(key), default)


def view_text(name: str) -> str | None:
    """A free-text page parameter (search text, a chosen actor id) from the URL."""
    values = [v for v in st.query_params.get_all(name) if v.strip()]
    return values[-1].strip() if values else None


def set_view_text(name: str, value: str | None) -> None:
    """Write (or remove) a free-text page parameter."""
    _set_view_param(name, (value or "").strip() or None, None)



def view_text_input(name: str, label: str, placeholder: str = "") -> str | None:
    """A text box (e.g. search) whose value is kept in the URL as ``name``."""
    key = f"view_{name}"
    value = view_text(name)
    st.session_state[key] = value or ""
    st.text_input(label, key=key, placeholder=placeholder, on_change=_on_text_change, args=(name, key))
    return value


def _on_text_change(name: str, key: str) -> None:
    set_view_text(name, st.session_state.get(key))
