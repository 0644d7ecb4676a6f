"""Bulk write paths: synthetic stores and the ACLED / GDELT imports.

Every statement here takes an :class:`EventStore` and works on frames registered with its
connection. Writes run inside one transaction per call (per file for imports) and end by
refreshing the derived tables for the events they touched. GDELT rows arrive as Arrow
tables (parsed by the importer) and are staged with a few DuckDB functions (TRY_STRPTIME,
regexp_full_match, regexp_extract, printf, md5) into one wide table, one row per line; the
ACLED merge into the store keeps to the portable subset.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis.schema import TABLES
from analysis.store.core import EventStore


def _register(cur, frames: dict[str, pd.DataFrame]) -> None:
    for name, frame in frames.items():
        cur.register(name, frame)


def _unregister(cur, names) -> None:
    for name in names:
        cur.unregister(name)


def insert_synthetic(store: EventStore, codes: dict) -> dict[str, int]:
    """Write integer-coded synthetic tables (see ``analysis.synth``) as rows, in one transaction."""
    frames = {
        "syn_places": codes["places"].reset_index(names="code"),
        "syn_actors": codes["actors"].reset_index(names="code"),
        "syn_events": codes["events"],
        "syn_event_actors": codes["event_actors"],
        "syn_sources": codes["sources"],
        "syn_event_sources": codes["event_sources"],
        **{f"syn_{name}": frame for name, frame in codes["lookups"].items()},
    }
    now = dt.datetime.now().replace(microsecond=0)
    params = {"first_day": codes["first_day"], "now": now}
    cur = store.cursor()
    _register(cur, frames)
    cur.execute("BEGIN TRANSACTION")
    try:
        cur.execute(
            """INSERT INTO places (place_id, name, kind, country, lat, lon, coord_precision, is_capital)
            SELECT place_id, name, kind, country, lat, lon, coord_precision, is_capital FROM syn_places"""
        )
        cur.execute(
            """INSERT INTO actors (actor_id, name, kind, country, sector, members, aliases)
            SELECT actor_id, name, kind, country, sector, members, CAST(NULL AS VARCHAR) FROM syn_actors"""
        )
        cur.execute(
            """INSERT INTO sources (source_id, outlet, outlet_type, title, published, published_basis, url, notes)
            SELECT 'syn:src:' || CAST(s.source AS VARCHAR), o.outlet, o.outlet_type,
                   'Synthetic report ' || CAST(s.source AS VARCHAR),
                   CAST($first_day AS DATE) + CAST(s.day AS INTEGER), 'stated',
                   'https://example.org/synthetic/' || CAST(s.source AS VARCHAR), CAST(NULL AS VARCHAR)
            FROM syn_sources s JOIN syn_outlets o ON o.code = s.outlet""",
            {"first_day": params["first_day"]},
        )
        cur.execute(
            """INSERT INTO events (event_id, date, date_precision, date_end, date_basis, event_type, type_note,
                mode, summary, place_id, topic, origin, external_id, fatalities, pipeline_version,
                attributes, created_at, updated_at)
            SELECT 'syn:' || CAST(e.i AS VARCHAR),
                   CASE pr.value
                       WHEN 'year' THEN CAST(date_trunc('year', e.day_date) AS DATE)
                       WHEN 'month' THEN CAST(date_trunc('month', e.day_date) AS DATE)
                       ELSE e.day_date END,
                   pr.value, CAST(NULL AS DATE), CAST(NULL AS VARCHAR), t.value, CAST(NULL AS VARCHAR),
                   CAST(NULL AS VARCHAR),
                   t.value || ' at ' || p.name || ' (synthetic event ' || CAST(e.i AS VARCHAR) || ')',
                   p.place_id, tp.value, o.value, CAST(NULL AS VARCHAR),
                   CASE WHEN o.value = 'acled' THEN e.fatalities ELSE NULL END,
                   'synthetic', CAST(NULL AS VARCHAR), CAST($now AS TIMESTAMP), CAST($now AS TIMESTAMP)
            FROM (SELECT *, CAST($first_day AS DATE) + CAST(day AS INTEGER) AS day_date FROM syn_events) AS e
            JOIN syn_precisions pr ON pr.code = e.precision
            JOIN syn_types t ON t.code = e.type
            JOIN syn_places p ON p.code = e.place
            JOIN syn_topics tp ON tp.code = e.topic
            JOIN syn_origins o ON o.code = e.origin
            ORDER BY e.i""",
            params,
        )
        cur.execute(
            """INSERT INTO event_actors (event_id, actor_id, role_in_event)
            SELECT 'syn:' || CAST(x.i AS VARCHAR), a.actor_id, r.value
            FROM (SELECT i, actor, MIN(position) AS position FROM syn_event_actors GROUP BY i, actor) AS x
            JOIN syn_actors a ON a.code = x.actor
            JOIN syn_roles r ON r.code = x.position
            ORDER BY x.i"""
        )
        cur.execute(
            """INSERT INTO event_sources (event_id, source_id, document, evidence)
            SELECT DISTINCT 'syn:' || CAST(i AS VARCHAR), 'syn:src:' || CAST(source AS VARCHAR),
                   CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR)
            FROM syn_event_sources"""
        )
        store._refresh_derived(cur)
        cur.execute("COMMIT")
    except Exception:
        cur.execute("ROLLBACK")
        raise
    finally:
        _unregister(cur, frames)
    return {name: store._rows(f"SELECT COUNT(*) FROM {name}")[0][0]
            for name in ("places", "actors", "sources", "events", "event_actors", "event_sources")}


# --- ACLED and GDELT imports ----------------------------------------------------------------

IMPORT_DDL = (
    # The version (ACLED timestamp) of every imported event, to tell newer from older copies.
    """CREATE TABLE IF NOT EXISTS import_versions (event_id VARCHAR PRIMARY KEY, origin VARCHAR NOT NULL,
        version BIGINT, file VARCHAR, imported_at TIMESTAMP)""",
    # One row per imported file: what became of its rows.
    """CREATE TABLE IF NOT EXISTS import_files (file VARCHAR NOT NULL, sha256 VARCHAR, origin VARCHAR NOT NULL,
        layout VARCHAR, rows BIGINT, imported BIGINT, replaced BIGINT, unchanged BIGINT, older BIGINT,
        merged BIGINT, skipped BIGINT, rejected BIGINT, started_at TIMESTAMP, finished_at TIMESTAMP)""",
)

_EVENT_COLUMNS = TABLES["events"].column_names
_STAGED = {
    "events": [*(c for c in _EVENT_COLUMNS if c not in ("created_at", "updated_at")), "version", "line"],
    "actors": TABLES["actors"].column_names,
    "places": TABLES["places"].column_names,
    "sources": TABLES["sources"].column_names,
    "event_actors": [*TABLES["event_actors"].column_names, "line"],
    "event_sources": [*TABLES["event_sources"].column_names, "line"],
}


def _sql_type(table: str, column: str) -> str:
    if column in ("version", "line"):
        return "BIGINT"
    return TABLES[table].column(column).sql_type


def ensure_import_tables(store: EventStore) -> None:
    for ddl in IMPORT_DDL:
        store.con.execute(ddl)


def state_actor_ids(store: EventStore) -> dict[str, str]:
    """ISO3 → id of the store's state actor for that country (curated ids before imported ones)."""
    rows = store._rows("SELECT country, actor_id FROM actors WHERE kind = 'state' AND country IS NOT NULL")
    out: dict[str, str] = {}
    for country, actor_id in sorted(rows, key=lambda r: (r[0], r[1].startswith(("gdelt:", "acled:")), r[1])):
        out.setdefault(country, actor_id)
    return out


def imported_files(store: EventStore) -> pd.DataFrame:
    """The import log, newest first."""
    ensure_import_tables(store)
    return store._df("SELECT * FROM import_files ORDER BY finished_at DESC")


class FileImport:
    """One file's import: rows are staged chunk by chunk, then merged in one transaction."""

    def __init__(self, store: EventStore, origin: str, file: str, sha256: str | None, layout: str):
        ensure_import_tables(store)
        self.store, self.origin, self.file, self.sha256, self.layout = store, origin, file, sha256, layout
        self.started = dt.datetime.now().replace(microsecond=0)
        self.cur = store.cursor()
        self.lookups: list[str] = []
        self.cur.execute("BEGIN TRANSACTION")
        if origin == "gdelt":
            self.cur.execute(_GDELT_STAGE_DDL)
            return
        for name, columns in _STAGED.items():
            cols = ", ".join(f"{c} {_sql_type(name, c)}" for c in columns)
            self.cur.execute(f"CREATE OR REPLACE TEMP TABLE stage_{name} ({cols})")

    def stage(self, batch) -> None:
        """Add one chunk's rows to the staging tables."""
        for name, columns in _STAGED.items():
            frame = getattr(batch, name)
            if frame is None or frame.empty:
                continue
            self.cur.register("chunk_rows", frame)
            try:
                select = ", ".join(f"CAST({c} AS {_sql_type(name, c)})" for c in columns)
                self.cur.execute(f"INSERT INTO stage_{name} SELECT {select} FROM chunk_rows")
            finally:
                self.cur.unregister("chunk_rows")

    def register(self, frames: dict[str, pd.DataFrame]) -> None:
        """Lookup tables the staging statements of this file join with."""
        _register(self.cur, frames)
        self.lookups += list(frames)

    def abort(self) -> None:
        try:
            self.cur.execute("ROLLBACK")
        finally:
            self.cur.close()

    def finish(self, account) -> None:
        """Merge the staged rows into the store, fill in ``account`` and commit."""
        cur = self.cur
        now = {"now": dt.datetime.now().replace(microsecond=0)}
        written = self._merge_gdelt(account, now) if self.origin == "gdelt" else self._merge_staged(account, now)
        self.store._refresh_derived(cur, written)
        counts = account.counts
        cur.execute(
            """INSERT INTO import_files VALUES ($file, $sha256, $origin, $layout, $rows, $imported, $replaced,
                $unchanged, $older, $merged, $skipped, $rejected, $started, CAST($now AS TIMESTAMP))""",
            {**now, "file": self.file, "sha256": self.sha256, "origin": self.origin, "layout": self.layout,
             "rows": account.rows, "started": self.started,
             **{k: counts[k] for k in ("imported", "replaced", "unchanged", "older", "merged", "skipped", "rejected")}},
        )
        cur.execute("COMMIT")
        _unregister(cur, self.lookups)
        cur.close()

    def _merge_staged(self, account, now: dict) -> str:
        """Merge the stage_* tables; returns a query of the ids of the events written."""
        cur = self.cur
        # One row per event: the newest version, then the first line.
        cur.execute(
            """CREATE OR REPLACE TEMP TABLE kept AS
            WITH best AS (SELECT event_id, MAX(version) AS version FROM stage_events GROUP BY event_id)
            SELECT s.event_id, MIN(s.line) AS line, MIN(s.version) AS version
            FROM stage_events s JOIN best b ON b.event_id = s.event_id
            WHERE s.version = b.version OR b.version IS NULL
            GROUP BY s.event_id"""
        )
        for line, kept_line in cur.execute(
            """SELECT s.line, k.line FROM stage_events s JOIN kept k ON k.event_id = s.event_id
            WHERE s.line <> k.line ORDER BY s.line"""
        ).fetchall():
            account.merge(int(line), f"same event as line {kept_line}")
        cur.execute(
            """CREATE OR REPLACE TEMP TABLE classified AS
            SELECT k.event_id, k.line,
                CASE WHEN e.event_id IS NULL THEN 'imported'
                     WHEN k.version IS NOT NULL AND v.version IS NOT NULL AND k.version > v.version THEN 'replaced'
                     WHEN k.version IS NOT NULL AND v.version IS NOT NULL AND k.version < v.version THEN 'older'
                     ELSE 'unchanged' END AS outcome
            FROM kept k
            LEFT JOIN events e ON e.event_id = k.event_id
            LEFT JOIN import_versions v ON v.event_id = k.event_id"""
        )
        for outcome, count in cur.execute("SELECT outcome, COUNT(*) FROM classified GROUP BY outcome").fetchall():
            account.counts[outcome] += int(count)
        for (line,) in cur.execute("SELECT line FROM classified WHERE outcome = 'older' ORDER BY line").fetchall():
            account.problems.append((int(line), "older", "the store holds a newer version of this event"))
        cur.execute(
            """CREATE OR REPLACE TEMP TABLE written AS
            SELECT event_id, line FROM classified WHERE outcome IN ('imported', 'replaced')"""
        )
        replaced = "SELECT event_id FROM classified WHERE outcome = 'replaced'"
        for table in ("event_actors", "event_sources", "events"):
            cur.execute(f"DELETE FROM {table} WHERE event_id IN ({replaced})")
        cur.execute(
            """INSERT INTO places
            SELECT place_id, MIN(name), MIN(kind), MIN(country), MIN(lat), MIN(lon), MIN(coord_precision),
                   BOOL_OR(is_capital)
            FROM stage_places
            WHERE place_id IN (SELECT s.place_id FROM stage_events s JOIN written w ON w.line = s.line)
              AND place_id NOT IN (SELECT place_id FROM places)
            GROUP BY place_id"""
        )
        cur.execute(
            """INSERT INTO actors
            SELECT actor_id, MIN(name), MIN(kind), MIN(country), MIN(sector), MIN(members), MIN(aliases)
            FROM stage_actors
            WHERE actor_id IN (SELECT ea.actor_id FROM stage_event_actors ea
                               JOIN written w ON w.event_id = ea.event_id AND w.line = ea.line)
              AND actor_id NOT IN (SELECT actor_id FROM actors)
            GROUP BY actor_id"""
        )
        cur.execute(
            """INSERT INTO sources
            SELECT source_id, MIN(outlet), MIN(outlet_type), MIN(title), MIN(published), MIN(published_basis),
                   MIN(url), MIN(notes)
            FROM stage_sources
            WHERE source_id IN (SELECT es.source_id FROM stage_event_sources es
                                JOIN written w ON w.event_id = es.event_id AND w.line = es.line)
              AND source_id NOT IN (SELECT source_id FROM sources)
            GROUP BY source_id"""
        )
        columns = ", ".join(_EVENT_COLUMNS)
        values = ", ".join("k." + c if c not in ("created_at", "updated_at") else "CAST($now AS TIMESTAMP)"
                           for c in _EVENT_COLUMNS)
        cur.execute(
            f"""INSERT INTO events ({columns})
            SELECT {values} FROM stage_events k JOIN written w ON w.line = k.line ORDER BY k.date, k.event_id""",
            now,
        )
        cur.execute(
            """INSERT INTO event_actors
            SELECT DISTINCT ea.event_id, ea.actor_id, ea.role_in_event
            FROM stage_event_actors ea JOIN written w ON w.event_id = ea.event_id AND w.line = ea.line"""
        )
        cur.execute(
            """INSERT INTO event_sources
            SELECT ea.event_id, ea.source_id, MIN(ea.document), MIN(ea.evidence)
            FROM stage_event_sources ea JOIN written w ON w.event_id = ea.event_id AND w.line = ea.line
            GROUP BY ea.event_id, ea.source_id"""
        )
        cur.execute("DELETE FROM import_versions WHERE event_id IN (SELECT event_id FROM written)")
        cur.execute(
            """INSERT INTO import_versions
            SELECT k.event_id, $origin, k.version, $file, CAST($now AS TIMESTAMP)
            FROM kept k JOIN written w ON w.event_id = k.event_id WHERE k.version IS NOT NULL""",
            {**now, "origin": self.origin, "file": self.file},
        )
        return "SELECT event_id FROM written"

    def _merge_gdelt(self, account, now: dict) -> str:
        """Merge stage_gdelt (one row per good line, see stage_gdelt_chunk); returns a query of
        the ids of the events written. Same outcomes as the stage_* merge: GDELT rows have no
        version, so the first line of an event is kept and an event already stored is unchanged.
        """
        cur = self.cur
        staged, distinct = cur.execute("SELECT COUNT(*), COUNT(DISTINCT gid) FROM stage_gdelt").fetchone()
        kept = "stage_gdelt"
        if staged != distinct:
            cur.execute(
                """CREATE OR REPLACE TEMP TABLE gdelt_kept AS
                SELECT s.* FROM stage_gdelt s
                JOIN (SELECT gid, MIN(line) AS line FROM stage_gdelt GROUP BY gid) AS k ON k.line = s.line"""
            )
            for line, kept_line in cur.execute(
                """SELECT s.line, k.line FROM stage_gdelt s JOIN gdelt_kept k ON k.gid = s.gid
                WHERE s.line <> k.line ORDER BY s.line"""
            ).fetchall():
                account.merge(int(line), f"same event as line {kept_line}")
            kept = "gdelt_kept"
        unchanged = cur.execute(
            f"SELECT COUNT(*) FROM {kept} k JOIN events e ON e.event_id = k.event_id"
        ).fetchone()[0]
        account.counts["imported"] += distinct - unchanged
        account.counts["unchanged"] += unchanged
        rows = kept
        if unchanged:
            cur.execute(
                f"""CREATE OR REPLACE TEMP TABLE gdelt_written AS
                SELECT k.* FROM {kept} k LEFT JOIN events e ON e.event_id = k.event_id WHERE e.event_id IS NULL"""
            )
            rows = "gdelt_written"
        # Places, actors and sources take their fields from every good row that names them.
        written_only = "" if rows == "stage_gdelt" else "AND {key} IN (SELECT {column} FROM " + rows + ")"
        cur.execute(
            f"""INSERT INTO places
            SELECT place_id, MIN(place_name), MIN(place_kind), MIN(place_country), MIN(lat), MIN(lon),
                   MIN(coord_precision), FALSE
            FROM stage_gdelt
            WHERE place_id IS NOT NULL {written_only.format(key="place_id", column="place_id")}
              AND place_id NOT IN (SELECT place_id FROM places)
            GROUP BY place_id"""
        )
        actors = " UNION ALL ".join(
            f"""SELECT actor{n}_id AS actor_id, actor{n}_name AS name, actor{n}_kind AS kind,
                       actor{n}_country AS country, actor{n}_sector AS sector
                FROM stage_gdelt WHERE actor{n}_id IS NOT NULL""" for n in (1, 2))
        in_written = "" if rows == "stage_gdelt" else (
            f"AND actor_id IN (SELECT actor1_id FROM {rows} UNION ALL SELECT actor2_id FROM {rows})")
        cur.execute(
            f"""INSERT INTO actors
            SELECT actor_id, MIN(name), MIN(kind), MIN(country), MIN(sector), NULL, NULL
            FROM ({actors}) AS a
            WHERE actor_id NOT IN (SELECT actor_id FROM actors) {in_written}
            GROUP BY actor_id"""
        )
        cur.execute(
            f"""INSERT INTO sources
            SELECT s.source_id, MIN(s.outlet), MIN(s.outlet_type), MIN(s.title), MIN(s.published),
                   MIN(s.published_basis), MIN(s.url), MIN(s.notes)
            FROM (
                SELECT u.source_id,
                    CASE WHEN u.url <> '' THEN COALESCE(NULLIF(regexp_extract(u.url,
                        '^[A-Za-z][A-Za-z0-9+.-]*://(www[.])?([^/:?#]+)', 2), ''), 'unknown outlet')
                        ELSE 'GDELT' END AS outlet,
                    CASE WHEN u.url <> '' THEN 'other_media' ELSE 'dataset' END AS outlet_type,
                    CASE WHEN u.url <> '' THEN NULL ELSE 'The GDELT Project event data' END AS title,
                    CASE WHEN u.url <> '' THEN u.day ELSE NULL END AS published,
                    CASE WHEN u.url <> '' THEN 'inferred' ELSE NULL END AS published_basis,
                    CASE WHEN u.url <> '' THEN u.url ELSE 'https://www.gdeltproject.org/' END AS url,
                    CASE WHEN u.url <> '' THEN 'GDELT SOURCEURL' ELSE NULL END AS notes
                FROM (SELECT url, source_id, MIN(day) AS day FROM stage_gdelt GROUP BY url, source_id) AS u
            ) AS s
            WHERE s.source_id NOT IN (SELECT source_id FROM sources)
                {written_only.format(key="s.source_id", column="source_id")}
            GROUP BY s.source_id"""
        )
        cur.execute(
            f"""INSERT INTO events ({", ".join(_EVENT_COLUMNS)})
            SELECT event_id, day, 'day', NULL, 'GDELT SQLDATE', plover, type_note, NULL, summary, place_id, topic,
                   'gdelt', CAST(gid AS VARCHAR), NULL, $label, attributes, CAST($now AS TIMESTAMP),
                   CAST($now AS TIMESTAMP)
            FROM {rows} ORDER BY day, event_id""",
            {**now, "label": self.layout},
        )
        # One row per event here, so no pair of (event, actor) or (event, source) repeats.
        cur.execute(
            f"""INSERT INTO event_actors
            SELECT event_id, actor1_id, 'source' FROM {rows} WHERE actor1_id IS NOT NULL
            UNION ALL
            SELECT event_id, actor2_id, 'target' FROM {rows}
            WHERE actor2_id IS NOT NULL AND (actor1_id IS NULL OR actor2_id <> actor1_id)"""
        )
        cur.execute(f"INSERT INTO event_sources SELECT event_id, source_id, NULL, NULL FROM {rows}")
        cur.execute(f"DELETE FROM import_versions WHERE event_id IN (SELECT event_id FROM {rows})")
        return f"SELECT event_id FROM {rows}"


# The GDELT columns the import reads (the others are parsed and dropped).
GDELT_USED = {
    "GLOBALEVENTID", "SQLDATE", "EventCode", "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1Type1Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2Type1Code", "IsRootEvent", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone", "ActionGeo_Type", "ActionGeo_FullName",
    "ActionGeo_CountryCode", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID", "SOURCEURL",
}

# One row per good GDELT line: what the event, its two actors, its place and its source become.
_GDELT_STAGE_DDL = """CREATE OR REPLACE TEMP TABLE stage_gdelt (
    line BIGINT, gid BIGINT, event_id VARCHAR, day DATE, plover VARCHAR, type_note VARCHAR, summary VARCHAR,
    place_id VARCHAR, topic VARCHAR, attributes VARCHAR,
    actor1_id VARCHAR, actor1_name VARCHAR, actor1_kind VARCHAR, actor1_country VARCHAR, actor1_sector VARCHAR,
    actor2_id VARCHAR, actor2_name VARCHAR, actor2_kind VARCHAR, actor2_country VARCHAR, actor2_sector VARCHAR,
    place_name VARCHAR, place_kind VARCHAR, place_country VARCHAR, lat DOUBLE, lon DOUBLE, coord_precision VARCHAR,
    url VARCHAR, source_id VARCHAR)"""

_GDELT_ACTOR = """
    CASE WHEN g.{side}Code = '' THEN NULL
         WHEN g.{side}Code = g.{side}CountryCode AND k{n}.iso3 IS NOT NULL THEN k{n}.state_id
         ELSE 'gdelt:' || g.{side}Code END AS actor{n}_id,
    CASE WHEN g.{side}Code = g.{side}CountryCode AND k{n}.iso3 IS NOT NULL THEN k{n}.name
         ELSE COALESCE(NULLIF(n{n}.title, ''), g.{side}Code) END AS actor{n}_name,
    CASE WHEN g.{side}Code = g.{side}CountryCode AND k{n}.iso3 IS NOT NULL THEN 'state' ELSE 'organisation' END
        AS actor{n}_kind,
    k{n}.iso3 AS actor{n}_country,
    CASE WHEN g.{side}Code = g.{side}CountryCode AND k{n}.iso3 IS NOT NULL THEN 'government'
         ELSE COALESCE(s{n}.sector, 'other') END AS actor{n}_sector"""

_JSON_NUMBER = ("CASE WHEN regexp_full_match(g.{c}, '-?(0|[1-9][0-9]*)([.][0-9]+)?([eE][-+]?[0-9]+)?') "
                "THEN g.{c} ELSE 'null' END")
_AES = "('MLI', 'NER', 'BFA')"


def stage_gdelt_chunk(cur, rows, label: str) -> tuple[list, list]:
    """Add one chunk of GDELT rows to stage_gdelt.

    ``rows`` is an Arrow table (or frame): ``line``, then the GDELT columns the import reads,
    as trimmed text (never NULL). Needs the lookup tables gdelt_cameo, gdelt_countries,
    gdelt_fips, gdelt_sectors, gdelt_geo registered. Returns the (line, reason) of rows
    rejected and the (line, CAMEO root) of rows skipped. Source ids (md5 of the URL) are
    computed once per distinct URL.
    """
    columns = [c for c in rows.column_names if c in GDELT_USED]
    cur.register("gdelt_rows", rows)
    try:
        # The CAMEO code of each distinct EventCode: exact, else its 3- then 2-digit prefix.
        cur.execute(
            """CREATE OR REPLACE TEMP TABLE gdelt_codes AS
            SELECT r.code, COALESCE(c4.plover, c3.plover, c2.plover) AS plover,
                   'CAMEO ' || r.code || ' ' || COALESCE(c4.description, c3.description, c2.description) AS note,
                   COALESCE(c4.description, c3.description, c2.description) AS description
            FROM (SELECT DISTINCT EventCode AS code FROM gdelt_rows) AS r
            LEFT JOIN gdelt_cameo c4 ON c4.code = r.code
            LEFT JOIN gdelt_cameo c3 ON c3.code = substr(r.code, 1, 3) AND length(r.code) = 4
            LEFT JOIN gdelt_cameo c2 ON c2.code = substr(r.code, 1, 2) AND length(r.code) IN (3, 4)"""
        )
        problems = cur.execute(
            """WITH c AS (
                SELECT r.line, r.GLOBALEVENTID, r.SQLDATE, r.EventCode, TRY_CAST(r.GLOBALEVENTID AS BIGINT) AS gid,
                       CAST(TRY_STRPTIME(r.SQLDATE, '%Y%m%d') AS DATE) AS day, codes.plover
                FROM gdelt_rows r JOIN gdelt_codes codes ON codes.code = r.EventCode
            )
            SELECT line, plover IS NOT NULL AND gid IS NOT NULL AND day IS NOT NULL, CASE
                WHEN gid IS NULL THEN 'GLOBALEVENTID ''' || GLOBALEVENTID || ''' is not a number'
                WHEN day IS NULL THEN 'SQLDATE ''' || SQLDATE || ''' is not a date YYYYMMDD'
                WHEN plover IS NULL THEN 'EventCode ''' || EventCode || ''' is not a known CAMEO code'
                ELSE substr(EventCode, 1, 2) END
            FROM c WHERE gid IS NULL OR day IS NULL OR plover IS NULL OR plover = '' ORDER BY line"""
        ).fetchall()
        names = cur.execute(
            "SELECT DISTINCT Actor1Name FROM gdelt_rows UNION SELECT DISTINCT Actor2Name FROM gdelt_rows"
        ).fetchall()
        titles = pd.DataFrame({"raw": [n for (n,) in names]}, dtype=object)
        titles["title"] = titles["raw"].str.title()
        cur.register("gdelt_names", titles)
        has_url = "SOURCEURL" in columns
        attributes = " || ".join([
            f"'{{\"dataset\": \"{label}\", \"cameo\": \"' || g.EventCode || '\"'",
            *(f"', \"{key}\": ' || " + _JSON_NUMBER.format(c=column) for key, column in (
                ("num_mentions", "NumMentions"), ("num_sources", "NumSources"), ("num_articles", "NumArticles"),
                ("goldstein", "GoldsteinScale"), ("avg_tone", "AvgTone"), ("quad_class", "QuadClass"),
                ("is_root_event", "IsRootEvent"))),
            "'}'",
        ])
        countries = [f"{side}_country" for side in ("actor1", "actor2", "place")]
        cur.execute(
            f"""INSERT INTO stage_gdelt
            WITH g AS (
                SELECT r.*, TRY_CAST(r.GLOBALEVENTID AS BIGINT) AS gid,
                       CAST(TRY_STRPTIME(r.SQLDATE, '%Y%m%d') AS DATE) AS day,
                       TRY_CAST(r.ActionGeo_Lat AS DOUBLE) AS lat, TRY_CAST(r.ActionGeo_Long AS DOUBLE) AS lon,
                       c.plover, c.note, c.description, {"r.SOURCEURL" if has_url else "''"} AS url
                FROM gdelt_rows r JOIN gdelt_codes c ON c.code = r.EventCode
            ),
            urls AS (
                SELECT url, CASE WHEN url <> '' THEN 'gdelt:src:' || substr(md5(url), 1, 16) ELSE 'gdelt:dataset' END
                    AS source_id
                FROM (SELECT DISTINCT {"SOURCEURL" if has_url else "''"} AS url FROM gdelt_rows) AS u
            ),
            e AS (
                SELECT g.line, g.gid, 'gdelt:' || CAST(g.gid AS VARCHAR) AS event_id, g.day, g.plover, g.note,
                       g.description, {_GDELT_ACTOR.format(side="Actor1", n=1)},
                       {_GDELT_ACTOR.format(side="Actor2", n=2)},
                       CASE WHEN g.lat BETWEEN -90 AND 90 AND g.lon BETWEEN -180 AND 180 THEN
                           CASE WHEN g.ActionGeo_FeatureID <> '' THEN 'gdelt:geo:' || g.ActionGeo_FeatureID
                                ELSE 'geo:' || printf('%.4f', g.lat) || ',' || printf('%.4f', g.lon) END
                       END AS place_id,
                       COALESCE(NULLIF(g.ActionGeo_FullName, ''), 'Unnamed place') AS place_name,
                       COALESCE(geo.kind, 'site') AS place_kind,
                       COALESCE(geo.coord_precision, 'point') AS coord_precision,
                       f.iso3 AS place_country, g.lat, g.lon, g.url, u.source_id, {attributes} AS attributes
                FROM g
                JOIN urls u ON u.url = g.url
                LEFT JOIN gdelt_countries k1 ON k1.code = g.Actor1CountryCode
                LEFT JOIN gdelt_countries k2 ON k2.code = g.Actor2CountryCode
                LEFT JOIN gdelt_names n1 ON n1.raw = g.Actor1Name
                LEFT JOIN gdelt_names n2 ON n2.raw = g.Actor2Name
                LEFT JOIN gdelt_sectors s1 ON s1.code = g.Actor1Type1Code
                LEFT JOIN gdelt_sectors s2 ON s2.code = g.Actor2Type1Code
                LEFT JOIN gdelt_fips f ON f.fips = g.ActionGeo_CountryCode
                LEFT JOIN gdelt_geo geo ON geo.geo_type = g.ActionGeo_Type
                WHERE g.gid IS NOT NULL AND g.day IS NOT NULL AND g.plover <> ''
            )
            SELECT line, gid, event_id, day, plover, note AS type_note,
                   COALESCE(actor1_name, 'Unnamed actor') || ': ' || description
                       || CASE WHEN actor2_id IS NOT NULL THEN ': ' || actor2_name ELSE '' END AS summary,
                   place_id,
                   CASE WHEN 'RUS' IN ({", ".join(countries)})
                             AND ({" OR ".join(f"{c} IN {_AES}" for c in countries)}) THEN 'russia-aes'
                        WHEN {" OR ".join(f"{c} IN {_AES}" for c in countries)} THEN 'sahel'
                        ELSE 'other' END AS topic,
                   attributes, actor1_id, actor1_name, actor1_kind, actor1_country, actor1_sector,
                   actor2_id, actor2_name, actor2_kind, actor2_country, actor2_sector,
                   place_name, place_kind, place_country, lat, lon, coord_precision, url, source_id
            FROM e"""
        )
        cur.unregister("gdelt_names")
    finally:
        cur.unregister("gdelt_rows")
    rejects = [(line, text) for line, good, text in problems if not good]
    skips = [(line, text) for line, good, text in problems if good]
    return rejects, skips
