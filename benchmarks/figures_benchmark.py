"""How fast figures are built and exported as slide PNGs; prints the figures.

1. PNG export at 1280×720: ``analysis.figures.figure_png`` (one headless Chromium kept open
   between calls) against the straightforward baseline, plotly's ``fig.to_image``, which
   starts a Chromium for every image.
2. Building the timeline for the bundled events and for a synthetic set of 2,000 events,
   against a plain ``plotly.express.scatter`` of the same events as the baseline.

Run: ``python benchmarks/figures_benchmark.py [--images N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.express as px

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import figures, queries  # noqa: E402 - after the path is set
from analysis.dataset import load_dataset  # noqa: E402
from analysis.filters import Filters  # noqa: E402
from analysis.schema import EVENT_TYPES  # noqa: E402
from analysis.store import EventStore  # noqa: E402


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def report(name: str, seconds: list[float]) -> None:
    print(f"  {name:<44} median {statistics.median(seconds) * 1000:8.1f} ms   "
          f"min {min(seconds) * 1000:8.1f} ms   (n={len(seconds)})")


def synthetic_events(n: int, seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 5 * 365, n), unit="D")
    precision = rng.choice(["day", "month", "year"], n, p=[0.7, 0.2, 0.1])
    events = pd.DataFrame({
        "event_id": [f"syn-{i}" for i in range(n)], "date": days, "date_precision": precision,
        "date_end": pd.NaT, "event_type": rng.choice(list(EVENT_TYPES), n),
        "summary": [f"Synthetic event {i} with a summary of ordinary length for the hover box." for i in range(n)],
        "actors": "A; B", "sources": "Outlet (wire)", "place": "Somewhere",
    })
    events["date_label"] = [queries.date_label(d, p) for d, p in zip(events["date"], precision, strict=True)]
    lanes = pd.DataFrame({"event_id": events["event_id"], "lane": rng.choice(["Mali", "Niger", "Burkina Faso",
                                                                              "Russia", "France"], n)})
    return events, lanes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=5, help="images per export method")
    args = parser.parse_args()

    with EventStore(":memory:") as store:
        load_dataset(store)
        events = queries.events_with_details(store, Filters())
        counts = queries.counts_over_time(store, Filters())
    fig = figures.monthly_counts_figure(counts, title="Events over time")

    print(f"PNG export, 1280×720, {args.images} images each")
    first = timed(lambda: figures.figure_png(fig), 1)
    report("figure_png: first image (starts Chromium)", first)
    report("figure_png: next images (Chromium kept open)", timed(lambda: figures.figure_png(fig), args.images))
    figures.close_png_renderer()
    report("baseline fig.to_image (Chromium per image)",
           timed(lambda: fig.to_image(format="png", width=1280, height=720), args.images))

    print(f"Building the timeline figure ({len(events)} bundled events; 2,000 synthetic)")
    report("timeline_figure, bundled events", timed(lambda: figures.timeline_figure(events), 5))
    report("baseline px.scatter, bundled events",
           timed(lambda: px.scatter(events, x="date", y="event_type", color="event_type"), 5))
    big, lanes = synthetic_events(2000)
    report("timeline_figure, 2,000 events in 5 lanes", timed(lambda: figures.timeline_figure(big, lanes), 3))
    report("baseline px.scatter, 2,000 events",
           timed(lambda: px.scatter(big, x="date", y="event_type", color="event_type"), 3))


if __name__ == "__main__":
    main()
