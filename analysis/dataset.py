"""Read a folder of CSV tables (the bundled dataset), validate it, and load it into a store."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from analysis.schema import BUNDLED_TABLES, TABLES, DataError, validate_tables
from analysis.store import EventStore

BUNDLED_DIR = Path(__file__).resolve().parents[1] / "data"
MAX_FILE_BYTES = 200 * 1024 * 1024


def read_csv_text(name: str, data: bytes) -> list[dict]:
    """Parse one table's CSV bytes into rows; a clear DataError for non-UTF-8 or ragged rows."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(f"is not UTF-8 text (byte {exc.start} on line {line})", name, line) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise DataError(f"is not valid CSV: {exc}", name) from None
    if not rows:
        raise DataError("is empty (no header line)", name, 1)
    header = [h.strip() for h in rows[0]]
    out = []
    for number, values in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise DataError(f"has {len(values)} fields where the header has {len(header)}", name, number)
        out.append(dict(zip(header, values, strict=False)))
    _check_header(name, header)
    return out


def read_dataset(folder: str | Path = BUNDLED_DIR) -> dict[str, list[dict]]:
    """Read every table's CSV file from a folder (a missing file is an error)."""
    folder = Path(folder)
    raw = {}
    for name in BUNDLED_TABLES:
        path = folder / f"{name}.csv"
        if not path.exists():
            raise DataError(f"file {path} is missing", name)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DataError(f"is larger than {MAX_FILE_BYTES // 2**20} MB", name)
        raw[name] = read_csv_text(name, path.read_bytes())
    return raw


def _check_header(name: str, header: list[str]) -> None:
    """Every column the schema declares must be in the header line."""
    missing = [c for c in TABLES[name].column_names if c not in [h.strip() for h in header]]
    if missing:
        raise DataError(f"missing column(s) {', '.join(missing)}", name, 1, missing[0])


def load_dataset(store: EventStore, folder: str | Path = BUNDLED_DIR) -> dict[str, int]:
    """Validate a whole dataset folder, then write it in one transaction (nothing half-loaded)."""
    clean = validate_tables(read_dataset(folder), store.existing_ids())
    return store.write_tables(clean)


def open_store(path: str | None = None, empty: bool = False) -> EventStore:
    """Open a store; a store with no events yet is filled with the bundled dataset."""
    from analysis.store import default_db_path

    store = EventStore(path or default_db_path())
    if not empty and store.is_empty():
        load_dataset(store)
    return store
