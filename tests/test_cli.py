"""The command line: init and export, and one-line errors with a non-zero exit."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.__main__ import main

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args, env_db=None):
    """Run ``python -m analysis`` as a user would, in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
    )


def test_init_creates_a_store_with_the_bundled_data(tmp_path):
    db = tmp_path / "events.duckdb"
    result = run_cli("init", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert db.exists()
    count = int(result.stdout.split(":")[-1].split()[0])
    assert count > 0


def test_init_empty_creates_tables_only(tmp_path, capsys):
    db = tmp_path / "empty.duckdb"
    assert main(["init", "--empty", "--db", str(db)]) == 0
    assert capsys.readouterr().out.strip().endswith(": 0 events")


def test_export_json_lists_events_with_sources_and_evidence(tmp_path, capsys):
    assert main(["export", "--db", str(tmp_path / "x.duckdb"), "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert records
    assert set(records[0]) == {"event_id", "date", "date_precision", "date_end", "event_type", "mode", "summary",
                               "topic", "origin", "actors", "location", "sources"}
    assert all(r["sources"] and all(s["evidence"] for s in r["sources"]) for r in records)


def test_export_csv_for_one_country_to_a_file(tmp_path, capsys):
    out = tmp_path / "niger.csv"
    db = str(tmp_path / "x.duckdb")
    assert main(["export", "--db", db, "--format", "csv", "--country", "NER", "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows
    assert f"wrote {len(rows)} events" in capsys.readouterr().err
    assert all("NER" in r["actors"] or r["location_country"] == "NER" or "Alliance of Sahel States" in r["actors"]
               for r in rows)


def test_export_country_filter_narrows(tmp_path, capsys):
    db = str(tmp_path / "x.duckdb")
    main(["export", "--db", db])
    everything = json.loads(capsys.readouterr().out)
    main(["export", "--db", db, "--country", "ZAF"])
    south_africa = json.loads(capsys.readouterr().out)
    assert 0 < len(south_africa) < len(everything)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["export", "--country", "XXX"], "unknown country code(s) XXX"),
        (["export", "--out", "/nonexistent-dir/x.json"], "cannot write /nonexistent-dir/x.json"),
    ],
)
def test_errors_are_one_line_and_non_zero(tmp_path, args, words):
    result = run_cli(*args, "--db", str(tmp_path / "x.duckdb"))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0]


def test_a_store_path_that_is_a_directory_is_a_clear_error(tmp_path):
    result = run_cli("init", "--db", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot open the event store")
    assert "Traceback" not in result.stderr
