"""The review table behind the "Add articles" page, and the gold file of our own test articles."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from analysis.ingest import commit_batch, prepare_batch
from analysis.ingest.review import apply_review, review_frame
from analysis.schema import DATE_PRECISIONS, EVENT_TYPES

ARTICLES = Path(__file__).resolve().parent / "articles"
TEXT = (
    b"Russian Foreign Minister Sergei Lavrov met Niger's leader Abdourahamane Tiani in Niamey on Wednesday, "
    b"the Nigerien presidency said.\n"
    b"Burkina Faso's Energy Minister Simon-Pierre Boussim signed a memorandum with Rosatom in Moscow on Tuesday "
    b"to build a nuclear power plant, his ministry said.\n"
)


@pytest.fixture
def batch(tiny_store):
    return prepare_batch(tiny_store, [("two.txt", TEXT)], published=dt.date(2025, 1, 16))


def test_the_frame_shows_one_row_per_candidate_with_its_proposal(batch):
    frame = review_frame(batch)
    assert list(frame.index) == [c.key for c in batch.candidates]
    assert frame["decision"].tolist() == ["merge", "add"]  # the Lavrov meeting is stored already (e4)
    assert frame["merge_into"].iloc[0] == "e4"
    assert all(e in TEXT.decode() for e in frame["evidence"])
    # how each date was found, for the editor to judge it
    assert "'on Tuesday' read against 2025-01-16" in frame["dated_by"].iloc[1]
    # and how each place was found: both sentences name theirs
    assert frame["placed_by"].tolist() == ["named in the sentence", "named in the sentence"]


def test_edits_reach_the_candidates(batch, tiny_store):
    frame = review_frame(batch)
    second = frame.index[1]
    frame.loc[second, "event_type"] = "COOPERATE"
    frame.loc[second, "date"] = dt.date(2025, 1, 20)
    frame.loc[second, "precision"] = "month"
    frame.loc[second, "actors"] = "Rosatom; Burkina Faso; Ministry of Mines of Burkina"
    frame.loc[second, "place"] = "Ouagadougou"
    frame.loc[second, "summary"] = "Burkina and Rosatom plan a plant."
    assert apply_review(batch, frame, {"e1", "e2", "e3", "e4"}) == []
    cand = batch.candidates[1]
    assert (cand.event_type, cand.date, cand.precision) == ("COOPERATE", dt.date(2025, 1, 1), "month")
    assert batch.gazetteer.places[cand.place_id].country == "BFA"
    assert cand.place_basis == "set by the editor"
    names = [batch.gazetteer.actors[a].name for a in cand.actors]
    assert names == ["Rosatom", "Burkina Faso", "Ministry of Mines of Burkina"]
    counts = commit_batch(tiny_store, batch)
    assert (counts["new"], counts["merged"]) == (1, 1)
    stored = tiny_store.table("events")
    row = stored[stored["origin"] == "extracted"].iloc[0]
    assert (row["event_type"], row["summary"]) == ("COOPERATE", "Burkina and Rosatom plan a plant.")


def test_rejected_candidates_are_not_stored(batch, tiny_store):
    frame = review_frame(batch)
    frame["decision"] = "reject"
    assert apply_review(batch, frame) == []
    counts = commit_batch(tiny_store, batch)
    assert (counts["new"], counts["merged"]) == (0, 0)
    assert "two.txt" not in tiny_store.table("event_sources")["document"].tolist()


def test_a_candidate_can_be_merged_into_another_one(batch, tiny_store):
    frame = review_frame(batch)
    first, second = frame.index
    frame.loc[first, "decision"] = "add"
    frame.loc[first, "merge_into"] = None
    frame.loc[second, "decision"] = "merge"
    frame.loc[second, "merge_into"] = "candidate 1"
    assert apply_review(batch, frame) == []
    counts = commit_batch(tiny_store, batch)
    assert (counts["new"], counts["merged"]) == (1, 1)
    assert "two.txt" not in tiny_store.event_sources_for(["e4"])["document"].tolist()
    new = tiny_store.table("events").query("origin == 'extracted'")["event_id"].tolist()
    actors = set(tiny_store.event_actors_for(new)["actor_id"])
    assert {"lavrov", "rosatom"} <= actors  # the second candidate's actors joined the first's event


@pytest.mark.parametrize(("column", "value", "problem"), [
    ("place", "Atlantis Springs", "not in the gazetteer"),
    ("actors", "", "name at least one actor"),
    ("date", None, "give a date"),
    ("event_type", "PARTY", "is not a PLOVER type"),
    ("merge_into", "no-such-event", "choose the stored event"),
])
def test_problems_are_reported_not_stored(batch, column, value, problem):
    frame = review_frame(batch)
    key = frame.index[1]
    if column == "merge_into":
        frame.loc[key, "decision"] = "merge"
    frame.loc[key, column] = value
    problems = apply_review(batch, frame, {"e1", "e2", "e3", "e4"})
    assert len(problems) == 1 and problem in problems[0] and problems[0].startswith("row 2")


@pytest.mark.parametrize("folder, gold", [("dev", "gold.json"), ("heldout", "gold_heldout.json"),
                                          ("heldout2", "gold_heldout2.json"), ("heldout3", "gold_heldout3.json"),
                                          ("heldout4", "gold_heldout4.json"), ("heldout5", "gold_heldout5.json"),
                                          ("heldout6", "gold_heldout6.json"), ("heldout7", "gold_heldout7.json"),
                                          ("heldout8", "gold_heldout8.json")])
def test_the_gold_files_of_our_articles_are_complete(folder, gold):
    spec = json.loads((ARTICLES / folder / gold).read_text(encoding="utf-8"))
    actors = {a["id"] for a in spec["actors"]}
    assert set(spec["articles"]) == {p.name for p in (ARTICLES / folder).iterdir() if p.suffix in (".txt", ".html")}
    assert any(name.endswith(".html") for name in spec["articles"])
    for event in spec["events"]:
        assert event["type"] in EVENT_TYPES and event["precision"] in DATE_PRECISIONS
        assert set(event["actors"]) <= actors
        assert set(event["sources"]) <= set(spec["articles"])
        assert event["sources"], "every gold event names the article it comes from"
        date = dt.date.fromisoformat(event["date"])
        if event["precision"] != "day":
            assert date.day == 1 and (event["precision"] == "month" or date.month == 1)
