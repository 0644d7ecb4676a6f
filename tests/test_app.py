"""The dashboard pages in Streamlit's AppTest: every page, links with and without filters, bad links.

The app reads a store in a temporary file (``EVENTS_DB``) filled with the tiny hand-made
fixture of ``tests/conftest.py``, so the dev store is never touched and figures are known.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis import queries
from analysis.filters import Filters
from analysis.schema import validate_tables
from analysis.store import EventStore
from analysis.synth import build_synthetic
from tests.conftest import fill_missing_columns, fixture_tables
from ui.params import FILTER_PARAMS, VIEW_PARAMS, Choices, filters_to_params, parse_filters, parse_view_param

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGES = ["pages/1_Timeline.py", "pages/2_Map.py", "pages/3_Actors.py", "pages/4_Events.py",
         "pages/5_About_the_data.py"]
TIMEOUT = 60


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    """A store file with the fixture data; EVENTS_DB points at it while this module runs."""
    path = str(tmp_path_factory.mktemp("store") / "events.duckdb")
    store = EventStore(path)
    store.write_tables(validate_tables(fill_missing_columns(fixture_tables())))
    old = os.environ.get("EVENTS_DB")
    os.environ["EVENTS_DB"] = path
    yield path
    if old is None:
        os.environ.pop("EVENTS_DB", None)
    else:
        os.environ["EVENTS_DB"] = old


@pytest.fixture(scope="module")
def store(db_path):
    """The same store file, opened by the test (same process, so no lock conflict)."""
    return EventStore(db_path)


def run_page(page: str = "app.py", params: dict | None = None) -> AppTest:
    """Open the app with query parameters, as a first request would, and go to ``page``.

    A deep link to a page runs that page's script with the parameters; AppTest starts from
    the entry script, so the parameters are given to the page's run after the switch.
    """
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if page != "app.py":
        at.run()
        at.switch_page(page)
        at.query_params.clear()
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.text]
    parts += [h.proto.body for h in at.get("html")]
    return "\n".join(str(p) for p in parts)


# --- every page ------------------------------------------------------------------------------

@pytest.mark.parametrize("page", ["app.py", *PAGES])
def test_every_page_runs_without_parameters(db_path, page):
    at = run_page(page)
    assert_clean(at)
    assert at.title, "the page has a title"
    assert "4 events" in page_text(at), "the sentence under the title counts the fixture's events"


@pytest.mark.parametrize("page", ["app.py", *PAGES])
def test_every_page_applies_a_country_link(db_path, store, page):
    at = run_page(page, {"country": ["NER"]})
    assert_clean(at)
    assert at.multiselect(key="flt_country").value == ["NER"]
    expected = queries.describe(store, Filters(countries=("NER",)))
    assert expected in page_text(at)
    assert "Niger" in expected
    assert at.query_params.get("country") == "NER"


@pytest.mark.parametrize("page", PAGES)
def test_a_page_run_on_its_own_still_works(db_path, page):
    """The known pitfall: a deep link may run a page file without the entry script."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT)
    at.query_params["country"] = ["NER"]
    at.run()
    assert_clean(at)
    assert at.multiselect(key="flt_country").value == ["NER"]


def test_overview_counts_per_month_when_too_many_events_to_draw(tmp_path, monkeypatch):
    """Beyond 500 events the Overview's small timeline counts them per month; the latest are still listed."""
    path = tmp_path / "many.duckdb"
    with EventStore(path) as store:
        build_synthetic(store, 600, seed=2)
        newest = store.events_page(Filters(), limit=1)["summary"].iloc[0]
    monkeypatch.setenv("EVENTS_DB", str(path))
    at = run_page("app.py")
    assert_clean(at)
    assert "600 events: too many to draw one by one here" in page_text(at)
    assert newest in page_text(at)
    # A selection small enough is drawn event by event again.
    at = run_page("app.py", {"country": ["MLI"], "from": ["2025-12-01"]})
    assert_clean(at)
    assert "too many to draw" not in page_text(at)
    assert at.get("plotly_chart")


def test_timeline_says_since_when_its_marks_run_when_it_cannot_draw_them_all(tmp_path, monkeypatch):
    path = tmp_path / "many.duckdb"
    with EventStore(path) as store:
        build_synthetic(store, 2300, seed=3)
        drawn = store.events_page(Filters(), limit=2000)
    monkeypatch.setenv("EVENTS_DB", str(path))
    at = run_page("pages/1_Timeline.py")
    assert_clean(at)
    since = queries.date_label(drawn["date"].min(), "day")
    assert f"latest 2,000 of 2,300 events as marks (those since {since})" in page_text(at)


# --- figures and links --------------------------------------------------------------------------

def test_headline_figures_equal_the_analysis_overview(db_path, store):
    filters = Filters(countries=("NER",), types=("CONSULT",))
    at = run_page("app.py", filters_to_params(filters))
    assert_clean(at)
    expected = queries.overview(store, filters)
    assert expected["events"] > 0
    shown = metric_values(at)
    for label, key in (("Events", "events"), ("Actors", "actors"), ("Countries", "countries"),
                       ("Sources", "sources")):
        assert shown[label] == f"{expected[key]:,}", label


def test_malformed_values_are_dropped_with_a_note_and_the_rest_applies(db_path, store):
    at = run_page("app.py", {"country": ["XXX", "NER"], "from": "notadate", "type": ["FOO", "CONSULT"]})
    assert_clean(at)
    note = " ".join(w.value for w in at.warning)
    for bad in ("XXX", "notadate", "FOO"):
        assert bad in note
    assert at.multiselect(key="flt_country").value == ["NER"]
    assert at.multiselect(key="flt_type").value == ["CONSULT"]
    expected = queries.overview(store, Filters(countries=("NER",), types=("CONSULT",)))
    assert metric_values(at)["Events"] == str(expected["events"])
    assert dict(at.query_params) == {"country": "NER", "type": "CONSULT"}, "the URL is rewritten to what applies"


def test_unknown_actor_topic_and_parameter_are_named(db_path):
    at = run_page("pages/4_Events.py", {"actor": ["nobody", "lavrov"], "topic": "no-such-topic", "contry": "NER"})
    assert_clean(at)
    note = " ".join(w.value for w in at.warning)
    assert "nobody" in note and "no\\-such\\-topic" in note and "contry" in note
    assert at.multiselect(key="flt_actor").value == ["lavrov"]


def test_markup_in_a_link_is_shown_as_text(db_path):
    at = run_page("app.py", {"outlet": "<b>x</b>", "topic": "[click](http://evil.example)"})
    assert_clean(at)
    note = " ".join(w.value for w in at.warning)
    assert "x" in note and "evil" in note
    assert re.search(r"(?<!\\)[<>\[\]()]", note) is None, "every markup character is escaped"


def test_text_from_the_data_is_never_html(db_path):
    at = run_page("pages/1_Timeline.py")
    assert_clean(at)
    cards = " ".join(h.proto.body for h in at.get("html"))
    assert "Lavrov visits Niamey &lt;b&gt;bold&lt;/b&gt;." in cards
    assert "<b>bold</b>" not in cards


@pytest.mark.parametrize("page", ["app.py", "pages/2_Map.py", "pages/3_Actors.py"])
def test_dates_at_the_ends_of_the_calendar_do_not_break_a_page(db_path, store, page):
    """A hand-written link may carry any ISO date; one country read from its totals used to
    fail on months past year 9999."""
    at = run_page(page, {"country": "MLI", "from": "2024-01-01", "to": "9999-12-31"})
    assert_clean(at)
    if page == "app.py":
        expected = queries.overview(store, Filters(countries=("MLI",), date_from=dt.date(2024, 1, 1)))
        assert expected["events"] > 0 and metric_values(at)["Events"] == str(expected["events"])


def test_dates_out_of_order_are_swapped(db_path, store):
    at = run_page("app.py", {"from": "2025-01-01", "to": "2024-01-01"})
    assert_clean(at)
    assert "swapped" in " ".join(w.value for w in at.warning)
    assert at.date_input(key="flt_from").value == dt.date(2024, 1, 1)
    expected = queries.overview(store, Filters(date_from=dt.date(2024, 1, 1), date_to=dt.date(2025, 1, 1)))
    assert metric_values(at)["Events"] == str(expected["events"])


def test_an_empty_selection_says_so_in_words(db_path):
    at = run_page("pages/1_Timeline.py", {"country": "FRA"})
    assert_clean(at)
    assert at.info and "No events match" in at.info[0].value
    assert not at.get("plotly_chart")


def test_filters_carry_over_when_a_page_switch_drops_the_parameters(db_path):
    at = run_page("app.py", {"country": "MLI", "type": "AGREE"})
    assert_clean(at)
    at.switch_page("pages/2_Map.py")
    at.query_params.clear()
    at.run()
    assert_clean(at)
    assert at.multiselect(key="flt_country").value == ["MLI"]
    assert dict(at.query_params) == {"country": "MLI", "type": "AGREE"}


def test_changing_a_filter_writes_codes_to_the_url(db_path):
    at = run_page("pages/1_Timeline.py", {"country": "NER", "lane": "actor"})
    at.multiselect(key="flt_country").select("MLI").run()
    assert_clean(at)
    assert sorted(at.query_params["country"]) == ["MLI", "NER"]
    assert at.query_params["lane"] == "actor", "the page's own parameter stays"
    clear = next(b for b in at.button if b.label == "Clear filters")
    clear.click().run()
    assert "country" not in at.query_params


def test_the_sidebar_links_carry_the_filters(db_path):
    at = run_page("pages/3_Actors.py", {"country": "NER", "from": "2024-01-01"})
    links = at.get("page_link")
    assert len(links) >= 6
    for link in links[:6]:
        assert "country=NER" in link.proto.query_string and "from=2024-01-01" in link.proto.query_string


# --- page-specific parameters ---------------------------------------------------------------------

def test_timeline_lanes_by_actor_from_the_link(db_path):
    at = run_page("pages/1_Timeline.py", {"lane": "actor"})
    assert_clean(at)
    assert at.get("button_group")[0].value == "actor"
    assert at.query_params.get("lane") == "actor"


def test_a_bad_view_parameter_falls_back_with_a_note(db_path):
    at = run_page("pages/3_Actors.py", {"measure": "sideways"})
    assert_clean(at)
    assert "sideways" in " ".join(w.value for w in at.warning)
    assert "measure" not in at.query_params


def test_actor_focus_not_in_the_selection_is_ignored_with_a_message(db_path):
    at = run_page("pages/3_Actors.py", {"focus": "goita", "country": ["NER"]})
    assert_clean(at)
    assert any("is not an actor in this selection" in w.value for w in at.warning)
    assert at.selectbox(key="view_focus").value is None


def test_a_quiet_actor_beyond_the_offered_list_can_still_be_the_focus(tmp_path, monkeypatch):
    """The Actors page offers the 2,000 busiest actors; a link may name a quieter one."""
    tables = fixture_tables()
    quiet = [{"actor_id": f"q{i:04d}", "name": f"Quiet actor {i:04d}", "kind": "person", "country": "MLI"}
             for i in range(2001)]
    tables["actors"] += quiet
    tables["events"] += [{"event_id": f"qe{i:04d}", "date": "2024-05-01", "date_precision": "day",
                          "event_type": "CONSULT", "summary": f"Quiet event {i}", "origin": "curated",
                          "topic": "russia-aes"}
                         for i in range(2001)]
    # The first 2,000 quiet actors take part in two events each, the last one in one.
    tables["event_actors"] += [{"event_id": f"qe{i:04d}", "actor_id": f"q{i:04d}", "role_in_event": "source"}
                               for i in range(2001)]
    tables["event_actors"] += [{"event_id": f"qe{(i + 1) % 2000:04d}", "actor_id": f"q{i:04d}",
                                "role_in_event": "target"} for i in range(2000)]
    path = tmp_path / "many-actors.duckdb"
    with EventStore(path) as many:
        many.write_tables(validate_tables(fill_missing_columns(tables)))
    monkeypatch.setenv("EVENTS_DB", str(path))
    at = run_page("pages/3_Actors.py", {"focus": "q2000"})
    assert_clean(at)
    box = at.selectbox(key="view_focus")
    assert box.value == "q2000"
    assert "the 2,000 busiest" in box.label
    assert "Quiet event 2000" in page_text(at)
    assert not at.warning


def test_actor_focus_lists_partners_and_events(db_path, store):
    at = run_page("pages/3_Actors.py", {"focus": "lavrov", "measure": "jaccard"})
    assert_clean(at)
    partners = at.dataframe[-1].value
    assert set(partners["partner"]) == {"Abdourahamane Tchiani", "Assimi Goita"}
    cards = at.get("html")[-1].proto.body
    assert cards.count("border-left") == queries.overview(store, Filters(actors=("lavrov",)))["events"]


def test_events_search_counts_matches_and_offers_downloads(db_path, store):
    at = run_page("pages/4_Events.py", {"q": "niamey"})
    assert_clean(at)
    expected = queries.event_search_count(store, Filters(), "niamey")
    assert f"of {expected:,}" in page_text(at)
    assert len(at.dataframe[0].value) == expected
    labels = [b.proto.label for b in at.get("download_button")]
    total = queries.overview(store, Filters())["events"]
    assert f"CSV ({total} events)" in labels and f"JSON ({total} events)" in labels


def test_new_data_shows_without_a_restart(tmp_path, monkeypatch):
    """Results are cached, but keyed on the data version: a write shows on the next run."""
    path = str(tmp_path / "growing.duckdb")
    store = EventStore(path)
    tables = fill_missing_columns(fixture_tables())
    first = {k: v for k, v in tables.items() if k != "events"} | {"events": tables["events"][:3]}
    first["event_actors"] = [r for r in tables["event_actors"] if r["event_id"] != "e4"]
    first["event_sources"] = [r for r in tables["event_sources"] if r["event_id"] != "e4"]
    store.write_tables(validate_tables(first))
    monkeypatch.setenv("EVENTS_DB", path)
    at = run_page("app.py")
    assert metric_values(at)["Events"] == "3"
    rest = {"events": tables["events"][3:],
            "event_actors": [r for r in tables["event_actors"] if r["event_id"] == "e4"],
            "event_sources": [r for r in tables["event_sources"] if r["event_id"] == "e4"]}
    store.write_tables(validate_tables(rest, store.existing_ids()))
    at.run()
    assert metric_values(at)["Events"] == "4"


# --- URL parameters as a pure function --------------------------------------------------------------

KNOWN = Choices(actors=frozenset({"lavrov", "tiani"}), topics=frozenset({"russia-aes"}), outlets=frozenset({"AFP"}))


@pytest.mark.parametrize(("params", "expected", "bad"), [
    ({}, Filters(), []),
    ({"country": ["NER"]}, Filters(countries=("NER",)), []),
    ({"country": ["ner,mli"]}, Filters(countries=("MLI", "NER")), []),
    ({"country": ["XXX", "NER"]}, Filters(countries=("NER",)), ["XXX"]),
    ({"from": ["2024-01-01"], "to": ["2024-12-31"]},
     Filters(date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 12, 31)), []),
    ({"from": ["2024-02-30"]}, Filters(), ["2024-02-30"]),
    ({"from": ["01/02/2024"]}, Filters(), ["01/02/2024"]),
    ({"type": ["consult", "FOO"]}, Filters(types=("CONSULT",)), ["FOO"]),
    ({"actor": ["lavrov", "putin"]}, Filters(actors=("lavrov",)), ["putin"]),
    ({"topic": ["russia-aes"], "outlet": ["AFP", "TASS"]}, Filters(topics=("russia-aes",), outlets=("AFP",)), ["TASS"]),
    ({"origin": ["GDELT", "rumour"]}, Filters(origins=("gdelt",)), ["rumour"]),
    ({"lane": ["actor"]}, Filters(), []),
    ({"utm_source": ["x"]}, Filters(), ["utm_source"]),
    ({"country": [""]}, Filters(), []),
])
def test_parse_filters(params, expected, bad):
    filters, notes = parse_filters(params, KNOWN)
    assert filters == expected
    assert len(notes) == len(bad)
    for value, note in zip(bad, notes, strict=True):
        assert value in note


def test_parameters_round_trip():
    filters = Filters(countries=("NER", "MLI"), date_from=dt.date(2024, 1, 1), types=("AGREE",), actors=("lavrov",),
                      topics=("russia-aes",), outlets=("AFP",), origins=("curated",))
    params = filters_to_params(filters)
    assert params["country"] == ["MLI", "NER"] and params["from"] == ["2024-01-01"]
    assert parse_filters(params, KNOWN) == (filters, [])


def test_view_parameters():
    assert parse_view_param("lane", ["ACTOR"], "country") == ("actor", [])
    value, notes = parse_view_param("lane", ["diagonal"], "country")
    assert value == "country" and "diagonal" in notes[0]
    assert parse_view_param("q", [" wagner "], "") == ("wagner", [])


def test_every_url_parameter_is_documented():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in [*FILTER_PARAMS, *VIEW_PARAMS]:
        assert f"`{name}`" in text, f"README.md does not describe the URL parameter {name}"


# --- the query functions the pages add (checked against the general ones) ------------------------

def test_pairs_among_chosen_actors_are_the_general_pairs_restricted(tiny_store):
    general = queries.cooccurrence_pairs(tiny_store, Filters())
    chosen = ["lavrov", "goita"]
    among = tiny_store.cooccurrence_pairs_among(Filters(), chosen)
    expected = general[general["actor_a"].isin(chosen) & general["actor_b"].isin(chosen)]
    assert among.reset_index(drop=True).equals(expected.reset_index(drop=True))


def test_partner_pairs_are_the_general_pairs_of_one_actor(tiny_store):
    general = queries.cooccurrence_pairs(tiny_store, Filters(countries=("NER",)))
    mine = queries.actor_partner_pairs(tiny_store, Filters(countries=("NER",)), "lavrov")
    expected = general[(general["actor_a"] == "lavrov") | (general["actor_b"] == "lavrov")]
    assert mine.reset_index(drop=True).equals(expected.reset_index(drop=True))


def test_top_actors_are_the_busiest(tiny_store):
    actors, pairs, count = queries.top_actors(tiny_store, Filters(), top=2)
    assert count == len(queries.actor_event_counts(tiny_store, Filters()))
    assert list(actors["actor_id"]) == ["lavrov", "tiani"]
    assert set(pairs["actor_a"]) | set(pairs["actor_b"]) <= {"lavrov", "tiani"}


def test_top_capital_links_match_capital_links(tiny_store):
    full = queries.capital_links(tiny_store, Filters())
    top, total = queries.top_capital_links(tiny_store, Filters(), limit=2)
    assert total == len(full)
    assert top[["from_id", "to_id", "events"]].equals(full.head(2)[["from_id", "to_id", "events"]])
    assert list(top["latest_events"]) == list(full.head(2)["latest_events"])


def test_shared_events_need_every_actor(tiny_store):
    assert queries.shared_events(tiny_store, Filters(), ["lavrov", "tiani"]) == ["e4", "e1"]
    assert queries.shared_events(tiny_store, Filters(types=("AGREE",)), ["lavrov", "tiani"]) == []


def test_search_count_matches_the_search_results(tiny_store):
    for search in ("lavrov", "niamey", "nothing-like-this", None):
        rows = tiny_store.events_page(Filters(), search=search)
        assert queries.event_search_count(tiny_store, Filters(), search) == len(rows)


@pytest.mark.parametrize(("by", "expected"), [
    ("country", {("e1", "Niger"), ("e1", "Russia"), ("e2", "Mali"), ("e2", "Russia"), ("e3", "Mali"),
                 ("e3", "Niger"), ("e3", "Burkina Faso"), ("e4", "Niger"), ("e4", "Russia")}),
    ("actor", {("e1", "Abdourahamane Tchiani"), ("e1", "Sergei Lavrov"), ("e2", "Sergei Lavrov"),
               ("e2", "Assimi Goita"), ("e3", "Alliance of Sahel States"), ("e4", "Sergei Lavrov"),
               ("e4", "Abdourahamane Tchiani")}),
])
def test_timeline_lanes(tiny_store, by, expected):
    events = queries.events_with_details(tiny_store, Filters())
    lanes = queries.timeline_lanes(tiny_store, events, by)
    assert set(zip(lanes["event_id"], lanes["lane"], strict=True)) == expected


def test_timeline_lanes_fold_the_quiet_ones(tiny_store):
    events = queries.events_with_details(tiny_store, Filters())
    lanes = queries.timeline_lanes(tiny_store, events, "actor", max_lanes=1)
    assert set(lanes["lane"]) == {"Sergei Lavrov", "Other actors"}
    assert set(lanes["event_id"]) == {"e1", "e2", "e3", "e4"}


def test_data_version_changes_with_the_data(tiny_store):
    before = queries.data_version(tiny_store)
    tiny_store.write_tables(validate_tables(fill_missing_columns({
        "events": [{"event_id": "e9", "date": "2025-02-01", "date_precision": "day", "event_type": "AID",
                    "summary": "New.", "topic": "russia-aes", "origin": "extracted"}]}), tiny_store.existing_ids()))
    assert queries.data_version(tiny_store) != before


def test_typing_a_search_and_choosing_a_view_write_the_url(db_path):
    at = run_page("pages/4_Events.py", {"country": "NER"})
    at.text_input(key="view_q").input("niamey").run()
    assert_clean(at)
    assert at.query_params["q"] == "niamey" and at.query_params["country"] == "NER"
    at = run_page("pages/3_Actors.py")
    at.get("button_group")[0].set_value("jaccard").run()
    assert_clean(at)
    assert at.query_params["measure"] == "jaccard"
    at.get("button_group")[0].set_value("together").run()
    assert "measure" not in at.query_params, "the default is left out of the URL"
