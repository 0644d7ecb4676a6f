"""The DuckDB event store: schema, writes in one transaction, and every read query.

All SQL of the project lives in this package. Statements take named parameters (one per
value) and stay in a portable subset (explicit GROUP BY, no QUALIFY, no ordered list
aggregates, dates cast back to DATE after date_trunc) so that a server database can stand
behind the same interface later.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd

from analysis.filters import Filters
from analysis.schema import TABLE_ORDER, TABLES, split_list

DEFAULT_DB_ENV = "EVENTS_DB"

# Derived tables, rebuilt from the base tables whenever events are written.
DERIVED_DDL = {
    "actor_members": "CREATE TABLE IF NOT EXISTS actor_members (actor_id VARCHAR NOT NULL, country VARCHAR NOT NULL)",
    "actor_aliases": "CREATE TABLE IF NOT EXISTS actor_aliases (actor_id VARCHAR NOT NULL, alias VARCHAR NOT NULL)",
    # One row per (event, country) that 'filter by country' matches: actor country,
    # membership of a multinational actor, or the country of the event's place.
    "event_countries": "CREATE TABLE IF NOT EXISTS event_countries (event_id VARCHAR NOT NULL, country VARCHAR NOT NULL)",
    # Names met by the article pipeline that matched no known actor, kept for review.
    "unknown_names": (
        "CREATE TABLE IF NOT EXISTS unknown_names (name VARCHAR NOT NULL, label VARCHAR, "
        "document VARCHAR, context VARCHAR, seen_at TIMESTAMP)"
    ),
}

TIME_UNITS = ("day", "week", "month", "year")
_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}


class StoreError(RuntimeError):
    """A store that cannot be opened or written, with a message fit for a user."""


def _table_ddl(name: str) -> str:
    table = TABLES[name]
    cols = ", ".join(
        f"{c.name} {c.sql_type}{' NOT NULL' if c.required else ''}" for c in table.columns
    )
    # A key with an optional part (a role with no known start) is checked on validation only.
    if all(table.column(k).required for k in table.key):
        cols += f", PRIMARY KEY ({', '.join(table.key)})"
    return f"CREATE TABLE IF NOT EXISTS {name} ({cols})"


class _Params:
    """Collects named parameters, one per value, while a WHERE clause is built."""

    def __init__(self):
        self.values: dict[str, object] = {}

    def add(self, prefix: str, value) -> str:
        name = f"{prefix}_{len(self.values)}"
        self.values[name] = value
        return f"${name}"

    def in_list(self, prefix: str, values: Iterable) -> str:
        return "(" + ", ".join(self.add(prefix, v) for v in values) + ")"


def filter_clause(filters: Filters, params: _Params, alias: str = "e") -> str:
    """The WHERE condition (on events aliased ``alias``) that a Filters selects."""
    conds = ["TRUE"]
    if filters.date_from:
        conds.append(f"COALESCE({alias}.date_end, {alias}.date) >= {params.add('date_from', filters.date_from)}")
    if filters.date_to:
        conds.append(f"{alias}.date <= {params.add('date_to', filters.date_to)}")
    if filters.types:
        conds.append(f"{alias}.event_type IN {params.in_list('type', filters.types)}")
    if filters.topics:
        conds.append(f"{alias}.topic IN {params.in_list('topic', filters.topics)}")
    if filters.origins:
        conds.append(f"{alias}.origin IN {params.in_list('origin', filters.origins)}")
    if filters.countries:
        conds.append(
            f"{alias}.event_id IN (SELECT ec.event_id FROM event_countries ec "
            f"WHERE ec.country IN {params.in_list('country', filters.countries)})"
        )
    if filters.actors:
        conds.append(
            f"{alias}.event_id IN (SELECT fa.event_id FROM event_actors fa "
            f"WHERE fa.actor_id IN {params.in_list('actor', filters.actors)})"
        )
    if filters.outlets:
        conds.append(
            f"{alias}.event_id IN (SELECT fs.event_id FROM event_sources fs "
            f"JOIN sources so ON so.source_id = fs.source_id "
            f"WHERE so.outlet IN {params.in_list('outlet', filters.outlets)})"
        )
    return " AND ".join(conds)


class EventStore:
    """A connection to one DuckDB event database (a file, or ``:memory:``)."""

    def __init__(self, path: str | os.PathLike = ":memory:", read_only: bool = False):
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.con = duckdb.connect(self.path, read_only=read_only)
        except (duckdb.Error, OSError) as exc:
            raise StoreError(f"cannot open the event store at {self.path}: {exc}") from None
        if not read_only:
            self.create_schema()

    # --- lifecycle ----------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def create_schema(self) -> None:
        for name in TABLE_ORDER:
            self.con.execute(_table_ddl(name))
        for ddl in DERIVED_DDL.values():
            self.con.execute(ddl)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for one thread (DuckDB connections are not shared across threads)."""
        return self.con.cursor()

    def _df(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        return self.cursor().execute(sql, params or {}).df()

    def _rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        return self.cursor().execute(sql, params or {}).fetchall()

    # --- writes -------------------------------------------------------------------------
    def is_empty(self) -> bool:
        return self._rows("SELECT COUNT(*) FROM events")[0][0] == 0

    def existing_ids(self) -> dict[str, set]:
        """Ids already stored, per table with a one-column key (for reference checks)."""
        out = {}
        for name in ("events", "actors", "places", "sources"):
            key = TABLES[name].key[0]
            out[name] = {r[0] for r in self._rows(f"SELECT {key} FROM {name}")}
        return out

    def write_tables(self, clean: dict[str, list[dict]]) -> dict[str, int]:
        """Insert validated rows of several tables in one transaction; all or nothing.

        Rows whose key already exists are an error (the transaction is rolled back).
        Returns the number of rows written per table.
        """
        counts = {}
        cur = self.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            now = dt.datetime.now().replace(microsecond=0)
            for name in TABLE_ORDER:
                rows = clean.get(name) or []
                if not rows:
                    continue
                table = TABLES[name]
                cols = table.column_names
                frame = pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)
                if name == "events":
                    frame["created_at"] = frame["created_at"].fillna(now)
                    frame["updated_at"] = frame["updated_at"].fillna(now)
                self._insert_frame(cur, name, frame)
                counts[name] = len(frame)
            self._refresh_derived(cur)
            cur.execute("COMMIT")
        except Exception:
            cur.execute("ROLLBACK")
            raise
        return counts

    @staticmethod
    def _insert_frame(cur, name: str, frame: pd.DataFrame) -> None:
        table = TABLES[name]
        typed = frame.copy()
        for column in table.columns:
            if column.kind == "date":
                typed[column.name] = pd.to_datetime(typed[column.name]).dt.date
            elif column.kind == "timestamp":
                typed[column.name] = pd.to_datetime(typed[column.name])
            elif column.kind in ("int", "float", "bool"):
                typed[column.name] = typed[column.name].astype(object)
            else:
                typed[column.name] = typed[column.name].astype(object).where(typed[column.name].notna(), None)
        cur.register("incoming_rows", typed)
        try:
            cols = ", ".join(table.column_names)
            select = ", ".join(f"CAST({c.name} AS {c.sql_type})" for c in table.columns)
            cur.execute(f"INSERT INTO {name} ({cols}) SELECT {select} FROM incoming_rows")
        finally:
            cur.unregister("incoming_rows")

    def _refresh_derived(self, cur) -> None:
        """Rebuild the tables derived from actors and events (members, aliases, countries)."""
        actors = cur.execute("SELECT actor_id, name, members, aliases FROM actors").fetchall()
        members = [(a, c) for a, _, m, _ in actors for c in split_list(m)]
        aliases = [(a, al) for a, name, _, als in actors for al in dict.fromkeys([name, *split_list(als)])]
        cur.execute("DELETE FROM actor_members")
        cur.execute("DELETE FROM actor_aliases")
        if members:
            cur.executemany("INSERT INTO actor_members VALUES ($1, $2)", members)
        if aliases:
            cur.executemany("INSERT INTO actor_aliases VALUES ($1, $2)", aliases)
        cur.execute("DELETE FROM event_countries")
        cur.execute(
            """
            INSERT INTO event_countries
            SELECT DISTINCT event_id, country FROM (
                SELECT ea.event_id, a.country FROM event_actors ea
                JOIN actors a ON a.actor_id = ea.actor_id WHERE a.country IS NOT NULL
                UNION ALL
                SELECT ea.event_id, m.country FROM event_actors ea
                JOIN actor_members m ON m.actor_id = ea.actor_id
                UNION ALL
                SELECT e.event_id, p.country FROM events e
                JOIN places p ON p.place_id = e.place_id WHERE p.country IS NOT NULL
            ) AS matched
            """
        )

    def add_unknown_names(self, rows: list[dict]) -> None:
        """Keep names the article pipeline could not match, for an editor to review."""
        if rows:
            self.cursor().executemany(
                "INSERT INTO unknown_names VALUES ($name, $label, $document, $context, $seen_at)",
                [{"seen_at": dt.datetime.now(), "label": None, "context": None, "document": None, **r} for r in rows],
            )

    def unknown_names(self) -> pd.DataFrame:
        return self._df("SELECT * FROM unknown_names ORDER BY seen_at DESC, name")

    # --- reference lists ----------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame:
        """A whole base table (small tables only: actors, places, sources)."""
        if name not in TABLES and name not in DERIVED_DDL:
            raise KeyError(name)
        return self._df(f"SELECT * FROM {name}")

    def date_bounds(self) -> tuple[dt.date | None, dt.date | None]:
        lo, hi = self._rows("SELECT MIN(date), MAX(COALESCE(date_end, date)) FROM events")[0]
        return lo, hi

    def distinct_values(self) -> dict[str, list]:
        """Every value a filter can take, with the labels a panel shows."""
        return {
            "countries": [r[0] for r in self._rows("SELECT DISTINCT country FROM event_countries ORDER BY country")],
            "types": [r[0] for r in self._rows("SELECT DISTINCT event_type FROM events ORDER BY event_type")],
            "topics": [r[0] for r in self._rows("SELECT DISTINCT topic FROM events ORDER BY topic")],
            "outlets": [r[0] for r in self._rows("SELECT DISTINCT outlet FROM sources ORDER BY outlet")],
            "origins": [r[0] for r in self._rows("SELECT DISTINCT origin FROM events ORDER BY origin")],
            "actors": self._rows(
                "SELECT a.actor_id, a.name FROM actors a WHERE a.actor_id IN "
                "(SELECT actor_id FROM event_actors) ORDER BY a.name"
            ),
        }

    # --- filtered reads -----------------------------------------------------------------
    def _selected(self, filters: Filters) -> tuple[str, dict]:
        """A CTE named ``sel`` holding the events that the filters select."""
        params = _Params()
        where = filter_clause(filters, params)
        return f"WITH sel AS (SELECT e.* FROM events e WHERE {where})", params.values

    def overview(self, filters: Filters) -> dict:
        """Headline figures: events, actors, countries, sources and the date span."""
        cte, params = self._selected(filters)
        row = self._rows(
            f"""{cte}
            SELECT
                (SELECT COUNT(*) FROM sel),
                (SELECT COUNT(DISTINCT ea.actor_id) FROM event_actors ea JOIN sel ON sel.event_id = ea.event_id),
                (SELECT COUNT(DISTINCT ec.country) FROM event_countries ec JOIN sel ON sel.event_id = ec.event_id),
                (SELECT COUNT(DISTINCT es.source_id) FROM event_sources es JOIN sel ON sel.event_id = es.event_id),
                (SELECT MIN(date) FROM sel),
                (SELECT MAX(COALESCE(date_end, date)) FROM sel)
            """,
            params,
        )[0]
        keys = ("events", "actors", "countries", "sources", "first_date", "last_date")
        return dict(zip(keys, row))

    def event_count(self, filters: Filters) -> int:
        cte, params = self._selected(filters)
        return self._rows(f"{cte} SELECT COUNT(*) FROM sel", params)[0][0]

    def events_page(self, filters: Filters, limit: int | None = None, offset: int = 0,
                    search: str | None = None) -> pd.DataFrame:
        """Events newest first, with place name; optional case-insensitive text search."""
        cte, params = self._selected(filters)
        conds = ["TRUE"]
        if search:
            params["search"] = f"%{search.lower()}%"
            conds.append(
                "(LOWER(sel.summary) LIKE $search OR sel.event_id IN (SELECT ea.event_id FROM event_actors ea "
                "JOIN actors a ON a.actor_id = ea.actor_id WHERE LOWER(a.name) LIKE $search) "
                "OR sel.event_id IN (SELECT es.event_id FROM event_sources es WHERE LOWER(es.evidence) LIKE $search))"
            )
        page = ""
        if limit is not None:
            params["limit"], params["offset"] = int(limit), int(offset)
            page = "LIMIT $limit OFFSET $offset"
        return self._df(
            f"""{cte}
            SELECT sel.event_id, sel.date, sel.date_precision, sel.date_end, sel.date_basis,
                   sel.event_type, sel.type_note, sel.mode, sel.summary, sel.topic, sel.origin,
                   sel.fatalities, sel.place_id, p.name AS place, p.country AS place_country,
                   p.lat, p.lon, p.coord_precision
            FROM sel LEFT JOIN places p ON p.place_id = sel.place_id
            WHERE {' AND '.join(conds)}
            ORDER BY sel.date DESC, sel.event_id
            {page}
            """,
            params,
        )

    def events_by_id(self, event_ids: list[str]) -> pd.DataFrame:
        """Events by id, with their place name."""
        p = _Params()
        if not event_ids:
            return self.events_page(Filters(), limit=0)
        return self._df(
            f"""SELECT e.event_id, e.date, e.date_precision, e.date_end, e.event_type, e.mode, e.summary,
                   e.topic, e.origin, e.place_id, p.name AS place
            FROM events e LEFT JOIN places p ON p.place_id = e.place_id
            WHERE e.event_id IN {p.in_list('ev', event_ids)}
            ORDER BY e.date DESC, e.event_id""",
            p.values,
        )

    def event_actors_for(self, event_ids: list[str]) -> pd.DataFrame:
        """Actors taking part in the given events."""
        if not event_ids:
            return pd.DataFrame(columns=["event_id", "actor_id", "name", "kind", "country", "sector", "role_in_event"])
        p = _Params()
        return self._df(
            f"""SELECT ea.event_id, a.actor_id, a.name, a.kind, a.country, a.sector, ea.role_in_event
            FROM event_actors ea JOIN actors a ON a.actor_id = ea.actor_id
            WHERE ea.event_id IN {p.in_list('ev', event_ids)}
            ORDER BY ea.event_id, ea.role_in_event, a.name""",
            p.values,
        )

    def event_sources_for(self, event_ids: list[str]) -> pd.DataFrame:
        """Sources and evidence of the given events."""
        if not event_ids:
            return pd.DataFrame(columns=["event_id", "source_id", "outlet", "outlet_type", "title",
                                         "published", "published_basis", "url", "document", "evidence"])
        p = _Params()
        return self._df(
            f"""SELECT es.event_id, s.source_id, s.outlet, s.outlet_type, s.title, s.published,
                   s.published_basis, s.url, es.document, es.evidence
            FROM event_sources es JOIN sources s ON s.source_id = es.source_id
            WHERE es.event_id IN {p.in_list('ev', event_ids)}
            ORDER BY es.event_id, s.published, s.outlet""",
            p.values,
        )

    def counts_over_time(self, filters: Filters, unit: str = "month") -> pd.DataFrame:
        """Events per period and type, never finer than each event's own date precision.

        An event known only to the year is counted in its year (``period_unit`` 'year')
        even when months are asked for, instead of being pinned to a made-up month.
        """
        if unit not in TIME_UNITS:
            raise ValueError(f"unit must be one of {', '.join(TIME_UNITS)}")
        cte, params = self._selected(filters)
        rank = _PRECISION_RANK[unit]
        params["unit_rank"] = rank
        return self._df(
            f"""{cte}
            , bucketed AS (
                SELECT event_type,
                    CASE
                        WHEN date_precision = 'year' AND $unit_rank < 3 THEN 'year'
                        WHEN date_precision = 'month' AND $unit_rank < 2 THEN 'month'
                        ELSE '{unit}'
                    END AS period_unit,
                    date
                FROM sel
            )
            SELECT period_unit, event_type,
                CAST(CASE period_unit
                    WHEN 'year' THEN date_trunc('year', date)
                    WHEN 'month' THEN date_trunc('month', date)
                    WHEN 'week' THEN date_trunc('week', date)
                    ELSE date_trunc('day', date) END AS DATE) AS period,
                COUNT(*) AS events
            FROM bucketed
            GROUP BY period_unit, event_type, period
            ORDER BY period, event_type
            """,
            params,
        )

    def place_counts(self, filters: Filters) -> pd.DataFrame:
        """Places with the number of selected events that happened there."""
        cte, params = self._selected(filters)
        return self._df(
            f"""{cte}
            SELECT p.place_id, p.name, p.kind, p.country, p.lat, p.lon, p.coord_precision,
                   COUNT(*) AS events, MAX(sel.date) AS latest
            FROM sel JOIN places p ON p.place_id = sel.place_id
            GROUP BY p.place_id, p.name, p.kind, p.country, p.lat, p.lon, p.coord_precision
            ORDER BY events DESC, p.name
            """,
            params,
        )

    def capital_links(self, filters: Filters) -> pd.DataFrame:
        """Arcs from each taking-part actor's home capital to the event's place.

        One row per (capital, place, direction) with the number of distinct events, their
        ids and the latest date; an actor at home (capital = place) draws no arc.
        """
        cte, params = self._selected(filters)
        return self._df(
            f"""{cte}
            , legs AS (
                SELECT DISTINCT sel.event_id, sel.date, sel.event_type, ea.role_in_event,
                       cap.place_id AS from_id, sel.place_id AS to_id
                FROM sel
                JOIN event_actors ea ON ea.event_id = sel.event_id
                JOIN actors a ON a.actor_id = ea.actor_id
                JOIN places cap ON cap.country = a.country AND cap.is_capital
                WHERE sel.place_id IS NOT NULL AND cap.place_id <> sel.place_id
            )
            SELECT l.from_id, f.name AS from_name, f.country AS from_country, f.lat AS from_lat, f.lon AS from_lon,
                   l.to_id, t.name AS to_name, t.country AS to_country, t.lat AS to_lat, t.lon AS to_lon,
                   COUNT(DISTINCT l.event_id) AS events, MAX(l.date) AS latest,
                   STRING_AGG(DISTINCT l.event_id, ',') AS event_ids,
                   STRING_AGG(DISTINCT l.event_type, ',') AS event_types,
                   STRING_AGG(DISTINCT l.role_in_event, ',') AS roles
            FROM legs l
            JOIN places f ON f.place_id = l.from_id
            JOIN places t ON t.place_id = l.to_id
            GROUP BY l.from_id, f.name, f.country, f.lat, f.lon, l.to_id, t.name, t.country, t.lat, t.lon
            ORDER BY events DESC, from_name, to_name
            """,
            params,
        )

    def actor_event_counts(self, filters: Filters) -> pd.DataFrame:
        cte, params = self._selected(filters)
        return self._df(
            f"""{cte}
            SELECT a.actor_id, a.name, a.kind, a.country, a.sector, COUNT(DISTINCT sel.event_id) AS events
            FROM sel JOIN event_actors ea ON ea.event_id = sel.event_id
            JOIN actors a ON a.actor_id = ea.actor_id
            GROUP BY a.actor_id, a.name, a.kind, a.country, a.sector
            ORDER BY events DESC, a.name
            """,
            params,
        )

    def cooccurrence_pairs(self, filters: Filters, limit: int | None = None) -> pd.DataFrame:
        """Pairs of actors taking part in the same selected events, with count and Jaccard."""
        cte, params = self._selected(filters)
        page = ""
        if limit is not None:
            params["limit"] = int(limit)
            page = "LIMIT $limit"
        return self._df(
            f"""{cte}
            , ea AS (SELECT DISTINCT x.event_id, x.actor_id FROM event_actors x JOIN sel ON sel.event_id = x.event_id)
            , n AS (SELECT actor_id, COUNT(*) AS events FROM ea GROUP BY actor_id)
            , pairs AS (
                SELECT a.actor_id AS actor_a, b.actor_id AS actor_b, COUNT(*) AS together
                FROM ea a JOIN ea b ON a.event_id = b.event_id AND a.actor_id < b.actor_id
                GROUP BY a.actor_id, b.actor_id
            )
            SELECT pairs.actor_a, aa.name AS name_a, pairs.actor_b, ab.name AS name_b,
                   pairs.together, na.events AS events_a, nb.events AS events_b,
                   CAST(pairs.together AS DOUBLE) / (na.events + nb.events - pairs.together) AS jaccard
            FROM pairs
            JOIN n na ON na.actor_id = pairs.actor_a
            JOIN n nb ON nb.actor_id = pairs.actor_b
            JOIN actors aa ON aa.actor_id = pairs.actor_a
            JOIN actors ab ON ab.actor_id = pairs.actor_b
            ORDER BY pairs.together DESC, jaccard DESC, name_a, name_b
            {page}
            """,
            params,
        )


def default_db_path() -> str:
    """Where the dashboard keeps its store: ``$EVENTS_DB`` or ``.cache/events.duckdb``."""
    return os.environ.get(DEFAULT_DB_ENV) or str(Path(__file__).resolve().parents[2] / ".cache" / "events.duckdb")
