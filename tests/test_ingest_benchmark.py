"""The ingest benchmark's scoring: the issue's matching rule, and the stricter one with places."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

from analysis.ingest.merge import EventKey

_spec = importlib.util.spec_from_file_location(
    "ingest_benchmark", Path(__file__).parents[1] / "benchmarks" / "ingest_benchmark.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

BAMAKO = ("bamako", "MLI", 12.65, -8.0, "city")
MOSCOW = ("moscow", "RUS", 55.75, 37.62, "city")


def key(event_type="CONSULT", date=dt.date(2024, 6, 3), precision="day", actors=("mali", "russia"), place=BAMAKO):
    return EventKey(event_type, date, precision, None, frozenset(actors), place)


def test_events_match_on_type_actors_and_dates_and_places_are_scored_apart():
    gold = {"g": key()}
    assert bench.match_events(gold, {"f": key(place=MOSCOW)}) == [("g", "f")]
    assert bench.match_events(gold, {"f": key(place=MOSCOW)}, places=True) == []
    assert bench.match_events(gold, {"f": key(place=BAMAKO)}, places=True) == [("g", "f")]


def test_a_wrong_type_actor_or_date_is_no_match():
    gold = {"g": key()}
    assert bench.match_events(gold, {"f": key(event_type="ASSAULT")}) == []
    assert bench.match_events(gold, {"f": key(actors=("france",))}) == []
    assert bench.match_events(gold, {"f": key(date=dt.date(2024, 6, 10))}) == []
    # within its precision: a month covers the day; compatible types (AGREE–COOPERATE) match
    assert bench.match_events(gold, {"f": key(date=dt.date(2024, 6, 1), precision="month")}) == [("g", "f")]
    assert bench.match_events({"g": key("AGREE")}, {"f": key("COOPERATE")}) == [("g", "f")]


def test_each_gold_event_is_matched_once_best_first():
    gold = {"g1": key(), "g2": key(date=dt.date(2024, 6, 20))}
    found = {"f1": key(date=dt.date(2024, 6, 1), precision="month"), "f2": key()}
    assert sorted(bench.match_events(gold, found)) == [("g1", "f2"), ("g2", "f1")]


def test_a_second_coder_is_matched_through_actor_names_not_ids(tmp_path, monkeypatch, capsys):
    def spec(ids, second_type):
        return {"articles": {"a.txt": {"published_given": None}},
                "actors": [{"id": ids[0], "name": "Mali", "kind": "state", "country": "MLI", "aliases": []},
                           {"id": ids[1], "name": "Sergei Lavrov", "kind": "person", "country": "RUS",
                            "aliases": ["Sergey Lavrov"]}],
                "events": [{"type": "CONSULT", "actors": list(ids), "date": "2024-06-03", "precision": "day",
                            "place": None, "sources": ["a.txt"]},
                           {"type": second_type, "actors": [ids[0]], "date": "2024-06-01", "precision": "month",
                            "place": None, "sources": ["a.txt"]}]}
    folder = tmp_path / "setx"
    folder.mkdir()
    (folder / "gold.json").write_text(json.dumps(spec(("mali", "lavrov"), "SANCTION")))
    (folder / "second_coder_setx.json").write_text(json.dumps(spec(("state-mali", "sergey-lavrov"), "ASSAULT")))
    monkeypatch.setattr(bench, "ARTICLES", tmp_path)
    monkeypatch.setattr(bench, "ARTICLE_SETS", {"setx": ("setx", "gold.json")})
    result = bench.coder_agreement("setx", show=False)
    assert (result["precision"], result["recall"]) == (0.5, 0.5)  # the meeting agrees, the second event does not
    assert "a second human coder" in capsys.readouterr().out
