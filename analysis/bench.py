"""Benchmarks: what every page asks of the store, timed on synthetic stores of growing size.

``python -m analysis bench [--events N …] [--json]``. For each size and each page it runs
the page's store queries for no filter and for one country in one year, repeatedly, and
prints p50/p95, the peak memory of the process, and the same work done by a plain pandas
implementation in the same run with the ratio between the two.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

from analysis import queries
from analysis.filters import Filters
from analysis.queries import OVERVIEW_LATEST, OVERVIEW_MARKS
from analysis.store import EventStore
from analysis.synth import build_synthetic

PAGES = ("timeline", "map", "actors", "events", "overview")
FILTERS = {
    "none": Filters(),
    "one-country-year": Filters(countries=("MLI",), date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 12, 31)),
}
# What the pages ask for (pages/*.py and app.py, on first load with their default controls).
MAP_ARCS = 150  # the arcs the map page draws
MARKS = 2000  # timeline marks drawn one by one at most
TOP_PAIRS = 200  # the Actors page's "Top pairs" tab
NETWORK_TOP = 30  # the Actors page's heatmap and network
ACTOR_OPTIONS = 2000  # the busiest actors the Actors page offers to choose from
PAGE_ROWS = 50  # one page of the event table
DEFAULT_SIZES = (100_000, 1_000_000)
BIG_STORE = 5_000_000  # from this size on, the pandas baseline runs once per page
BENCH_DIR = Path(__file__).resolve().parents[1] / ".cache" / "bench"


# --- what each page asks of the store ----------------------------------------------------

def store_page(store: EventStore, page: str, filters: Filters):
    """Run the queries one page makes for one filter (through ``analysis.queries``, as the
    page does: the sentence under its title, the Overview's headline figures); returns their results."""
    store.forget_kept_results()  # what a page finds once it keeps for itself, not for the next run
    header = queries.describe(store, filters)
    if page == "timeline":
        total = queries.selection_span(store, filters)["events"]
        events, lanes = queries.timeline_data(store, filters, by="country", limit=MARKS)
        return header, total, events, lanes, store.counts_over_time(filters, "month")
    if page == "map":
        return header, queries.top_capital_links(store, filters, MAP_ARCS), store.place_counts(filters)
    if page == "actors":
        return (header, queries.top_actors(store, filters, NETWORK_TOP), store.cooccurrence_pairs(filters, TOP_PAIRS),
                store.actor_event_counts(filters, limit=ACTOR_OPTIONS), store.actor_count(filters))
    if page == "events":
        return (header, store.event_search_count(filters),
                queries.events_with_details(store, filters, limit=PAGE_ROWS))
    if page == "overview":
        # What app.py shows, read as it reads it (a few queries at once).
        return header, queries.overview_data(store, filters)
    raise ValueError(page)


# --- the same work in plain pandas ---------------------------------------------------------

class PandasBaseline:
    """The straightforward implementation: whole tables in DataFrames, merges and group-bys."""

    def __init__(self, store: EventStore):
        self.events = store.table("events")
        self.events["date"] = pd.to_datetime(self.events["date"])
        self.events["date_end"] = pd.to_datetime(self.events["date_end"])
        # The last day an event may cover: its end, or the end of its month or year when only
        # those are known (a filter from a date selects events that overlap it).
        date, precision = self.events["date"], self.events["date_precision"]
        last = date.where(precision != "month", date + pd.offsets.MonthEnd(0))
        last = last.where(precision != "year", date + pd.offsets.YearEnd(0))
        self.events["last_date"] = self.events["date_end"].fillna(last)
        self.event_actors = store.table("event_actors")
        self.actors = store.table("actors")
        self.places = store.table("places")
        self.sources = store.table("sources")
        self.event_sources = store.table("event_sources")
        members = self.actors[["actor_id", "members"]].dropna()
        split = members.assign(country=members["members"].str.split("|")).explode("country")
        self.members = split[["actor_id", "country"]]

    def select(self, filters: Filters) -> pd.DataFrame:
        ev = self.events
        mask = pd.Series(True, index=ev.index)
        if filters.date_from:
            mask &= ev["last_date"] >= pd.Timestamp(filters.date_from)
        if filters.date_to:
            mask &= ev["date"] <= pd.Timestamp(filters.date_to)
        if filters.countries:
            codes = list(filters.countries)
            by_actor = self.actors.loc[self.actors["country"].isin(codes), "actor_id"]
            by_member = self.members.loc[self.members["country"].isin(codes), "actor_id"]
            actor_ids = pd.concat([by_actor, by_member]).unique()
            place_ids = self.places.loc[self.places["country"].isin(codes), "place_id"].unique()
            ids = self.event_actors.loc[self.event_actors["actor_id"].isin(actor_ids), "event_id"].unique()
            mask &= ev["event_id"].isin(ids) | ev["place_id"].isin(place_ids)
        return ev[mask]

    def newest(self, sel: pd.DataFrame, n: int) -> pd.DataFrame:
        return sel.sort_values(["date", "event_id"], ascending=[False, True]).head(n)

    def page(self, page: str, filters: Filters):
        """The same work as :func:`store_page`, in pandas."""
        sel = self.select(filters)
        header = len(sel), sel["date"].min(), sel["date_end"].fillna(sel["date"]).max()  # the sentence under the title
        if page == "timeline":
            return header, self._marks(sel, MARKS), self._monthly(sel)
        if page == "map":
            return header, *self._map(sel)
        if page == "actors":
            return header, *self._actors(sel)
        if page == "events":
            rows = self.newest(sel, PAGE_ROWS).merge(self.places, on="place_id", how="left")
            return header, len(sel), self._details(rows)
        if page == "overview":
            timeline = (self._marks(sel, OVERVIEW_MARKS) if len(sel) <= OVERVIEW_MARKS else
                        (self._monthly(sel), self._marks(sel, OVERVIEW_LATEST)))
            return header, self._figures(sel), timeline, *self._map(sel), *self._actors(sel)
        raise ValueError(page)

    def _details(self, rows: pd.DataFrame):
        ids = rows["event_id"]
        return (rows, self.event_actors[self.event_actors["event_id"].isin(ids)].merge(self.actors, on="actor_id"),
                self.event_sources[self.event_sources["event_id"].isin(ids)].merge(self.sources, on="source_id"))

    def _marks(self, sel: pd.DataFrame, n: int):
        return self._details(self.newest(sel, n))

    @staticmethod
    def _monthly(sel: pd.DataFrame):
        period = sel["date"].dt.to_period("M").dt.start_time.where(sel["date_precision"] != "year",
                                                                   sel["date"].dt.to_period("Y").dt.start_time)
        return sel.assign(period=period).groupby(["date_precision", "event_type", "period"]).size()

    def _map(self, sel: pd.DataFrame):
        ea = self.event_actors[self.event_actors["event_id"].isin(sel["event_id"])]
        legs = (sel[["event_id", "date", "place_id"]].merge(ea, on="event_id")
                .merge(self.actors[["actor_id", "country"]], on="actor_id")
                .merge(self.places.loc[self.places["is_capital"] == True, ["place_id", "country"]]  # noqa: E712 (nullable column)
                       .rename(columns={"place_id": "from_id"}), on="country"))
        legs = legs[legs["from_id"] != legs["place_id"]]
        links = legs.groupby(["from_id", "place_id"]).agg(events=("event_id", "nunique"), latest=("date", "max"))
        places = sel.groupby("place_id").agg(events=("event_id", "size"), latest=("date", "max")).merge(
            self.places, on="place_id")
        return links, places

    def _actors(self, sel: pd.DataFrame):
        ea = self.event_actors.loc[self.event_actors["event_id"].isin(sel["event_id"]), ["event_id", "actor_id"]]
        counts = ea.groupby("actor_id").size().rename("events")
        pairs = ea.merge(ea, on="event_id")
        pairs = pairs[pairs["actor_id_x"] < pairs["actor_id_y"]]
        together = pairs.groupby(["actor_id_x", "actor_id_y"]).size().rename("together").reset_index()
        together["jaccard"] = together["together"] / (
            together["actor_id_x"].map(counts) + together["actor_id_y"].map(counts) - together["together"])
        top = together.sort_values(["together", "jaccard"], ascending=False).head(TOP_PAIRS)
        return top, counts.reset_index().merge(self.actors, on="actor_id").sort_values("events", ascending=False)

    def _figures(self, sel: pd.DataFrame) -> dict:
        ids = sel["event_id"]
        ea = self.event_actors[self.event_actors["event_id"].isin(ids)]
        actor_countries = ea.merge(self.actors, on="actor_id")["country"]
        member_countries = ea.merge(self.members, on="actor_id")["country"]
        place_countries = sel[["place_id"]].merge(self.places, on="place_id")["country"]
        countries = pd.concat([actor_countries, member_countries, place_countries]).dropna().nunique()
        return {
            "events": len(sel), "actors": ea["actor_id"].nunique(), "countries": countries,
            "sources": self.event_sources.loc[self.event_sources["event_id"].isin(ids), "source_id"].nunique(),
            "first_date": sel["date"].min(), "last_date": sel["date_end"].fillna(sel["date"]).max(),
        }


# --- timing --------------------------------------------------------------------------------

def reset_peak_memory() -> None:
    """Start a new peak-RSS measurement (Linux: writing 5 to clear_refs resets VmHWM)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_memory_mb() -> float:
    """Peak resident memory of this process since the last reset, in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(work, runs: int, warm_up: bool = True) -> list[float]:
    """Milliseconds of each of ``runs`` calls, after one warm-up call."""
    if warm_up:
        work()
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        out.append((time.perf_counter() - started) * 1000)
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def synthetic_store(n_events: int, folder: Path, log) -> Path:
    """The path of a synthetic store of n events, built once and kept for later runs."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"synth-{n_events}.duckdb"
    if path.exists():
        with EventStore(path) as store:
            if store._rows("SELECT COUNT(*) FROM events")[0][0] == n_events:
                return path
        path.unlink()
    started = time.perf_counter()
    with EventStore(path) as store:
        build_synthetic(store, n_events)
    log(f"built {path} with {n_events:,} events in {time.perf_counter() - started:.1f} s")
    return path


def bench_size(n_events: int, runs: int, folder: Path, baseline: bool, log, pages=PAGES) -> list[dict]:
    """Time every page (of ``pages``) for every filter on one store size; one result dict per (page, filter)."""
    path = synthetic_store(n_events, folder, log)
    results = []
    reset_peak_memory()
    with EventStore(path) as store:
        for page in pages:
            for filter_name, filters in FILTERS.items():
                times = timed(lambda page=page, filters=filters: store_page(store, page, filters), runs)
                results.append({"events": n_events, "page": page, "filter": filter_name,
                                "p50_ms": round(statistics.median(times), 1),
                                "p95_ms": round(percentile(times, 0.95), 1)})
        peak = peak_memory_mb()
        for row in results:
            row["peak_mb"] = round(peak)
        if baseline:
            started = time.perf_counter()
            pandas = PandasBaseline(store)
            log(f"pandas baseline loaded {n_events:,} events in {time.perf_counter() - started:.1f} s")
            # The baseline takes seconds per call on big stores: fewer runs there, no warm-up.
            big = n_events >= BIG_STORE
            for row in results:
                times = timed(lambda row=row: pandas.page(row["page"], FILTERS[row["filter"]]),
                              1 if big else max(3, runs // 2), warm_up=not big)
                row["pandas_p50_ms"] = round(statistics.median(times), 1)
                row["speedup"] = round(row["pandas_p50_ms"] / max(row["p50_ms"], 0.01), 1)
            del pandas
    return results


GDELT_SAMPLES = (Path(__file__).resolve().parents[2] / "shared" / "data" / "gdelt" / "20191024143000.export.CSV",
                 Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "gdelt2_slice.CSV")


def gdelt_file(rows: int, folder: Path) -> Path:
    """A GDELT 2.0 export of ``rows`` rows: the real sample's rows repeated with new event ids."""
    sample = next(path for path in GDELT_SAMPLES if path.exists())
    lines = [raw.split(b"\t", 1)[1] for raw in sample.read_bytes().splitlines() if raw]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"gdelt-{rows}.export.CSV"
    with open(path, "wb") as out:
        for n in range(rows):
            out.write(b"%d\t%s\n" % (2_000_000_000 + n, lines[n % len(lines)]))
    return path


def bench_import(rows: int, folder: Path, log) -> dict:
    """Rows per second of a GDELT import into an empty store, and of pandas.read_csv on the same file."""
    from analysis.importers.load import import_file

    path = gdelt_file(rows, folder)
    store_path = folder / "import-bench.duckdb"
    store_path.unlink(missing_ok=True)
    reset_peak_memory()
    with EventStore(store_path) as store:
        account, seconds = import_file(store, "gdelt", path, progress=False)
    peak = peak_memory_mb()
    log(account.summary(seconds))
    started = time.perf_counter()
    frame = pd.read_csv(path, sep="\t", header=None, dtype=str, quoting=3, na_filter=False)
    baseline = time.perf_counter() - started
    assert len(frame) == rows
    store_path.unlink(missing_ok=True)
    path.unlink()
    return {"import": "gdelt", "rows": rows, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds),
            "peak_mb": round(peak), "pandas_read_csv_seconds": round(baseline, 2),
            "pandas_read_csv_rows_per_s": round(rows / baseline)}


def machine() -> str:
    cpus = os.cpu_count()
    try:
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal:"))
        memory = f", {mem_kb / 2**20:.0f} GB RAM"
    except (OSError, StopIteration):
        memory = ""
    return (f"{platform.machine()} {cpus} cores{memory}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def add_parser(subparsers) -> None:
    bench = subparsers.add_parser("bench", help="time every page's queries on synthetic stores of growing size")
    bench.add_argument("--events", type=int, nargs="*", default=list(DEFAULT_SIZES), metavar="N",
                       help="store sizes to time (default: 100000 1000000; none to time only the import)")
    bench.add_argument("--runs", type=int, default=7, help="timed runs per page and filter (default 7)")
    bench.add_argument("--dir", default=str(BENCH_DIR), metavar="DIR",
                       help="where synthetic stores are built and kept between runs")
    bench.add_argument("--no-baseline", action="store_true", help="skip the pandas baseline")
    bench.add_argument("--pages", nargs="+", choices=PAGES, default=list(PAGES), metavar="PAGE",
                       help=f"pages to time (default: all of {', '.join(PAGES)})")
    bench.add_argument("--json", action="store_true", help="print one JSON object per line")
    bench.add_argument("--import-rows", type=int, default=0, metavar="N",
                       help="also time (first) a GDELT import of N rows against pandas.read_csv of the same file")
    bench.set_defaults(run=run)


def _print_table(rows: list[dict]) -> None:
    head = f"{'page':<10} {'filter':<17} {'p50 ms':>9} {'p95 ms':>9} {'pandas ms':>10} {'speedup':>8}"
    print(head)
    for row in rows:
        pandas = f"{row['pandas_p50_ms']:>10.1f} {row['speedup']:>7.1f}x" if "speedup" in row else f"{'–':>10} {'–':>8}"
        print(f"{row['page']:<10} {row['filter']:<17} {row['p50_ms']:>9.1f} {row['p95_ms']:>9.1f} {pandas}")
    for filter_name in FILTERS:
        total = sum(r["p50_ms"] for r in rows if r["filter"] == filter_name)
        slowest = max((r for r in rows if r["filter"] == filter_name), key=lambda r: r["p50_ms"])
        print(f"filter {filter_name}: slowest page {slowest['page']} {slowest['p50_ms']:.1f} ms; "
              f"all pages timed {total:.1f} ms")


def run(args) -> int:
    if any(n < 1 for n in args.events) or args.runs < 1:
        raise ValueError("--events and --runs must be at least 1")

    def log(text: str) -> None:
        print(text, file=sys.stderr if args.json else sys.stdout, flush=True)

    log(f"{dt.date.today().isoformat()} on {machine()}, DuckDB store vs pandas, {args.runs} runs each")
    if args.import_rows:
        # First, in a process that has not yet held a pandas baseline of millions of events
        # (as the import command runs on its own).
        result = bench_import(args.import_rows, Path(args.dir), log)
        if args.json:
            print(json.dumps(result), flush=True)
        else:
            print(f"GDELT import of {result['rows']:,} rows: {result['rows_per_s']:,} rows/s "
                  f"({result['seconds']} s, peak memory {result['peak_mb']:,} MB); pandas.read_csv alone: "
                  f"{result['pandas_read_csv_rows_per_s']:,} rows/s ({result['pandas_read_csv_seconds']} s)")
    for n in args.events:
        rows = bench_size(n, args.runs, Path(args.dir), not args.no_baseline, log, args.pages)
        if args.json:
            for row in rows:
                print(json.dumps(row), flush=True)
        else:
            print(f"\n{n:,} events, peak memory {rows[0]['peak_mb']:,} MB")
            _print_table(rows)
    return 0
