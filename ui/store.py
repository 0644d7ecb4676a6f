"""One store handle per server process, and cached query results keyed on filters and data.

The store is opened once (``st.cache_resource``) and shared by every session: each query
takes its own cursor, so sessions on different threads do not share one. Results are cached
(``st.cache_data``) on the store path, the data version (which changes when anything is
written, e.g. by the "Add articles" page) and the hashable Filters value.
"""

from __future__ import annotations

import os

import streamlit as st

from analysis import queries
from analysis.dataset import load_dataset
from analysis.filters import Filters
from analysis.schema import DataError
from analysis.store import DEFAULT_DB_ENV, EventStore, StoreError, default_db_path

SECRETS_KEY = "events_db"


def db_path() -> str:
    """Where the store lives: ``$EVENTS_DB``, else the ``events_db`` secret, else the default."""
    if os.environ.get(DEFAULT_DB_ENV):
        return os.environ[DEFAULT_DB_ENV]
    configured = st.secrets.get(SECRETS_KEY) if st.secrets.load_if_toml_exists() else None
    return str(configured) if configured else default_db_path()


@st.cache_resource(show_spinner="Opening the event store …")
def _open(path: str) -> tuple[EventStore | None, str]:
    """The store at ``path`` (filled with the bundled data when new), or None and why not."""
    try:
        store = EventStore(path)
    except StoreError as exc:
        return None, str(exc)
    if store.is_empty():
        try:
            load_dataset(store)
        except DataError as exc:
            return store, f"The store is empty and the bundled dataset could not be loaded: {exc}"
    return store, ""


def get_store() -> EventStore:
    """The shared store of this server process; stops the page with a message if it cannot open."""
    store, problem = _open(db_path())
    if store is None:
        st.error(f"The dashboard cannot open its event store. {problem}", icon=":material/error:")
        st.stop()
    if problem:
        st.warning(problem, icon=":material/warning:")
    return store


def store_problem() -> str:
    """Why the bundled data is missing from the store, or an empty string."""
    return _open(db_path())[1]


def data_version() -> tuple:
    """The current data version (cheap: counts and the latest update time)."""
    return queries.data_version(get_store())


@st.cache_data(max_entries=512, show_spinner=False)
def _query(path: str, version: tuple, name: str, filters: Filters | None, args: tuple, kwargs: tuple):
    store, _ = _open(path)
    func = getattr(queries, name)
    if filters is None:
        return func(store, *args, **dict(kwargs))
    return func(store, filters, *args, **dict(kwargs))


def query(name: str, filters: Filters | None, *args, version: tuple, **kwargs):
    """``analysis.queries.<name>(store, filters, *args, **kwargs)``, cached until the data changes.

    Arguments must be hashable values (Filters, strings, numbers, tuples), never DataFrames.
    """
    return _query(db_path(), version, name, filters, tuple(args), tuple(sorted(kwargs.items())))
