"""The address bar as a view: query parameters to a Filters value and back (no Streamlit here).

Parameters are part of the product (people bookmark and send them), documented in
``README.md`` (URL parameters). Parsing never fails: a value that is unknown or malformed is dropped
and named in a note that the page shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from analysis.filters import Filters
from analysis.schema import EVENT_TYPES, ORIGINS, is_iso3

# URL parameter → Filters field, in the order the canonical URL writes them.
FILTER_PARAMS = {
    "country": "countries",
    "from": "date_from",
    "to": "date_to",
    "type": "types",
    "actor": "actors",
    "topic": "topics",
    "outlet": "outlets",
    "origin": "origins",
}
# Page-specific parameters and the values each may take (None: free text or an id).
VIEW_PARAMS: dict[str, tuple[str, ...] | None] = {
    "lane": ("country", "actor"),
    "measure": ("together", "jaccard"),
    "color": ("type", "direction"),
    "basemap": ("offline", "carto"),
    "focus": None,
    "q": None,
}
CODE_PARAMS = {"country": str.upper, "type": str.upper, "origin": str.lower}  # codes: any case, commas allowed
MAX_VALUES = 100
MAX_SHOWN = 60  # characters of a bad value quoted back in a note


@dataclass(frozen=True)
class Choices:
    """The values the data knows, against which ids and names in a link are checked."""

    actors: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    outlets: frozenset[str] = frozenset()


def _quote(value: str) -> str:
    text = value if len(value) <= MAX_SHOWN else value[: MAX_SHOWN - 1] + "…"
    return f"‘{text}’"


def _date(value: str) -> dt.date | None:
    text = value.strip()
    if len(text) != 10:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _values(name: str, raw: list[str]) -> list[str]:
    out = []
    for value in raw:
        parts = value.split(",") if name in CODE_PARAMS else [value]
        out.extend(CODE_PARAMS[name](p.strip()) if name in CODE_PARAMS else p.strip() for p in parts)
    return [v for v in out if v]


def parse_filters(params: Mapping[str, list[str]], choices: Choices) -> tuple[Filters, list[str]]:
    """A Filters from query parameters (each a list of values), and notes on what was dropped."""
    notes: list[str] = []
    kept: dict[str, object] = {}
    checks = {
        "country": (is_iso3, "is not an ISO 3166 alpha-3 country code"),
        "type": (lambda v: v in EVENT_TYPES, "is not an event type"),
        "actor": (lambda v: v in choices.actors, "is not an actor id in the data"),
        "topic": (lambda v: v in choices.topics, "is not a topic in the data"),
        "outlet": (lambda v: v in choices.outlets, "is not a source outlet in the data"),
        "origin": (lambda v: v in ORIGINS, f"is not one of {', '.join(ORIGINS)}"),
    }
    for name, raw in params.items():
        if name not in FILTER_PARAMS:
            if name not in VIEW_PARAMS:
                notes.append(f"unknown parameter {_quote(name)}")
            continue
        values = _values(name, list(raw))
        if name in ("from", "to"):
            if not values:
                continue
            day = _date(values[-1])
            if day is None:
                notes.append(f"{name} {_quote(values[-1])} is not a date written YYYY-MM-DD")
            else:
                kept[FILTER_PARAMS[name]] = day
            continue
        check, message = checks[name]
        good = list(dict.fromkeys(v for v in values if check(v)))
        notes.extend(f"{name} {_quote(v)} {message}" for v in dict.fromkeys(values) if not check(v))
        if len(good) > MAX_VALUES:
            notes.append(f"{name}: only the first {MAX_VALUES} of {len(good)} values are used")
            good = good[:MAX_VALUES]
        if good:
            kept[FILTER_PARAMS[name]] = tuple(good)
    start, end = kept.get("date_from"), kept.get("date_to")
    if start and end and start > end:
        kept["date_from"], kept["date_to"] = end, start
        notes.append("from is after to: the two dates were swapped")
    return Filters(**kept), notes


def filters_to_params(filters: Filters) -> dict[str, list[str]]:
    """The canonical query parameters of a Filters (repeated keys, dates YYYY-MM-DD)."""
    out: dict[str, list[str]] = {}
    for name, field in FILTER_PARAMS.items():
        value = getattr(filters, field)
        if isinstance(value, dt.date):
            out[name] = [value.isoformat()]
        elif value:
            out[name] = list(value)
    return out


def parse_view_param(name: str, raw: list[str], default: str, allowed: tuple[str, ...] | None = None
                     ) -> tuple[str, list[str]]:
    """One page-specific parameter: its value (default when absent or invalid) and notes."""
    allowed = VIEW_PARAMS.get(name) if allowed is None else allowed
    values = [v.strip() for v in raw if v.strip()]
    if not values:
        return default, []
    value = values[-1]
    if allowed is not None and value.lower() not in allowed:
        return default, [f"{name} {_quote(value)} is not one of {', '.join(allowed)}"]
    return (value.lower() if allowed is not None else value), []
