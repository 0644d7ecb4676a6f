"""Every page's reads for the three Alliance countries together, on the benchmark's stores.

``python -m analysis bench`` times the issue's two filters (none; Mali in 2024). This times the
same page reads (``analysis.bench.store_page``, results kept for a page dropped before each
run) for Mali, Niger and Burkina Faso in 2024, the selection this dashboard is built for, on
stores that ``bench`` has already built::

    python benchmarks/alliance_pages.py [--runs 7] .cache/bench/synth-1000000.duckdb …

It prints, per store and page, the number of events selected and p50 / p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.bench import PAGES, percentile, store_page, timed  # noqa: E402
from analysis.filters import Filters  # noqa: E402
from analysis.store import EventStore  # noqa: E402

ALLIANCE_YEAR = Filters(countries=("BFA", "MLI", "NER"), date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 12, 31))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stores", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    for path in args.stores:
        if not path.exists():
            print(f"{path}: no such store (build it with python -m analysis bench --events N)", file=sys.stderr)
            return 2
        with EventStore(path) as store:  # opened for writing: a store of an earlier layout is brought up to date
            print(f"{path.name}: {store.event_count(ALLIANCE_YEAR):,} events of Mali, Niger and Burkina Faso in 2024")
            for page in PAGES:
                times = timed(lambda page=page: store_page(store, page, ALLIANCE_YEAR), args.runs)
                print(f"  {page:<10} p50 {percentile(times, 0.5):7.1f} ms   p95 {percentile(times, 0.95):7.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
