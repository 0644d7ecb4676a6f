"""The mapping tables kept as CSV files beside this module, and lookups built on them.

- ``cameo_plover.csv``: CAMEO code prefix → PLOVER type (longest prefix wins; empty = skip).
- ``acled_plover.csv``: ACLED event type (and sub-event type) → PLOVER type.
- ``fips_iso3.csv``: FIPS 10-4 country code (GDELT locations) → ISO 3166 alpha-3.
- ``cameo_codes.csv``: CAMEO code → description (GDELT's own table).
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from analysis.schema import EVENT_TYPES

HERE = Path(__file__).resolve().parent


def _read(name: str) -> list[dict]:
    with open(HERE / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def fips_to_iso3() -> dict[str, str]:
    """FIPS 10-4 code → ISO3 code; codes with no ISO country map to ''."""
    return {row["fips"]: row["iso3"] for row in _read("fips_iso3.csv")}


@cache
def cameo_plover() -> dict[str, tuple[str, str]]:
    """CAMEO code prefix → (PLOVER type or '' to skip, note)."""
    table = {row["cameo"]: (row["plover_type"], row["note"]) for row in _read("cameo_plover.csv")}
    for code, (plover, _) in table.items():
        if plover and plover not in EVENT_TYPES:
            raise ValueError(f"cameo_plover.csv: {code} maps to unknown type {plover}")
    return table


@cache
def cameo_descriptions() -> dict[str, str]:
    return {row["cameo"]: row["description"] for row in _read("cameo_codes.csv")}


def cameo_type(code: str) -> tuple[str, str] | None:
    """(PLOVER type or '' to skip, note) for a CAMEO event code, by its longest known prefix."""
    table = cameo_plover()
    for length in (4, 3, 2):
        if len(code) >= length and code[:length] in table:
            return table[code[:length]]
    return None


@cache
def acled_plover() -> dict[tuple[str, str], tuple[str, str]]:
    """(event type, sub-event type or '') → (PLOVER type, note), compared case-insensitively."""
    table = {}
    for row in _read("acled_plover.csv"):
        if row["plover_type"] not in EVENT_TYPES:
            raise ValueError(f"acled_plover.csv: {row['event_type']} maps to unknown type {row['plover_type']}")
        table[(row["event_type"].lower(), row["sub_event_type"].lower())] = (row["plover_type"], row["note"])
    return table


def acled_type(event_type: str, sub_event_type: str) -> tuple[str, str] | None:
    """(PLOVER type, note) for an ACLED event type and sub-event type; None if unknown."""
    table = acled_plover()
    key = (event_type.strip().lower(), sub_event_type.strip().lower())
    return table.get(key) or table.get((key[0], ""))
