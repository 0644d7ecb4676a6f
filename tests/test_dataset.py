"""Loading a dataset folder: every kind of bad file gives one clear message and changes nothing."""

from __future__ import annotations

import csv
import shutil

import pytest

from analysis.dataset import BUNDLED_DIR, load_dataset, read_dataset
from analysis.filters import Filters
from analysis.schema import TABLES, DataError, validate_tables
from analysis.store import EventStore, StoreError
from tests.conftest import fill_missing_columns, fixture_tables


def write_folder(folder, tables):
    """Write tables as the CSV files of a dataset folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        columns = list(rows[0]) if rows else TABLES[name].column_names
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    return folder


def test_good_folder_loads_every_table(tmp_path, fresh_store):
    counts = load_dataset(fresh_store, write_folder(tmp_path / "good", fill_missing_columns(fixture_tables())))
    assert counts["events"] == 4
    assert counts["event_actors"] == 7
    assert fresh_store.event_count(Filters()) == 4


def _drop_column(tables):
    for row in tables["events"]:
        del row["summary"]


def _bad_date(tables):
    tables["events"][2]["date"] = "2024-13-45"


def _unknown_type(tables):
    tables["events"][1]["event_type"] = "CELEBRATE"


def _dangling_actor(tables):
    tables["event_actors"][3]["actor_id"] = "nobody"


def _duplicated_id(tables):
    tables["places"].append(dict(tables["places"][0]))


BAD_FILES = [
    # (how the data is spoiled, file named, row named, field named, words in the message)
    (_drop_column, "events", None, "summary", "missing column"),
    (_bad_date, "events", 4, "date", "not a real date"),
    (_unknown_type, "events", 3, "event_type", "CELEBRATE"),
    (_dangling_actor, "event_actors", 5, "actor_id", "unknown actors id 'nobody'"),
    (_duplicated_id, "places", 6, "place_id", "duplicated id new-moscow"),
]


def prefixed(tables, prefix="new-"):
    """The same tables with every id prefixed, so they can be added beside the originals."""
    ref = {"event_id", "actor_id", "place_id", "source_id"}
    return {name: [{k: (prefix + v if k in ref and v else v) for k, v in row.items()} for row in rows]
            for name, rows in tables.items()}


@pytest.mark.parametrize(("spoil", "table", "row", "column", "words"), BAD_FILES)
def test_bad_file_is_refused_with_file_row_and_field(tmp_path, tiny_store, spoil, table, row, column, words):
    before = tiny_store.table("events").sort_values("event_id").reset_index(drop=True)
    tables = prefixed(fill_missing_columns(fixture_tables()))
    spoil(tables)
    folder = write_folder(tmp_path / "bad", tables)
    with pytest.raises(DataError) as caught:
        load_dataset(tiny_store, folder)
    message = str(caught.value)
    assert message.startswith(f"{table}.csv")
    assert f"field '{column}'" in message
    if row is not None:
        assert f"row {row}" in message
    assert words in message
    after = tiny_store.table("events").sort_values("event_id").reset_index(drop=True)
    assert after.equals(before), "a refused file must leave the store as it was"


def test_not_utf8_is_refused_with_its_line(tmp_path, fresh_store):
    folder = write_folder(tmp_path / "latin1", fill_missing_columns(fixture_tables()))
    text = (folder / "actors.csv").read_text(encoding="utf-8").replace("Goïta", "Goïta")
    (folder / "actors.csv").write_bytes(text.encode("latin-1"))
    with pytest.raises(DataError, match=r"actors.csv, row 4: is not UTF-8"):
        load_dataset(fresh_store, folder)
    assert fresh_store.is_empty()


def test_failure_in_a_late_table_rolls_back_earlier_tables(tmp_path, fresh_store):
    """Places and actors are valid, event_sources is not: nothing at all is stored."""
    tables = fixture_tables()
    tables["event_sources"][0]["source_id"] = "missing-source"
    with pytest.raises(DataError, match="event_sources.csv, row 2"):
        load_dataset(fresh_store, write_folder(tmp_path / "late", fill_missing_columns(tables)))
    assert fresh_store.table("places").empty
    assert fresh_store.table("actors").empty


def test_missing_file_is_named(tmp_path, fresh_store):
    folder = write_folder(tmp_path / "missing", fill_missing_columns(fixture_tables()))
    (folder / "sources.csv").unlink()
    with pytest.raises(DataError, match="sources.csv: file .* is missing"):
        read_dataset(folder)


def test_ragged_row_is_named(tmp_path, fresh_store):
    folder = write_folder(tmp_path / "ragged", fill_missing_columns(fixture_tables()))
    with open(folder / "places.csv", "a", encoding="utf-8") as fh:
        fh.write("lome,Lomé,city\n")
    with pytest.raises(DataError, match=r"places.csv, row 6: has 3 fields where the header has 8"):
        read_dataset(folder)


def test_bundled_folder_can_be_copied_and_loaded(tmp_path, fresh_store):
    """The bundled dataset is a plain folder of CSV files that loads as it is."""
    copy = shutil.copytree(BUNDLED_DIR, tmp_path / "data")
    counts = load_dataset(fresh_store, copy)
    assert counts["events"] == fresh_store.event_count(Filters()) > 0


@pytest.mark.parametrize("table", ["event_actors", "event_sources"])
def test_a_link_already_stored_is_refused_and_nothing_is_written(tiny_store, table):
    """Link tables have no primary key (it slowed imports); the write checks their keys."""
    before = {name: len(tiny_store.table(name)) for name in ("places", "event_actors", "event_sources")}
    stored = tiny_store.table(table).iloc[0].to_dict()
    place = {"place_id": "new-place", "name": "New place", "kind": "city", "country": "MLI", "lat": 12.0,
             "lon": -8.0, "coord_precision": "exact"}
    with pytest.raises(StoreError, match=f"{table}: the link {stored['event_id']} / .* is already stored"):
        tiny_store.write_tables({"places": [place], table: [stored]})
    assert {name: len(tiny_store.table(name)) for name in before} == before


def test_a_link_given_twice_is_refused(tiny_store):
    row = tiny_store.table("event_actors").iloc[0].to_dict()
    tiny_store.cursor().execute("DELETE FROM event_actors WHERE event_id = $e AND actor_id = $a",
                                {"e": row["event_id"], "a": row["actor_id"]})
    with pytest.raises(StoreError, match="is given twice"):
        tiny_store.write_tables({"event_actors": [row, row]})


def test_a_store_from_before_is_brought_up_to_date(tmp_path):
    """A store written with the old layout (indexes on event ids, an event_countries table,
    fact tables without evidence) loses the indexes and gets its facts rebuilt on opening."""
    path = tmp_path / "old.duckdb"
    with EventStore(path) as store:
        store.write_tables(validate_tables(fill_missing_columns(fixture_tables())))
        cur = store.cursor()
        cur.execute("CREATE INDEX event_actors_event ON event_actors (event_id)")
        cur.execute("CREATE TABLE event_countries (event_id VARCHAR, country VARCHAR)")
        cur.execute("ALTER TABLE event_source_facts DROP COLUMN evidence")
        cur.execute("UPDATE facts_version SET version = version - 1")
    with EventStore(path) as store:
        names = {r[0] for r in store._rows("SELECT index_name FROM duckdb_indexes()")}
        tables = {r[0] for r in store._rows("SELECT table_name FROM duckdb_tables()")}
        assert "event_actors_event" not in names and "event_countries" not in tables
        ids = store.table("events")["event_id"].tolist()
        sources = store.event_sources_for(ids)
        assert sources["evidence"].notna().any()
        assert len(sources) == len(store.table("event_sources"))
