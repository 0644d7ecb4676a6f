"""The event data model: tables, columns, allowed values and row validation.

Column names are declared once, here. The bundled dataset in ``data/`` holds one CSV
file per table in :data:`BUNDLED_TABLES`; list-valued cells (aliases, members) are joined
with ``|``. ``validate_tables`` checks a whole set of tables before anything is stored and
raises :class:`DataError` naming the file, row and field of the first problem.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pycountry

# The 16 PLOVER event types, in the order of the PLOVER codebook (cooperative → hostile).
PLOVER_TYPES: dict[str, str] = {
    "AGREE": "Agree to, sign or endorse an agreement, position or course of action",
    "CONSULT": "Meet, visit, talk or negotiate",
    "SUPPORT": "Express support, praise or approval",
    "CONCEDE": "Make a concession, yield, ease restrictions",
    "COOPERATE": "Carry out material, military, economic or judicial cooperation",
    "AID": "Give aid: military, economic, humanitarian",
    "RETREAT": "Withdraw, pull out forces, leave an organisation",
    "REQUEST": "Ask, appeal or demand",
    "ACCUSE": "Accuse, blame, criticise, allege",
    "REJECT": "Reject, refuse, veto, deny",
    "THREATEN": "Threaten force, sanctions or other action",
    "SANCTION": "Impose sanctions, expel, cut ties, break agreements",
    "PROTEST": "Demonstrate, strike, protest",
    "MOBILIZE": "Mobilise or deploy forces, raise alert",
    "COERCE": "Arrest, detain, seize, repress, coup",
    "ASSAULT": "Use armed force: attack, fight, kill",
}
OTHER_TYPE = "OTHER"
EVENT_TYPES = (*PLOVER_TYPES, OTHER_TYPE)

DATE_PRECISIONS = ("day", "month", "year")
ORIGINS = ("curated", "extracted", "acled", "gdelt")
ACTOR_KINDS = ("person", "organisation", "state")
EVENT_ROLES = ("source", "target", "participant")
PLACE_KINDS = ("city", "country", "region", "site")
COORD_PRECISIONS = ("point", "city", "region", "country")
OUTLET_TYPES = ("wire", "state_media", "other_media", "official", "dataset")
PUBLISHED_BASES = ("stated", "inferred")
SECTORS = (
    "government", "military", "diplomacy", "security", "intergovernmental",
    "political_party", "media", "civil_society", "armed_group", "business", "other",
)

LIST_SEPARATOR = "|"
MAX_EVIDENCE_WORDS = 30


class DataError(ValueError):
    """Bad input data, with the file (table), row and field it was found in."""

    def __init__(self, message: str, table: str = "", row: int | None = None, column: str = ""):
        self.table, self.row, self.column = table, row, column
        where = ", ".join(
            part for part in (
                f"{table}.csv" if table else "",
                f"row {row}" if row is not None else "",
                f"field '{column}'" if column else "",
            ) if part
        )
        super().__init__(f"{where}: {message}" if where else message)


# --- value checks: each returns the cleaned value or raises ValueError -------------------

def _text(value):
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def parse_date(value) -> dt.date | None:
    """A date written YYYY-MM-DD (or a date/datetime object); empty means None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text[:10]):
        raise ValueError(f"'{text}' is not a date written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a real date") from exc


def is_iso3(code: str) -> bool:
    """True for an ISO 3166-1 alpha-3 country code (XKX for Kosovo is accepted too)."""
    return bool(code) and (code == "XKX" or pycountry.countries.get(alpha_3=code) is not None)


# Short names where ISO's own is long-winded ("Russian Federation").
_SHORT_NAMES = {
    "XKX": "Kosovo", "RUS": "Russia", "SYR": "Syria", "VEN": "Venezuela", "BOL": "Bolivia",
    "TZA": "Tanzania", "KOR": "South Korea", "PRK": "North Korea", "MDA": "Moldova",
    "LAO": "Laos", "COD": "DR Congo", "COG": "Congo", "VNM": "Vietnam", "IRN": "Iran",
    "GBR": "United Kingdom", "USA": "United States", "CIV": "Côte d'Ivoire",
}


def country_name(code: str) -> str:
    """Short English name of an ISO3 code ('NER' → 'Niger'); the code itself if unknown."""
    if code in _SHORT_NAMES:
        return _SHORT_NAMES[code]
    country = pycountry.countries.get(alpha_3=code) if code else None
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # text, date, float, int, bool, timestamp
    required: bool = False
    choices: tuple[str, ...] = ()
    check: Callable[[str], bool] | None = None
    check_message: str = ""

    @property
    def sql_type(self) -> str:
        return {
            "text": "VARCHAR", "date": "DATE", "float": "DOUBLE", "int": "BIGINT",
            "bool": "BOOLEAN", "timestamp": "TIMESTAMP",
        }[self.kind]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    bundled: bool = True
    references: dict[str, str] = field(default_factory=dict)  # column -> table

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _iso3_or_empty(code: str) -> bool:
    return code == "" or is_iso3(code)


def _iso3_list(text: str) -> bool:
    return all(is_iso3(part) for part in split_list(text))


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "events",
            (
                Column("event_id", required=True),
                Column("date", "date", required=True),
                Column("date_precision", required=True, choices=DATE_PRECISIONS),
                Column("date_end", "date"),
                Column("date_basis"),
                Column("event_type", required=True, choices=EVENT_TYPES),
                Column("type_note"),
                Column("mode"),
                Column("summary", required=True),
                Column("place_id"),
                Column("topic", required=True),
                Column("origin", required=True, choices=ORIGINS),
                Column("external_id"),
                Column("fatalities", "int"),
                Column("pipeline_version"),
                Column("attributes"),
                Column("created_at", "timestamp"),
                Column("updated_at", "timestamp"),
            ),
            key=("event_id",),
            references={"place_id": "places"},
        ),
        Table(
            "actors",
            (
                Column("actor_id", required=True),
                Column("name", required=True),
                Column("kind", required=True, choices=ACTOR_KINDS),
                Column("country", check=_iso3_or_empty, check_message="is not an ISO 3166 alpha-3 code"),
                Column("sector", choices=SECTORS),
                Column("members", check=_iso3_list, check_message="must be ISO3 codes joined with |"),
                Column("aliases"),
            ),
            key=("actor_id",),
        ),
        Table(
            "actor_roles",
            (
                Column("actor_id", required=True),
                Column("role", required=True),
                Column("start_date", "date"),
                Column("end_date", "date"),
            ),
            key=("actor_id", "role", "start_date"),
            references={"actor_id": "actors"},
        ),
        Table(
            "event_actors",
            (
                Column("event_id", required=True),
                Column("actor_id", required=True),
                Column("role_in_event", required=True, choices=EVENT_ROLES),
            ),
            key=("event_id", "actor_id"),
            references={"event_id": "events", "actor_id": "actors"},
        ),
        Table(
            "places",
            (
                Column("place_id", required=True),
                Column("name", required=True),
                Column("kind", required=True, choices=PLACE_KINDS),
                Column("country", check=_iso3_or_empty, check_message="is not an ISO 3166 alpha-3 code"),
                Column("lat", "float", required=True),
                Column("lon", "float", required=True),
                Column("coord_precision", required=True, choices=COORD_PRECISIONS),
                Column("is_capital", "bool"),
            ),
            key=("place_id",),
        ),
        Table(
            "sources",
            (
                Column("source_id", required=True),
                Column("outlet", required=True),
                Column("outlet_type", required=True, choices=OUTLET_TYPES),
                Column("title"),
                Column("published", "date"),
                Column("published_basis", choices=PUBLISHED_BASES),
                Column("url"),
                Column("notes"),
            ),
            key=("source_id",),
        ),
        Table(
            "event_sources",
            (
                Column("event_id", required=True),
                Column("source_id", required=True),
                Column("document"),
                Column("evidence"),
            ),
            key=("event_id", "source_id"),
            references={"event_id": "events", "source_id": "sources"},
        ),
    )
}

# The order in which tables are loaded so that every reference points backwards.
TABLE_ORDER = ("places", "actors", "actor_roles", "sources", "events", "event_actors", "event_sources")
BUNDLED_TABLES = TABLE_ORDER


def split_list(text) -> list[str]:
    """Split a ``|``-joined cell into its non-empty, stripped parts."""
    return [part.strip() for part in _text(text).split(LIST_SEPARATOR) if part.strip()]


def _clean_value(column: Column, raw):
    """Turn one raw cell into its typed value, or raise ValueError saying what is wrong."""
    text = _text(raw).strip() if not isinstance(raw, (dt.date, bool, int, float)) else raw
    if isinstance(text, str) and text == "":
        if column.required:
            raise ValueError("is required but empty")
        return None
    if column.kind == "date":
        return parse_date(text)
    if column.kind == "timestamp":
        if isinstance(text, dt.datetime):
            return text
        try:
            return dt.datetime.fromisoformat(str(text))
        except ValueError as exc:
            raise ValueError(f"'{text}' is not a timestamp written YYYY-MM-DDTHH:MM:SS") from exc
    if column.kind == "float":
        try:
            value = float(text)
        except ValueError as exc:
            raise ValueError(f"'{text}' is not a number") from exc
        if math.isnan(value) or math.isinf(value):
            raise ValueError(f"'{text}' is not a finite number")
        return value
    if column.kind == "int":
        try:
            return int(float(text))
        except ValueError as exc:
            raise ValueError(f"'{text}' is not a whole number") from exc
    if column.kind == "bool":
        if isinstance(text, bool):
            return text
        lowered = str(text).lower()
        if lowered in ("true", "1", "yes"):
            return True
        if lowered in ("false", "0", "no"):
            return False
        raise ValueError(f"'{text}' is not true or false")
    value = str(text)
    if column.choices and value not in column.choices:
        raise ValueError(f"'{value}' is not one of {', '.join(column.choices)}")
    if column.check and not column.check(value):
        raise ValueError(f"'{value}' {column.check_message}")
    return value


def validate_rows(table: Table, rows: list[dict], first_row: int = 2) -> list[dict]:
    """Check and type every row of one table; row numbers count the CSV header as line 1."""
    missing = [c for c in table.column_names if rows and c not in rows[0]]
    if missing:
        raise DataError(f"missing column(s) {', '.join(missing)}", table.name, column=missing[0])
    clean, seen = [], {}
    for offset, row in enumerate(rows):
        line = first_row + offset
        out = {}
        for column in table.columns:
            try:
                out[column.name] = _clean_value(column, row.get(column.name))
            except ValueError as exc:
                raise DataError(str(exc), table.name, line, column.name) from None
        key = tuple(out[k] for k in table.key)
        if key in seen:
            raise DataError(
                f"duplicated id {'/'.join(str(k) for k in key)} (first on row {seen[key]})",
                table.name, line, table.key[-1] if len(table.key) == 1 else table.key[0],
            )
        seen[key] = line
        clean.append(out)
    return clean


def _check_event_rows(rows: list[dict]) -> None:
    for line, row in enumerate(rows, start=2):
        if row["event_type"] == OTHER_TYPE and not row.get("type_note"):
            raise DataError("OTHER needs a type_note saying why no PLOVER type fits", "events", line, "type_note")
        if row.get("date_end") and row["date_end"] < row["date"]:
            raise DataError("date_end is before date", "events", line, "date_end")


def _check_evidence_rows(rows: list[dict]) -> None:
    for line, row in enumerate(rows, start=2):
        evidence = row.get("evidence") or ""
        if len(evidence.split()) > MAX_EVIDENCE_WORDS:
            raise DataError(f"evidence has more than {MAX_EVIDENCE_WORDS} words", "event_sources", line, "evidence")


def validate_tables(raw: dict[str, list[dict]], existing_ids: dict[str, set] | None = None) -> dict[str, list[dict]]:
    """Validate a set of tables together: values, keys and references between them.

    ``existing_ids`` maps a table name to ids already in the store, so that new rows may
    refer to them. Returns the typed rows; raises DataError on the first problem.
    """
    existing_ids = existing_ids or {}
    clean: dict[str, list[dict]] = {}
    for name in TABLE_ORDER:
        if name in raw:
            clean[name] = validate_rows(TABLES[name], raw[name])
    if "events" in clean:
        _check_event_rows(clean["events"])
    if "event_sources" in clean:
        _check_evidence_rows(clean["event_sources"])
    for name, rows in clean.items():
        table = TABLES[name]
        for column, target in table.references.items():
            target_key = TABLES[target].key[0]
            known = {r[target_key] for r in clean.get(target, [])} | existing_ids.get(target, set())
            for line, row in enumerate(rows, start=2):
                value = row.get(column)
                if value is not None and value not in known:
                    raise DataError(f"refers to unknown {target} id '{value}'", name, line, column)
    return clean
