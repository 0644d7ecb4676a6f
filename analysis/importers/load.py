"""Import whole files into a store: one transaction per file, an account of every row."""

from __future__ import annotations

import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
from tqdm import tqdm

from analysis.importers import acled, gdelt
from analysis.importers.common import Account, FileRejected, looks_binary, open_input
from analysis.store import EventStore
from analysis.store.imports import FileImport, state_actor_ids

ORIGINS = ("acled", "gdelt")


def _sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _peek(stream, name: str) -> bytes:
    head = stream.peek(8192)[:8192] if hasattr(stream, "peek") else b""
    if not head:
        raise FileRejected(f"{name}: is empty")
    if looks_binary(head):
        raise FileRejected(f"{name}: is not a text CSV file (it holds binary data)")
    return head


def import_file(store: EventStore, origin: str, path: str | Path, progress: bool = True) -> tuple[Account, float]:
    """Import one ACLED or GDELT file; returns the account of its rows and the seconds taken.

    Raises FileRejected (nothing written) for a file that cannot be read as that dataset.
    """
    if origin not in ORIGINS:
        raise ValueError(f"origin must be one of {', '.join(ORIGINS)}")
    path = Path(path)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=1) as hasher, open_input(path) as (stream, size, name):
        head = _peek(stream, name)
        account = Account(file=name)
        states = state_actor_ids(store)
        if origin == "gdelt":
            layout = gdelt.detect_layout(head.split(b"\n", 1)[0].rstrip(b"\r"), name)
            label = layout[0]
        else:
            label = "ACLED CSV"
        digest = hasher.submit(_sha256, path)  # computed in a second thread while the rows are read
        job = FileImport(store, origin, name, None, label)
        try:
            bar = tqdm(total=size, unit="B", unit_scale=True, desc=name, leave=False,
                       disable=None if progress else True)
            with bar:
                if origin == "gdelt":
                    job.register(gdelt.lookup_frames(states))
                    gdelt.stage_file(job, stream, layout, account, bar.update)
                else:
                    reader = acled.AcledReader(states, account)
                    acled.read_rows(stream, name, account, reader, bar.update)
                    if reader.events:
                        job.stage(reader.batch())
            job.sha256 = digest.result()
            job.finish(account)
        except duckdb.Error as exc:
            job.abort()
            raise FileRejected(f"{name}: could not be written, nothing from it was stored ({exc})") from None
        except BaseException:
            job.abort()
            raise
    if account.accounted != account.rows:
        raise RuntimeError(f"{name}: {account.rows} rows read but {account.accounted} accounted for")
    return account, time.perf_counter() - started
