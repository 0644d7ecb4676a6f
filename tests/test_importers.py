"""ACLED and GDELT imports: mapping tables, layouts, idempotency, replacement, row accounting."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from analysis.__main__ import main
from analysis.filters import Filters
from analysis.importers.common import FileRejected
from analysis.importers.load import import_file
from analysis.importers.tables import acled_plover, acled_type, cameo_plover, cameo_type, fips_to_iso3
from analysis.schema import EVENT_TYPES, PLOVER_TYPES, is_iso3, validate_tables
from tests.conftest import fill_missing_columns

FIXTURES = Path(__file__).parent / "fixtures"
REAL_GDELT = Path(__file__).resolve().parents[2] / "shared" / "data" / "gdelt" / "20191024143000.export.CSV"


def run_import(store, origin, name):
    account, _ = import_file(store, origin, FIXTURES / name if isinstance(name, str) else name, progress=False)
    return account


def counts(store) -> dict[str, int]:
    return {t: store._rows(f"SELECT COUNT(*) FROM {t}")[0][0]
            for t in ("events", "actors", "places", "sources", "event_actors", "event_sources")}


def event(store, event_id) -> dict:
    frame = store.table("events")
    return frame[frame["event_id"] == event_id].iloc[0].to_dict()


# --- mapping tables -------------------------------------------------------------------------

@pytest.mark.parametrize("fips, iso3", [("NG", "NER"), ("NI", "NGA"), ("UV", "BFA"), ("ML", "MLI"), ("RS", "RUS"),
                                        ("UK", "GBR"), ("GM", "DEU"), ("CH", "CHN")])
def test_fips_codes_become_iso3(fips, iso3):
    assert fips_to_iso3()[fips] == iso3


def test_every_fips_target_is_a_real_iso3_code():
    bad = {f: i for f, i in fips_to_iso3().items() if i and not is_iso3(i)}
    assert bad == {}


@pytest.mark.parametrize("code, expected", [
    ("010", ""), ("0211", "REQUEST"), ("036", "AGREE"), ("042", "CONSULT"), ("051", "SUPPORT"),
    ("061", "COOPERATE"), ("073", "AID"), ("081", "CONCEDE"), ("0874", "RETREAT"), ("090", "ACCUSE"),
    ("1014", "REQUEST"), ("112", "ACCUSE"), ("1243", "REJECT"), ("138", "THREATEN"), ("141", "PROTEST"),
    ("152", "MOBILIZE"), ("161", "SANCTION"), ("173", "COERCE"), ("183", "ASSAULT"), ("190", "ASSAULT"),
    ("202", "ASSAULT"),
])
def test_cameo_codes_map_to_plover(code, expected):
    assert cameo_type(code)[0] == expected


def test_every_cameo_root_has_a_row_and_only_01_is_skipped():
    table = cameo_plover()
    roots = {f"{n:02d}" for n in range(1, 21)}
    assert roots <= set(table)
    assert {code for code, (plover, _) in table.items() if not plover} == {"01"}
    assert cameo_type("99") is None


def test_acled_table_names_only_known_types():
    assert all(plover in EVENT_TYPES for plover, _ in acled_plover().values())
    assert acled_type("Battles", "Armed clash")[0] == "ASSAULT"
    assert acled_type("battles", "")[0] == "ASSAULT"
    assert acled_type("Strategic developments", "Arrests")[0] == "COERCE"
    assert acled_type("Cyber attack", "Hacking") is None


# --- ACLED layouts --------------------------------------------------------------------------

def test_acled_current_layout(fresh_store):
    account = run_import(fresh_store, "acled", "acled_current.csv")
    assert account.counts["imported"] == 4 and account.accounted == account.rows == 4
    clash = event(fresh_store, "acled:MLI90001")
    assert clash["event_type"] == "ASSAULT" and clash["fatalities"] == 6 and clash["origin"] == "acled"
    assert clash["summary"].startswith("On 14 March 2024") and "including two soldiers" in clash["summary"]
    assert json.loads(clash["attributes"])["timestamp"] == 1710892800
    protest = event(fresh_store, "acled:NER80001")
    assert protest["date_precision"] == "month" and str(protest["date"]) .startswith("2024-07-01")
    sources = fresh_store.event_sources_for(["acled:MLI90001"])
    assert sorted(sources["outlet"]) == ["AFP", "Studio Tamani"]
    assert set(sources["outlet_type"]) == {"wire", "other_media"}
    places = fresh_store.table("places").set_index("place_id")
    assert places.loc[clash["place_id"], "country"] == "MLI"
    assert places.loc[event(fresh_store, "acled:BFA70001")["place_id"], "coord_precision"] == "region"
    assert fresh_store.event_count(Filters(countries=("MLI",), origins=("acled",))) == 2


def test_acled_2019_layout_with_numeric_codes_and_na(fresh_store):
    account = run_import(fresh_store, "acled", "acled_2019_numeric.csv")
    assert account.counts["imported"] == 3 and account.counts["rejected"] == 4
    rejected = {line: reason for line, outcome, reason in account.problems if outcome == "rejected"}
    assert set(rejected) == {5, 6, 7, 8}
    assert "not a date" in rejected[5] and "32 fields" in rejected[6]
    assert "Cyber attack" in rejected[7] and "latitude" in rejected[8]
    ied = event(fresh_store, "acled:MLI3001")
    assert str(ied["date"]).startswith("2020-12-31") and ied["event_type"] == "ASSAULT"
    riot = event(fresh_store, "acled:NER2001")
    assert riot["fatalities"] is None or riot["fatalities"] != riot["fatalities"]  # NA stays unknown
    assert json.loads(riot["attributes"])["inter1"] == "Rioters"
    assert fresh_store.event_sources_for(["acled:NER2001"])["outlet_type"].tolist() == ["dataset"]


def test_acled_file_with_one_row_per_actor_is_merged(fresh_store):
    account = run_import(fresh_store, "acled", "acled_per_actor.csv")
    assert account.counts == {**account.counts, "imported": 2, "merged": 2}
    actors = fresh_store.event_actors_for(["acled:MLI5001"])
    assert sorted(actors["name"]) == ["Katiba Macina", "Military Forces of Mali (2021-)", "Wagner Group"]
    assert (actors["role_in_event"] == "source").sum() == 1
    assert actors.set_index("name").loc["Wagner Group", "country"] == "RUS"


def test_acled_2017_upper_case_layout(fresh_store):
    account = run_import(fresh_store, "acled", "acled_2017_upper.csv")
    assert account.counts["imported"] == 2
    assert event(fresh_store, "acled:MLI1001")["event_type"] == "ASSAULT"
    assert str(event(fresh_store, "acled:MLI1001")["date"]).startswith("2017-01-15")
    statement = event(fresh_store, "acled:MLI1002")
    assert statement["event_type"] == "OTHER" and statement["type_note"]
    assert fresh_store.event_actors_for(["acled:MLI1001"])["name"].str.contains("AQIM").any()


def test_acled_government_actors_match_the_store_state(fresh_store):
    state = {"actor_id": "state-rus", "name": "Russia", "kind": "state", "country": "RUS", "sector": "government"}
    fresh_store.write_tables(validate_tables(fill_missing_columns({"actors": [state]})))
    run_import(fresh_store, "acled", "acled_current.csv")
    actors = fresh_store.event_actors_for(["acled:MLI90002"])
    assert "state-rus" in set(actors["actor_id"])


# --- idempotency, replacement, accounting -------------------------------------------------------

@pytest.mark.parametrize("origin, name", [("acled", "acled_current.csv"), ("gdelt", "gdelt2_slice.CSV")])
def test_importing_the_same_file_again_adds_nothing(fresh_store, origin, name):
    first = run_import(fresh_store, origin, name)
    before = counts(fresh_store)
    again = run_import(fresh_store, origin, name)
    assert counts(fresh_store) == before
    assert again.counts["imported"] == 0
    assert again.counts["unchanged"] == first.counts["imported"]


def test_newer_acled_version_replaces_and_older_does_not(fresh_store):
    run_import(fresh_store, "acled", "acled_current.csv")
    original = event(fresh_store, "acled:MLI90002")["summary"]
    account = run_import(fresh_store, "acled", "acled_current_update.csv")
    assert account.counts["replaced"] == 1 and account.counts["older"] == 1
    updated = event(fresh_store, "acled:MLI90001")
    assert updated["fatalities"] == 9 and "Revised" in updated["summary"]
    assert sorted(fresh_store.event_sources_for(["acled:MLI90001"])["outlet"]) == ["AFP", "Reuters", "Studio Tamani"]
    assert event(fresh_store, "acled:MLI90002")["summary"] == original
    assert fresh_store.event_count(Filters(origins=("acled",))) == 4
    # The replaced event is counted once in every view.
    assert fresh_store.actor_event_counts(Filters(origins=("acled",)))["events"].max() <= 4
    again = run_import(fresh_store, "acled", "acled_current.csv")
    assert again.counts["older"] == 1 and again.counts["unchanged"] == 3


@pytest.mark.parametrize("origin, name", [
    ("acled", "acled_current.csv"), ("acled", "acled_2019_numeric.csv"), ("acled", "acled_per_actor.csv"),
    ("acled", "acled_2017_upper.csv"), ("gdelt", "gdelt2_slice.CSV"), ("gdelt", "gdelt1_sample.CSV"),
    ("gdelt", "gdelt1_nourl.CSV"), ("gdelt", "gdelt1_sample.zip"), ("gdelt", "gdelt2_damaged.CSV"),
])
def test_every_row_is_accounted_for(fresh_store, origin, name):
    path = FIXTURES / name
    account = run_import(fresh_store, origin, name)
    if path.suffix != ".zip":
        with open(path, "rb") as handle:
            physical = handle.read().count(b"\n")
        records = physical - 1 if origin == "acled" else physical
        assert account.rows == records
    assert account.accounted == account.rows
    assert fresh_store.event_count(Filters(origins=(origin,))) == account.counts["imported"]


def test_failure_while_writing_rolls_the_file_back(fresh_store, monkeypatch):
    run_import(fresh_store, "acled", "acled_current.csv")
    before = counts(fresh_store)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(fresh_store, "_refresh_derived", broken)
    with pytest.raises(RuntimeError):
        run_import(fresh_store, "acled", "acled_2019_numeric.csv")
    monkeypatch.undo()
    assert counts(fresh_store) == before
    assert fresh_store.event_count(Filters(origins=("acled",))) == 4
    # The store still takes the same file afterwards.
    assert run_import(fresh_store, "acled", "acled_2019_numeric.csv").counts["imported"] == 3


def test_non_utf8_acled_row_is_rejected_and_good_rows_go_in(fresh_store, tmp_path):
    lines = (FIXTURES / "acled_current.csv").read_bytes().splitlines(keepends=True)
    broken = lines[:2] + [lines[2].replace(b"Bamako", "Bamak\u00f6".encode("latin-1"), 1)] + lines[3:]
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"".join(broken))
    account = run_import(fresh_store, "acled", path)
    assert [(line, outcome) for line, outcome, _ in account.problems] == [(3, "rejected")]
    assert "UTF-8" in account.problems[0][2]
    assert account.counts["imported"] == 3


@pytest.mark.parametrize("origin, content, message", [
    ("acled", b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a text CSV"),
    ("gdelt", b"%PDF-1.4 something", "not a text CSV"),
    ("acled", b"name,value\nx,1\n", "is not an ACLED export"),
    ("gdelt", b"a,b,c\n1,2,3\n", "is not a GDELT events export"),
    ("acled", b"", "is empty"),
])
def test_files_that_are_not_the_dataset_are_refused_whole(fresh_store, tmp_path, origin, content, message):
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    before = counts(fresh_store)
    with pytest.raises(FileRejected, match=message):
        import_file(fresh_store, origin, path, progress=False)
    assert counts(fresh_store) == before


# --- GDELT ------------------------------------------------------------------------------------

def test_gdelt_2_slice(fresh_store):
    account = run_import(fresh_store, "gdelt", "gdelt2_slice.CSV")
    lines = (FIXTURES / "gdelt2_slice.CSV").read_bytes().splitlines()
    statements = sum(1 for raw in lines if raw.split(b"\t")[26].startswith(b"01"))
    assert account.counts["skipped"] == statements > 0
    assert account.counts["imported"] == len(lines) - statements
    first = lines[0].split(b"\t")
    stored = event(fresh_store, "gdelt:" + first[0].decode())
    attributes = json.loads(stored["attributes"])
    assert attributes["num_sources"] == int(first[32]) and attributes["num_articles"] == int(first[33])
    assert stored["type_note"].startswith("CAMEO " + first[26].decode())
    sources = fresh_store.event_sources_for([stored["event_id"]])
    assert sources["url"].tolist() == [first[60].decode()]
    # FIPS location codes became ISO3: every place with a country has a real ISO3 code.
    places = fresh_store.table("places")
    assert places["country"].dropna().map(is_iso3).all()


def test_gdelt_fips_niger_is_not_nigeria(fresh_store, tmp_path):
    row = (FIXTURES / "gdelt2_slice.CSV").read_bytes().splitlines()[1].split(b"\t")
    rows = []
    for n, (fips, feature) in enumerate(((b"NG", b"-2440476"), (b"NI", b"-2328926"))):
        changed = list(row)
        changed[0] = str(990000100 + n).encode()
        changed[26], changed[27], changed[28] = b"042", b"042", b"04"
        changed[51], changed[53], changed[58] = b"1", fips, feature
        rows.append(b"\t".join(changed))
    path = tmp_path / "niger.CSV"
    path.write_bytes(b"\n".join(rows) + b"\n")
    run_import(fresh_store, "gdelt", path)
    places = fresh_store.table("places").set_index("place_id")
    assert places.loc["gdelt:geo:-2440476", "country"] == "NER"
    assert places.loc["gdelt:geo:-2328926", "country"] == "NGA"
    assert fresh_store.event_count(Filters(countries=("NER",))) >= 1


@pytest.mark.parametrize("name, layout", [("gdelt1_sample.CSV", "GDELT 1.0"), ("gdelt1_sample.zip", "GDELT 1.0"),
                                          ("gdelt1_nourl.CSV", "GDELT 1.0 (no SOURCEURL)")])
def test_gdelt_1_layouts(fresh_store, name, layout):
    account = run_import(fresh_store, "gdelt", name)
    assert account.counts["imported"] > 0
    events = fresh_store.table("events")
    assert set(events["pipeline_version"]) == {layout}
    outlets = set(fresh_store.table("sources")["outlet_type"])
    assert outlets == ({"dataset"} if "nourl" in name else {"other_media"})


def test_gdelt_damaged_lines_are_reported_with_their_numbers(fresh_store):
    account = run_import(fresh_store, "gdelt", "gdelt2_damaged.CSV")
    rejected = {line: reason for line, outcome, reason in account.problems if outcome == "rejected"}
    assert set(rejected) == {2, 3, 4, 5, 6}
    assert "SQLDATE" in rejected[2] and "CAMEO" in rejected[3] and "60 tab-separated" in rejected[4]
    assert "empty" in rejected[5] and "UTF-8" in rejected[6]
    assert account.counts["imported"] + account.counts["skipped"] == 2


def _gdelt_mixed_file(tmp_path) -> Path:
    """The slice's lines with repeated events (also far apart), damaged lines, a CRLF line
    ending and fields padded with spaces."""
    lines = (FIXTURES / "gdelt2_slice.CSV").read_bytes().splitlines()
    out = []
    for copy in range(3):
        for n, raw in enumerate(lines):
            fields = raw.split(b"\t")
            if copy and n % 3:
                fields[0] = str(990000000 + copy * 100 + n).encode()  # new events; the rest repeat
            if n == 5:
                fields[6] = "\u00a0 " + fields[6].decode() + " "
                fields[6] = fields[6].encode()
            line = b"\t".join(fields)
            out.append(line + b"\r" if n == 7 else line)
        out += [b"", b"1\t2\t3", "caf\u00e9".encode("latin-1") + lines[1]]
    path = tmp_path / "mixed.CSV"
    path.write_bytes(b"\n".join(out) + b"\n")
    return path


def test_gdelt_chunking_changes_nothing(tmp_path, monkeypatch):
    from analysis.importers import gdelt
    from analysis.store import EventStore

    path = _gdelt_mixed_file(tmp_path)
    results = []
    for chunk in (gdelt.CHUNK_BYTES, 3_000, 700):
        monkeypatch.setattr(gdelt, "CHUNK_BYTES", chunk)
        with EventStore(":memory:") as store:
            account = run_import(store, "gdelt", path)
            tables = {t: store._df(f"SELECT * EXCLUDE (created_at, updated_at) FROM {t} ORDER BY ALL")
                      if t == "events" else store._df(f"SELECT * FROM {t} ORDER BY ALL")
                      for t in ("events", "actors", "places", "sources", "event_actors", "event_sources",
                                "event_facts", "event_country_facts")}
        results.append((account, tables))
    first, tables = results[0]
    assert first.accounted == first.rows == (FIXTURES / "gdelt2_slice.CSV").read_bytes().count(b"\n") * 3 + 9
    assert first.counts["merged"] > 0 and first.counts["rejected"] >= 9
    merged = [(line, reason) for line, outcome, reason in first.problems if outcome == "merged"]
    assert merged[0][1] == "same event as line 1"
    for account, other in results[1:]:
        assert account.counts == first.counts
        assert sorted(account.problems) == sorted(first.problems)
        for name, frame in tables.items():
            assert frame.equals(other[name]), name


def test_gdelt_fields_are_trimmed_and_crlf_lines_read(fresh_store, tmp_path):
    account = run_import(fresh_store, "gdelt", _gdelt_mixed_file(tmp_path))
    lines = (FIXTURES / "gdelt2_slice.CSV").read_bytes().splitlines()
    padded = fresh_store.event_actors_for(["gdelt:" + lines[5].split(b"\t")[0].decode()])
    assert lines[5].split(b"\t")[6].decode().title() in set(padded["name"])  # "\u00a0 name " became "Name"
    assert 8 not in {line for line, _, _ in account.problems}  # the line ending in CRLF
    assert "gdelt:" + lines[7].split(b"\t")[0].decode() in set(fresh_store.table("events")["event_id"])


def test_gdelt_carriage_return_inside_a_line_is_rejected(fresh_store, tmp_path):
    lines = (FIXTURES / "gdelt2_slice.CSV").read_bytes().splitlines()
    lines[2] = lines[2].replace(b"\t", b"\t\r", 1)
    path = tmp_path / "cr.CSV"
    path.write_bytes(b"\n".join(lines) + b"\n")
    account = run_import(fresh_store, "gdelt", path)
    assert [(line, reason) for line, outcome, reason in account.problems if outcome == "rejected"] == [
        (3, "holds a carriage return inside a field")]
    assert account.accounted == account.rows == len(lines)


def test_gdelt_byte_order_mark_stays_part_of_the_first_field(fresh_store, tmp_path):
    path = tmp_path / "bom.CSV"
    path.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "gdelt2_slice.CSV").read_bytes())
    account = run_import(fresh_store, "gdelt", path)
    rejected = [(line, reason) for line, outcome, reason in account.problems if outcome == "rejected"]
    assert len(rejected) == 1 and rejected[0][0] == 1 and "GLOBALEVENTID" in rejected[0][1]


def test_gdelt_state_actors_match_the_store(fresh_store):
    state = {"actor_id": "state-rus", "name": "Russia", "kind": "state", "country": "RUS", "sector": "government"}
    fresh_store.write_tables(validate_tables(fill_missing_columns({"actors": [state]})))
    run_import(fresh_store, "gdelt", "gdelt2_slice.CSV")
    ids = set(fresh_store.table("event_actors")["actor_id"])
    assert "state-rus" in ids and "gdelt:RUS" not in ids


@pytest.mark.skipif(not REAL_GDELT.exists(), reason="the shared GDELT sample is not on this machine")
def test_real_gdelt_file(fresh_store):
    account = run_import(fresh_store, "gdelt", REAL_GDELT)
    lines = REAL_GDELT.read_bytes().splitlines()
    assert account.rows == len(lines) == account.accounted
    assert account.counts["skipped"] == sum(1 for raw in lines if raw.split(b"\t")[26].startswith(b"01"))
    assert account.counts["rejected"] == 0
    types = set(fresh_store.table("events")["event_type"])
    assert types <= set(PLOVER_TYPES)


# --- the command line ---------------------------------------------------------------------------

def test_cli_imports_and_reports(tmp_path, capsys):
    db, report = tmp_path / "store.duckdb", tmp_path / "report.csv"
    code = main(["import", "gdelt", "--quiet", "--db", str(db), "--report", str(report),
                 str(FIXTURES / "gdelt2_damaged.CSV"), str(FIXTURES / "gdelt2_slice.CSV")])
    out, err = capsys.readouterr()
    assert code == 0
    assert len([line for line in out.splitlines() if " rows → " in line]) == 2
    assert "line 4: has 60 tab-separated fields" in err
    with open(report, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["file"], r["line"]) for r in rows if r["outcome"] == "rejected"} >= {("gdelt2_damaged.CSV", "2")}


def test_cli_bad_file_is_one_clear_line(tmp_path, capsys):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    code = main(["import", "acled", "--quiet", "--db", str(tmp_path / "s.duckdb"), str(path),
                 str(FIXTURES / "acled_current.csv")])
    out, err = capsys.readouterr()
    assert code == 1
    assert "photo.csv: is not a text CSV file" in err and "Traceback" not in err
    assert "acled_current.csv: 4 rows" in out
