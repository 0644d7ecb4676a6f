"""Every statement the dashboard's reads send stays in a portable SQL subset.

The statements are captured while the real read methods run on the tiny fixture, then
parsed as DuckDB and translated with sqlglot to PostgreSQL, Spark and BigQuery.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

from analysis import queries
from analysis.filters import Filters
from analysis.store import EventStore

FULL = Filters(countries=("NER", "RUS"), date_from=dt.date(2024, 1, 1), date_to=dt.date(2025, 12, 31),
               types=("CONSULT", "AGREE"), actors=("lavrov",), topics=("russia-aes",), outlets=("AFP",),
               origins=("curated",))


class RecordingCursor:
    def __init__(self, cursor, log):
        self._cursor, self._log = cursor, log

    def execute(self, sql, *args, **kwargs):
        self._log.append(sql)
        self._cursor.execute(sql, *args, **kwargs)
        return self

    def __getattr__(self, name):
        return getattr(self._cursor, name)


@pytest.fixture
def statements(tiny_store, monkeypatch):
    log: list[str] = []
    original = EventStore.cursor
    monkeypatch.setattr(EventStore, "cursor", lambda self: RecordingCursor(original(self), log))
    for filters in (Filters(), FULL):
        queries.overview(tiny_store, filters)
        queries.events_with_details(tiny_store, filters, limit=50, search="niamey")
        for unit in ("day", "week", "month", "year"):
            queries.counts_over_time(tiny_store, filters, unit)
        queries.capital_links(tiny_store, filters)
        queries.place_counts(tiny_store, filters)
        queries.cooccurrence_pairs(tiny_store, filters, limit=100)
        queries.actor_event_counts(tiny_store, filters)
    reads = [s for s in log if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert len(reads) > 20
    return reads


@pytest.mark.parametrize("dialect", ["postgres", "spark", "bigquery"])
def test_reads_translate_to_other_databases(statements, dialect):
    for sql in statements:
        tree = sqlglot.parse_one(sql, read="duckdb", error_level=ErrorLevel.RAISE)
        assert tree.sql(dialect=dialect, unsupported_level=ErrorLevel.RAISE)


def test_reads_avoid_duckdb_only_shortcuts(statements):
    for sql in statements:
        flat = " ".join(sql.upper().split())
        assert "GROUP BY ALL" not in flat
        assert "QUALIFY" not in flat
        assert not re.search(r"(LIST|ARRAY_AGG|STRING_AGG)\([^()]*ORDER BY", flat), sql
        assert not re.search(r"\?", flat), "positional parameters: use named ones"


def test_reads_use_named_parameters_for_every_value(statements):
    """No filter value is spelled into the SQL text itself."""
    for sql in statements:
        for value in ("NER", "RUS", "CONSULT", "lavrov", "russia-aes", "AFP", "2024-01-01", "niamey"):
            assert value not in sql, f"{value!r} is written into the SQL instead of a parameter"
