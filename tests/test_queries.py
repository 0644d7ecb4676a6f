"""Queries on the tiny hand-made fixture: one behaviour per test, expected values worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis import queries
from analysis.filters import Filters, describe_filters

D = dt.date


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), {"e1", "e2", "e3", "e4"}),
        # Niger: Tchiani takes part (e1, e4), the AES has Niger as a member (e3).
        (Filters(countries=("NER",)), {"e1", "e3", "e4"}),
        # Mali: Goita (e2), the AES member (e3), and e2/e3 happen in Mali.
        (Filters(countries=("MLI",)), {"e2", "e3"}),
        # Burkina Faso only through AES membership.
        (Filters(countries=("BFA",)), {"e3"}),
        (Filters(countries=("RUS",)), {"e1", "e2", "e4"}),
        (Filters(countries=("BFA", "RUS")), {"e1", "e2", "e3", "e4"}),
        (Filters(types=("CONSULT",)), {"e1", "e4"}),
        (Filters(actors=("goita",)), {"e2"}),
        (Filters(actors=("goita", "tiani")), {"e1", "e2", "e4"}),
        (Filters(topics=("other-topic",)), {"e3"}),
        (Filters(outlets=("Kremlin",)), {"e1", "e4"}),
        (Filters(origins=("acled",)), set()),
        # A month-precise event (Mar 2024) overlaps a range that starts mid-March.
        (Filters(date_from=D(2024, 3, 15), date_to=D(2024, 6, 30)), {"e1", "e2"}),
        (Filters(date_from=D(2024, 6, 3)), {"e4"}),
        (Filters(date_to=D(2023, 12, 31)), {"e3"}),
        (Filters(countries=("NER",), types=("CONSULT",), date_from=D(2025, 1, 1)), {"e4"}),
    ],
)
def test_filters_select_events(tiny_store, filters, expected):
    assert set(tiny_store.events_page(filters)["event_id"]) == expected


def test_filters_are_hashable_and_order_free():
    assert Filters(countries=("NER", "MLI")) == Filters(countries=("MLI", "NER", "MLI"))
    assert hash(Filters(types=("AGREE", "CONSULT"))) == hash(Filters(types=("CONSULT", "AGREE")))


def test_overview_counts(tiny_store):
    figures = queries.overview(tiny_store, Filters(countries=("MLI",)))
    assert figures["events"] == 2
    assert figures["actors"] == 3  # Lavrov, Goita, AES
    assert figures["sources"] == 1
    assert (figures["first_date"], figures["last_date"]) == (D(2023, 1, 1), D(2024, 3, 1))
    # e2 (Lavrov in Bamako with Goita): RUS, MLI; e3 (the AES in Mali): MLI and the members NER, BFA.
    assert figures["countries"] == 4
    # Burkina Faso takes part only through the AES's membership.
    assert queries.overview(tiny_store, Filters(countries=("BFA",)))["countries"] == 3


def test_counts_never_finer_than_the_date_precision(tiny_store):
    counts = queries.counts_over_time(tiny_store, Filters(), "month")
    by_event = {(r.event_type, r.period.date()): r.period_unit for r in counts.itertuples()}
    assert by_event[("RETREAT", D(2023, 1, 1))] == "year"  # known to the year only
    assert by_event[("AGREE", D(2024, 3, 1))] == "month"
    assert counts["events"].sum() == 4


def test_counts_by_year_put_everything_in_years(tiny_store):
    counts = queries.counts_over_time(tiny_store, Filters(), "year")
    assert set(counts["period_unit"]) == {"year"}
    assert dict(counts.groupby(counts["period"].dt.year)["events"].sum()) == {2023: 1, 2024: 2, 2025: 1}


def test_counts_by_day_keep_month_events_in_their_month(tiny_store):
    counts = queries.counts_over_time(tiny_store, Filters(), "day")
    units = dict(zip(counts["event_type"] + counts["period"].astype(str), counts["period_unit"], strict=False))
    assert units["AGREE2024-03-01"] == "month"
    assert units["CONSULT2024-06-02"] == "day"


def test_unknown_time_unit_is_refused(tiny_store):
    with pytest.raises(ValueError, match="unit must be one of"):
        queries.counts_over_time(tiny_store, Filters(), "fortnight")


def test_capital_links_draw_no_self_loops(tiny_store):
    links = queries.capital_links(tiny_store, Filters())
    pairs = {(r.from_name, r.to_name): r.events for r in links.itertuples()}
    # e1 Tchiani (Niamey) in Moscow; e2 Lavrov (Moscow) in Bamako, Goita at home;
    # e4 Lavrov in Niamey, Tchiani at home; e3 AES has no home capital.
    assert pairs == {("Niamey", "Moscow"): 1, ("Moscow", "Bamako"): 1, ("Moscow", "Niamey"): 1}
    assert all(r.from_id != r.to_id for r in links.itertuples())


def test_capital_links_carry_event_ids_and_latest_summaries(tiny_store):
    links = queries.capital_links(tiny_store, Filters(countries=("NER",)))
    row = links[(links["from_name"] == "Moscow") & (links["to_name"] == "Niamey")].iloc[0]
    assert row["latest_ids"] == "e4"
    assert tiny_store.link_event_ids(Filters(countries=("NER",)), row["from_id"], row["to_id"]) == ["e4"]
    assert row["latest_events"] == ["15 Jan 2025: Lavrov visits Niamey <b>bold</b>."]


def test_cooccurrence_counts_and_jaccard(tiny_store):
    pairs = queries.cooccurrence_pairs(tiny_store, Filters())
    got = {(r.actor_a, r.actor_b): (r.together, round(r.jaccard, 3)) for r in pairs.itertuples()}
    # Lavrov is in e1 e2 e4, Tchiani in e1 e4: together 2, union 3.
    assert got == {("lavrov", "tiani"): (2, 0.667), ("goita", "lavrov"): (1, 0.333)}


def test_cooccurrence_follows_the_filter(tiny_store):
    pairs = queries.cooccurrence_pairs(tiny_store, Filters(types=("AGREE",)))
    assert list(zip(pairs["actor_a"], pairs["actor_b"], pairs["jaccard"], strict=False)) == [("goita", "lavrov", 1.0)]


def test_cooccurrence_matrix_is_symmetric_and_clustered(tiny_store):
    pairs = queries.cooccurrence_pairs(tiny_store, Filters())
    matrix = queries.cooccurrence_matrix(pairs, queries.actor_event_counts(tiny_store, Filters()))
    assert (matrix.values == matrix.values.T).all()
    assert matrix.loc["Sergei Lavrov", "Abdourahamane Tchiani"] == 2
    # The AES co-occurs with nobody, so it sits in a cluster of its own, last.
    assert list(matrix.index)[-1] == "Alliance of Sahel States"


def test_actor_partners(tiny_store):
    pairs = queries.cooccurrence_pairs(tiny_store, Filters())
    partners = queries.actor_partners(pairs, "lavrov")
    assert list(partners["partner_id"]) == ["tiani", "goita"]


def test_export_record_shape(tiny_store):
    records = queries.export_records(tiny_store, Filters(actors=("goita",)))
    assert len(records) == 1
    record = records[0]
    assert record["date"] == "2024-03-01" and record["date_precision"] == "month"
    roles = {a["name"]: a["role_in_event"] for a in record["actors"]}
    assert roles == {"Sergei Lavrov": "source", "Assimi Goita": "target"}
    assert record["location"] == {"name": "Bamako", "country": "MLI", "lat": 12.6392, "lon": -8.0029}
    assert record["sources"][0]["evidence"] == "agreed to cooperate"


def test_export_csv_joins_lists(tiny_store):
    text = queries.records_to_csv(queries.export_records(tiny_store, Filters(actors=("tiani",))))
    lines = text.strip().splitlines()
    assert len(lines) == 3
    assert "Kremlin (official); AFP (wire)" in text  # oldest report first


def test_search_looks_in_summaries_actor_names_and_evidence(tiny_store):
    assert set(queries.events_with_details(tiny_store, Filters(), search="GOITA")["event_id"]) == {"e2"}
    assert set(queries.events_with_details(tiny_store, Filters(), search="left the bloc")["event_id"]) == {"e3"}
    assert queries.events_with_details(tiny_store, Filters(), search="%").empty is False


@pytest.mark.parametrize(
    ("date", "precision", "end", "label"),
    [
        (D(2025, 8, 14), "day", None, "14 Aug 2025"),
        (D(2023, 9, 1), "month", None, "Sep 2023"),
        (D(2020, 1, 1), "year", None, "2020"),
        (D(2024, 6, 1), "month", D(2024, 9, 1), "Jun 2024 – Sep 2024"),
    ],
)
def test_date_label_says_only_what_is_known(date, precision, end, label):
    assert queries.date_label(date, precision, end) == label


@pytest.mark.parametrize(
    ("filters", "count", "span", "sentence"),
    [
        (Filters(), 4, (D(2023, 1, 1), D(2025, 1, 15)), "4 events · Jan 2023 – Jan 2025 · all countries"),
        (Filters(countries=("NER", "RUS"), types=("CONSULT", "AGREE")), 14, (D(2024, 1, 5), D(2025, 8, 14)),
         "14 events · Jan 2024 – Aug 2025 · Niger, Russia · AGREE, CONSULT"),
        (Filters(date_from=D(2025, 8, 1), date_to=D(2025, 8, 31)), 1, None, "1 event · Aug 2025 · all countries"),
        (Filters(topics=("mali-internal",), outlets=("AFP",)), 0, None,
         "0 events · all countries · topic mali-internal · reported by AFP"),
    ],
)
def test_describe_filters(filters, count, span, sentence):
    assert describe_filters(filters, count, span) == sentence


def test_describe_uses_actor_names(tiny_store):
    assert queries.describe(tiny_store, Filters(actors=("goita",))).endswith("with Assimi Goita")


@pytest.mark.parametrize(("n", "label"), [(0, "0"), (9876, "9,876"), (999_999, "999,999"),
                                          (1_000_000, "1M"), (1_234_567, "1.2M"),
                                          (10_000_000, "10M"), (3_333_333, "3.3M")])
def test_count_label_is_short_for_headline_figures(n, label):
    assert queries.count_label(n) == label
