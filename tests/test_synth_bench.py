"""Synthetic stores, the fast read paths against a plain pandas computation, and bench --json."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from analysis import queries
from analysis.__main__ import main
from analysis.bench import FILTERS, PAGES, PandasBaseline
from analysis.filters import Filters
from analysis.importers.load import import_file
from analysis.schema import PLOVER_TYPES, is_iso3
from analysis.store import EventStore
from analysis.store.core import _country_months
from analysis.synth import build_synthetic

FIXTURES = Path(__file__).parent / "fixtures"
N = 2000


@pytest.fixture(scope="module")
def synth_store():
    with EventStore(":memory:") as store:
        build_synthetic(store, N, seed=11)
        yield store


CHECKED_FILTERS = [
    Filters(),
    FILTERS["one-country-year"],
    Filters(countries=("NER", "RUS"), types=("CONSULT", "AGREE", "ASSAULT")),
    Filters(countries=("BFA", "MLI", "NER"), date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 12, 31)),  # a bloc
    Filters(countries=("BFA", "MLI", "NER"), types=("COOPERATE", "AID")),
    Filters(date_from=dt.date(2021, 3, 5)),
    Filters(date_to=dt.date(2019, 6, 30), origins=("acled", "curated")),
    Filters(actors=("syn:state:RUS",), topics=("russia-aes",)),
    Filters(outlets=("TASS", "AFP"), countries=("BFA",)),
]


def test_synthetic_store_has_a_realistic_shape(synth_store):
    events = synth_store.table("events")
    links = synth_store.table("event_actors")
    assert len(events) == N
    assert set(events["event_type"]) == set(PLOVER_TYPES)
    per_event = links.groupby("event_id").size()
    assert per_event.min() >= 1 and per_event.max() <= 6 and len(per_event) == N
    dates = pd.to_datetime(events["date"])
    assert dates.min().year == 2016 and dates.max().year == 2025
    # Skewed: the busiest actor takes part in far more events than the typical one.
    per_actor = links.groupby("actor_id").size()
    assert per_actor.max() > 10 * per_actor.median()
    assert set(events["date_precision"]) == {"day", "month", "year"}


def test_synth_refuses_a_store_with_events(synth_store):
    with pytest.raises(ValueError, match="already holds events"):
        build_synthetic(synth_store, 10)


@pytest.mark.parametrize("filters", CHECKED_FILTERS, ids=lambda f: str(f)[:60])
def test_fast_reads_match_a_plain_pandas_computation(synth_store, filters):
    """The fact tables and totals give the same answers as pandas on the base tables."""
    pandas = PandasBaseline(synth_store)
    selected = pandas.select(filters)
    if filters.outlets:
        ids = pandas.event_sources.merge(pandas.sources, on="source_id")
        selected = selected[selected["event_id"].isin(ids.loc[ids["outlet"].isin(filters.outlets), "event_id"])]
    if filters.types:
        selected = selected[selected["event_type"].isin(filters.types)]
    if filters.origins:
        selected = selected[selected["origin"].isin(filters.origins)]
    if filters.topics:
        selected = selected[selected["topic"].isin(filters.topics)]
    if filters.actors:
        ids = pandas.event_actors.loc[pandas.event_actors["actor_id"].isin(filters.actors), "event_id"]
        selected = selected[selected["event_id"].isin(ids)]
    assert synth_store.event_count(filters) == len(selected)

    page = synth_store.events_page(filters, limit=25, offset=5)
    expected = selected.sort_values(["date", "event_id"], ascending=[False, True]).iloc[5:30]
    assert page["event_id"].tolist() == expected["event_id"].tolist()

    links = pandas.event_actors[pandas.event_actors["event_id"].isin(selected["event_id"])]
    per_actor = links.groupby("actor_id").size().sort_index()
    got = synth_store.actor_event_counts(filters).set_index("actor_id")["events"].sort_index()
    assert got.to_dict() == per_actor.to_dict()

    pairs = links.merge(links, on="event_id")
    pairs = pairs[pairs["actor_id_x"] < pairs["actor_id_y"]].groupby(["actor_id_x", "actor_id_y"]).size()
    got_pairs = synth_store.cooccurrence_pairs(filters).set_index(["actor_a", "actor_b"])["together"]
    assert got_pairs.sort_index().to_dict() == pairs.sort_index().to_dict()
    top = synth_store.cooccurrence_pairs(filters, limit=10)
    assert top["together"].tolist() == sorted(pairs.tolist(), reverse=True)[:10]

    # Pairs among chosen actors, one actor's partners, and the events two actors share.
    every_pair = synth_store.cooccurrence_pairs(filters)
    busiest = synth_store.actor_event_counts(filters)["actor_id"].head(6).tolist()
    among = synth_store.cooccurrence_pairs_among(filters, busiest)
    expected_among = every_pair[every_pair["actor_a"].isin(busiest) & every_pair["actor_b"].isin(busiest)]
    assert among.to_dict("records") == expected_among.reset_index(drop=True).to_dict("records")
    if busiest:
        partners = synth_store.actor_partner_pairs(filters, busiest[0])
        expected_partners = every_pair[(every_pair["actor_a"] == busiest[0]) | (every_pair["actor_b"] == busiest[0])]
        assert partners.to_dict("records") == expected_partners.reset_index(drop=True).to_dict("records")
    if len(expected_among):
        a, b = expected_among.iloc[0][["actor_a", "actor_b"]]
        shared = synth_store.shared_event_ids(filters, [a, b])
        with_a = set(links.loc[links["actor_id"] == a, "event_id"])
        with_b = set(links.loc[links["actor_id"] == b, "event_id"])
        assert set(shared) == with_a & with_b and len(shared) == expected_among.iloc[0]["together"]
        dates = selected.set_index("event_id").loc[shared, "date"].tolist()
        assert dates == sorted(dates, reverse=True)
        assert synth_store.shared_event_ids(filters, [a, b], limit=3) == shared[:3]

    places = selected.groupby("place_id").size()
    got_places = synth_store.place_counts(filters).set_index("place_id")["events"]
    assert got_places.sort_index().to_dict() == places.sort_index().to_dict()

    counts = synth_store.counts_over_time(filters, "year")
    assert counts["events"].sum() == len(selected)
    figures = synth_store.overview(filters)
    assert figures["events"] == len(selected)
    assert figures["actors"] == links["actor_id"].nunique()
    # Countries and sources are counted apart from the fact tables' own country rule: both agree.
    expected_figures = pandas._figures(selected)
    assert (figures["countries"], figures["sources"]) == (expected_figures["countries"], expected_figures["sources"])

    capital_links = synth_store.capital_links(filters)
    expected_links = expected_capital_links(pandas, selected)
    got_links = {(r.from_id, r.to_id): r for r in capital_links.itertuples()}
    assert set(got_links) == set(expected_links)
    date_of = dict(zip(selected["event_id"], selected["date"], strict=True))
    type_of = dict(zip(selected["event_id"], selected["event_type"], strict=True))
    sparse = 0  # links whose latest events lie more than a month apart
    for key, ids in expected_links.items():
        row = got_links[key]
        assert row.events == len(ids)
        assert set(row.event_types.split(",")) == {type_of[i] for i in ids}
        # The latest ids are the newest of the link's events.
        latest = row.latest_ids.split(",")
        assert len(latest) == len(set(latest)) == min(3, len(ids)) and set(latest) <= ids
        if len(ids) > len(latest):
            assert min(date_of[i] for i in latest) >= max(date_of[i] for i in ids - set(latest))
        dates = sorted((date_of[i] for i in ids), reverse=True)[:3]
        sparse += len(dates) == 3 and (dates[0] - dates[2]).days > 31
        # A clicked link lists all its events, newest first.
        listed = synth_store.link_event_ids(filters, *key)
        assert set(listed) == ids and len(listed) == len(ids)
        assert [date_of[i] for i in listed] == sorted((date_of[i] for i in listed), reverse=True)
        assert synth_store.link_event_ids(filters, *key, limit=2) == listed[:2]
    if filters == Filters():
        assert sparse > 0  # the search beyond a link's last month is exercised
    assert capital_links["roles"].str.len().gt(0).all()
    if len(capital_links):
        # The busiest links asked for are the head of all of them, in the same order.
        top = synth_store.capital_links(filters, limit=7)
        columns = ["from_id", "to_id", "events", "latest", "event_types", "roles"]
        assert top[columns].to_dict("records") == capital_links.head(7)[columns].to_dict("records")
        assert set(top["total_links"]) == {len(capital_links)}
        assert [set(i.split(",")) for i in top["latest_ids"]] == [set(i.split(",")) for i in
                                                                  capital_links.head(7)["latest_ids"]]


def expected_capital_links(pandas, selected) -> dict[tuple[str, str], set[str]]:
    """(capital, place) → ids of the selected events with an actor from that capital, in pandas."""
    legs = (selected[["event_id", "place_id"]].merge(pandas.event_actors, on="event_id")
            .merge(pandas.actors[["actor_id", "country"]], on="actor_id")
            .merge(pandas.places.loc[pandas.places["is_capital"] == True, ["place_id", "country"]]  # noqa: E712
                   .rename(columns={"place_id": "from_id"}), on="country"))
    legs = legs[legs["from_id"] != legs["place_id"]]
    return {key: set(group["event_id"]) for key, group in legs.groupby(["from_id", "place_id"])}


def expected_details(store, event_ids):
    """Actors, sources and countries of events, computed by pandas from the base tables."""
    pandas = PandasBaseline(store)
    ids = set(event_ids)
    actors = pandas.event_actors[pandas.event_actors["event_id"].isin(ids)].merge(pandas.actors, on="actor_id")
    sources = pandas.event_sources[pandas.event_sources["event_id"].isin(ids)].merge(pandas.sources, on="source_id")
    countries = set()
    for code in set(pandas.actors["country"].dropna()) | set(pandas.members["country"]) | set(
            pandas.places["country"].dropna()):
        chosen = pandas.select(Filters(countries=(code,)))
        countries |= {(e, code) for e in chosen["event_id"] if e in ids}
    return (sorted(zip(actors["event_id"], actors["actor_id"], actors["role_in_event"], strict=True)),
            sorted(zip(sources["event_id"], sources["source_id"], sources["evidence"].fillna(""),
                       sources["outlet"], strict=True)),
            sorted(countries))


def details(store, event_ids, days=None):
    actors = store.event_actors_for(event_ids, days)
    sources = store.event_sources_for(event_ids, days)
    countries = store.event_countries_for(event_ids, days)
    return (sorted(zip(actors["event_id"], actors["actor_id"], actors["role_in_event"], strict=True)),
            sorted(zip(sources["event_id"], sources["source_id"], sources["evidence"].fillna(""),
                       sources["outlet"], strict=True)),
            sorted(zip(countries["event_id"], countries["country"], strict=True)))


def test_page_details_match_the_base_tables_after_several_writes(tmp_path, tiny_store):
    """Details are read by event key from the fact tables; keys given by several writes
    (a synthetic store, then imports) and events scattered over the years all come back."""
    with EventStore(tmp_path / "store.duckdb") as store:
        build_synthetic(store, 400, seed=5)
        import_file(store, "gdelt", FIXTURES / "gdelt2_slice.CSV", progress=False)
        import_file(store, "acled", FIXTURES / "acled_current.csv", progress=False)
        import_file(store, "acled", FIXTURES / "acled_current_update.csv", progress=False)
        every = store.table("events")["event_id"].tolist()
        scattered = every[::9] + [e for e in every if not e.startswith("syn:")][:30]
        assert details(store, scattered) == expected_details(store, scattered)
        newest = store.events_page(Filters(), limit=50)
        ids = newest["event_id"].tolist()
        assert details(store, ids, newest["date"]) == details(store, ids) == expected_details(store, ids)
        assert all(len(part) == 0 for part in details(store, ["no-such-event"]))
    # The curated data: evidence quotes come with their sources.
    curated = tiny_store.table("events")["event_id"].tolist()
    got = details(tiny_store, curated)
    assert got == expected_details(tiny_store, curated)
    assert any(evidence for _, _, evidence, _ in got[1])


def views(store, filters):
    # Ids are listed in no particular order: compared as sets.
    links = store.capital_links(filters)
    links = links.assign(latest_ids=links["latest_ids"].str.split(",").map(frozenset))
    return (store.overview(filters), store.cooccurrence_pairs(filters).to_dict("records"), links.to_dict("records"),
            store.actor_event_counts(filters).to_dict("records"), store.place_counts(filters).to_dict("records"),
            store.counts_over_time(filters, "day").to_dict("records"))


def test_imports_into_a_big_store_keep_the_totals_right(tmp_path):
    """Incremental refresh after an import equals a full rebuild of the derived tables."""
    path = tmp_path / "store.duckdb"
    with EventStore(path) as store:
        build_synthetic(store, 500, seed=3)
        import_file(store, "gdelt", FIXTURES / "gdelt2_slice.CSV", progress=False)
        import_file(store, "acled", FIXTURES / "acled_current.csv", progress=False)
        import_file(store, "acled", FIXTURES / "acled_current_update.csv", progress=False)
        incremental = {f: views(store, f) for f in (Filters(), Filters(countries=("MLI",)))}
        cur = store.cursor()
        cur.execute("BEGIN TRANSACTION")
        store._refresh_derived(cur)
        cur.execute("COMMIT")
        rebuilt = {f: views(store, f) for f in incremental}
    assert incremental == rebuilt


# Selections of one country and dates: whole months (or open-ended), then partial first or
# last months, a span inside one month, and one across a year's end.
COUNTRY_DATES = [(None, None), (dt.date(2019, 1, 1), dt.date(2024, 12, 31)),
                 (dt.date(2021, 3, 1), dt.date(2021, 3, 31)), (None, dt.date(2020, 2, 29)),
                 (dt.date(2022, 6, 1), None), (dt.date(2023, 7, 26), None),
                 (None, dt.date(2021, 11, 15)), (dt.date(2019, 3, 5), dt.date(2024, 10, 20)),
                 (dt.date(2022, 2, 3), dt.date(2022, 2, 25)), (dt.date(2020, 12, 17), dt.date(2021, 1, 9))]


def test_one_country_and_dates_are_read_from_the_country_totals(tmp_path):
    """Actor, place and map link counts of one country (or the Alliance's three) and dates are
    summed from total_country_* (plus the fact rows of partial first and last months); the same
    events selected another way (every origin named) are counted from the facts alone. Both
    agree on a synthetic store and again after imports add and replace events."""
    split = _country_months(Filters(countries=("MLI",), date_from=dt.date(2024, 2, 1), date_to=dt.date(2024, 2, 29)))
    assert (split.first, split.last, split.before, split.after) == (dt.date(2024, 2, 1), dt.date(2024, 2, 1),
                                                                    None, None)
    split = _country_months(Filters(countries=("MLI",), date_from=dt.date(2023, 7, 26), date_to=dt.date(2024, 1, 9)))
    assert (split.first, split.last, split.before, split.after) == (dt.date(2023, 8, 1), dt.date(2023, 12, 1),
                                                                    dt.date(2023, 8, 1), dt.date(2024, 1, 1))
    assert _country_months(Filters(countries=("MLI", "NER"))) is None
    # Dates at the ends of the calendar (a hand-written link) are read from the facts.
    for start, end in ((None, dt.date(9999, 12, 31)), (dt.date(9999, 12, 2), None), (None, dt.date(1, 1, 15))):
        assert _country_months(Filters(countries=("MLI",), date_from=start, date_to=end)) is None
    assert _country_months(Filters(countries=("MLI",), types=("ASSAULT",))) is None
    with EventStore(tmp_path / "store.duckdb") as store:
        build_synthetic(store, 600, seed=5)

        def check():
            origins = tuple(store.table("events")["origin"].unique())
            # Also a partial month that ends, or begins, on the day of an event dated the 1st.
            events = store.events_page(Filters(countries=("MLI",)))
            day = next(d.date() for d, precision in zip(pd.to_datetime(events["date"]), events["date_precision"],
                                                        strict=True) if d.day == 1 and precision == "day")
            edges = [(day - dt.timedelta(days=1), None), (None, day + dt.timedelta(days=4))]
            for countries, (start, end) in [*((("MLI",), dates) for dates in COUNTRY_DATES + edges),
                                            *((("BFA", "MLI", "NER"), dates) for dates in COUNTRY_DATES[:4])]:
                summed = Filters(countries=countries, date_from=start, date_to=end)
                counted = summed.with_(origins=origins)
                assert _country_months(summed) and not _country_months(counted)
                for read in (store.actor_event_counts, store.place_counts):
                    got = read(summed)
                    assert len(got) and got.to_dict("records") == read(counted).to_dict("records")
                assert store.overview(summed) == store.overview(counted)
                for limit in (None, 5):
                    links = store.capital_links(summed, limit=limit)
                    assert len(links) and links.equals(store.capital_links(counted, limit=limit))

        check()
        # The Alliance's own rows (key "+AES") are never shown as a country.
        assert "+AES" not in store.distinct_values()["countries"]
        listed = store.events_page(Filters(countries=("BFA", "MLI", "NER")), limit=50)
        countries = set(store.event_countries_for(listed["event_id"].tolist())["country"])
        assert countries & {"BFA", "MLI", "NER"} and all(is_iso3(c) for c in countries)
        whole = store.actor_event_counts(Filters(countries=("MLI",)))
        assert store.actor_event_counts(Filters(countries=("MLI",), date_to=dt.date(9999, 12, 31))).equals(whole)
        before = whole
        for name in ("acled_current.csv", "acled_current_update.csv", "gdelt2_slice.CSV"):
            import_file(store, "gdelt" if name.startswith("gdelt") else "acled", FIXTURES / name, progress=False)
        check()
        assert not store.actor_event_counts(Filters(countries=("MLI",))).equals(before)  # the imports counted


@pytest.mark.parametrize("filters", [Filters(), FILTERS["one-country-year"],
                                     Filters(countries=("NER",), types=("AID",))],
                         ids=["all", "Mali-2024", "Niger-aid"])
def test_overview_data_read_at_once_equals_each_read_alone(tmp_path, filters):
    """The Overview reads its parts on several threads; each part equals the same read made
    alone on a fresh handle, whichever of the timeline and the monthly counts it draws."""
    path = tmp_path / "store.duckdb"
    with EventStore(path) as store:
        build_synthetic(store, 1500, seed=6)
    with EventStore(path, read_only=True) as store, EventStore(path, read_only=True) as alone:
        for _ in range(3):  # again after the results kept by the first round
            data = queries.overview_data(store, filters, marks=400, arcs=20, network_top=8, latest=5)
            alone.forget_kept_results()
            events = alone.event_count(filters)
            assert data["figures"] == alone.overview(filters) and data["figures"]["events"] == events > 0
            if events <= 400:
                timeline = queries.timeline_data(alone, filters, by="country", limit=400)
                assert data["monthly"] is None and data["timeline"][0].equals(timeline[0])
                assert data["latest"].equals(timeline[0].head(5))
            else:
                assert data["timeline"] is None
                assert data["monthly"].equals(queries.counts_over_time(alone, filters, "month"))
                assert data["latest"].equals(queries.events_with_details(alone, filters, limit=5))
            links, link_count = queries.top_capital_links(alone, filters, 20)
            assert data["links"].equals(links) and data["link_count"] == link_count
            assert data["places"].equals(alone.place_counts(filters))
            actors, pairs, count = queries.top_actors(alone, filters, 8)
            assert data["actors"].equals(actors) and data["pairs"].equals(pairs) and data["actor_count"] == count


@pytest.mark.parametrize("filters", [Filters(countries=("MLI",)),
                                     Filters(countries=("MLI",), date_from=dt.date(2019, 1, 1))],
                         ids=["Mali", "Mali-since-2019"])
def test_results_kept_for_a_page_are_forgotten_on_write(tmp_path, filters):
    """Counts kept for a page's later calls never outlive a write through the same handle."""
    path = tmp_path / "store.duckdb"
    with EventStore(path) as store:
        build_synthetic(store, 300, seed=4)
        before = views(store, filters)
        assert views(store, filters) == before  # asked again: the same answers
        import_file(store, "acled", FIXTURES / "acled_current.csv", progress=False)
        after = views(store, filters)
    with EventStore(path) as fresh:
        assert views(fresh, filters) == after
    assert after != before  # the import added Malian events


def test_results_kept_by_one_handle_are_dropped_when_another_writes(tmp_path):
    """The dashboard's handle reads while another writes: a new data version drops what it kept."""
    path = tmp_path / "store.duckdb"
    filters = Filters(countries=("MLI",))
    with EventStore(path) as reader:
        build_synthetic(reader, 300, seed=4)
        version, before = reader.data_version(), views(reader, filters)
        writer = EventStore(path)
        import_file(writer, "acled", FIXTURES / "acled_current.csv", progress=False)
        assert reader.data_version() != version
        assert views(reader, filters) == views(writer, filters) != before
        writer.close()


def test_bench_json_lines(tmp_path, capsys):
    code = main(["bench", "--events", "300", "--runs", "1", "--json", "--dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert {(r["page"], r["filter"]) for r in rows} == {(p, f) for p in PAGES for f in FILTERS}
    for row in rows:
        assert row["events"] == 300
        assert {"p50_ms", "p95_ms", "peak_mb", "pandas_p50_ms", "speedup"} <= set(row)
        assert row["p95_ms"] >= row["p50_ms"] > 0 and row["peak_mb"] > 0
    # Some pages only, without the baseline, as a table.
    code = main(["bench", "--events", "300", "--runs", "1", "--dir", str(tmp_path), "--pages", "map", "overview",
                 "--no-baseline"])
    out = capsys.readouterr().out
    assert code == 0
    lines = [line.split() for line in out.splitlines() if line.startswith(("map ", "overview ", "timeline "))]
    assert sorted((line[0], line[1]) for line in lines) == sorted((p, f) for p in ("map", "overview") for f in FILTERS)
    assert all(line[4:6] == ["–", "–"] for line in lines)


def test_alliance_pages_benchmark_times_every_page(tmp_path, capsys):
    """benchmarks/alliance_pages.py times each page for the three Alliance countries in 2024."""
    import importlib.util

    path = tmp_path / "store.duckdb"
    with EventStore(path) as store:
        build_synthetic(store, 400, seed=8)
    spec = importlib.util.spec_from_file_location("alliance_pages", Path(__file__).parents[1] / "benchmarks"
                                                  / "alliance_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main([str(path), "--runs", "1"]) == 0
    out = capsys.readouterr().out
    with EventStore(path, read_only=True) as store:
        assert f"{store.event_count(module.ALLIANCE_YEAR):,} events" in out
    assert [line.split()[0] for line in out.splitlines()[1:]] == list(PAGES)
    assert module.main([str(tmp_path / "missing.duckdb")]) == 2
