"""When two event records are the same real-world event: the matching rule, written once.

Two records match when their types are compatible (equal, or one of the pairs below that
coders split differently), their dates overlap within their precision (one day of slack
between two day-precise dates, since reports differ on time zones and "the day before"),
at least one actor is shared, and their places agree where both have one (same place,
within 25 km, or a city inside the other's country). The same rule merges a new candidate
into a stored event and scores the benchmark.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from analysis.ingest.dates import period_bounds

# Pairs of types that careful coders assign to the same event.
COMPATIBLE_TYPES = {
    frozenset({"AGREE", "COOPERATE"}),  # an agreement to cooperate vs the cooperation itself
    frozenset({"SUPPORT", "AID"}),  # backing vs the assistance it consists of
    frozenset({"SANCTION", "REJECT"}),  # cancelling an agreement is coded either way
    frozenset({"COERCE", "ASSAULT"}),  # armed arrests and raids
}
# Types whose parties act together: who is named first says nothing about who acted.
SYMMETRIC_TYPES = {"AGREE", "CONSULT", "COOPERATE"}
# Kinds of signed text; "agreement" is the generic word and goes with any of them.
DOCUMENT_KINDS = {"memorandum", "joint statement", "treaty", "pact", "contract", "roadmap"}
PLACE_KM = 25.0
DAY_SLACK = dt.timedelta(days=1)


@dataclass(frozen=True)
class EventKey:
    """What the matching rule looks at in an event."""

    event_type: str
    date: dt.date
    precision: str
    date_end: dt.date | None
    actors: frozenset[str]
    place: tuple[str, str, float, float, str] | None = None  # id, country, lat, lon, kind
    sources: frozenset[str] = frozenset()
    mode: str = ""
    earliest: dt.date | None = None  # an event the text does not date: some time from here to its date
    targets: frozenset[str] = frozenset()


def types_compatible(a: str, b: str) -> bool:
    return a == b or frozenset({a, b}) in COMPATIBLE_TYPES


def dates_compatible(a: EventKey, b: EventKey, slack: dt.timedelta = DAY_SLACK) -> bool:
    """The periods the two dates cover overlap (with ``slack`` between two exact days)."""
    a0, a1 = period_bounds(a.date, a.precision, a.date_end)
    b0, b1 = period_bounds(b.date, b.precision, b.date_end)
    a0, b0 = a.earliest or a0, b.earliest or b0
    if a.precision == "day" and b.precision == "day":
        a0, a1 = a0 - slack, a1 + slack
    return a0 <= b1 and b0 <= a1


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def places_agree(a, b) -> bool:
    """Same place, within 25 km, or one is the country the other lies in (None agrees with all)."""
    if a is None or b is None:
        return True
    if a[0] == b[0]:
        return True
    if "country" in (a[4], b[4]):
        return a[1] == b[1]
    return km_between(a[2], a[3], b[2], b[3]) <= PLACE_KM


def same_event(a: EventKey, b: EventKey, slack: dt.timedelta = DAY_SLACK, strict: bool = False) -> bool:
    """The matching rule (see the module docstring); one article's own days get no slack.

    ``strict`` (used before merging, not for scoring) also keeps apart a pledge and a signed
    agreement, and two directed acts whose doers or targets differ ("A condemned B" vs "B
    called for C"); meetings and agreements have parties, not doers, so that test skips them.
    """
    if strict:
        if "pledge" in (a.mode, b.mode) and a.mode != b.mode and a.event_type == b.event_type == "AGREE":
            return False
        if a.mode != b.mode and {a.mode, b.mode} <= DOCUMENT_KINDS:
            return False  # a joint statement and a memorandum signed together are two texts
        directed = not ({a.event_type, b.event_type} <= SYMMETRIC_TYPES and "pledge" not in (a.mode, b.mode))
        if directed and a.sources and b.sources and not a.sources & b.sources and len(a.actors & b.actors) < 2:
            return False
        if directed and a.targets and b.targets and not a.targets & b.targets:
            return False
        undated = [k for k in (a, b) if k.earliest is not None]
        if len(undated) == 1:
            # Background the text does not date ("have formed the AES") is not this month's news.
            other = b if undated[0] is a else a
            if period_bounds(other.date, other.precision, other.date_end)[1] >= undated[0].date:
                return False
    return (
        types_compatible(a.event_type, b.event_type)
        and bool(a.actors & b.actors)
        and dates_compatible(a, b, slack)
        and places_agree(a.place, b.place)
    )


def match_score(a: EventKey, b: EventKey) -> float:
    """How well two matching records agree, to pick the best of several matches."""
    shared = len(a.actors & b.actors) / max(1, len(a.actors | b.actors))
    same_type = 1.0 if a.event_type == b.event_type else 0.5
    gap = abs((a.date - b.date).days)
    return same_type + shared + 1.0 / (1 + gap / 30)
