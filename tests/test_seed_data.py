"""The bundled dataset: traceable to the seed documents, complete, and loadable."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.dataset import read_dataset
from analysis.filters import Filters
from analysis.schema import MAX_EVIDENCE_WORDS, validate_tables

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture(scope="module")
def bundled():
    return validate_tables(read_dataset())


@pytest.mark.skipif(not SEEDS.exists(), reason="../shared/seeds is not beside this checkout")
def test_every_evidence_quote_is_exact_text_of_its_seed(bundled):
    texts = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    for link in bundled["event_sources"]:
        assert link["document"] in texts, f"{link['event_id']}: unknown document {link['document']}"
        assert link["evidence"], f"{link['event_id']} has no evidence from {link['document']}"
        assert link["evidence"] in texts[link["document"]], f"{link['event_id']}: quote not in {link['document']}"
        assert len(link["evidence"].split()) <= MAX_EVIDENCE_WORDS


def test_every_event_has_a_source_and_an_actor(bundled):
    with_source = {r["event_id"] for r in bundled["event_sources"]}
    with_actor = {r["event_id"] for r in bundled["event_actors"]}
    for event in bundled["events"]:
        assert event["event_id"] in with_source, f"{event['event_id']} has no source"
        assert event["event_id"] in with_actor, f"{event['event_id']} has no actor"


def test_the_four_capitals_have_coordinates(bundled):
    places = {p["name"]: p for p in bundled["places"]}
    for name in ("Bamako", "Niamey", "Ouagadougou", "Moscow"):
        assert places[name]["is_capital"] and places[name]["coord_precision"] == "city"
        assert -90 <= places[name]["lat"] <= 90 and -180 <= places[name]["lon"] <= 180


def test_every_actor_country_has_a_capital(bundled):
    capitals = {p["country"] for p in bundled["places"] if p["is_capital"]}
    for actor in bundled["actors"]:
        assert actor["country"] is None or actor["country"] in capitals, actor["actor_id"]


def test_one_real_event_reported_twice_is_one_event_with_two_sources(bundled):
    sources_per_event = {}
    for link in bundled["event_sources"]:
        sources_per_event.setdefault(link["event_id"], set()).add(link["document"])
    assert any(len(docs) >= 2 for docs in sources_per_event.values())


def test_seed_000s_other_stories_have_their_own_topics(bundled):
    topics = {e["topic"] for e in bundled["events"]}
    assert len(topics) >= 3


def test_relative_dates_say_how_they_were_resolved(bundled):
    for event in bundled["events"]:
        assert event["date_basis"], f"{event['event_id']} does not say how its date was established"


def test_bundled_store_answers_a_country_filter(tmp_path):
    from analysis.dataset import open_store

    with open_store(str(tmp_path / "b.duckdb")) as store:
        everything = store.event_count(Filters())
        niger = store.event_count(Filters(countries=("NER",)))
    assert 0 < niger < everything
