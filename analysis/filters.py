"""What a view selects: one immutable Filters value, and its description in one sentence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from analysis.schema import country_name


@dataclass(frozen=True)
class Filters:
    """A selection of events. Empty tuples and None mean 'no restriction'.

    Values are sorted tuples so that a Filters is hashable and two equal selections are
    equal objects (which is what caching keys on).
    """

    countries: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    types: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()

    def __post_init__(self):
        for name in ("countries", "types", "actors", "topics", "outlets", "origins"):
            object.__setattr__(self, name, tuple(sorted(set(getattr(self, name) or ()))))

    def with_(self, **changes) -> Filters:
        """A copy with some fields changed."""
        return replace(self, **changes)

    @property
    def is_empty(self) -> bool:
        return self == Filters()


def _month(day: dt.date) -> str:
    return day.strftime("%b %Y")


def _list(items, limit: int = 4) -> str:
    items = list(items)
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


def describe_filters(
    filters: Filters,
    event_count: int | None = None,
    span: tuple[dt.date | None, dt.date | None] | None = None,
    actor_names: dict[str, str] | None = None,
) -> str:
    """One sentence saying what a filter selects.

    ``"14 events · Jan 2024 – Aug 2025 · Niger, Russia · CONSULT, AGREE"``. ``span`` is
    the date span of the selected events, used when the filter sets no dates.
    """
    parts = []
    if event_count is not None:
        parts.append(f"{event_count:,} event{'s' if event_count != 1 else ''}")
    start, end = filters.date_from, filters.date_to
    if span and start is None:
        start = span[0]
    if span and end is None:
        end = span[1]
    if start and end:
        parts.append(_month(start) if _month(start) == _month(end) else f"{_month(start)} – {_month(end)}")
    elif start:
        parts.append(f"from {_month(start)}")
    elif end:
        parts.append(f"until {_month(end)}")
    if filters.countries:
        parts.append(_list(country_name(c) for c in filters.countries))
    else:
        parts.append("all countries")
    if filters.types:
        parts.append(_list(filters.types))
    if filters.actors:
        names = actor_names or {}
        parts.append("with " + _list(names.get(a, a) for a in filters.actors))
    if filters.topics:
        parts.append("topic " + _list(filters.topics))
    if filters.outlets:
        parts.append("reported by " + _list(filters.outlets))
    if filters.origins:
        parts.append(_list(filters.origins) + " data")
    return " · ".join(parts)
