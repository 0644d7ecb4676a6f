"""What both importers share: opening a file (plain or zipped), the account of what became
of every row, and small helpers for ids and places."""

from __future__ import annotations

import re
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

AES = ("MLI", "NER", "BFA")
# Outcomes of one input row, in the order the summary lists them.
OUTCOMES = ("imported", "replaced", "unchanged", "older", "merged", "skipped", "rejected")
SHOWN_PROBLEMS = 10


class FileRejected(ValueError):
    """A whole file that cannot be imported (not CSV, wrong layout, not UTF-8 …)."""


@dataclass
class Account:
    """What became of every row of one file: counts per outcome and the reasons for rows not taken."""

    file: str
    rows: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line, outcome, reason)
    skip_reasons: dict[str, int] = field(default_factory=dict)

    def reject(self, line: int, reason: str) -> None:
        self.counts["rejected"] += 1
        self.problems.append((line, "rejected", reason))

    def skip(self, line: int, reason: str) -> None:
        self.counts["skipped"] += 1
        self.skip_reasons[reason] = self.skip_reasons.get(reason, 0) + 1
        self.problems.append((line, "skipped", reason))

    def merge(self, line: int, reason: str) -> None:
        self.counts["merged"] += 1
        self.problems.append((line, "merged", reason))

    @property
    def accounted(self) -> int:
        return sum(self.counts.values())

    def summary(self, seconds: float) -> str:
        parts = [f"{self.counts[o]:,} {o}" for o in OUTCOMES if self.counts[o] or o == "imported"]
        rate = f", {self.rows / seconds:,.0f} rows/s" if seconds > 0 and self.rows >= 10_000 else ""
        return f"{self.file}: {self.rows:,} rows → {', '.join(parts)} in {seconds:.1f} s{rate}"


@dataclass
class Batch:
    """Rows for the store, from one chunk of a file; frames have the base tables' columns
    (events also ``version`` and ``line``; event_actors and event_sources also ``line``)."""

    events: pd.DataFrame
    actors: pd.DataFrame
    places: pd.DataFrame
    sources: pd.DataFrame
    event_actors: pd.DataFrame
    event_sources: pd.DataFrame


@contextmanager
def open_input(path: str | Path):
    """Yield (binary stream, size in bytes, display name) for a plain file or a one-member zip."""
    path = Path(path)
    if not path.exists():
        raise FileRejected(f"{path}: no such file")
    if path.is_dir():
        raise FileRejected(f"{path}: is a folder, not a file")
    if zipfile.is_zipfile(path):
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise FileRejected(f"{path.name}: is a damaged zip file ({exc})") from None
        with archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1:
                raise FileRejected(
                    f"{path.name}: a zip file must hold exactly one data file, this one holds {len(members)}")
            with archive.open(members[0]) as stream:
                yield stream, members[0].file_size, f"{path.name}:{members[0].filename}"
    else:
        with open(path, "rb") as stream:
            yield stream, path.stat().st_size, path.name


def looks_binary(head: bytes) -> bool:
    """True for content that is plainly not text (NUL bytes, or a known binary signature)."""
    signatures = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\x1f\x8b", b"SQLite format")
    return b"\x00" in head[:4096] or head.startswith(signatures)


def decode_line(raw: bytes) -> str | None:
    """The line as text, or None when it is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def slug(text: str) -> str:
    """A lower-case id fragment: letters, digits and single dashes."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "unnamed"


def topic_of(countries: set[str]) -> str:
    """The topic an imported event gets from the countries it involves."""
    if "RUS" in countries and countries & set(AES):
        return "russia-aes"
    if countries & set(AES):
        return "sahel"
    return "other"


def geo_place_id(lat: float, lon: float) -> str:
    """A place id from coordinates rounded to 4 decimals (about 10 m)."""
    return f"geo:{lat:.4f},{lon:.4f}"
