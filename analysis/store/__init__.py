"""The event store: every SQL statement of the project lives in this package."""

from analysis.store.core import (
    DEFAULT_DB_ENV,
    LINK_LATEST_IDS,
    TIME_UNITS,
    EventStore,
    StoreError,
    default_db_path,
    filter_clause,
)

__all__ = ["DEFAULT_DB_ENV", "LINK_LATEST_IDS", "TIME_UNITS", "EventStore", "StoreError", "default_db_path",
           "filter_clause"]
