"""The DuckDB event store: schema, writes in one transaction, and every read query.

All SQL of the project lives in this package. Statements take named parameters (one per
value) and stay in a portable subset (explicit GROUP BY, no QUALIFY, no ordered list
aggregates, dates cast back to DATE after date_trunc) so that a server database can stand
behind the same interface later.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd

from analysis.filters import Filters
from analysis.schema import EVENT_ROLES, EVENT_TYPES, TABLE_ORDER, TABLES, split_list

DEFAULT_DB_ENV = "EVENTS_DB"

# The most recent events of a map link, whose summaries an arc's tooltip shows (the count of
# events stays exact; a clicked link lists its events with link_event_ids).
LINK_LATEST_IDS = 3
# Legs within this many days of a link's latest are enough to find its latest events, unless
# fewer than LINK_LATEST_IDS are (see _links_ctes).
LINK_RECENT_DAYS = 31
# A link's latest events, newest first, as columns (id, date, precision, summary of each).
_LATEST_FIELDS = (("id", "event_id", "VARCHAR"), ("date", "date", "DATE"),
                  ("precision", "date_precision", "VARCHAR"), ("summary", "summary", "VARCHAR"))
_LATEST_COLUMNS = tuple((f"latest_{field}_{rank}", kind) for rank in range(1, LINK_LATEST_IDS + 1)
                        for field, _, kind in _LATEST_FIELDS)

# Derived tables, rebuilt from the base tables whenever events are written.
DERIVED_DDL = {
    "actor_members": "CREATE TABLE IF NOT EXISTS actor_members (actor_id VARCHAR NOT NULL, country VARCHAR NOT NULL)",
    "actor_aliases": "CREATE TABLE IF NOT EXISTS actor_aliases (actor_id VARCHAR NOT NULL, alias VARCHAR NOT NULL)",
    # Names met by the article pipeline that matched no known actor, kept for review.
    "unknown_names": (
        "CREATE TABLE IF NOT EXISTS unknown_names (name VARCHAR NOT NULL, label VARCHAR, "
        "document VARCHAR, context VARCHAR, seen_at TIMESTAMP)"
    ),
    # Fact tables for fast reads at millions of events, kept in step with the base tables
    # on every write. Events get an integer key k (joins on integers, not strings) and
    # every fact row repeats the event's first and last day, so that a date filter skips
    # whole blocks of rows before any join. last_date is the last day the event may cover.
    "actor_keys": (
        "CREATE TABLE IF NOT EXISTS actor_keys (a INTEGER NOT NULL, actor_id VARCHAR NOT NULL, country VARCHAR)"
    ),
    "place_keys": "CREATE TABLE IF NOT EXISTS place_keys (p INTEGER NOT NULL, place_id VARCHAR NOT NULL)",
    "event_facts": (
        "CREATE TABLE IF NOT EXISTS event_facts (k INTEGER NOT NULL, event_id VARCHAR NOT NULL, "
        "date DATE NOT NULL, last_date DATE NOT NULL, end_date DATE NOT NULL, date_precision VARCHAR NOT NULL, "
        "event_type VARCHAR NOT NULL, topic VARCHAR, origin VARCHAR, place_id VARCHAR, "
        # A copy of what a page of events shows, so that the newest events are read in one pass.
        "date_end DATE, date_basis VARCHAR, type_note VARCHAR, mode VARCHAR, summary VARCHAR, fatalities BIGINT)"
    ),
    "event_actor_facts": (
        "CREATE TABLE IF NOT EXISTS event_actor_facts (k INTEGER NOT NULL, a INTEGER NOT NULL, "
        "role_in_event VARCHAR, date DATE NOT NULL, last_date DATE NOT NULL)"
    ),
    # One row per (country, event) that 'filter by country' matches (actor country,
    # membership of a multinational actor, or the country of the event's place), with what
    # the filters and the newest-first order need, stored country by country: a country's
    # events are read as one slice.
    "event_country_facts": (
        "CREATE TABLE IF NOT EXISTS event_country_facts (country VARCHAR NOT NULL, k INTEGER NOT NULL, "
        "event_id VARCHAR NOT NULL, date DATE NOT NULL, last_date DATE NOT NULL, end_date DATE NOT NULL, "
        "date_precision VARCHAR NOT NULL, event_type VARCHAR NOT NULL, topic VARCHAR, origin VARCHAR, place_id VARCHAR)"
    ),
    # One row per pair of actors (a < b) taking part in the same event.
    "event_pair_facts": (
        "CREATE TABLE IF NOT EXISTS event_pair_facts (k INTEGER NOT NULL, a INTEGER NOT NULL, b INTEGER NOT NULL, "
        "date DATE NOT NULL, last_date DATE NOT NULL)"
    ),
    # One row per map arc leg (an actor's home capital to the event's place) and event, with
    # the roles of the actors from that capital and the event's type as bits (TYPE_BITS,
    # ROLE_BITS): a link's counts, types and roles are then one plain aggregate, no DISTINCT.
    "event_leg_facts": (
        "CREATE TABLE IF NOT EXISTS event_leg_facts (k INTEGER NOT NULL, from_p INTEGER NOT NULL, "
        "to_p INTEGER NOT NULL, role_bits INTEGER NOT NULL, type_bits INTEGER NOT NULL, date DATE NOT NULL, "
        "last_date DATE NOT NULL)"
    ),
    # With a copy of the link's document and evidence, so that a page of events reads its
    # sources by k (see event_sources_for).
    "event_source_facts": (
        "CREATE TABLE IF NOT EXISTS event_source_facts (k INTEGER NOT NULL, source_id VARCHAR NOT NULL, "
        "date DATE NOT NULL, last_date DATE NOT NULL, document VARCHAR, evidence VARCHAR)"
    ),
    # Totals over all events, for the unfiltered view; recomputed from the facts on write.
    "total_days": (
        "CREATE TABLE IF NOT EXISTS total_days (date DATE NOT NULL, date_precision VARCHAR NOT NULL, "
        "event_type VARCHAR NOT NULL, events BIGINT NOT NULL)"
    ),
    "total_actors": "CREATE TABLE IF NOT EXISTS total_actors (a INTEGER NOT NULL, events BIGINT NOT NULL)",
    "total_pairs": (
        "CREATE TABLE IF NOT EXISTS total_pairs (a INTEGER NOT NULL, b INTEGER NOT NULL, together BIGINT NOT NULL)"
    ),
    "total_places": (
        "CREATE TABLE IF NOT EXISTS total_places (place_id VARCHAR NOT NULL, events BIGINT NOT NULL, latest DATE)"
    ),
    "total_links": (
        "CREATE TABLE IF NOT EXISTS total_links (from_id VARCHAR NOT NULL, to_id VARCHAR NOT NULL, "
        "events BIGINT NOT NULL, latest DATE, type_bits INTEGER, role_bits INTEGER, "
        + ", ".join(f"{column} {kind}" for column, kind in _LATEST_COLUMNS) + ")"
    ),
    # One country's events per actor, per place and per map link, by the months an event's first and last
    # day fall in: what a selection of one country and dates sums (see _country_months)
    # instead of joining its events with their actors. Recomputed per (country, months) on write.
    "total_country_actors": (
        "CREATE TABLE IF NOT EXISTS total_country_actors (country VARCHAR NOT NULL, first_month DATE NOT NULL, "
        "last_month DATE NOT NULL, a INTEGER NOT NULL, events BIGINT NOT NULL)"
    ),
    "total_country_places": (
        "CREATE TABLE IF NOT EXISTS total_country_places (country VARCHAR NOT NULL, first_month DATE NOT NULL, "
        "last_month DATE NOT NULL, place_id VARCHAR NOT NULL, events BIGINT NOT NULL, latest DATE NOT NULL)"
    ),
    "total_country_links": (
        "CREATE TABLE IF NOT EXISTS total_country_links (country VARCHAR NOT NULL, first_month DATE NOT NULL, "
        "last_month DATE NOT NULL, from_p INTEGER NOT NULL, to_p INTEGER NOT NULL, events BIGINT NOT NULL, "
        "latest DATE NOT NULL, type_bits INTEGER NOT NULL, role_bits INTEGER NOT NULL)"
    ),
    "total_figures": (
        "CREATE TABLE IF NOT EXISTS total_figures (events BIGINT, actors BIGINT, countries BIGINT, "
        "sources BIGINT, first_date DATE, last_date DATE)"
    ),
}

# No secondary indexes: at millions of events their upkeep halved the speed of an import.
# The details of a page of events are read by event key k from the fact tables, whose
# rows are stored in k and date order, so that DuckDB skips the blocks that cannot match.
# Indexes of earlier stores, dropped when such a store is opened.
_OLD_INDEXES = ("event_actors_event", "event_sources_event", "event_countries_event")
# Link tables whose key is checked when rows are written (see _check_link_keys) instead of
# by a primary key, for the same reason; stores made before this keep their primary keys.
_KEY_CHECKED_ON_WRITE = ("event_actors", "event_sources")

# The layout of the fact and total tables; a store with another version has them rebuilt.
FACTS_VERSION = 11
_REBUILT_TABLES = tuple(
    name for name in DERIVED_DDL
    if name.startswith(("actor_keys", "place_keys", "event_", "total_"))
)

# Fact tables keyed by event key k, in the order they are filled.
_FACT_TABLES = ("event_actor_facts", "event_country_facts", "event_pair_facts", "event_leg_facts", "event_source_facts")
# Country groups read as one: the events of any member country also get a row of their own
# in event_country_facts under the group's key (and so in the country totals), so that a
# selection of exactly its members reads one slice, like one country. Keys start with "+",
# which no ISO code does: readers of countries leave those rows out (_NOT_BLOC).
COUNTRY_BLOCS = {("BFA", "MLI", "NER"): "+AES"}  # the Alliance of Sahel States
_NOT_BLOC = "{alias}.country NOT LIKE '+%'"

# One bit per event type and per role, for the kinds of events a map link carries.
TYPE_BITS = {event_type: 1 << i for i, event_type in enumerate(EVENT_TYPES)}
ROLE_BITS = {role: 1 << i for i, role in enumerate(EVENT_ROLES)}


def _bits_case(column: str, bits: dict[str, int], params: _Params) -> str:
    """A CASE giving the bit of each value of ``column`` (0 for any other value)."""
    whens = " ".join(f"WHEN {params.add('bit_of', value)} THEN {bit}" for value, bit in bits.items())
    return f"CASE {column} {whens} ELSE 0 END"


def bits_names(mask, bits: dict[str, int]) -> str:
    """The values whose bits are set in ``mask``, comma-joined in the order of ``bits``."""
    mask = 0 if mask is None or pd.isna(mask) else int(mask)
    return ",".join(value for value, bit in bits.items() if mask & bit)

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
    if all(table.column(k).required for k in table.key) and name not in _KEY_CHECKED_ON_WRITE:
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
        # An event known to the month or year overlaps the range if any day of it does.
        start = params.add("date_from", filters.date_from)
        conds.append(
            f"(CASE WHEN {alias}.date_end IS NOT NULL THEN {alias}.date_end >= {start} "
            f"WHEN {alias}.date_precision = 'year' THEN {alias}.date + INTERVAL 1 YEAR > {start} "
            f"WHEN {alias}.date_precision = 'month' THEN {alias}.date + INTERVAL 1 MONTH > {start} "
            f"ELSE {alias}.date >= {start} END)"
        )
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
            f"{alias}.event_id IN (SELECT ec.event_id FROM event_country_facts ec "
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


def _date_conds(filters: Filters, params: _Params, alias: str) -> str:
    """Date conditions on a fact table (columns date and last_date); '' without dates."""
    conds = ""
    if filters.date_from:
        conds += f" AND {alias}.last_date >= {params.add('date_from', filters.date_from)}"
    if filters.date_to:
        conds += f" AND {alias}.date <= {params.add('date_to', filters.date_to)}"
    return conds


def _country_key(filters: Filters) -> str | None:
    """The key of the one slice of event_country_facts that a country filter reads: its one
    country, or a bloc's key for exactly the bloc's members (COUNTRY_BLOCS); else None."""
    if len(filters.countries) == 1:
        return filters.countries[0]
    return COUNTRY_BLOCS.get(filters.countries)


def facts_selection(filters: Filters, params: _Params) -> str:
    """A CTE ``sel`` with the fact row (key k, dates, type, place) of every selected event.

    Same selection as :func:`filter_clause`, read from the integer-keyed fact tables; the
    date conditions are repeated on each fact table so that whole blocks are skipped.
    """
    conds = "TRUE" + _date_conds(filters, params, "f")
    key = _country_key(filters)
    if key is not None:
        conds += f" AND f.country = {params.add('country', key)}"
    elif filters.countries:
        # An event matching several of the countries has a row for each: its keys are
        # looked up in the country rows, its selection columns read once from event_facts
        # (about half the time of a DISTINCT over the country rows at 10M).
        conds += (f" AND f.k IN (SELECT c.k FROM event_country_facts c WHERE c.country IN "
                  f"{params.in_list('country', filters.countries)}{_date_conds(filters, params, 'c')})")
    if filters.types:
        conds += f" AND f.event_type IN {params.in_list('type', filters.types)}"
    if filters.topics:
        conds += f" AND f.topic IN {params.in_list('topic', filters.topics)}"
    if filters.origins:
        conds += f" AND f.origin IN {params.in_list('origin', filters.origins)}"
    if filters.actors:
        conds += (
            f" AND f.k IN (SELECT x.k FROM event_actor_facts x JOIN actor_keys ak ON ak.a = x.a "
            f"WHERE ak.actor_id IN {params.in_list('actor', filters.actors)}{_date_conds(filters, params, 'x')})"
        )
    if filters.outlets:
        conds += (
            f" AND f.k IN (SELECT x.k FROM event_source_facts x JOIN sources so ON so.source_id = x.source_id "
            f"WHERE so.outlet IN {params.in_list('outlet', filters.outlets)}{_date_conds(filters, params, 'x')})"
        )
    source = "event_country_facts" if key is not None else "event_facts"
    return f"WITH sel AS (SELECT {_SELECTION_COLUMNS} FROM {source} f WHERE {conds})"


# A text search ($search, lower case with % around it) in summaries, actor names and evidence.
_SEARCH_COND = (
    "(LOWER(sel.summary) LIKE $search OR sel.event_id IN (SELECT ea.event_id FROM event_actors ea "
    "JOIN actors a ON a.actor_id = ea.actor_id WHERE LOWER(a.name) LIKE $search) "
    "OR sel.event_id IN (SELECT es.event_id FROM event_sources es WHERE LOWER(es.evidence) LIKE $search))"
)

_SELECTION_COLUMNS = ("f.k, f.event_id, f.date, f.last_date, f.end_date, f.date_precision, f.event_type, "
                      "f.topic, f.origin, f.place_id")


def _links_ctes(legs: str, limited: bool = False, counted: str | None = None) -> str:
    """CTEs ending in ``links``: map links from a query of legs (k, from_p, to_p, role_bits,
    type_bits, date; one row per event and link).

    One row per (from, to) with the number of events, the latest date, the bits of the types
    and roles seen, and the id, date, precision and summary of each of the
    ``LINK_LATEST_IDS`` most recent events (newest first by date, then key; _LATEST_COLUMNS).
    ``limited`` keeps the ``$link_limit`` busiest links only (ties by place name, then id);
    ``counted`` still holds every link.

    Finding the latest events does not rank every leg of a link (a busy link has hundreds of
    thousands): only those within ``LINK_RECENT_DAYS`` of the link's latest date, and all of
    them only for the links with fewer than ``LINK_LATEST_IDS`` legs in that window. Any leg
    outside the window is older than every leg in it, so the result is the same.

    ``counted`` is a query giving ``counted`` itself from totals (from_p, to_p, events, latest,
    type_bits, role_bits): the legs are then read only for the chosen links' latest events.
    """
    latest = ", ".join(f"MAX(CASE WHEN r.rank = {rank} THEN e.{source} END) AS latest_{field}_{rank}"
                       for rank in range(1, LINK_LATEST_IDS + 1) for field, source, _ in _LATEST_FIELDS)
    chosen = "SELECT * FROM counted"
    if limited:
        chosen = """SELECT c.* FROM counted c
            JOIN place_keys kf ON kf.p = c.from_p JOIN places pf ON pf.place_id = kf.place_id
            JOIN place_keys kt ON kt.p = c.to_p JOIN places pt ON pt.place_id = kt.place_id
            ORDER BY c.events DESC, pf.name, pt.name, pf.place_id, pt.place_id
            LIMIT $link_limit"""
    if counted is None:
        first = f"""legs AS MATERIALIZED ({legs})
        , counted AS MATERIALIZED (
            SELECT from_p, to_p, COUNT(*) AS events, MAX(date) AS latest,
                   BIT_OR(type_bits) AS type_bits, BIT_OR(role_bits) AS role_bits
            FROM legs GROUP BY from_p, to_p
        )"""
        legs = recent_legs = "legs"
    else:
        first = f"counted AS MATERIALIZED ({counted})"
        # Only legs as recent as the window of some chosen link can be in a window.
        recent_legs = (f"(SELECT * FROM ({legs}) AS all_legs WHERE date >= "
                       f"(SELECT MIN(latest) FROM chosen) - INTERVAL '{LINK_RECENT_DAYS}' DAY)")
        legs = f"({legs})"
    return f"""
        {first}
        , chosen AS MATERIALIZED ({chosen})
        , recent AS MATERIALIZED (
            SELECT l.from_p, l.to_p, l.k, l.date
            FROM {recent_legs} l JOIN chosen c ON c.from_p = l.from_p AND c.to_p = l.to_p
            WHERE l.date >= c.latest - INTERVAL '{LINK_RECENT_DAYS}' DAY
        )
        , few AS (SELECT from_p, to_p FROM recent GROUP BY from_p, to_p HAVING COUNT(*) < {LINK_LATEST_IDS})
        , candidates AS (
            SELECT from_p, to_p, k, date FROM recent
            UNION ALL
            SELECT l.from_p, l.to_p, l.k, l.date
            FROM {legs} l JOIN few ON few.from_p = l.from_p AND few.to_p = l.to_p
            JOIN chosen c ON c.from_p = l.from_p AND c.to_p = l.to_p
            WHERE l.date < c.latest - INTERVAL '{LINK_RECENT_DAYS}' DAY
        )
        , ranked AS (
            SELECT from_p, to_p, k, ROW_NUMBER() OVER (PARTITION BY from_p, to_p ORDER BY date DESC, k DESC) AS rank
            FROM candidates
        )
        , ids AS (
            SELECT r.from_p, r.to_p, {latest}
            FROM ranked r JOIN event_facts e ON e.k = r.k
            WHERE r.rank <= {LINK_LATEST_IDS}
            GROUP BY r.from_p, r.to_p
        )
        , links AS (
            SELECT pf.place_id AS from_id, pt.place_id AS to_id, c.events, c.latest, c.type_bits, c.role_bits,
                   {', '.join(f'ids.{column}' for column, _ in _LATEST_COLUMNS)}
            FROM chosen c
            JOIN ids ON ids.from_p = c.from_p AND ids.to_p = c.to_p
            JOIN place_keys pf ON pf.p = c.from_p
            JOIN place_keys pt ON pt.p = c.to_p
        )
    """


# Totals of one country by months (see _refresh_country_totals).
_COUNTRY_TOTALS = ("total_country_actors", "total_country_places", "total_country_links")

# Keys of the totals touched by a write: (columns, SELECT over the fact rows matching {}).
_TOUCHED = {
    "touched_days": ("date DATE, date_precision VARCHAR, event_type VARCHAR",
                     "SELECT date, date_precision, event_type FROM event_facts WHERE {}"),
    "touched_actors": ("a INTEGER", "SELECT a FROM event_actor_facts WHERE {}"),
    "touched_pairs": ("a INTEGER, b INTEGER", "SELECT a, b FROM event_pair_facts WHERE {}"),
    "touched_places": ("place_id VARCHAR", "SELECT place_id FROM event_facts WHERE place_id IS NOT NULL AND {}"),
    "touched_links": ("from_p INTEGER, to_p INTEGER", "SELECT from_p, to_p FROM event_leg_facts WHERE {}"),
    "touched_country_months": ("country VARCHAR, first_month DATE, last_month DATE",
                               "SELECT country, CAST(date_trunc('month', date) AS DATE), "
                               "CAST(date_trunc('month', last_date) AS DATE) FROM event_country_facts WHERE {}"),
}
# touched table → (total table, key columns, (SELECT over {source}, fact table the source reads)).
_TOTALS = {
    "touched_days": ("total_days", ("date", "date_precision", "event_type"), (
        "SELECT date, date_precision, event_type, COUNT(*) FROM {source} AS f "
        "GROUP BY date, date_precision, event_type", "event_facts")),
    "touched_actors": ("total_actors", ("a",), (
        "SELECT a, COUNT(*) FROM {source} AS f GROUP BY a", "event_actor_facts")),
    "touched_pairs": ("total_pairs", ("a", "b"), (
        "SELECT a, b, COUNT(*) FROM {source} AS f GROUP BY a, b", "event_pair_facts")),
    "touched_places": ("total_places", ("place_id",), (
        "SELECT place_id, COUNT(*), MAX(date) FROM {source} AS f WHERE place_id IS NOT NULL GROUP BY place_id",
        "event_facts")),
}


def _add_month(month: dt.date) -> dt.date:
    """The first day of the month after ``month`` (a first day)."""
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


class _CountryMonths(NamedTuple):
    """A selection of one country and dates, split for the country totals (first days of months)."""

    country: str
    first: dt.date | None  # groups whose last month is this or later (None: no lower bound) …
    last: dt.date | None  # … and whose first month is this or earlier lie wholly in the selection
    before: dt.date | None  # selected events ending before this day are read from the facts (partial first month)
    after: dt.date | None  # so are those starting on or after this day (partial last month)


def _country_months(filters: Filters) -> _CountryMonths | None:
    """For a selection of one country (or a bloc's members) and dates, nothing else, how it
    reads the country totals; else None.

    An event is selected when its last day is on or after the start and its first day on or
    before the end. Every event of a (first month, last month) group of the totals is selected
    when the group's last month begins on or after the start and its first month ends on or
    before the end; the other selected events lie in a partial first or last month and are
    counted from the fact rows. With whole months (the usual case) there are none of those.
    """
    key = _country_key(filters)
    if key is None or filters.with_(countries=(), date_from=None, date_to=None) != Filters():
        return None
    start, end = filters.date_from, filters.date_to
    first = last = before = after = None
    try:
        if start is not None:
            first = start.replace(day=1)
            if start != first:
                first = before = _add_month(first)
        if end is not None:
            last = end.replace(day=1)
            if _add_month(last) != end + dt.timedelta(days=1):
                after, last = last, (last - dt.timedelta(days=1)).replace(day=1)
    except (OverflowError, ValueError):  # a month beyond year 1 or 9999 (a hand-written link): read the facts
        return None
    return _CountryMonths(key, first, last, before, after)


# What each total_country_* table gives a selection (columns as in the table, from its key on):
# (its rows in whole months, the same columns from the fact rows of partial months). {edge}
# and {dates} are conditions on fact rows aliased x; sel is the selection (facts_selection).
_COUNTRY_ROWS = {
    "actors": ("SELECT a, events FROM total_country_actors WHERE {where}",
               "SELECT x.a, 1 FROM event_actor_facts x JOIN sel ON sel.k = x.k WHERE {edge}{dates}"),
    "places": ("SELECT place_id, events, latest FROM total_country_places WHERE {where}",
               "SELECT x.place_id, 1, x.date FROM sel x WHERE x.place_id IS NOT NULL AND {edge}"),
    "links": ("SELECT from_p, to_p, events, latest, type_bits, role_bits FROM total_country_links WHERE {where}",
              "SELECT x.from_p, x.to_p, 1, x.date, x.type_bits, x.role_bits FROM event_leg_facts x "
              "JOIN sel ON sel.k = x.k WHERE {edge}{dates}"),
}


def _country_rows(kind: str, filters: Filters, months: _CountryMonths, p: _Params) -> str:
    """A query of the selection's rows of total_country_``kind`` (see _COUNTRY_ROWS), to be
    summed by key; reads the CTE sel when the selection has partial months. Parameters go to ``p``."""
    whole, partial = _COUNTRY_ROWS[kind]
    where = f"country = {p.add('country', months.country)}"
    if months.first is not None:
        where += f" AND last_month >= {p.add('first_month', months.first)}"
    if months.last is not None:
        where += f" AND first_month <= {p.add('last_month', months.last)}"
    rows = whole.format(where=where)
    edges = []
    if months.before is not None:
        edges.append(f"x.last_date < {p.add('before', months.before)}")
    if months.after is not None:
        edges.append(f"x.date >= {p.add('after', months.after)}")
    if edges:
        dates = _date_conds(filters, p, "x") if "{dates}" in partial else ""
        rows += " UNION ALL " + partial.format(edge=f"({' OR '.join(edges)})", dates=dates)
    return rows


def _sorted_days(days: Iterable) -> list[dt.date]:
    """The distinct days among dates given as dates, timestamps or text, in order."""
    days = pd.to_datetime(days if isinstance(days, pd.Series) else pd.Series(list(days)), errors="coerce")
    return sorted(set(days.dropna().dt.date))


# Up to this many distinct days are also given to DuckDB one by one (IN), not only as a range.
_DAYS_LISTED = 64


def _on_days(days: list[dt.date], params: _Params, alias: str) -> str:
    """A condition on ``{alias}date`` for the given sorted days: their range, and the days
    themselves when they are few (DuckDB then skips the blocks of fact rows that cannot match)."""
    cond = f"{alias}date BETWEEN {params.add('day', days[0])} AND {params.add('day', days[-1])}"
    if len(days) <= _DAYS_LISTED:
        cond += f" AND {alias}date IN {params.in_list('day', days)}"
    return cond


class EventStore:
    """A connection to one DuckDB event database (a file, or ``:memory:``)."""

    def __init__(self, path: str | os.PathLike = ":memory:", read_only: bool = False):
        self.path = str(path)
        # Changes on every write through this handle and whenever data_version() finds that
        # another handle wrote: results kept by _kept belong to one generation.
        self._generation = 0
        self._seen_version: tuple | None = None
        self._kept_results: dict = {}  # see _kept
        self._kept_lock = threading.Lock()  # a page reads several results at once (queries.overview_data)
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
        self.con.execute("CREATE TABLE IF NOT EXISTS facts_version (version INTEGER NOT NULL)")
        if self._rows("SELECT MAX(version) FROM facts_version")[0][0] != FACTS_VERSION:
            for name in _REBUILT_TABLES:
                self.con.execute(f"DROP TABLE IF EXISTS {name}")
            self.con.execute("DELETE FROM facts_version")
            self.con.execute("INSERT INTO facts_version VALUES ($version)", {"version": FACTS_VERSION})
        for ddl in DERIVED_DDL.values():
            self.con.execute(ddl)
        for index in _OLD_INDEXES:
            self.con.execute(f"DROP INDEX IF EXISTS {index}")
        self.con.execute("DROP TABLE IF EXISTS event_countries")
        if not self._facts_in_step():
            cur = self.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                self._refresh_derived(cur)
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise

    def _facts_in_step(self) -> bool:
        """False for a store written before the fact tables existed (they are then rebuilt)."""
        events, facts, totals = self._rows(
            "SELECT (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM event_facts), "
            "(SELECT COUNT(*) FROM total_figures)"
        )[0]
        return events == facts and (events == 0 or totals == 1)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for one thread (DuckDB connections are not shared across threads)."""
        return self.con.cursor()

    def _df(self, sql: str, params: dict | None = None, tables: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
        """The result of ``sql`` as a DataFrame; ``tables`` are DataFrames the query reads by name."""
        return self._cursor_with(tables).execute(sql, params or {}).df()

    def _cursor_with(self, tables: dict[str, pd.DataFrame] | None) -> duckdb.DuckDBPyConnection:
        cur = self.cursor()
        for name, frame in (tables or {}).items():
            cur.register(name, frame)
        return cur

    # Up to this many sources are looked up by key one by one; more are read in one pass.
    _KEYS_LOOKED_UP = 200
    # Up to this many listed events' fact rows are found by keys given as values (see _fact_cond):
    # 2-3 ms faster for a handful; for 2,000 a join with a registered table is 4x faster.
    _KEYS_AS_VALUES = 100
    # Results kept for a page's later calls (see _kept).
    _KEPT = 16

    def _kept(self, kind: str, key, compute):
        """``compute()``, kept for later calls with the same ``kind`` and ``key`` until the data
        changes (a write through this handle, or a new data_version): one page asks several times
        for the same things (the actor counts of its selection, the keys of the events it lists).
        The last few are kept."""
        memo_key = (self._generation, kind, key)
        memo = self._kept_results  # one read: sessions on other threads may replace it
        if memo_key in memo:
            return memo[memo_key]
        value = compute()
        with self._kept_lock:  # another thread may have kept a result meanwhile: add to the newest
            memo = self._kept_results
            if memo_key[0] == self._generation:
                self._kept_results = {**dict(list(memo.items())[-(self._KEPT - 1):]), memo_key: value}
        return value

    def forget_kept_results(self) -> None:
        """Drop the results kept by :meth:`_kept` (benchmarks time each page afresh)."""
        self._kept_results = {}

    def _rows(self, sql: str, params: dict | None = None, tables: dict[str, pd.DataFrame] | None = None) -> list[tuple]:
        """The rows of ``sql``; ``tables`` as in :meth:`_df`."""
        return self._cursor_with(tables).execute(sql, params or {}).fetchall()

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
        cur = self.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            counts = self._insert_tables(cur, clean, dt.datetime.now().replace(microsecond=0))
            self._refresh_touched(cur, clean)
            cur.execute("COMMIT")
        except Exception:
            cur.execute("ROLLBACK")
            raise
        return counts

    def _insert_tables(self, cur, clean: dict[str, list[dict]], now: dt.datetime) -> dict[str, int]:
        """Insert validated rows table by table, in reference order, inside the caller's transaction."""
        counts = {}
        for name in TABLE_ORDER:
            rows = clean.get(name) or []
            if not rows:
                continue
            cols = TABLES[name].column_names
            frame = pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)
            if name == "events":
                frame["created_at"] = frame["created_at"].fillna(now)
                frame["updated_at"] = frame["updated_at"].fillna(now)
            if name in _KEY_CHECKED_ON_WRITE:
                self._check_link_keys(cur, name, frame)
            self._insert_frame(cur, name, frame)
            counts[name] = len(frame)
        return counts

    def _refresh_touched(self, cur, clean: dict[str, list[dict]], also_touched=()) -> None:
        """Bring the derived tables up to date for the events a write touched (all, after a new capital)."""
        touched = sorted({r["event_id"] for name in ("events", "event_actors", "event_sources")
                          for r in clean.get(name) or []} | set(also_touched))
        new_capital = any(r.get("is_capital") for r in clean.get("places") or [])
        cur.register("touched_events", pd.DataFrame({"event_id": pd.Series(touched, dtype=object)}))
        try:
            self._refresh_derived(cur, None if new_capital else "SELECT event_id FROM touched_events")
        finally:
            cur.unregister("touched_events")

    @staticmethod
    def _check_link_keys(cur, name: str, frame: pd.DataFrame) -> None:
        """Refuse link rows whose key (event, actor or source) is repeated or already stored."""
        key = list(TABLES[name].key)
        repeated = frame[frame.duplicated(key)]
        if repeated.empty:
            cur.register("incoming_keys", frame[key].astype(object))
            try:
                on = " AND ".join(f"t.{c} = i.{c}" for c in key)
                stored = cur.execute(
                    f"SELECT {', '.join('t.' + c for c in key)} FROM {name} t JOIN incoming_keys i ON {on} LIMIT 1"
                ).fetchall()
            finally:
                cur.unregister("incoming_keys")
            where = "is already stored"
        else:
            stored = [tuple(repeated.iloc[0][key])]
            where = "is given twice"
        if stored:
            raise StoreError(f"{name}: the link {' / '.join(map(str, stored[0]))} {where}; nothing was written")

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

    def _refresh_derived(self, cur, touched_sql: str | None = None) -> None:
        """Bring derived, fact and total tables up to date after a write, inside its transaction.

        ``touched_sql`` selects the event_id of every event written, changed or given new
        actors or sources; only their fact rows are rebuilt. None rebuilds everything.
        """
        self._generation += 1  # event keys and counts may change: forget the kept results
        self._kept_results = {}
        self._refresh_actor_lists(cur)
        full = touched_sql is None
        if full:
            for name in ("actor_keys", "place_keys", "event_facts", *_FACT_TABLES):
                cur.execute(f"DELETE FROM {name}")
            touched_sql = "SELECT event_id FROM events"
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS refresh_ids (event_id VARCHAR)")
        cur.execute("DELETE FROM refresh_ids")
        cur.execute(f"INSERT INTO refresh_ids SELECT DISTINCT event_id FROM ({touched_sql}) AS touched")
        if not full:
            cur.execute("CREATE TEMP TABLE IF NOT EXISTS refresh_keys (k INTEGER)")
            cur.execute("DELETE FROM refresh_keys")
            cur.execute(
                "INSERT INTO refresh_keys SELECT k FROM event_facts "
                "WHERE event_id IN (SELECT event_id FROM refresh_ids)"
            )
            self._note_touched_keys(cur, "k IN (SELECT k FROM refresh_keys)", {})
            for name in _FACT_TABLES:
                cur.execute(f"DELETE FROM {name} WHERE k IN (SELECT k FROM refresh_keys)")
            cur.execute("DELETE FROM event_facts WHERE k IN (SELECT k FROM refresh_keys)")
        cur.execute(
            """INSERT INTO actor_keys
            SELECT (SELECT COALESCE(MAX(a), 0) FROM actor_keys) + ROW_NUMBER() OVER (ORDER BY actor_id),
                   actor_id, country
            FROM actors WHERE actor_id NOT IN (SELECT actor_id FROM actor_keys)"""
        )
        cur.execute(
            """INSERT INTO place_keys
            SELECT (SELECT COALESCE(MAX(p), 0) FROM place_keys) + ROW_NUMBER() OVER (ORDER BY place_id), place_id
            FROM places WHERE place_id NOT IN (SELECT place_id FROM place_keys)"""
        )
        k0 = {"k0": cur.execute("SELECT COALESCE(MAX(k), 0) FROM event_facts").fetchone()[0]}
        cur.execute(
            """INSERT INTO event_facts
            SELECT $k0 + ROW_NUMBER() OVER (ORDER BY e.date, e.event_id), e.event_id, e.date,
                   COALESCE(e.date_end, CASE e.date_precision
                       WHEN 'year' THEN CAST(e.date + INTERVAL 1 YEAR AS DATE) - 1
                       WHEN 'month' THEN CAST(e.date + INTERVAL 1 MONTH AS DATE) - 1
                       ELSE e.date END),
                   COALESCE(e.date_end, e.date), e.date_precision, e.event_type, e.topic, e.origin, e.place_id,
                   e.date_end, e.date_basis, e.type_note, e.mode, e.summary, e.fatalities
            FROM events e WHERE e.event_id IN (SELECT event_id FROM refresh_ids)
            ORDER BY 1""",
            k0,
        )
        cur.execute(
            """INSERT INTO event_actor_facts
            SELECT f.k, ak.a, ea.role_in_event, f.date, f.last_date
            FROM event_facts f JOIN event_actors ea ON ea.event_id = f.event_id
            JOIN actor_keys ak ON ak.actor_id = ea.actor_id
            WHERE f.k > $k0 ORDER BY f.k""",
            k0,
        )
        cur.execute(
            """INSERT INTO event_country_facts
            SELECT m.country, f.k, f.event_id, f.date, f.last_date, f.end_date, f.date_precision, f.event_type,
                   f.topic, f.origin, f.place_id
            FROM (
                SELECT DISTINCT k, country FROM (
                    SELECT x.k, ak.country FROM event_actor_facts x
                    JOIN actor_keys ak ON ak.a = x.a WHERE x.k > $k0 AND ak.country IS NOT NULL
                    UNION ALL
                    SELECT x.k, m.country FROM event_actor_facts x
                    JOIN actor_keys ak ON ak.a = x.a JOIN actor_members m ON m.actor_id = ak.actor_id WHERE x.k > $k0
                    UNION ALL
                    SELECT f.k, p.country FROM event_facts f
                    JOIN places p ON p.place_id = f.place_id WHERE f.k > $k0 AND p.country IS NOT NULL
                ) AS matched
            ) AS m JOIN event_facts f ON f.k = m.k
            ORDER BY m.country, f.date, f.k""",
            k0,
        )
        for members, bloc in COUNTRY_BLOCS.items():
            p = _Params()
            cur.execute(
                f"""INSERT INTO event_country_facts
                SELECT {p.add('bloc', bloc)}, f.k, f.event_id, f.date, f.last_date, f.end_date, f.date_precision,
                       f.event_type, f.topic, f.origin, f.place_id
                FROM event_facts f WHERE f.k > $k0 AND f.k IN (
                    SELECT c.k FROM event_country_facts c
                    WHERE c.k > $k0 AND c.country IN {p.in_list('member', members)})
                ORDER BY f.date, f.k""",
                {**k0, **p.values},
            )
        cur.execute(
            """INSERT INTO event_pair_facts
            SELECT x.k, x.a, y.a, x.date, x.last_date
            FROM event_actor_facts x JOIN event_actor_facts y ON y.k = x.k AND x.a < y.a
            WHERE x.k > $k0 AND y.k > $k0 ORDER BY x.k""",
            k0,
        )
        bits = _Params()
        cur.execute(
            f"""INSERT INTO event_leg_facts
            SELECT x.k, pc.p, pe.p, BIT_OR({_bits_case('x.role_in_event', ROLE_BITS, bits)}),
                   MIN({_bits_case('f.event_type', TYPE_BITS, bits)}), MIN(f.date), MIN(f.last_date)
            FROM event_actor_facts x JOIN event_facts f ON f.k = x.k
            JOIN actor_keys ak ON ak.a = x.a
            JOIN places cap ON cap.country = ak.country AND cap.is_capital
            JOIN place_keys pc ON pc.place_id = cap.place_id
            JOIN place_keys pe ON pe.place_id = f.place_id
            WHERE x.k > $k0 AND f.place_id IS NOT NULL AND cap.place_id <> f.place_id
            GROUP BY x.k, pc.p, pe.p
            ORDER BY x.k""",
            {**k0, **bits.values},
        )
        cur.execute(
            """INSERT INTO event_source_facts
            SELECT f.k, es.source_id, f.date, f.last_date, es.document, es.evidence
            FROM event_facts f JOIN event_sources es ON es.event_id = f.event_id
            WHERE f.k > $k0 ORDER BY f.k""",
            k0,
        )
        if full:
            self._refresh_totals(cur)
        else:
            self._note_touched_keys(cur, "k > $k0", k0)
            self._refresh_totals(cur, partial=True)

    @staticmethod
    def _note_touched_keys(cur, condition: str, params: dict) -> None:
        """Remember the keys of the totals that the fact rows matching ``condition`` count in."""
        for name, (columns, select) in _TOUCHED.items():
            cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns})")
            if not params:
                cur.execute(f"DELETE FROM {name}")
            cur.execute(f"INSERT INTO {name} SELECT DISTINCT * FROM ({select.format(condition)}) AS keys", params)

    @staticmethod
    def _refresh_actor_lists(cur) -> None:
        """Rebuild actor_members and actor_aliases from the actors' |-joined lists."""
        actors = cur.execute("SELECT actor_id, name, members, aliases FROM actors").df()
        members = [(a, c) for a, m in zip(actors["actor_id"], actors["members"], strict=True) for c in split_list(m)]
        aliases = [(a, al) for a, name, als in zip(actors["actor_id"], actors["name"], actors["aliases"], strict=True)
                   for al in dict.fromkeys([name, *split_list(als)])]
        cur.execute("DELETE FROM actor_members")
        cur.execute("DELETE FROM actor_aliases")
        for table, rows, columns in (("actor_members", members, ["actor_id", "country"]),
                                     ("actor_aliases", aliases, ["actor_id", "alias"])):
            if rows:
                cur.register("list_rows", pd.DataFrame(rows, columns=columns, dtype=object))
                try:
                    cur.execute(f"INSERT INTO {table} SELECT {', '.join(columns)} FROM list_rows")
                finally:
                    cur.unregister("list_rows")

    @staticmethod
    def _refresh_totals(cur, partial: bool = False) -> None:
        """Recompute the totals over all events (what the unfiltered views read).

        ``partial`` recomputes only the rows whose keys the touched_* tables name.
        """
        for name, (total, keys, select) in _TOTALS.items():
            if partial:
                match = " AND ".join(f"x.{key} = {total}.{key}" for key in keys)
                cur.execute(f"DELETE FROM {total} WHERE EXISTS (SELECT 1 FROM {name} x WHERE {match})")
                join = " AND ".join(f"x.{key} = f.{key}" for key in keys)
                source = f"(SELECT f.* FROM {select[1]} f JOIN (SELECT DISTINCT * FROM {name}) AS x ON {join})"
            else:
                cur.execute(f"DELETE FROM {total}")
                source = select[1]
            cur.execute(f"INSERT INTO {total} {select[0].format(source=source)}")
        if partial:
            cur.execute(
                """DELETE FROM total_links WHERE EXISTS (
                    SELECT 1 FROM touched_links x JOIN place_keys pf ON pf.p = x.from_p
                    JOIN place_keys pt ON pt.p = x.to_p
                    WHERE pf.place_id = total_links.from_id AND pt.place_id = total_links.to_id)"""
            )
            legs = ("SELECT l.k, l.from_p, l.to_p, l.role_bits, l.type_bits, l.date FROM event_leg_facts l "
                    "JOIN (SELECT DISTINCT from_p, to_p FROM touched_links) AS x "
                    "ON x.from_p = l.from_p AND x.to_p = l.to_p")
        else:
            cur.execute("DELETE FROM total_links")
            legs = "SELECT k, from_p, to_p, role_bits, type_bits, date FROM event_leg_facts"
        cur.execute(f"INSERT INTO total_links WITH {_links_ctes(legs)} SELECT * FROM links")
        EventStore._refresh_country_totals(cur, partial)
        cur.execute("DELETE FROM total_figures")
        cur.execute(
            f"""INSERT INTO total_figures SELECT
                (SELECT COUNT(*) FROM event_facts),
                (SELECT COUNT(*) FROM total_actors),
                (SELECT COUNT(DISTINCT country) FROM event_country_facts c WHERE {_NOT_BLOC.format(alias="c")}),
                (SELECT COUNT(DISTINCT source_id) FROM event_source_facts),
                (SELECT MIN(date) FROM event_facts),
                (SELECT MAX(end_date) FROM event_facts)"""
        )

    @staticmethod
    def _refresh_country_totals(cur, partial: bool) -> None:
        """Recompute the _COUNTRY_TOTALS: all of them, or (``partial``)
        the (country, first month, last month) groups that touched_country_months names."""
        groups = ("SELECT f.country, f.k, f.date, f.place_id, "
                  "CAST(date_trunc('month', f.date) AS DATE) AS first_month, "
                  "CAST(date_trunc('month', f.last_date) AS DATE) AS last_month FROM event_country_facts f")
        params: dict = {}
        if partial:
            first, last = cur.execute(
                "SELECT MIN(first_month), MAX(last_month) FROM touched_country_months").fetchone()
            if first is None:
                return
            for total in _COUNTRY_TOTALS:
                cur.execute(
                    f"""DELETE FROM {total} WHERE EXISTS (SELECT 1 FROM touched_country_months x
                    WHERE x.country = {total}.country AND x.first_month = {total}.first_month
                      AND x.last_month = {total}.last_month)"""
                )
            # Only the touched months' rows are read (the date bounds skip whole blocks).
            params = {"first_month": first, "after_last_month": _add_month(last)}
            groups = f"""SELECT g.* FROM ({groups}
                    WHERE f.date >= $first_month AND f.last_date < $after_last_month) AS g
                JOIN (SELECT DISTINCT * FROM touched_country_months) AS x
                  ON x.country = g.country AND x.first_month = g.first_month AND x.last_month = g.last_month"""
            dates = " AND x.date >= $first_month AND x.last_date < $after_last_month"
        else:
            for total in _COUNTRY_TOTALS:
                cur.execute(f"DELETE FROM {total}")
            dates = ""
        cur.execute(
            f"""INSERT INTO total_country_actors
            SELECT g.country, g.first_month, g.last_month, x.a, COUNT(*)
            FROM ({groups}) AS g JOIN event_actor_facts x ON x.k = g.k
            WHERE TRUE{dates}
            GROUP BY g.country, g.first_month, g.last_month, x.a
            ORDER BY g.country, g.first_month""",
            params,
        )
        cur.execute(
            f"""INSERT INTO total_country_places
            SELECT g.country, g.first_month, g.last_month, g.place_id, COUNT(*), MAX(g.date)
            FROM ({groups}) AS g WHERE g.place_id IS NOT NULL
            GROUP BY g.country, g.first_month, g.last_month, g.place_id
            ORDER BY g.country, g.first_month""",
            params,
        )
        cur.execute(
            f"""INSERT INTO total_country_links
            SELECT g.country, g.first_month, g.last_month, x.from_p, x.to_p, COUNT(*), MAX(x.date),
                   BIT_OR(x.type_bits), BIT_OR(x.role_bits)
            FROM ({groups}) AS g JOIN event_leg_facts x ON x.k = g.k
            WHERE TRUE{dates}
            GROUP BY g.country, g.first_month, g.last_month, x.from_p, x.to_p
            ORDER BY g.country, g.first_month""",
            params,
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
            "countries": [r[0] for r in self._rows(
                f"SELECT DISTINCT country FROM event_country_facts c WHERE {_NOT_BLOC.format(alias='c')} "
                "ORDER BY country")],
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

    def _fast(self, filters: Filters) -> tuple[str, dict, _Params]:
        """The ``sel`` CTE over the fact tables, its parameters, and the collector for more."""
        params = _Params()
        return facts_selection(filters, params), params.values, params

    def overview(self, filters: Filters) -> dict:
        """Headline figures: events, actors, countries, sources and the date span."""
        return dict(self._kept("overview", filters, lambda: self._overview(filters)))

    def _overview(self, filters: Filters) -> dict:
        keys = ("events", "actors", "countries", "sources", "first_date", "last_date")
        if filters.is_empty:
            rows = self._rows("SELECT events, actors, countries, sources, first_date, last_date FROM total_figures")
            if rows:
                return dict(zip(keys, rows[0], strict=True))
        span = self.selection_span(filters)
        # Actors and countries are counted from the selection's actor and place counts, which
        # the page's charts then reuse. An event matches a country by an actor's country or
        # membership or by its place (as in event_country_facts).
        actors, places = self._actor_counts(filters), self._place_counts(filters)
        of_actors = self.actor_countries()
        countries = pd.concat([of_actors.loc[of_actors["a"].isin(actors["a"]), "country"], places["country"]]).nunique()
        return {"events": span["events"], "actors": len(actors), "countries": countries,
                "sources": self.source_count(filters),
                "first_date": span["first_date"], "last_date": span["last_date"]}

    def source_count(self, filters: Filters) -> int:
        """How many distinct sources report the selected events."""
        def count() -> int:
            if filters.is_empty:
                rows = self._rows("SELECT sources FROM total_figures")
                if rows:
                    return rows[0][0]
            cte, params, p = self._fast(filters)
            return self._rows(
                f"""{cte}
                SELECT COUNT(DISTINCT s.source_id) FROM event_source_facts s JOIN sel ON sel.k = s.k
                WHERE TRUE{_date_conds(filters, p, 's')}""",
                params,
            )[0][0]
        return self._kept("source count", filters, count)

    def selection_span(self, filters: Filters) -> dict:
        """How many events the filters select, and the first and last day they cover
        (what every page's sentence under its title says; cheaper than :meth:`overview`)."""
        def span() -> dict:
            if filters.is_empty:
                rows = self._rows("SELECT events, first_date, last_date FROM total_figures")
                if rows:
                    return dict(zip(("events", "first_date", "last_date"), rows[0], strict=True))
            cte, params, _ = self._fast(filters)
            row = self._rows(f"{cte} SELECT COUNT(*), MIN(date), MAX(end_date) FROM sel", params)[0]
            return dict(zip(("events", "first_date", "last_date"), row, strict=True))
        return dict(self._kept("span", filters, span))

    def actor_countries(self) -> pd.DataFrame:
        """(a, country) for every actor's own country and every member country of a group, kept until a
        write (the Overview's count of countries; read ahead by queries.overview_data)."""
        return self._kept("actor countries", None, lambda: self._df(
            """SELECT a, country FROM actor_keys WHERE country IS NOT NULL
            UNION ALL
            SELECT ak.a, m.country FROM actor_keys ak JOIN actor_members m ON m.actor_id = ak.actor_id"""
        ))

    def event_count(self, filters: Filters) -> int:
        """How many events the filters select (from the kept selection span, which every page asks for)."""
        return self.selection_span(filters)["events"]

    _PAGE_COLUMNS = """sel.event_id, sel.date, sel.date_precision, sel.date_end, sel.date_basis,
                   sel.event_type, sel.type_note, sel.mode, sel.summary, sel.topic, sel.origin,
                   sel.fatalities, sel.place_id, p.name AS place, p.country AS place_country,
                   p.lat, p.lon, p.coord_precision"""

    def events_page(self, filters: Filters, limit: int | None = None, offset: int = 0,
                    search: str | None = None) -> pd.DataFrame:
        """Events newest first, with place name; optional case-insensitive text search."""
        if limit is not None and not search:
            cte, params, _ = self._fast(filters)
            params["limit"], params["offset"] = int(limit), int(offset)
            page = self._df(
                f"""{cte}
                , top AS (SELECT k FROM sel ORDER BY date DESC, event_id LIMIT $limit OFFSET $offset)
                SELECT {self._PAGE_COLUMNS.replace('sel.', 'f.')}, f.k
                FROM top JOIN event_facts f ON f.k = top.k LEFT JOIN places p ON p.place_id = f.place_id
                ORDER BY f.date DESC, f.event_id""",
                params,
            )
            self._note_listed(page)
            return page
        cte, params = self._selected(filters)
        conds = ["TRUE"]
        if search:
            params["search"] = f"%{search.lower()}%"
            conds.append(_SEARCH_COND)
        page = ""
        if limit is not None:
            params["limit"], params["offset"] = int(limit), int(offset)
            page = "LIMIT $limit OFFSET $offset"
        return self._df(
            f"""{cte}
            SELECT {self._PAGE_COLUMNS}
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

    def _fact_rows_of(self, event_ids: list[str], days: Iterable | None = None) -> tuple[dict[int, str], str, dict]:
        """Event key k → event id for the given events, and a condition (on fact rows aliased
        ``x``, reading the temporary table ``wanted_keys``) that selects their fact rows, with
        its parameters. ``days`` are the events' dates when the caller has them.

        There is no index on event ids in the fact tables: they are read with the range of
        the events' days and keys given as constants, so that DuckDB skips every block that
        cannot hold them (fact rows are stored in date and key order).
        """
        if not event_ids:
            return {}, "FALSE", {}
        # A page asks for the actors, sources and countries of the same events.
        return self._kept("fact rows", tuple(event_ids), lambda: self._find_fact_rows(event_ids, days))

    def _find_fact_rows(self, event_ids: list[str], days: Iterable | None) -> tuple[dict[int, str], str, dict]:
        listed = self._listed_keys(event_ids)
        if listed is not None:
            return listed
        if days is None:
            p = _Params()
            days = [r[0] for r in self._rows(
                f"SELECT DISTINCT date FROM events WHERE event_id IN {p.in_list('ev', event_ids)}", p.values)]
        days = _sorted_days(days)
        if not days:
            return {}, "FALSE", {}
        q = _Params()
        cur = self.cursor()
        cur.register("wanted_ids", pd.DataFrame({"event_id": pd.Series(list(event_ids), dtype=object)}))
        keys = dict(cur.execute(
            f"SELECT k, event_id FROM event_facts x WHERE {_on_days(days, q, '')} "
            "AND event_id IN (SELECT event_id FROM wanted_ids)",
            q.values,
        ).fetchall())
        return self._fact_cond(keys, days)

    def _fact_cond(self, keys: dict[int, str], days: list) -> tuple[dict[int, str], str, dict]:
        """The keys, and the condition on fact rows aliased ``x`` that selects theirs (see _fact_rows_of)."""
        if not keys:
            return {}, "FALSE", {}
        q = _Params()
        # A few keys as values (a filter on the scan); many from a registered table (a join).
        wanted = q.in_list("key", sorted(keys)) if len(keys) <= self._KEYS_AS_VALUES else "(SELECT k FROM wanted_keys)"
        cond = _on_days(days, q, "x.") + (
            f" AND x.k BETWEEN {q.add('k', min(keys))} AND {q.add('k', max(keys))} AND x.k IN {wanted}"
        )
        return keys, cond, q.values

    def _note_listed(self, page: pd.DataFrame) -> None:
        """Keep the event keys of a page of events (column k, dropped here) for the page's
        next lookups of their actors, sources and countries."""
        keys = page.pop("k").tolist()
        days = page["date"].to_numpy()  # datetime64 values: far cheaper than Timestamps
        listed = dict(zip(page["event_id"].tolist(), zip(keys, days, strict=True), strict=True))
        self._kept("listed keys", tuple(listed), lambda: listed)

    def _listed_keys(self, event_ids: list[str]) -> tuple[dict[int, str], str, dict] | None:
        """Keys and condition for events that all come from one kept page of events, else None."""
        for (generation, kind, _), listed in list(self._kept_results.items()):
            if kind == "listed keys" and generation == self._generation and all(i in listed for i in event_ids):
                keys = {listed[i][0]: i for i in event_ids}
                return self._fact_cond(keys, _sorted_days(pd.Series([listed[i][1] for i in event_ids])))
        return None

    def _fact_details(self, sql: str, event_ids: list[str], days, columns: list[str]) -> pd.DataFrame:
        """Run ``sql`` (fact rows aliased x, key k first, condition placeholder ``{cond}``) for
        the given events; the key column becomes the events' ids."""
        keys, cond, params = self._fact_rows_of(event_ids, days)
        if not keys:
            return pd.DataFrame(columns=columns)
        cur = self.cursor()
        if "wanted_keys" in cond:
            cur.register("wanted_keys", pd.DataFrame({"k": pd.Series(list(keys), dtype="int32")}))
        frame = cur.execute(sql.format(cond=cond), params).df()
        frame.insert(0, "event_id", pd.Series([keys[k] for k in frame.pop("k").tolist()], index=frame.index,
                                              dtype=object))
        return frame[columns]

    def event_actors_for(self, event_ids: list[str], days: Iterable | None = None) -> pd.DataFrame:
        """Actors taking part in the given events (``days``: their dates, if the caller has them);
        each event's rows together, by role then name."""
        return self._fact_details(
            """SELECT x.k, a.actor_id, a.name, a.kind, a.country, a.sector, x.role_in_event
            FROM event_actor_facts x JOIN actor_keys ak ON ak.a = x.a JOIN actors a ON a.actor_id = ak.actor_id
            WHERE {cond}
            ORDER BY x.k, x.role_in_event, a.name, a.actor_id""",
            event_ids, days, ["event_id", "actor_id", "name", "kind", "country", "sector", "role_in_event"],
        )

    def event_sources_for(self, event_ids: list[str], days: Iterable | None = None) -> pd.DataFrame:
        """Sources and evidence of the given events (``days``: their dates, if the caller has them)."""
        columns = ["event_id", "source_id", "outlet", "outlet_type", "title", "published", "published_basis",
                   "url", "document", "evidence"]
        links = self._fact_details(
            "SELECT x.k, x.source_id, x.document, x.evidence FROM event_source_facts x WHERE {cond}",
            event_ids, days, ["event_id", "source_id", "document", "evidence"],
        )
        # A few sources by their key (read through its index); many (a timeline's 2,000
        # events) in one pass over the table, which is faster than thousands of key lookups.
        # (A join of the two reads the whole table as soon as more than a handful are asked.)
        wanted = sorted(set(links["source_id"].tolist()))
        columns_sql = "SELECT source_id, outlet, outlet_type, title, published, published_basis, url FROM sources"
        if len(wanted) <= self._KEYS_LOOKED_UP:
            q = _Params()
            sources = self._df(f"{columns_sql} WHERE source_id IN {q.in_list('src', wanted or [None])}", q.values)
        else:
            sources = self._df(f"{columns_sql} WHERE source_id IN (SELECT source_id FROM wanted_sources)",
                               tables={"wanted_sources": pd.DataFrame({"source_id": pd.Series(wanted, dtype=object)})})
        # Joined and ordered in plain Python: a pandas merge and sort cost ~5 ms for a handful of rows.
        info = {row[0]: row[1:] for row in sources.itertuples(index=False, name=None)}
        rows = [(event, source, *info[source], document, evidence)
                for event, source, document, evidence in links.itertuples(index=False, name=None) if source in info]
        rows.sort(key=lambda r: (r[0], pd.isna(r[5]), r[5] if not pd.isna(r[5]) else 0, r[2]))
        return pd.DataFrame(rows, columns=columns).astype(sources.dtypes.to_dict() | links.dtypes.to_dict())

    def counts_over_time(self, filters: Filters, unit: str = "month") -> pd.DataFrame:
        """Events per period and type, never finer than each event's own date precision.

        An event known only to the year is counted in its year (``period_unit`` 'year')
        even when months are asked for, instead of being pinned to a made-up month.
        """
        if unit not in TIME_UNITS:
            raise ValueError(f"unit must be one of {', '.join(TIME_UNITS)}")
        if filters.is_empty:
            cte, params = "WITH sel AS (SELECT date, date_precision, event_type, events AS n FROM total_days)", {}
        else:
            cte, params, _ = self._fast(filters)
            cte += ", counted AS (SELECT date, date_precision, event_type, 1 AS n FROM sel)"
        source = "sel" if filters.is_empty else "counted"
        params["unit_rank"] = _PRECISION_RANK[unit]
        return self._df(
            f"""{cte}
            , bucketed AS (
                SELECT event_type,
                    CASE
                        WHEN date_precision = 'year' AND $unit_rank < 3 THEN 'year'
                        WHEN date_precision = 'month' AND $unit_rank < 2 THEN 'month'
                        ELSE '{unit}'
                    END AS period_unit,
                    date, n
                FROM {source}
            )
            SELECT period_unit, event_type,
                CAST(CASE period_unit
                    WHEN 'year' THEN date_trunc('year', date)
                    WHEN 'month' THEN date_trunc('month', date)
                    WHEN 'week' THEN date_trunc('week', date)
                    ELSE date_trunc('day', date) END AS DATE) AS period,
                CAST(SUM(n) AS BIGINT) AS events
            FROM bucketed
            GROUP BY period_unit, event_type, period
            ORDER BY period, event_type, period_unit
            """,
            params,
        )

    def place_counts(self, filters: Filters) -> pd.DataFrame:
        """Places with the number of selected events that happened there."""
        return self._place_counts(filters).copy()

    def _place_counts(self, filters: Filters) -> pd.DataFrame:
        """:meth:`place_counts`, kept for the page's next calls (its headline figures and its map)."""
        def count() -> pd.DataFrame:
            if filters.is_empty:
                cte, params = "WITH counted AS (SELECT place_id, events, latest FROM total_places)", {}
            elif months := _country_months(filters):
                cte, params, p = self._fast(filters)
                cte += (", counted AS (SELECT place_id, CAST(SUM(events) AS BIGINT) AS events, MAX(latest) AS latest "
                        f"FROM ({_country_rows('places', filters, months, p)}) AS r(place_id, events, latest) "
                        "GROUP BY place_id)")
            else:
                cte, params, _ = self._fast(filters)
                cte += (", counted AS (SELECT place_id, COUNT(*) AS events, MAX(date) AS latest FROM sel "
                        "WHERE place_id IS NOT NULL GROUP BY place_id)")
            return self._df(
                f"""{cte}
                SELECT p.place_id, p.name, p.kind, p.country, p.lat, p.lon, p.coord_precision,
                       counted.events, counted.latest
                FROM counted JOIN places p ON p.place_id = counted.place_id
                ORDER BY counted.events DESC, p.name, p.place_id
                """,
                params,
            )
        return self._kept("place counts", filters, count)

    def capital_links(self, filters: Filters, limit: int | None = None) -> pd.DataFrame:
        """Arcs from each taking-part actor's home capital to the event's place.

        One row per (capital, place) with the number of distinct events, the ids of the
        ``LINK_LATEST_IDS`` most recent ones, the latest date, and the event types and roles
        seen (comma-joined); an actor at home (capital = place) draws no arc.
        ``limit`` keeps the busiest arcs only; ``total_links`` counts them all.
        """
        params: dict = {}
        if limit is not None:
            params["link_limit"] = int(limit)
        if filters.is_empty:
            cte = "WITH counted AS (SELECT * FROM total_links), links AS (SELECT * FROM total_links)"
        else:
            cte, params_sel, p = self._fast(filters)
            legs = ("SELECT l.k, l.from_p, l.to_p, l.role_bits, l.type_bits, l.date "
                    f"FROM event_leg_facts l JOIN sel ON sel.k = l.k WHERE TRUE{_date_conds(filters, p, 'l')}")
            counted = None
            if months := _country_months(filters):
                counted = ("SELECT from_p, to_p, CAST(SUM(events) AS BIGINT) AS events, MAX(latest) AS latest, "
                           "BIT_OR(type_bits) AS type_bits, BIT_OR(role_bits) AS role_bits "
                           f"FROM ({_country_rows('links', filters, months, p)}) "
                           "AS r(from_p, to_p, events, latest, type_bits, role_bits) GROUP BY from_p, to_p")
            params.update(params_sel)
            cte = f"{cte}, {_links_ctes(legs, limited=limit is not None, counted=counted)}"
        page = "LIMIT $link_limit" if limit is not None else ""
        links = self._df(
            f"""{cte}
            SELECT l.from_id, f.name AS from_name, f.country AS from_country, f.lat AS from_lat, f.lon AS from_lon,
                   l.to_id, t.name AS to_name, t.country AS to_country, t.lat AS to_lat, t.lon AS to_lon,
                   l.events, l.latest, l.type_bits, l.role_bits,
                   {', '.join(f'l.{column}' for column, _ in _LATEST_COLUMNS)},
                   (SELECT COUNT(*) FROM counted) AS total_links
            FROM links l
            JOIN places f ON f.place_id = l.from_id
            JOIN places t ON t.place_id = l.to_id
            ORDER BY l.events DESC, from_name, to_name, l.from_id, l.to_id
            {page}
            """,
            params,
        )
        types = [bits_names(mask, TYPE_BITS) for mask in links.pop("type_bits")]
        roles = [bits_names(mask, ROLE_BITS) for mask in links.pop("role_bits")]
        at = links.columns.get_loc("latest") + 1
        links.insert(at, "event_types", pd.Series(types, index=links.index, dtype=object))
        links.insert(at + 1, "roles", pd.Series(roles, index=links.index, dtype=object))
        # The latest events, newest first: their ids comma-joined, and (date, precision, summary) of each.
        latest = [[links.pop(f"latest_{field}_{rank}").tolist() for field, _, _ in _LATEST_FIELDS]
                  for rank in range(1, LINK_LATEST_IDS + 1)]
        per_link = [[event for event in events if not pd.isna(event[0])]
                    for events in zip(*(zip(*fields, strict=True) for fields in latest), strict=True)]
        links.insert(at + 2, "latest_ids", pd.Series([",".join(e[0] for e in events) for events in per_link],
                                                     index=links.index, dtype=object))
        links.insert(at + 3, "latest_events", pd.Series([[e[1:] for e in events] for events in per_link],
                                                        index=links.index, dtype=object))
        return links

    def link_event_ids(self, filters: Filters, from_id: str, to_id: str, limit: int | None = None) -> list[str]:
        """Ids of the selected events on one map link (capital ``from_id`` → place ``to_id``), newest first."""
        cte, params, p = self._fast(filters)
        params["from_id"], params["to_id"] = from_id, to_id
        page = ""
        if limit is not None:
            params["limit"] = int(limit)
            page = "LIMIT $limit"
        return [r[0] for r in self._rows(
            f"""{cte}
            SELECT sel.event_id FROM event_leg_facts l JOIN sel ON sel.k = l.k
            WHERE l.from_p = (SELECT p FROM place_keys WHERE place_id = $from_id)
              AND l.to_p = (SELECT p FROM place_keys WHERE place_id = $to_id){_date_conds(filters, p, 'l')}
            ORDER BY l.date DESC, l.k DESC
            {page}""",
            params,
        )]

    def _actor_counts(self, filters: Filters) -> pd.DataFrame:
        """Events per actor key (a, events) in the selection, kept for the page's next calls
        (its headline figures, its actor chart and the Jaccard index of its pairs)."""
        def count() -> pd.DataFrame:
            if filters.is_empty:
                return self._df("SELECT a, events FROM total_actors")
            cte, params, p = self._fast(filters)
            if months := _country_months(filters):
                return self._df(f"{cte} SELECT a, CAST(SUM(events) AS BIGINT) AS events "
                                f"FROM ({_country_rows('actors', filters, months, p)}) AS r(a, events) GROUP BY a",
                                params)
            return self._df(
                f"""{cte}
                SELECT x.a, COUNT(*) AS events FROM event_actor_facts x JOIN sel ON sel.k = x.k
                WHERE TRUE{_date_conds(filters, p, 'x')} GROUP BY x.a""",
                params,
            )
        return self._kept("actor counts", filters, count)

    def _actor_counts_cte(self, filters: Filters, p: _Params | None = None) -> tuple[str, dict, _Params, dict]:
        """CTEs ``n`` (a, events) of actors in the selection, with ``sel`` when filtered;
        ``p`` collects the parameters (a new collector if None). Also the tables to give
        :meth:`_df` (``n`` reads the kept actor counts)."""
        p = p or _Params()
        tables = {"actor_n": self._actor_counts(filters)}
        if filters.is_empty:
            return "WITH n AS (SELECT a, events FROM actor_n)", p.values, p, tables
        return facts_selection(filters, p) + ", n AS (SELECT a, events FROM actor_n)", p.values, p, tables

    def actor_event_counts(self, filters: Filters, limit: int | None = None) -> pd.DataFrame:
        """Actors in the selection with their number of events, busiest first (the ``limit`` busiest)."""
        def named() -> pd.DataFrame:
            params, page = {}, ""
            if limit is not None:
                params["limit"], page = int(limit), "LIMIT $limit"
            return self._df(
                f"""SELECT a.actor_id, a.name, a.kind, a.country, a.sector, n.events
                FROM actor_n n JOIN actor_keys ak ON ak.a = n.a
                JOIN actors a ON a.actor_id = ak.actor_id
                ORDER BY n.events DESC, a.name, a.actor_id
                {page}""",
                params,
                tables={"actor_n": self._actor_counts(filters)},
            )
        return self._kept("named actor counts", (filters, limit), named).copy()

    def actor_count(self, filters: Filters) -> int:
        """How many actors take part in the selected events."""
        return len(self._actor_counts(filters))

    def cooccurrence_pairs(self, filters: Filters, limit: int | None = None) -> pd.DataFrame:
        """Pairs of actors taking part in the same selected events, with count and Jaccard."""
        cte, params, p, tables = self._actor_counts_cte(filters)
        if filters.is_empty:
            cte += ", pairs AS (SELECT a, b, together FROM total_pairs)"
        else:
            cte += (f", pairs AS (SELECT y.a, y.b, COUNT(*) AS together FROM event_pair_facts y "
                    f"JOIN sel ON sel.k = y.k WHERE TRUE{_date_conds(filters, p, 'y')} GROUP BY y.a, y.b)")
        page, floor = "", ""
        if limit is not None:
            params["limit"] = int(limit)
            page = "LIMIT $limit"
            # Only pairs at least as frequent as the limit-th most frequent can be in the top.
            floor = ("WHERE pairs.together >= (SELECT COALESCE(MIN(together), 0) FROM "
                     "(SELECT together FROM pairs ORDER BY together DESC LIMIT $limit) AS top)")
        return self._pair_rows(cte, params, tables, floor, page)

    def _pair_rows(self, cte: str, params: dict, tables: dict, floor: str = "", page: str = "") -> pd.DataFrame:
        """Named, ordered pair rows from CTEs ``n`` (a, events) and ``pairs`` (a, b, together)."""
        return self._df(
            f"""{cte}
            , named AS (
                SELECT ka.actor_id AS id_1, kb.actor_id AS id_2, pairs.together,
                       na.events AS events_1, nb.events AS events_2,
                       CAST(pairs.together AS DOUBLE) / (na.events + nb.events - pairs.together) AS jaccard
                FROM pairs JOIN n na ON na.a = pairs.a JOIN n nb ON nb.a = pairs.b
                JOIN actor_keys ka ON ka.a = pairs.a JOIN actor_keys kb ON kb.a = pairs.b
                {floor}
            )
            , ordered AS (
                SELECT CASE WHEN id_1 < id_2 THEN id_1 ELSE id_2 END AS actor_a,
                       CASE WHEN id_1 < id_2 THEN id_2 ELSE id_1 END AS actor_b,
                       together,
                       CASE WHEN id_1 < id_2 THEN events_1 ELSE events_2 END AS events_a,
                       CASE WHEN id_1 < id_2 THEN events_2 ELSE events_1 END AS events_b,
                       jaccard
                FROM named
            )
            SELECT o.actor_a, aa.name AS name_a, o.actor_b, ab.name AS name_b,
                   o.together, o.events_a, o.events_b, o.jaccard
            FROM ordered o
            JOIN actors aa ON aa.actor_id = o.actor_a
            JOIN actors ab ON ab.actor_id = o.actor_b
            ORDER BY o.together DESC, o.jaccard DESC, name_a, name_b, o.actor_a, o.actor_b
            {page}
            """,
            params,
            tables,
        )

    # --- dashboard reads (pages) ----------------------------------------------------------
    def data_version(self) -> tuple:
        """A value that changes whenever the stored data does (keys the dashboard's caches).

        A change written through another handle also drops the results this one keeps.
        """
        version = tuple(self._rows(
            "SELECT (SELECT COUNT(*) FROM events), (SELECT MAX(updated_at) FROM events), "
            "(SELECT COUNT(*) FROM actors), (SELECT COUNT(*) FROM places), (SELECT COUNT(*) FROM sources), "
            "(SELECT COUNT(*) FROM event_actors), (SELECT COUNT(*) FROM event_sources)"
        )[0])
        if version != self._seen_version:
            self._seen_version = version
            self._generation += 1
            self._kept_results = {}
        return version

    def event_countries_for(self, event_ids: list[str], days: Iterable | None = None) -> pd.DataFrame:
        """The countries each of the given events matches (actor, membership or place); each
        event's rows together, by country."""
        return self._fact_details(
            f"SELECT x.k, x.country FROM event_country_facts x WHERE {_NOT_BLOC.format(alias='x')} AND {{cond}} "
            "ORDER BY x.k, x.country",
            event_ids, days, ["event_id", "country"],
        )

    def event_search_count(self, filters: Filters, search: str | None = None) -> int:
        """How many selected events a text search matches (summary, actor names, evidence)."""
        if not search:
            return self.event_count(filters)
        cte, params = self._selected(filters)
        params["search"] = f"%{search.lower()}%"
        cond = _SEARCH_COND
        return self._rows(f"{cte} SELECT COUNT(*) FROM sel WHERE {cond}", params)[0][0]

    def shared_event_ids(self, filters: Filters, actor_ids: list[str], limit: int | None = None) -> list[str]:
        """Selected events in which every one of the given actors takes part, newest first."""
        if not actor_ids:
            return []
        cte, params, p = self._fast(filters)
        actors = p.in_list("shared_actor", sorted(set(actor_ids)))
        params["n_actors"] = len(set(actor_ids))
        page = ""
        if limit is not None:
            params["limit"] = int(limit)
            page = "LIMIT $limit"
        rows = self._rows(
            f"""{cte}
            SELECT sel.event_id FROM sel
            WHERE sel.k IN (
                SELECT x.k FROM event_actor_facts x JOIN actor_keys ak ON ak.a = x.a
                WHERE ak.actor_id IN {actors}{_date_conds(filters, p, 'x')}
                GROUP BY x.k HAVING COUNT(*) = $n_actors
            )
            ORDER BY sel.date DESC, sel.event_id
            {page}""",
            params,
        )
        return [r[0] for r in rows]

    def actor_names(self, actor_ids: list[str] | None = None) -> dict[str, str]:
        """Actor id → name, for all actors or the given ones."""
        if actor_ids is None:
            return dict(self._rows("SELECT actor_id, name FROM actors"))
        if not actor_ids:
            return {}
        p = _Params()
        return dict(self._rows(
            f"SELECT actor_id, name FROM actors WHERE actor_id IN {p.in_list('actor', actor_ids)}", p.values
        ))

    def _pairs_where(self, filters: Filters, actor_ids: list[str], partners_any: bool) -> pd.DataFrame:
        """Co-occurring pairs with at least one actor in ``actor_ids`` (both, unless ``partners_any``).

        Read from the pair facts (or, unfiltered, the pair totals) by actor key, like
        :meth:`cooccurrence_pairs`; the same columns and order.
        """
        p = _Params()
        keys = f"(SELECT a FROM actor_keys WHERE actor_id IN {p.in_list('pair_actor', sorted(set(actor_ids)))})"
        cte, params, p, tables = self._actor_counts_cte(filters, p)
        chosen = f"(y.a IN {keys} {'OR' if partners_any else 'AND'} y.b IN {keys})"
        if filters.is_empty:
            cte += f", pairs AS (SELECT y.a, y.b, y.together FROM total_pairs y WHERE {chosen})"
        else:
            cte += (f", pairs AS (SELECT y.a, y.b, COUNT(*) AS together FROM event_pair_facts y "
                    f"JOIN sel ON sel.k = y.k WHERE {chosen}{_date_conds(filters, p, 'y')} GROUP BY y.a, y.b)")
        return self._pair_rows(cte, params, tables)

    def cooccurrence_pairs_among(self, filters: Filters, actor_ids: list[str]) -> pd.DataFrame:
        """Like cooccurrence_pairs, for pairs of which both actors are in ``actor_ids`` (a chart's top actors)."""
        if not actor_ids:
            return self.cooccurrence_pairs(filters, limit=0)
        return self._pairs_where(filters, list(actor_ids), partners_any=False)

    def actor_partner_pairs(self, filters: Filters, actor_id: str) -> pd.DataFrame:
        """Like cooccurrence_pairs, for the pairs one actor is part of (its partners)."""
        return self._pairs_where(filters, [actor_id], partners_any=True)


def default_db_path() -> str:
    """Where the dashboard keeps its store: ``$EVENTS_DB`` or ``.cache/events.duckdb``."""
    return os.environ.get(DEFAULT_DB_ENV) or str(Path(__file__).resolve().parents[2] / ".cache" / "events.duckdb")
