"""Bulk write paths: synthetic stores and the ACLED / GDELT imports.

Every statement here takes an :class:`EventStore` and works on frames registered with its
connection. Writes run inside one transaction per call (per file for imports) and end by
refreshing the derived tables for the events they touched. Staging GDELT files uses DuckDB's
own CSV reader and a few DuckDB functions (TRY_STRPTIME, regexp_full_match, printf, md5);
the merge into the store keeps to the portable subset.
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
        now = {"now": dt.datetime.now().replace(microsecond=0)}
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
        self.store._refresh_derived(cur, "SELECT event_id FROM written")
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

# The GDELT columns the import reads (the others are parsed and dropped).
_GDELT_USED = {
    "GLOBALEVENTID", "SQLDATE", "EventCode", "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1Type1Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2Type1Code", "IsRootEvent", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone", "ActionGeo_Type", "ActionGeo_FullName",
    "ActionGeo_CountryCode", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID", "SOURCEURL",
}

_JSON_NUMBER = ("CASE WHEN regexp_full_match(g.{c}, '-?(0|[1-9][0-9]*)([.][0-9]+)?([eE][-+]?[0-9]+)?') "
                "THEN g.{c} ELSE 'null' END")


def stage_gdelt_chunk(cur, path: str, columns: list[str], label: str) -> tuple[list, list]:
    """Read one chunk file (line number, then the GDELT columns) into the staging tables.

    Needs the lookup tables gdelt_cameo, gdelt_countries, gdelt_fips, gdelt_sectors,
    gdelt_geo registered. Returns the (line, reason) of rows rejected and the (line, CAMEO
    root) of rows skipped. DuckDB's CSV reader and a few DuckDB functions are used here.
    """
    spec = ", ".join(["'line': 'BIGINT'", *(f"'{c}': 'VARCHAR'" for c in columns)])
    used = [c for c in columns if c in _GDELT_USED]
    cleaned = ", ".join(f"COALESCE(trim(r.{c}), '') AS {c}" for c in used)
    cur.execute(
        f"""CREATE OR REPLACE TEMP TABLE gdelt_checked AS
        WITH r AS (
            SELECT line, {cleaned} FROM read_csv($path, delim = '\t', header = false, quote = '', escape = '',
                auto_detect = false, columns = {{{spec}}}) AS r
        )
        SELECT r.*, COALESCE(c4.plover, c3.plover, c2.plover) AS plover,
               'CAMEO ' || r.EventCode || ' ' || COALESCE(c4.description, c3.description, c2.description) AS note,
               COALESCE(c4.description, c3.description, c2.description) AS description,
               TRY_CAST(r.GLOBALEVENTID AS BIGINT) AS gid,
               CAST(TRY_STRPTIME(r.SQLDATE, '%Y%m%d') AS DATE) AS day
        FROM r
        LEFT JOIN gdelt_cameo c4 ON c4.code = r.EventCode
        LEFT JOIN gdelt_cameo c3 ON c3.code = substr(r.EventCode, 1, 3) AND length(r.EventCode) = 4
        LEFT JOIN gdelt_cameo c2 ON c2.code = substr(r.EventCode, 1, 2) AND length(r.EventCode) IN (3, 4)""",
        {"path": path},
    )
    names = cur.execute(
        "SELECT DISTINCT Actor1Name FROM gdelt_checked UNION SELECT DISTINCT Actor2Name FROM gdelt_checked"
    ).fetchall()
    titles = pd.DataFrame({"raw": [n for (n,) in names]}, dtype=object)
    titles["title"] = titles["raw"].str.title()
    cur.register("gdelt_names", titles)
    rejects = cur.execute(
        """SELECT line, CASE
            WHEN gid IS NULL THEN 'GLOBALEVENTID ''' || GLOBALEVENTID || ''' is not a number'
            WHEN day IS NULL THEN 'SQLDATE ''' || SQLDATE || ''' is not a date YYYYMMDD'
            ELSE 'EventCode ''' || EventCode || ''' is not a known CAMEO code' END
        FROM gdelt_checked WHERE gid IS NULL OR day IS NULL OR plover IS NULL ORDER BY line"""
    ).fetchall()
    skips = cur.execute(
        """SELECT line, substr(EventCode, 1, 2) FROM gdelt_checked
        WHERE gid IS NOT NULL AND day IS NOT NULL AND plover = '' ORDER BY line"""
    ).fetchall()
    has_url = "SOURCEURL" in columns
    attributes = " || ".join([
        f"'{{\"dataset\": \"{label}\", \"cameo\": \"' || g.EventCode || '\"'",
        *(f"', \"{key}\": ' || " + _JSON_NUMBER.format(c=column) for key, column in (
            ("num_mentions", "NumMentions"), ("num_sources", "NumSources"), ("num_articles", "NumArticles"),
            ("goldstein", "GoldsteinScale"), ("avg_tone", "AvgTone"), ("quad_class", "QuadClass"),
            ("is_root_event", "IsRootEvent"))),
        "'}'",
    ])
    cur.execute(
        f"""CREATE OR REPLACE TEMP TABLE gdelt_good AS
        SELECT g.line, 'gdelt:' || CAST(g.gid AS VARCHAR) AS event_id, g.gid, g.day, g.plover, g.note,
               g.description, {_GDELT_ACTOR.format(side='Actor1', n=1)}, {_GDELT_ACTOR.format(side='Actor2', n=2)},
               CASE WHEN TRY_CAST(g.ActionGeo_Lat AS DOUBLE) BETWEEN -90 AND 90
                     AND TRY_CAST(g.ActionGeo_Long AS DOUBLE) BETWEEN -180 AND 180 THEN
                   CASE WHEN g.ActionGeo_FeatureID <> '' THEN 'gdelt:geo:' || g.ActionGeo_FeatureID
                        ELSE 'geo:' || printf('%.4f', TRY_CAST(g.ActionGeo_Lat AS DOUBLE)) || ','
                             || printf('%.4f', TRY_CAST(g.ActionGeo_Long AS DOUBLE)) END
               END AS place_id,
               COALESCE(NULLIF(g.ActionGeo_FullName, ''), 'Unnamed place') AS place_name,
               COALESCE(geo.kind, 'site') AS place_kind, COALESCE(geo.coord_precision, 'point') AS coord_precision,
               f.iso3 AS place_country,
               TRY_CAST(g.ActionGeo_Lat AS DOUBLE) AS lat, TRY_CAST(g.ActionGeo_Long AS DOUBLE) AS lon,
               {"g.SOURCEURL" if has_url else "''"} AS url,
               {attributes} AS attributes
        FROM gdelt_checked g
        LEFT JOIN gdelt_countries k1 ON k1.code = g.Actor1CountryCode
        LEFT JOIN gdelt_countries k2 ON k2.code = g.Actor2CountryCode
        LEFT JOIN gdelt_names n1 ON n1.raw = g.Actor1Name
        LEFT JOIN gdelt_names n2 ON n2.raw = g.Actor2Name
        LEFT JOIN gdelt_sectors s1 ON s1.code = g.Actor1Type1Code
        LEFT JOIN gdelt_sectors s2 ON s2.code = g.Actor2Type1Code
        LEFT JOIN gdelt_fips f ON f.fips = g.ActionGeo_CountryCode
        LEFT JOIN gdelt_geo geo ON geo.geo_type = g.ActionGeo_Type
        WHERE g.gid IS NOT NULL AND g.day IS NOT NULL AND g.plover <> ''"""
    )
    cur.unregister("gdelt_names")
    cur.execute(
        """INSERT INTO stage_events
        SELECT event_id, day, 'day', NULL, 'GDELT SQLDATE', plover, note, NULL,
               COALESCE(actor1_name, 'Unnamed actor') || ': ' || description
                   || CASE WHEN actor2_id IS NOT NULL THEN ': ' || actor2_name ELSE '' END,
               place_id,
               CASE WHEN ('RUS' IN (actor1_country, actor2_country, place_country))
                         AND (actor1_country IN ('MLI', 'NER', 'BFA') OR actor2_country IN ('MLI', 'NER', 'BFA')
                              OR place_country IN ('MLI', 'NER', 'BFA')) THEN 'russia-aes'
                    WHEN actor1_country IN ('MLI', 'NER', 'BFA') OR actor2_country IN ('MLI', 'NER', 'BFA')
                         OR place_country IN ('MLI', 'NER', 'BFA') THEN 'sahel'
                    ELSE 'other' END,
               'gdelt', CAST(gid AS VARCHAR), NULL, $label, attributes, NULL, line
        FROM gdelt_good""",
        {"label": label},
    )
    cur.execute(
        """INSERT INTO stage_places
        SELECT place_id, place_name, place_kind, place_country, lat, lon, coord_precision, FALSE
        FROM gdelt_good WHERE place_id IS NOT NULL"""
    )
    cur.execute(
        """INSERT INTO stage_actors
        SELECT actor1_id, actor1_name, actor1_kind, actor1_country, actor1_sector, NULL, NULL
        FROM gdelt_good WHERE actor1_id IS NOT NULL
        UNION ALL
        SELECT actor2_id, actor2_name, actor2_kind, actor2_country, actor2_sector, NULL, NULL
        FROM gdelt_good WHERE actor2_id IS NOT NULL"""
    )
    cur.execute(
        """INSERT INTO stage_event_actors
        SELECT event_id, actor1_id, 'source', line FROM gdelt_good WHERE actor1_id IS NOT NULL
        UNION ALL
        SELECT event_id, actor2_id, 'target', line FROM gdelt_good
        WHERE actor2_id IS NOT NULL AND (actor1_id IS NULL OR actor2_id <> actor1_id)"""
    )
    cur.execute(
        """INSERT INTO stage_sources
        SELECT CASE WHEN url <> '' THEN 'gdelt:src:' || substr(md5(url), 1, 16) ELSE 'gdelt:dataset' END,
               CASE WHEN url <> '' THEN COALESCE(NULLIF(regexp_extract(url,
                   '^[A-Za-z][A-Za-z0-9+.-]*://(www[.])?([^/:?#]+)', 2), ''), 'unknown outlet') ELSE 'GDELT' END,
               CASE WHEN url <> '' THEN 'other_media' ELSE 'dataset' END,
               CASE WHEN url <> '' THEN NULL ELSE 'The GDELT Project event data' END,
               CASE WHEN url <> '' THEN day ELSE NULL END,
               CASE WHEN url <> '' THEN 'inferred' ELSE NULL END,
               CASE WHEN url <> '' THEN url ELSE 'https://www.gdeltproject.org/' END,
               CASE WHEN url <> '' THEN 'GDELT SOURCEURL' ELSE NULL END
        FROM gdelt_good"""
    )
    cur.execute(
        """INSERT INTO stage_event_sources
        SELECT event_id, CASE WHEN url <> '' THEN 'gdelt:src:' || substr(md5(url), 1, 16) ELSE 'gdelt:dataset' END,
               NULL, NULL, line
        FROM gdelt_good"""
    )
    return rejects, skips
