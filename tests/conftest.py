"""Tiny hand-made fixtures: a few places, actors and events, loaded into an in-memory store."""

from __future__ import annotations

import pytest

from analysis.schema import validate_tables
from analysis.store import EventStore

PLACES = [
    {"place_id": "moscow", "name": "Moscow", "kind": "city", "country": "RUS", "lat": "55.7558", "lon": "37.6173", "coord_precision": "city", "is_capital": "true"},
    {"place_id": "niamey", "name": "Niamey", "kind": "city", "country": "NER", "lat": "13.5116", "lon": "2.1254", "coord_precision": "city", "is_capital": "true"},
    {"place_id": "bamako", "name": "Bamako", "kind": "city", "country": "MLI", "lat": "12.6392", "lon": "-8.0029", "coord_precision": "city", "is_capital": "true"},
    {"place_id": "mali", "name": "Mali", "kind": "country", "country": "MLI", "lat": "17.57", "lon": "-3.99", "coord_precision": "country", "is_capital": "false"},
]
ACTORS = [
    {"actor_id": "lavrov", "name": "Sergei Lavrov", "kind": "person", "country": "RUS", "sector": "diplomacy", "members": "", "aliases": "Sergey Lavrov|Lavrov"},
    {"actor_id": "tiani", "name": "Abdourahamane Tchiani", "kind": "person", "country": "NER", "sector": "military", "members": "", "aliases": "Tiani"},
    {"actor_id": "goita", "name": "Assimi Goita", "kind": "person", "country": "MLI", "sector": "military", "members": "", "aliases": "Goïta"},
    {"actor_id": "aes", "name": "Alliance of Sahel States", "kind": "organisation", "country": "", "sector": "intergovernmental", "members": "MLI|NER|BFA", "aliases": "AES"},
]
EVENTS = [
    # Niger's leader visits Moscow: arc Niamey → Moscow.
    {"event_id": "e1", "date": "2024-06-02", "date_precision": "day", "event_type": "CONSULT", "mode": "visit", "summary": "Tchiani meets Lavrov in Moscow.", "place_id": "moscow", "topic": "russia-aes"},
    # Lavrov in Bamako with Goita: arc Moscow → Bamako; Goita at home draws none.
    {"event_id": "e2", "date": "2024-03-01", "date_precision": "month", "event_type": "AGREE", "summary": "Lavrov and Goita agree to cooperate.", "place_id": "bamako", "topic": "russia-aes"},
    # The AES (no country, members MLI NER BFA) acts alone somewhere in Mali.
    {"event_id": "e3", "date": "2023-01-01", "date_precision": "year", "event_type": "RETREAT", "summary": "The AES leaves a bloc.", "place_id": "mali", "topic": "other-topic"},
    # Lavrov and Tchiani again, in Niamey.
    {"event_id": "e4", "date": "2025-01-15", "date_precision": "day", "event_type": "CONSULT", "summary": "Lavrov visits Niamey <b>bold</b>.", "place_id": "niamey", "topic": "russia-aes"},
]
EVENT_ACTORS = [
    {"event_id": "e1", "actor_id": "tiani", "role_in_event": "source"},
    {"event_id": "e1", "actor_id": "lavrov", "role_in_event": "target"},
    {"event_id": "e2", "actor_id": "lavrov", "role_in_event": "source"},
    {"event_id": "e2", "actor_id": "goita", "role_in_event": "target"},
    {"event_id": "e3", "actor_id": "aes", "role_in_event": "source"},
    {"event_id": "e4", "actor_id": "lavrov", "role_in_event": "source"},
    {"event_id": "e4", "actor_id": "tiani", "role_in_event": "target"},
]
SOURCES = [
    {"source_id": "s1", "outlet": "AFP", "outlet_type": "wire", "title": "A wire story", "published": "2025-01-16", "published_basis": "stated"},
    {"source_id": "s2", "outlet": "Kremlin", "outlet_type": "official", "title": "A transcript", "published": "2024-06-03", "published_basis": "inferred"},
]
EVENT_SOURCES = [
    {"event_id": "e1", "source_id": "s2", "document": "doc-b", "evidence": "met in Moscow"},
    {"event_id": "e2", "source_id": "s1", "document": "doc-a", "evidence": "agreed to cooperate"},
    {"event_id": "e3", "source_id": "s1", "document": "doc-a", "evidence": "left the bloc"},
    {"event_id": "e4", "source_id": "s1", "document": "doc-a", "evidence": "visited Niamey"},
    {"event_id": "e4", "source_id": "s2", "document": "doc-b", "evidence": "in Niamey"},
]


def fixture_tables() -> dict[str, list[dict]]:
    """Fresh copies of the raw fixture rows (tests may change them)."""
    tables = {"places": PLACES, "actors": ACTORS, "actor_roles": [], "sources": SOURCES,
              "events": EVENTS, "event_actors": EVENT_ACTORS, "event_sources": EVENT_SOURCES}
    copies = {name: [dict(r) for r in rows] for name, rows in tables.items()}
    for event in copies["events"]:
        event.setdefault("origin", "curated")
    return copies


def fill_missing_columns(tables: dict[str, list[dict]]) -> dict[str, list[dict]]:
    from analysis.schema import TABLES

    return {name: [{c: r.get(c, "") for c in TABLES[name].column_names} for r in rows] for name, rows in tables.items()}


@pytest.fixture
def fresh_store():
    """An empty in-memory store."""
    with EventStore(":memory:") as store:
        yield store


@pytest.fixture
def tiny_store(fresh_store):
    """The hand-made fixture loaded into an in-memory store."""
    fresh_store.write_tables(validate_tables(fill_missing_columns(fixture_tables())))
    return fresh_store
