"""A batch of articles: read, extract, match against stored events, and write in one go.

``prepare_batch`` reads every article (a bad one is reported and skipped, never fatal),
extracts candidates and decides for each whether it is a new event or another source for
one already stored — or already proposed by an earlier article of the same batch.
``commit_batch`` turns the accepted candidates into table rows and writes them in one
transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from analysis.ingest.dates import PRECISION_RANK, as_date, period_bounds
from analysis.ingest.document import Document, IngestError, outlet_type, read_document
from analysis.ingest.events import Candidate, extract_candidates, summary_for, topic_for
from analysis.ingest.gazetteer import Gazetteer
from analysis.ingest.merge import EventKey, match_score, same_event
from analysis.schema import DataError, validate_tables
from analysis.store import EventStore
from analysis.store.ingest import event_actor_roles, existing_sources, merge_candidates, write_batch

MIN_CONFIDENCE = 0.5
STORE_WINDOW = dt.timedelta(days=400)


@dataclass
class DocumentResult:
    """One article of a batch: its cleaned document and candidates, or why it was refused."""

    name: str
    document: Document | None = None
    candidates: list[Candidate] = field(default_factory=list)
    unknown: list[dict] = field(default_factory=list)
    error: str = ""
    source_ids: list[str] = field(default_factory=list)


@dataclass
class Batch:
    results: list[DocumentResult]
    gazetteer: Gazetteer

    @property
    def candidates(self) -> list[Candidate]:
        return [c for r in self.results for c in r.candidates]

    @property
    def errors(self) -> list[str]:
        return [r.error for r in self.results if r.error]

    @property
    def notes(self) -> list[str]:
        return [n for r in self.results if r.document for n in r.document.notes]


def event_id_for(cand: Candidate) -> str:
    return f"x-{cand.date:%Y%m%d}-{cand.event_type.lower()}-{cand.key[:6]}"


def prepare_batch(store: EventStore, items: list[tuple[str, bytes | Exception]], published: dt.date | None = None,
                  outlet: str = "", progress=None) -> Batch:
    """Read and extract every (name, bytes) item; an exception in place of bytes is reported."""
    gaz = Gazetteer.from_store(store)
    results: list[DocumentResult] = []
    proposed: list[Candidate] = []
    for name, data in (progress(items) if progress else items):
        result = DocumentResult(name)
        results.append(result)
        try:
            if isinstance(data, Exception):
                raise data
            doc = read_document(data, name, published=published, outlet=outlet)
            result.document = doc
            result.source_ids = source_ids_for(doc)
            if existing_sources(store, result.source_ids):
                raise IngestError(f"{name}: this article is already in the store (same text); nothing added")
            if any(result.source_ids[0] in r.source_ids for r in results[:-1]):
                raise IngestError(f"{name}: the same text is already in this batch")
            result.candidates, result.unknown = extract_candidates(doc, gaz)
        except IngestError as exc:
            result.error = str(exc)
            result.candidates = []
            continue
        for cand in result.candidates:
            cand.decision = "add" if cand.confidence >= MIN_CONFIDENCE and cand.date else "reject"
            _plan_merge(store, cand, proposed, gaz)
            if cand.decision == "add" and cand.merge_into is None:
                proposed.append(cand)
    return Batch(results, gaz)


def source_ids_for(doc: Document) -> list[str]:
    """One source per story of the article, named by the digest of its clean text."""
    return [f"src-{doc.digest}" + (f"-{n}" if n else "") for n in range(len(doc.stories))]


def _plan_merge(store: EventStore, cand: Candidate, proposed: list[Candidate], gaz: Gazetteer) -> None:
    """Point a candidate at the stored or already-proposed event it repeats, if any."""
    if cand.date is None:
        return
    key = cand.event_key(gaz)
    batch_matches = [p for p in proposed
                     if p.document != cand.document and same_event(p.event_key(gaz), key, strict=True)]
    stored = _stored_matches(store, cand, key, gaz)
    options = [(match_score(p.event_key(gaz), key), f"batch:{p.key}", None) for p in batch_matches]
    options += [(match_score(k, key), event_id, info) for event_id, k, info in stored]
    if options:
        _, cand.merge_into, cand.merge_target = max(options, key=lambda o: o[0])


def _stored_matches(store: EventStore, cand: Candidate, key: EventKey, gaz: Gazetteer):
    from analysis.ingest.merge import COMPATIBLE_TYPES

    types = {cand.event_type} | {t for pair in COMPATIBLE_TYPES if cand.event_type in pair for t in pair}
    start, end = period_bounds(cand.date, cand.precision)
    rows = merge_candidates(store, sorted(types), (cand.earliest or start) - STORE_WINDOW, end + STORE_WINDOW,
                            sorted(_related_actors(cand.actors, gaz)))
    if rows.empty:
        return []
    roles = event_actor_roles(store, rows["event_id"].tolist())
    out = []
    for row in rows.itertuples():
        actors = roles[roles["event_id"] == row.event_id]
        place = None
        if isinstance(row.place_id, str) and row.lat == row.lat:
            place = (row.place_id, row.place_country or "", float(row.lat), float(row.lon), row.place_kind)
        stored_key = EventKey(
            row.event_type, as_date(row.date), row.date_precision, as_date(row.date_end),
            frozenset(Candidate._with_members(actors["actor_id"], gaz)),
            place, Candidate._with_members(actors[actors["role_in_event"] == "source"]["actor_id"], gaz),
            row.mode if isinstance(row.mode, str) else "", None,
            Candidate._with_members(actors[actors["role_in_event"] == "target"]["actor_id"], gaz),
        )
        if same_event(stored_key, key, strict=True):
            info = {"date": stored_key.date, "precision": row.date_precision, "origin": row.origin,
                    "place_id": row.place_id if isinstance(row.place_id, str) else None}
            out.append((row.event_id, stored_key, info))
    return out


def _related_actors(actor_ids, gaz: Gazetteer) -> set[str]:
    """Actor ids plus an alliance's member states and the alliances a state belongs to."""
    out = set(actor_ids)
    countries = {gaz.actors[a].country for a in actor_ids if a in gaz.actors and gaz.actors[a].kind == "state"}
    for actor_id in actor_ids:
        actor = gaz.actors.get(actor_id)
        if actor and actor.members:
            out.update(gaz.state_ids[c] for c in actor.members.split("|") if c in gaz.state_ids)
    out.update(a.actor_id for a in gaz.actors.values() if a.members and countries & set(a.members.split("|")))
    return out


# --- writing --------------------------------------------------------------------------------

def batch_tables(batch: Batch, stored_actors: dict[str, set[str]] | None = None
                 ) -> tuple[dict[str, list[dict]], list[str], list[dict], dict[str, int]]:
    """Rows to insert for the accepted candidates, stored events touched, unknown names, counts.

    ``stored_actors`` holds the actors already on the stored events that candidates merge into.
    """
    stored_actors = stored_actors or {}
    gaz = batch.gazetteer
    from analysis.ingest import PIPELINE_VERSION

    events, event_actors, event_sources, sources = [], [], [], []
    touched: list[str] = []
    improvements: list[dict] = []
    new_by_key: dict[str, dict] = {}
    actors_on: dict[str, set[str]] = {}
    sourced: set[tuple[str, str]] = set()
    counts = {"new": 0, "merged": 0, "documents": 0}
    accepted = [c for c in batch.candidates if c.decision != "reject" and c.date is not None]
    for result in batch.results:
        if result.error or not result.document:
            continue
        doc = result.document
        used = [c for c in result.candidates if c in accepted]
        if not used:
            continue
        counts["documents"] += 1
        for n, story in enumerate(doc.stories):
            sources.append({
                "source_id": result.source_ids[n], "outlet": doc.outlet or "Unknown outlet",
                "outlet_type": outlet_type(doc.outlet), "title": story.headline or (doc.title if n == 0 else ""),
                "published": story.published or doc.published,
                "published_basis": ("inferred" if doc.published_basis == "given"
                                    else ("stated" if doc.published else None)),
                "url": None, "notes": f"Added by the article pipeline from {doc.name}",
            })
        for cand in used:
            source_id = result.source_ids[cand.story]
            target = cand.merge_into
            if target and target.startswith("batch:"):
                base = new_by_key.get(target[6:])
                target = base["event_id"] if base else None
                if base:
                    _improve(base, cand, gaz)
            if target:
                counts["merged"] += 1
                if not cand.merge_into.startswith("batch:"):
                    touched.append(target)
                    better = _improvement(target, cand)
                    if better:
                        improvements.append(better)
                known = actors_on.setdefault(target, set(stored_actors.get(target, set())))
                for actor_id, role in cand.actors.items():
                    if actor_id not in known:
                        event_actors.append({"event_id": target, "actor_id": actor_id, "role_in_event": role})
                        known.add(actor_id)
                if (target, source_id) not in sourced:
                    sourced.add((target, source_id))
                    event_sources.append({"event_id": target, "source_id": source_id, "document": doc.name,
                                          "evidence": cand.evidence})
                continue
            counts["new"] += 1
            row = _event_row(cand, PIPELINE_VERSION)
            events.append(row)
            new_by_key[cand.key] = row
            actors_on[row["event_id"]] = set(cand.actors)
            for actor_id, role in cand.actors.items():
                event_actors.append({"event_id": row["event_id"], "actor_id": actor_id, "role_in_event": role})
            sourced.add((row["event_id"], source_id))
            event_sources.append({"event_id": row["event_id"], "source_id": source_id, "document": doc.name,
                                  "evidence": cand.evidence})
    used_actors = {r["actor_id"] for r in event_actors}
    used_places = {r["place_id"] for r in events if r.get("place_id")}
    actor_rows = [
        {"actor_id": a.actor_id, "name": a.name, "kind": a.kind, "country": a.country, "sector": a.sector or "other",
         "members": a.members, "aliases": "|".join(dict.fromkeys(a.aliases))}
        for ident, a in gaz.actors.items() if ident in used_actors and not a.stored
    ]
    place_rows = [
        {"place_id": p.place_id, "name": p.name, "kind": p.kind, "country": p.country, "lat": p.lat, "lon": p.lon,
         "coord_precision": p.coord_precision, "is_capital": p.is_capital}
        for ident, p in gaz.places.items() if ident in used_places and not p.stored
    ]
    used_sources = {r["source_id"] for r in event_sources}
    tables = {
        "places": place_rows, "actors": actor_rows, "actor_roles": [],
        "sources": [s for s in sources if s["source_id"] in used_sources], "events": events,
        "event_actors": event_actors, "event_sources": event_sources,
    }
    unknown = [u for r in batch.results if not r.error for u in r.unknown]
    counts["actors"] = len(actor_rows)
    counts["unknown_names"] = len(unknown)
    counts["improvements"] = improvements
    return tables, touched, unknown, counts


def _improvement(event_id: str, cand: Candidate) -> dict | None:
    """A finer date (inside the stored period) or a missing place for a stored extracted event."""
    info = cand.merge_target or {}
    if info.get("origin") != "extracted":
        return None
    finer = cand.own_date and PRECISION_RANK[cand.precision] < PRECISION_RANK[info["precision"]]
    if finer:
        start, end = period_bounds(info["date"], info["precision"])
        finer = start <= cand.date <= end
    if not finer and not (cand.place_id and not info.get("place_id")):
        return None
    return {"event_id": event_id, "date": cand.date if finer else info["date"],
            "date_precision": cand.precision if finer else info["precision"],
            "date_basis": cand.date_basis if finer else None, "place_id": cand.place_id,
            "place_basis": cand.place_basis or None}


def _improve(base: dict, cand: Candidate, gaz: Gazetteer) -> None:
    """A later report of an event proposed in this batch may give its place or a finer date."""
    if not base.get("place_id") and cand.place_id:
        base["place_id"] = cand.place_id
        base["attributes"] = json.dumps({**json.loads(base["attributes"]), "place_basis": cand.place_basis or None})
    if cand.own_date and PRECISION_RANK[cand.precision] < PRECISION_RANK[base["date_precision"]]:
        start, end = period_bounds(base["date"], base["date_precision"])
        if start <= cand.date <= end or json.loads(base["attributes"]).get("undated"):
            base["date"], base["date_precision"], base["date_basis"] = cand.date, cand.precision, cand.date_basis
            attributes = json.loads(base["attributes"])
            attributes["undated"] = False
            base["attributes"] = json.dumps(attributes)


def _event_row(cand: Candidate, version: str) -> dict:
    return {
        "event_id": event_id_for(cand), "date": cand.date, "date_precision": cand.precision, "date_end": None,
        "date_basis": cand.date_basis, "event_type": cand.event_type,
        "type_note": cand.type_note or None, "mode": cand.mode, "summary": cand.summary, "place_id": cand.place_id,
        "topic": cand.topic or "other", "origin": "extracted", "external_id": None, "fatalities": None,
        "pipeline_version": version,
        "attributes": json.dumps({"trigger": cand.trigger, "confidence": cand.confidence, "document": cand.document,
                                  "undated": cand.earliest is not None, "place_basis": cand.place_basis or None}),
        "created_at": None, "updated_at": None,
    }


def commit_batch(store: EventStore, batch: Batch) -> dict[str, int]:
    """Write the accepted candidates of a batch in one transaction; returns what was written."""
    merged_into = sorted({c.merge_into for c in batch.candidates
                          if c.merge_into and not c.merge_into.startswith("batch:")})
    roles = event_actor_roles(store, merged_into)
    stored_actors = {e: set(g["actor_id"]) for e, g in roles.groupby("event_id")} if not roles.empty else {}
    for cand in batch.candidates:
        cand.summary = cand.summary or summary_for(cand, batch.gazetteer)
        cand.topic = cand.topic or topic_for(cand, batch.gazetteer)
    tables, touched, unknown, counts = batch_tables(batch, stored_actors)
    raw = {name: [{k: ("" if v is None else v) for k, v in row.items()} for row in rows]
           for name, rows in tables.items()}
    try:
        clean = validate_tables(raw, store.existing_ids())
    except DataError as exc:
        raise IngestError(f"the reviewed events are not valid: {exc}") from None
    improvements = counts.pop("improvements")
    written = write_batch(store, clean, touched, unknown, improvements)
    counts["rows"] = sum(written.values())
    return counts
