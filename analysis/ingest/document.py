"""Read an article (text or HTML bytes) into clean text, with its stories and publication date.

Bad input ends here with an :class:`IngestError` that says what is wrong in one line:
empty, binary, too large, not decodable, or HTML with no article text. Page furniture
(cookie notices, "Related" teasers, share buttons, bylines, repeated captions) is removed
so that neither events nor names are taken from it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from analysis.ingest.dates import month_day_before, parse_date_line

MAX_BYTES = 2 * 1024 * 1024
HTML_SUFFIXES = (".html", ".htm")
TEXT_SUFFIXES = (".txt", ".text", ".md")


class IngestError(ValueError):
    """An article that cannot be read, with a message fit for a user."""


@dataclass
class Story:
    """One story of a page: a span of the clean text, its headline and dateline."""

    start: int
    end: int
    headline: str = ""
    published: dt.date | None = None
    dateline_place: str = ""
    outlet: str = ""
    dateline_date: str = ""  # the dateline's date words; "April 12" needs the year of the page


@dataclass
class Document:
    """A cleaned article: text, stories, publication date and notes for the reader."""

    name: str
    text: str
    title: str = ""
    published: dt.date | None = None
    published_basis: str = ""
    outlet: str = ""
    stories: list[Story] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    captions: set[str] = field(default_factory=set)

    @property
    def digest(self) -> str:
        return hashlib.sha1(self.text.encode("utf-8")).hexdigest()[:12]


# --- reading bytes ------------------------------------------------------------------------

def read_path(path: str | os.PathLike, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a file, refusing one above ``max_bytes`` before reading it."""
    path = Path(path)
    if path.suffix.lower() not in HTML_SUFFIXES + TEXT_SUFFIXES:
        suffix = path.suffix or "no suffix"
        raise IngestError(f"{path.name}: only .txt and .html files can be read (this is '{suffix}')")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(
                f"{path.name}: {size / 2**20:.1f} MB is larger than the {max_bytes // 2**20} MB limit for one article"
            )
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise IngestError(f"{path.name}: no such file") from None
    except IsADirectoryError:
        raise IngestError(f"{path.name}: is a folder, not a file") from None
    except PermissionError:
        raise IngestError(f"{path.name}: cannot be read (permission denied)") from None


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """Bytes to text: UTF-8, or Windows-1252 with a note; binary data is refused.

    Windows-1252 is the one fallback because Western news text saved by Word or an old CMS
    is nearly always in it; a wrong guess shows in the evidence the editor reviews.
    """
    if len(data) > MAX_BYTES:
        raise IngestError(f"{name}: larger than the {MAX_BYTES // 2**20} MB limit for one article")
    if not data.strip():
        raise IngestError(f"{name}: the file is empty")
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), [f"{name}: read as UTF-16 text"]
        except UnicodeDecodeError:
            raise IngestError(f"{name}: starts like UTF-16 text but is not; save it as UTF-8") from None
    if b"\x00" in head or head.startswith((b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        raise IngestError(f"{name}: looks like a binary file (PDF, image, archive…), not text or HTML")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        position = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise IngestError(
            f"{name}: is neither UTF-8 nor Windows-1252 text (undecodable byte at {position}); save it as UTF-8"
        ) from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(5, len(text) // 200):
        raise IngestError(f"{name}: looks like a binary file, not text")
    return text, [f"{name}: not UTF-8; read as Windows-1252 (check accented names such as Goïta)"]


def looks_like_html(text: str, name: str) -> bool:
    if name.lower().endswith(HTML_SUFFIXES):
        return True
    head = text.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)


def html_to_text(html: str, name: str) -> tuple[str, str, dt.date | None]:
    """The article text of an HTML page (trafilatura), its title and its stated date."""
    import trafilatura

    text = trafilatura.extract(
        html, include_comments=False, include_tables=False, include_images=False,
        include_links=False, favor_precision=True, deduplicate=True, with_metadata=False,
    )
    if not text or not text.strip():
        raise IngestError(f"{name}: no article text found in the HTML (only scripts, menus or markup)")
    text = re.sub(r"(?is)<script.*?</script>|<style.*?</style>|<[^>]{1,200}>", " ", text)
    meta = trafilatura.extract_metadata(html)
    title = (meta.title or "") if meta else ""
    published = None
    if meta and meta.date:
        try:
            published = dt.date.fromisoformat(meta.date[:10])
        except ValueError:
            published = None
    return text, title, published


# --- furniture ----------------------------------------------------------------------------

_FURNITURE = re.compile(
    r"""^(?:
        skip\ to\ (?:main\ )?content | browse\ by | print | print\ friendly.* | share(?:\ this)?(?:\ (?:on|via)\ .*)? |
        (?:share|tweet|email|facebook|twitter|whatsapp|linkedin|telegram|reddit|copy\ link)(?:\s*[|/·•]\s*\w+)* |
        tags?(?::.*)? | advertisement | sponsored.* | subscribe.* | sign\ up.* | log\ ?in | sign\ in | menu | search |
        home | close | accept(?:\ all)?(?:\ cookies)? | reject\ all | manage\ (?:cookies|preferences|settings) |
        .*\bcookies?\b.* | .*privacy\ policy.* | .*newsletter.* | most\ (?:popular|read)(?:\ articles)? |
        \d+\ min(?:ute)?s?\ read.* | \d+\ min\ .* | [-–—]?\d+(?:\.\d+)?\s*°?\s*[cf] |
        copyright.* | ©.* | all\ rights\ reserved.* |
        photo:.* | photograph:.* | image:.* | credit:.* | source:\ .{0,60} | loading.* | comments?(?:\ \(\d+\))? |
        next\ article.* | previous\ article.* | back\ to\ top | follow\ us.* | [\W_]+
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_RELATED = re.compile(
    r"^(?:related(?:\ (?:links|articles|stories|content|news|coverage|posts))?|more\ (?:stories|news|from\ .{1,40})|"
    r"recommended(?:\ for\ you)?|you\ may\ also\ like|read\ next|trending(?:\ now)?|latest\ news|top\ stories|"
    r"most\ popular(?:\ articles)?|most\ read)\s*:?$",
    re.IGNORECASE | re.VERBOSE,
)
_READ_MORE = re.compile(r"^(?:read\ (?:more|also)|see\ also|also\ read)\s*:?\s*(.*)$", re.IGNORECASE | re.VERBOSE)
_CREDIT_TAIL = re.compile(
    r"(?:\s*\((?:photo|image)[^)]*\)|\s+[A-Z][\w.-]+(?:\s+[A-Z][\w.-]+)*/(?:Pool\s+via\s+)?[A-Z][\w ]{1,30}"
    r"|\s*/\s*(?:Reuters|AFP|AP|Getty Images|EPA)\.?)\s*$"
)
_BYLINE = re.compile(
    r"^(?:by|writing by|reporting by|editing by|additional reporting by|written by|words by)\s+[A-Z][\w.'’-]+"
    r"(?:\s+[A-Z][\w.'’-]+){0,3}(?:\s*(?:[-–—|,;]|and|in)+\s*[\w .'’-]{0,40})?$",
    re.IGNORECASE,
)
_DATELINE_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_DATELINE_DAY = rf"(?:{_DATELINE_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_DATELINE_MONTH})"  # "Oct 14" or "14 October"
# Datelines in the usual wire styles: "Dakar (AFP) Aug 14, 2025 -" (AFP), "NIAMEY, April 12 (Reuters) -"
# (Reuters), "NIAMEY, Niger (AP) —" (AP), "NIAMEY, April 12, 2024 —" or "BAMAKO, 14 October 2024 -" (no agency).
_DATELINE_PATTERN = re.compile(
    rf"^(?P<place>[A-Z][A-Za-z .'-]{{1,40}}?)"
    rf"(?:,\s+(?P<region>[A-Z][A-Za-z .'-]{{1,30}}?))?"
    rf"(?:,\s+(?P<date1>{_DATELINE_DAY}(?:,?\s+\d{{4}})?))?"
    rf"\s*(?:\((?P<agency>[A-Z][\w .&'-]{{0,30}}?)\))?"
    rf"\s*(?P<date>{_DATELINE_DAY},?\s+\d{{4}})?"
    rf"\s*(?P<dash>[-–—:]+)(?:\s+|$)"
)


class _Dateline:
    """A dateline found at the start of a line: place, agency, date words and where the text starts."""

    def __init__(self, match: re.Match):
        self.match = match
        self.place = match.group("place").strip()
        self.agency = (match.group("agency") or "").strip()
        self.date_text = match.group("date") or match.group("date1") or ""

    def end(self) -> int:
        return self.match.end()


def _dateline(line: str) -> _Dateline | None:
    """The line's dateline, if it starts with one; a place alone counts only in capitals ("NIAMEY —")."""
    match = _DATELINE_PATTERN.match(line)
    if not match:
        return None
    dated = bool(match.group("date") or match.group("date1"))
    if not (match.group("agency") or dated or (match.group("place").isupper() and len(match.group("place")) >= 3)):
        return None
    if ":" in match.group("dash") and not match.group("agency"):
        return None  # "Burkina Faso: Lavrov promises …" is a headline, not a dateline
    if not (match.group("agency") or dated) and len(line) - match.end() < 20:
        return None
    return _Dateline(match)


_WIRE_OUTLETS = {"AFP", "Reuters", "AP", "Xinhua", "Anadolu", "UPI", "IANS", "ANI", "APA"}
_STATE_OUTLETS = {"TASS", "RIA Novosti", "Sputnik", "RT"}


def _is_headline(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= 16 and not re.search(r"[.!?:;\"”]$", line) and line[:1].isupper()


def clean_text(raw: str, captions: set[str] | None = None) -> tuple[list[str], list[str], int]:
    """Drop furniture lines, teasers and repeated paragraphs; keep article lines.

    Returns the kept lines, the date lines met (publication-date candidates) and how many
    lines were dropped; photo captions (a credit removed) are added to ``captions``.
    """
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    lines = [re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in raw.split("\n")]
    kept: list[str] = []
    date_lines: list[str] = []
    seen: set[str] = set()
    dropped = 0
    skip_next_teaser = False
    for index, line in enumerate(lines):
        if not line:
            continue
        if _RELATED.match(line):
            rest = [ln for ln in lines[index + 1:] if ln]
            dropped += 1 + len(rest)
            break
        more = _READ_MORE.match(line)
        if more:
            dropped += 1
            skip_next_teaser = not more.group(1)
            continue
        if skip_next_teaser:
            skip_next_teaser = False
            if _is_headline(line):
                dropped += 1
                continue
        if not _dateline(line) and parse_date_line(line) is not None:
            date_lines.append(line)
            dropped += 1
            continue
        if _FURNITURE.match(line) or (_BYLINE.match(line) and not line.endswith(".")):
            dropped += 1
            continue
        bare = _CREDIT_TAIL.sub("", line).strip()
        if bare != line and captions is not None:
            captions.add(bare)
        line = bare
        key = re.sub(r"\W+", " ", line.lower()).strip()
        if key in seen:
            dropped += 1
            continue
        seen.add(key)
        kept.append(line)
    return kept, date_lines, dropped


def _split_stories(lines: list[str]) -> tuple[str, list[Story]]:
    """Join lines into text and cut it where a new story starts: a headline over a wire dateline."""
    text_parts, stories = [], []
    offset = 0
    current = Story(0, 0)
    opened_by_headline = False
    for index, line in enumerate(lines):
        dateline = _dateline(line)
        headline_over_dateline = (
            _is_headline(line) and index + 1 < len(lines) and bool(_dateline(lines[index + 1]))
        )
        if (headline_over_dateline or (dateline and not opened_by_headline)) and offset > 0:
            current.end = offset
            stories.append(current)
            current = Story(offset, 0)
        opened_by_headline = headline_over_dateline
        if headline_over_dateline:
            current.headline = line
        if dateline:
            current.dateline_place = dateline.place
            current.outlet = dateline.agency
            current.dateline_date = dateline.date_text
            current.published = parse_date_line(dateline.date_text) if dateline.date_text else None
            line = line[dateline.end():].strip()
            if not line:
                continue
        text_parts.append(line)
        offset += len(line) + 2
    text = "\n\n".join(text_parts)
    current.end = len(text)
    stories.append(current)
    return text, stories


def _outlet_in(raw: str) -> str:
    for outlet in sorted(_WIRE_OUTLETS | _STATE_OUTLETS, key=len, reverse=True):
        if re.search(rf"\({re.escape(outlet)}\)|\bvia {re.escape(outlet)}\b|^{re.escape(outlet)}\b", raw, re.MULTILINE):
            return outlet
    return ""


def outlet_type(outlet: str) -> str:
    """The schema's outlet_type for an outlet name."""
    if outlet in _WIRE_OUTLETS:
        return "wire"
    if outlet in _STATE_OUTLETS:
        return "state_media"
    return "other_media"


def read_document(data: bytes, name: str, published: dt.date | None = None, outlet: str = "") -> Document:
    """Decode, extract and clean one article; ``published`` overrides the date found in it."""
    text, notes = decode(data, name)
    title, stated = "", None
    if looks_like_html(text, name):
        text, title, stated = html_to_text(text, name)
    captions: set[str] = set()
    lines, date_lines, _ = clean_text(text, captions)
    if not lines:
        raise IngestError(f"{name}: no article text left after removing page furniture")
    if not any(len(line.split()) >= 8 for line in lines):
        raise IngestError(f"{name}: no sentence of article text found (is this a news article?)")
    body, stories = _split_stories(lines)
    if not title:
        title = next((ln for ln in lines[:3] if _is_headline(ln)), "")
    found = [d for d in (parse_date_line(ln) for ln in date_lines) if d]
    story_dates = [s.published for s in stories if s.published]
    page_date = published or stated or (min(found) if found else None)
    for story in stories:
        if story.published is None and story.dateline_date and page_date:
            story.published = month_day_before(story.dateline_date, page_date)
    basis = ""
    if published:
        doc_date, basis = published, "given"
    elif stated:
        doc_date, basis = stated, "stated"
    elif found:
        # Pages also print today's date in a header; the earliest date line is the article's.
        doc_date, basis = min(found), "stated"
    elif story_dates:
        doc_date, basis = story_dates[0], "stated"
    else:
        doc_date = None
        yearless = next((s.dateline_date for s in stories if s.dateline_date), "")
        if yearless:
            notes.append(f"{name}: the dateline says '{yearless}' but no year, and the page states no date; give "
                         "the publication date (--published, or \"Publication date\" on the page) to date its events")
        else:
            notes.append(f"{name}: no publication date found; relative dates ('on Thursday') cannot be resolved "
                         "— give one")
    for story in stories:
        if story.published is None or published:
            story.published = doc_date
    found_outlet = outlet or next((s.outlet for s in stories if s.outlet), "") or _outlet_in(text)
    return Document(
        name=name, text=body, title=title, published=doc_date, published_basis=basis,
        outlet=found_outlet, stories=stories, notes=notes, captions=captions,
    )
