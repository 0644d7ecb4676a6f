"""``python -m analysis ingest``: storing with --yes, asking without it, bad files, one-line summary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from analysis.__main__ import main
from analysis.store import EventStore

ROOT = Path(__file__).resolve().parents[1]
GOOD = (
    "Mali and Russia sign nuclear deal\n"
    "Malian Energy Minister Bintou Camara signed an agreement with Rosatom in Moscow on Tuesday to build "
    "a small nuclear power plant, the ministry said in a statement.\n"
)


@pytest.fixture
def db(tmp_path) -> str:
    path = str(tmp_path / "store.duckdb")
    assert main(["init", "--empty", "--db", path]) == 0
    return path


def write(tmp_path: Path, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


def counts(db: str) -> dict[str, int]:
    with EventStore(db) as store:
        return {name: len(store.table(name)) for name in ("events", "event_sources", "sources", "actors")}


def test_yes_stores_the_events_and_prints_a_one_line_summary(db, tmp_path, capsys):
    article = write(tmp_path, "deal.txt", GOOD)
    assert main(["ingest", "--db", db, "--published", "2024-06-05", "--outlet", "AFP", "--yes", article]) == 0
    out = capsys.readouterr().out
    assert out.strip().splitlines()[-1].startswith("1 article(s) read: 1 candidate → 1 new event,")
    with EventStore(db) as store:
        events = store.table("events")
        sources = store.table("sources")
        assert events["origin"].tolist() == ["extracted"]
        assert events["date"].iloc[0].date().isoformat() == "2024-06-04"
        assert sources["outlet"].tolist() == ["AFP"] and sources["outlet_type"].tolist() == ["wire"]
        assert store.table("event_sources")["document"].tolist() == ["deal.txt"]


def test_without_yes_and_no_answer_nothing_is_stored(db, tmp_path):
    article = write(tmp_path, "deal.txt", GOOD)
    run = subprocess.run(
        [sys.executable, "-m", "analysis", "ingest", "--db", db, "--published", "2024-06-05", article],
        cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 1
    assert "no answer" in run.stdout and "--yes" in run.stdout
    assert "Traceback" not in run.stderr
    assert counts(db)["events"] == 0


def test_answering_no_stores_nothing_and_yes_stores(db, tmp_path):
    article = write(tmp_path, "deal.txt", GOOD)
    base = [sys.executable, "-m", "analysis", "ingest", "--db", db, "--published", "2024-06-05", article]
    no = subprocess.run(base, cwd=ROOT, input="n\n", capture_output=True, text=True, timeout=120)
    assert no.returncode == 0 and "nothing stored" in no.stdout
    assert counts(db)["events"] == 0
    yes = subprocess.run(base, cwd=ROOT, input="y\n", capture_output=True, text=True, timeout=120)
    assert yes.returncode == 0, yes.stderr
    assert counts(db)["events"] == 1


def test_bad_files_are_refused_with_a_message_and_the_rest_stored(db, tmp_path, capsys):
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(50 * 2**20)
    files = [
        write(tmp_path, "empty.txt", b""),
        write(tmp_path, "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        write(tmp_path, "scripts.html", "<html><script>var a = 'Russia attacked';</script></html>"),
        str(big),
        str(tmp_path / "missing.txt"),
        write(tmp_path, "deal.txt", GOOD),
    ]
    assert main(["ingest", "--db", db, "--published", "2024-06-05", "--yes", *files]) == 1
    captured = capsys.readouterr()
    for message in ("empty.txt: the file is empty", "binary.txt: looks like a binary file",
                    "scripts.html: no article text found", "big.txt: 50.0 MB is larger than",
                    "missing.txt: no such file"):
        assert message in captured.err
    assert "5 refused" in captured.out
    assert counts(db)["events"] == 1
    with EventStore(db) as store:
        assert "attacked" not in " ".join(store.table("event_sources")["evidence"])


def test_a_batch_shows_a_progress_bar(db, tmp_path, capsys):
    files = [write(tmp_path, "a.txt", GOOD), write(tmp_path, "b.txt", GOOD.replace("Tuesday", "Monday") + "More.")]
    main(["ingest", "--db", db, "--published", "2024-06-05", "--yes", *files])
    assert "reading" in capsys.readouterr().err


def test_a_missing_store_is_an_error_not_a_new_store(tmp_path, capsys):
    article = write(tmp_path, "deal.txt", GOOD)
    target = tmp_path / "nowhere.duckdb"
    assert main(["ingest", "--db", str(target), "--yes", article]) == 1
    assert "no store at" in capsys.readouterr().err
    assert not target.exists()


def test_a_bad_publication_date_is_refused(db, tmp_path, capsys):
    article = write(tmp_path, "deal.txt", GOOD)
    with pytest.raises(SystemExit) as exit_info:
        main(["ingest", "--db", db, "--published", "5 June", article])
    assert exit_info.value.code == 2
    assert "is not a date written YYYY-MM-DD" in capsys.readouterr().err
