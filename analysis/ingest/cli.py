"""The ``ingest`` command: read articles, show the events found, and store them when told to.

``python -m analysis ingest [--db PATH] [--published YYYY-MM-DD] [--outlet NAME] [--yes] FILE…``
Without ``--yes`` it asks before storing (no answer — stdin closed or not a terminal —
means no). A refused file is reported and skipped; the rest of the batch is written in one
transaction.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.store import EventStore, StoreError, default_db_path

if TYPE_CHECKING:
    from analysis.ingest.batch import Batch


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date written YYYY-MM-DD") from None


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "ingest", help="find events in news articles (.txt, .html) and store them with their evidence",
        description="Find events in news articles and store them, each with its evidence and source.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="articles to read (.txt or .html)")
    parser.add_argument("--db", metavar="PATH", default=None,
                        help="DuckDB store (default: $EVENTS_DB or .cache/events.duckdb); must exist (see init)")
    parser.add_argument("--published", type=_date, metavar="YYYY-MM-DD",
                        help="publication date, for articles that do not state one (resolves 'on Thursday')")
    parser.add_argument("--outlet", default="", metavar="NAME", help="the outlet that published the articles")
    parser.add_argument("--yes", action="store_true", help="store the events without asking")
    parser.set_defaults(run=run)


def run(args) -> int:
    from analysis.ingest.batch import commit_batch, prepare_batch  # the word lists load only for this command
    from analysis.ingest.document import IngestError, read_path

    path = args.db or default_db_path()
    if path != ":memory:" and not Path(path).exists():
        raise StoreError(f"no store at {path}: create one first with 'python -m analysis init --db {path}'")
    items = []
    for name in args.files:
        try:
            items.append((Path(name).name, read_path(name)))
        except IngestError as exc:
            items.append((Path(name).name, exc))
    with EventStore(path) as store:
        batch = prepare_batch(store, items, published=args.published, outlet=args.outlet,
                              progress=_progress(len(items)))
        show_batch(batch)
        accepted = [c for c in batch.candidates if c.decision == "add"]
        rejected_files = len(batch.errors)
        if not accepted:
            print(_summary(batch, None, "nothing to store"))
            return 1 if rejected_files else 0
        if not args.yes:
            answer = _ask(len(accepted))
            if answer != "yes":
                return 1 if answer == "no answer" else 0
        try:
            counts = commit_batch(store, batch)
        except (IngestError, StoreError):
            raise
        except Exception as exc:
            raise StoreError(f"nothing from this batch was stored: {exc}") from None
    print(_summary(batch, counts, f"stored in {path}"))
    return 1 if rejected_files else 0


def _progress(count: int):
    if count < 2:
        return None
    from tqdm import tqdm

    return lambda items: tqdm(items, desc="reading", unit="article", file=sys.stderr)


def show_batch(batch: Batch) -> None:
    """Print the candidates of each article, and each refused file with its reason."""
    from analysis.ingest.batch import event_id_for

    gaz = batch.gazetteer
    for note in batch.notes:
        print(f"note: {note}", file=sys.stderr)
    for result in batch.results:
        if result.error:
            print(f"refused: {result.error}", file=sys.stderr)
            continue
        doc = result.document
        published = f"{doc.published} ({doc.published_basis})" if doc.published else "no date"
        print(f"\n{result.name} — {doc.title or 'untitled'} — {published} — {len(result.candidates)} candidate events")
        for n, cand in enumerate(result.candidates, start=1):
            actors = ", ".join(f"{gaz.actors[a].name}" for a in cand.actors if a in gaz.actors)
            place = gaz.places[cand.place_id].name if cand.place_id in gaz.places else "—"
            date = f"{cand.date} ({cand.precision})" if cand.date else "no date"
            if cand.decision == "reject":
                action = f"not stored (confidence {cand.confidence:.2f} below threshold or no date)"
            elif cand.merge_into and cand.merge_into.startswith("batch:"):
                action = "same event as one above: adds this source"
            elif cand.merge_into:
                action = f"adds a source to {cand.merge_into}"
            else:
                action = f"new event {event_id_for(cand)}"
            print(f"  {n:>2}. {cand.event_type:<9} {date:<19} {place:<14} {cand.confidence:.2f}  {action}")
            print(textwrap.indent(textwrap.fill(f"actors: {actors}", 100), "      "))
            print(textwrap.indent(textwrap.fill(f"dated by: {cand.date_basis}", 100), "      "))
            if cand.place_basis and cand.place_id in gaz.places:
                print(textwrap.indent(textwrap.fill(f"placed by: {cand.place_basis}", 100), "      "))
            print(textwrap.indent(textwrap.fill(f"\"{cand.evidence}\"", 100), "      "))


def _ask(count: int) -> str:
    """'yes', 'no', or 'no answer' when standard input is closed (treated as no)."""
    print(f"\nStore these {count} events? [y/N] ", end="", flush=True)
    try:
        answer = sys.stdin.readline() if sys.stdin and not sys.stdin.closed else ""
    except (OSError, ValueError):
        answer = ""
    if not answer:
        print("\nno answer (standard input is closed or not a terminal), so nothing was stored; "
              "run again with --yes to store without asking")
        return "no answer"
    if answer.strip().lower() in ("y", "yes"):
        return "yes"
    print("nothing stored")
    return "no"


def _summary(batch: Batch, counts: dict | None, where: str) -> str:
    from analysis.ingest.review import counted

    read = len(batch.results) - len(batch.errors)
    refused = f", {len(batch.errors)} refused" if batch.errors else ""
    found = len(batch.candidates)
    if counts is None:
        return f"{read} article(s) read{refused}: {counted(found, 'candidate event')}; {where}"
    return (
        f"{read} article(s) read{refused}: {counted(found, 'candidate')} → {counted(counts['new'], 'new event')}, "
        f"{counts['merged']} added as sources to events already known, {counted(counts['actors'], 'new actor')}, "
        f"{counted(counts['unknown_names'], 'name')} kept for review; {where}"
    )
