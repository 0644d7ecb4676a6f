"""The "Add articles" page in AppTest: off by default, and with editing on: paste, review, store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis.schema import validate_tables
from analysis.store import EventStore
from tests.conftest import fill_missing_columns, fixture_tables

ROOT = Path(__file__).resolve().parents[1]
PAGE = "pages/9_Add_articles.py"
ARTICLE = (
    "Russian Foreign Minister Sergei Lavrov met Niger's leader Abdourahamane Tiani in Niamey on Wednesday, "
    "the Nigerien presidency said.\n"
    "Burkina Faso's Energy Minister Simon-Pierre Boussim signed a memorandum with Rosatom in Moscow on Tuesday "
    "to build a nuclear power plant, his ministry said.\n"
)


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    path = str(tmp_path / "events.duckdb")
    with EventStore(path) as store:
        store.write_tables(validate_tables(fill_missing_columns(fixture_tables())))
    monkeypatch.setenv("EVENTS_DB", path)
    monkeypatch.delenv("EDITING_ENABLED", raising=False)
    return path


def open_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(PAGE)
    at.run()
    return at


def test_the_page_is_off_by_default(db_path):
    at = open_page()
    assert not at.exception
    assert any("editors only" in info.value for info in at.info)
    assert not at.text_area
    assert "Find events" not in [b.label for b in at.button]


def test_with_editing_on_an_article_is_reviewed_and_stored(db_path, monkeypatch):
    monkeypatch.setenv("EDITING_ENABLED", "1")
    at = open_page()
    assert not at.exception
    at.text_area(key="ingest_text").input(ARTICLE)
    at.date_input(key="ingest_published").set_value(dt.date(2025, 1, 16))
    next(b for b in at.button if b.label == "Find events").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.dataframe, "the review table is shown"
    assert any("candidate events" in h.value for h in at.subheader)
    store_button = next(b for b in at.button if b.label.startswith("Store "))
    store_button.click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.startswith("Stored 1 new event and added 1 source to known events") for s in at.success)
    # the names the pipeline did not know are kept, and the page lists them for an editor
    names = next(e for e in at.expander if "does not know" in e.label)
    assert "(1)" in names.label
    assert names.dataframe[0].value["name"].tolist() == ["Simon-Pierre Boussim"]
    with EventStore(db_path) as store:
        events = store.table("events")
        assert events["origin"].tolist().count("extracted") == 1
        assert "pasted text.txt" in store.event_sources_for(["e4"])["document"].tolist()
