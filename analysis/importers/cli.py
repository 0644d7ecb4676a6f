"""The ``import`` command: ``python -m analysis import acled|gdelt [--db PATH] FILE…``."""

from __future__ import annotations

import csv
import sys

from analysis.importers.common import SHOWN_PROBLEMS, FileRejected
from analysis.importers.load import ORIGINS, import_file


def add_parser(subparsers) -> None:
    from analysis.commands import add_db_option

    command = subparsers.add_parser("import", help="import ACLED or GDELT event files into the store")
    datasets = command.add_subparsers(dest="dataset", required=True, metavar="DATASET")
    helps = {"acled": "ACLED CSV exports (current and older layouts)",
             "gdelt": "GDELT 1.0 / 2.0 event exports (tab-separated, plain or zipped)"}
    for origin in ORIGINS:
        sub = datasets.add_parser(origin, help=helps[origin])
        add_db_option(sub)
        sub.add_argument("files", nargs="+", metavar="FILE")
        sub.add_argument("--report", metavar="CSV",
                         help="write every row not imported (line, outcome, reason) to this CSV file")
        sub.add_argument("--quiet", action="store_true", help="no progress bar")
        sub.set_defaults(run=run)


def run(args) -> int:
    from analysis.commands import store_for

    failed = 0
    report_rows = []
    with store_for(args) as store:
        for path in args.files:
            try:
                account, seconds = import_file(store, args.dataset, path, progress=not args.quiet)
            except FileRejected as exc:
                failed += 1
                print(f"error: {exc}; nothing from this file was stored", file=sys.stderr)
                continue
            rejected = [p for p in account.problems if p[1] == "rejected"]
            for line, _, reason in rejected[:SHOWN_PROBLEMS]:
                print(f"  {account.file} line {line}: {reason}", file=sys.stderr)
            if len(rejected) > SHOWN_PROBLEMS:
                print(f"  … and {len(rejected) - SHOWN_PROBLEMS:,} more rejected rows"
                      f"{' (see ' + args.report + ')' if args.report else ' (--report FILE lists them all)'}",
                      file=sys.stderr)
            for reason, count in account.skip_reasons.items():
                print(f"  {account.file}: {count:,} rows skipped: {reason}", file=sys.stderr)
            report_rows += [(account.file, *problem) for problem in account.problems]
            print(account.summary(seconds))
    if args.report:
        try:
            with open(args.report, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["file", "line", "outcome", "reason"])
                writer.writerows(sorted(report_rows, key=lambda r: (r[0], r[1])))
        except OSError as exc:
            print(f"error: cannot write {args.report}: {exc.strerror}", file=sys.stderr)
            return 1
    return 1 if failed else 0
