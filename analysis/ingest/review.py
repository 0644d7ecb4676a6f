"""The review table: candidates as an editable frame, and an edited frame back onto the batch.

An editor can accept a candidate as a new event, merge it into a stored event (or into
another candidate of the batch), reject it, or edit its type, date, precision, actors,
place and summary. Names typed in the actors or place cell are looked up like names in
an article; a name the gazetteer does not know becomes a new actor, a place it does not
know is a problem to fix.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from analysis.ingest.batch import Batch
from analysis.ingest.dates import truncate
from analysis.ingest.reference import fold
from analysis.schema import DATE_PRECISIONS, EVENT_TYPES

DECISIONS = ("add", "merge", "reject")
COLUMNS = ("decision", "merge_into", "event_type", "date", "precision", "dated_by", "actors", "place", "placed_by",
           "summary", "evidence", "trigger", "confidence", "document")
_ORG_HINT = re.compile(
    r"\b(?:ministry|government|army|forces|council|party|group|union|agency|company|bank|alliance)\b", re.I)


def counted(n: int, noun: str) -> str:
    """"1 new event", "3 new events"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def candidate_label(number: int) -> str:
    return f"candidate {number}"


def review_frame(batch: Batch) -> pd.DataFrame:
    """One row per candidate, in article order, indexed by candidate key."""
    gaz = batch.gazetteer
    numbers = {c.key: n for n, c in enumerate(batch.candidates, start=1)}
    rows = []
    for cand in batch.candidates:
        merge_into = None
        if cand.merge_into and cand.merge_into.startswith("batch:"):
            merge_into = candidate_label(numbers.get(cand.merge_into[6:], 0))
        elif cand.merge_into:
            merge_into = cand.merge_into
        decision = cand.decision if cand.decision == "reject" else ("merge" if merge_into else "add")
        rows.append({
            "key": cand.key, "decision": decision, "merge_into": merge_into, "event_type": cand.event_type,
            "date": cand.date, "precision": cand.precision, "dated_by": cand.date_basis,
            "actors": "; ".join(gaz.actors[a].name for a in cand.actors if a in gaz.actors),
            "place": gaz.places[cand.place_id].name if cand.place_id in gaz.places else "",
            "placed_by": cand.place_basis if cand.place_id in gaz.places else "",
            "summary": cand.summary, "evidence": cand.evidence, "trigger": cand.trigger,
            "confidence": cand.confidence, "document": cand.document,
        })
    frame = pd.DataFrame(rows, columns=("key", *COLUMNS))
    return frame.set_index("key")


def merge_options(batch: Batch, stored_ids: list[str]) -> list[str]:
    """Values the 'merge into' cell may take (besides empty): a stored event id, or another candidate."""
    return [*stored_ids, *(candidate_label(n) for n in range(1, len(batch.candidates) + 1))]


def apply_review(batch: Batch, frame: pd.DataFrame, stored_ids: set[str] | None = None) -> list[str]:
    """Write the editor's choices onto the batch's candidates; returns the problems to fix first."""
    gaz = batch.gazetteer
    by_key = {c.key: c for c in batch.candidates}
    keys = [c.key for c in batch.candidates]
    problems: list[str] = []
    for number, (key, row) in enumerate(frame.iterrows(), start=1):
        cand = by_key.get(key)
        if cand is None:
            continue
        label = f"row {number}"
        decision = str(row.get("decision") or "add")
        if decision not in DECISIONS:
            problems.append(f"{label}: decision must be add, merge or reject")
            continue
        cand.decision = "reject" if decision == "reject" else "add"
        if decision == "reject":
            continue
        event_type = str(row.get("event_type") or "")
        if event_type not in EVENT_TYPES:
            problems.append(f"{label}: '{event_type}' is not a PLOVER type")
        else:
            cand.event_type = event_type
        precision = str(row.get("precision") or "day")
        if precision not in DATE_PRECISIONS:
            problems.append(f"{label}: precision must be day, month or year")
            precision = cand.precision
        date = row.get("date")
        if date is None or (isinstance(date, float) and date != date) or pd.isna(date):
            problems.append(f"{label}: give a date")
        else:
            date = pd.Timestamp(date).date() if not isinstance(date, dt.date) else date
            if date != cand.date or precision != cand.precision:
                cand.date, cand.precision = truncate(date, precision), precision
                cand.date_basis = "set by the editor"
                cand.own_date, cand.earliest = True, None
        actor_ids = _actor_ids(str(row.get("actors") or ""), gaz)
        if not actor_ids:
            problems.append(f"{label}: name at least one actor")
        else:
            roles = dict(cand.actors)
            cand.actors = {a: roles.get(a, "participant") for a in actor_ids}
        place = str(row.get("place") or "").strip()
        if not place:
            cand.place_id, cand.place_basis = None, ""
        elif cand.place_id not in gaz.places or fold(gaz.places[cand.place_id].name) != fold(place):
            found = gaz.place(place)
            if found is None:
                problems.append(f"{label}: place '{place}' is not in the gazetteer (use a city or country name)")
            else:
                cand.place_id, cand.place_basis = found.place_id, "set by the editor"
        cand.summary = str(row.get("summary") or cand.summary).strip() or cand.summary
        merge_into = row.get("merge_into")
        merge_into = "" if merge_into is None or merge_into != merge_into else str(merge_into).strip()
        if decision == "merge":
            if merge_into.startswith("candidate "):
                index = int(merge_into.split()[-1]) - 1
                if not 0 <= index < len(keys) or keys[index] == key:
                    problems.append(f"{label}: choose another candidate or a stored event to merge into")
                else:
                    cand.merge_into = f"batch:{keys[index]}"
            elif merge_into and (stored_ids is None or merge_into in stored_ids):
                cand.merge_into = merge_into
            else:
                problems.append(f"{label}: choose the stored event to merge into")
        else:
            cand.merge_into, cand.merge_target = None, None
    _order_batch_merges(batch)
    return problems


def _order_batch_merges(batch: Batch) -> None:
    """A candidate can only add a source to a candidate stored before it; otherwise it is new."""
    seen: set[str] = set()
    for cand in batch.candidates:
        if cand.merge_into and cand.merge_into.startswith("batch:") and cand.merge_into[6:] not in seen:
            cand.merge_into = None
        if cand.decision == "add" and not cand.merge_into:
            seen.add(cand.key)


def _actor_ids(text: str, gaz) -> list[str]:
    out = []
    for name in (part.strip() for part in re.split(r"[;\n]", text)):
        if not name:
            continue
        found = gaz.lookup(name) or gaz.fuzzy(name, 90)
        if not found:
            code = gaz.country_of(name)
            if code:
                found = gaz.state_id(code)
        if not found:
            kind = "organisation" if _ORG_HINT.search(name) or len(name.split()) == 1 else "person"
            found = gaz.new_actor(name, kind).actor_id
        if found not in out:
            out.append(found)
    return out
