"""The store commands: ``init`` and ``export``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.dataset import open_store
from analysis.filters import Filters
from analysis.queries import export_records, records_to_csv, records_to_json
from analysis.schema import is_iso3
from analysis.store import StoreError, default_db_path


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """The ``--db PATH`` option every command takes."""
    parser.add_argument(
        "--db", metavar="PATH", default=None,
        help="DuckDB file (default: $EVENTS_DB or .cache/events.duckdb); created with the bundled data if missing",
    )


def store_for(args, empty: bool = False):
    """Open the store named by ``--db`` (created and filled with the bundled data if new)."""
    return open_store(args.db or default_db_path(), empty=empty)


def add_parser(subparsers) -> None:
    init = subparsers.add_parser("init", help="create a store, with the bundled dataset unless --empty")
    add_db_option(init)
    init.add_argument("--empty", action="store_true", help="create the tables but load no events")
    init.set_defaults(run=run_init)

    export = subparsers.add_parser("export", help="write the events (one record each) as JSON or CSV")
    add_db_option(export)
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.add_argument("--country", nargs="+", default=[], metavar="ISO3",
                        help="only events matching these countries (ISO 3166 alpha-3)")
    export.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    export.set_defaults(run=run_export)


def run_init(args) -> int:
    path = args.db or default_db_path()
    existed = path != ":memory:" and Path(path).exists()
    with store_for(args, empty=args.empty) as store:
        count = store.event_count(Filters())
    state = "opened existing" if existed else "created"
    print(f"{state} store {path}: {count} events")
    return 0


def run_export(args) -> int:
    codes = [c.upper() for c in args.country]
    bad = [c for c in codes if not is_iso3(c)]
    if bad:
        raise ValueError(f"unknown country code(s) {', '.join(bad)}: use ISO 3166 alpha-3, e.g. NER")
    with store_for(args) as store:
        records = export_records(store, Filters(countries=tuple(codes)))
    text = records_to_json(records) if args.format == "json" else records_to_csv(records)
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise StoreError(f"cannot write {args.out}: {exc.strerror}") from None
        print(f"wrote {len(records)} events to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
