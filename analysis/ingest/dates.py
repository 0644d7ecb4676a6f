"""Date expressions in a sentence, resolved against the story's date with the precision they allow.

Rules, not a parser per sentence: "on Thursday" is the latest Thursday on or before the
report (the next one when the sentence speaks of the future), "the day before" counts back
from the date just mentioned, "in March" is the latest March, "last year" a year. A date
found this way keeps the words it came from, so an editor can check it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PRECISION_RANK = {"day": 0, "month": 1, "year": 2}

_M = (r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|"
      r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)")
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_Y = r"(?P<year>(?:19[5-9]|20[0-4])\d)"
_D = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"

_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("ymd", re.compile(r"\b(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})\b")),
    ("mdy", re.compile(rf"\b(?:{_WD},?\s+)?{_M}\s+{_D},?\s+{_Y}\b")),
    ("dmy", re.compile(rf"\b(?:{_WD},?\s+)?{_D}\s+(?:of\s+)?{_M},?\s+{_Y}\b")),
    ("my", re.compile(rf"\b(?:(?P<part>early|mid|late|the end of|the beginning of|the start of|the middle of)[- ]+)?"
                      rf"{_M}\s+(?:of\s+)?{_Y}\b", re.I)),
    ("dm_rel", re.compile(rf"\b{_D}\s+{_M}\s+(?:of\s+)?(?P<rel>last|this|next|the\s+previous|the\s+following)"
                          r"\s+year\b", re.I)),
    ("md_rel", re.compile(rf"\b{_M}\s+{_D}\s+(?:of\s+)?(?P<rel>last|this|next|the\s+previous|the\s+following)"
                          r"\s+year\b", re.I)),
    ("md", re.compile(rf"\b{_M}\s+{_D}\b(?!,?\s*\d)")),
    ("dm", re.compile(rf"\b{_D}\s+{_M}\b")),
    ("m_rel", re.compile(rf"\b{_M}\s+(?:of\s+)?(?P<rel>last|this|next|the\s+previous|the\s+following)\s+year\b", re.I)),
    ("m", re.compile(
        rf"\b(?P<lead>(?i:last|this|next|earlier in|later in|in|since|by|until|till|from|early|mid|late|of|during"
        rf"|through|before|after|on|the end of|the beginning of|the start of))[- ]+{_M}\b(?!\s+\d)")),
    ("ago", re.compile(r"\b(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+"
                       r"(?P<unit>day|week|month|year)s?\s+ago\b", re.I)),
    ("rel_year", re.compile(
        r"\b(?P<rel>(?:at\s+)?the\s+(?:end|beginning|start|middle)\s+of\s+(?:last|this|next|the)\s+year|(?:earlier|later)\s+this\s+year|"
        r"(?:early|late)\s+(?:last|this|next)\s+year|last\s+year|this\s+year|next\s+year|a\s+year\s+earlier|"
        r"the\s+previous\s+year)\b", re.I)),
    ("rel_month", re.compile(r"\b(?P<rel>last|this|next|earlier\s+this|later\s+this)\s+month\b", re.I)),
    ("rel_week", re.compile(r"\b(?P<rel>last|this|next|earlier\s+this)\s+week(?:end)?\b", re.I)),
    ("weekday", re.compile(rf"\b(?:(?P<lead>(?i:last|next|this|on))\s+)?(?P<wd>{_WD})\b")),
    ("rel_day", re.compile(
        r"\b(?P<rel>today|tonight|this\s+morning|this\s+evening|yesterday|tomorrow|the\s+day\s+before|the\s+previous\s+day|"
        r"a\s+day\s+earlier|the\s+day\s+after|the\s+next\s+day|the\s+following\s+day|a\s+day\s+later)\b", re.I)),
    ("year", re.compile(
        rf"(?<![\d,.$£€-])(?:(?P<lead>in|since|by|until|from|of|during|before|after|between|early|late|mid"
        rf"|the end of|the beginning of)\s+)?{_Y}(?!\d|,\d|%|-strong|\s*percent)",
        re.I)),
]
_PATTERNS_BY_KIND = dict(_PATTERNS)
_COORDINATED_YEAR = re.compile(rf"^\s*(?:and|or|to|-|–)\s*{_Y}\b")
_FUTURE = re.compile(
    r"\b(?:will|shall|is\s+(?:set|due|expected|scheduled|planned|to)\s+to|are\s+(?:set|due|expected|scheduled|planned)\s+to|"
    r"plans?\s+to|planning\s+to|to\s+be\s+held|upcoming|deadline|by\s+(?:mid-|the\s+end\s+of|next))\b",
    re.I,
)
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10}


@dataclass(frozen=True)
class DateMention:
    """A date expression found in a sentence and what it resolves to."""

    start: int
    end: int
    text: str
    date: dt.date
    precision: str  # day, month, year
    basis: str

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        return period_bounds(self.date, self.precision)


_DAY_STEPS = {"the day before": -1, "the previous day": -1, "a day earlier": -1, "the day after": 1,
              "the next day": 1, "the following day": 1, "a day later": 1}


def count_from(mentions: list[DateMention], previous: DateMention | None) -> list[DateMention]:
    """'The day before' with no day before it in its own sentence counts from the day the
    sentence before named ("On December 4, … At a board meeting the day before, …")."""
    if previous is None or previous.precision != "day":
        return mentions
    out = []
    for m in mentions:
        rel = " ".join(m.text.lower().split())
        if rel in _DAY_STEPS and not any(o.precision == "day" and o.start < m.start for o in mentions):
            date = previous.date + dt.timedelta(days=_DAY_STEPS[rel])
            m = DateMention(m.start, m.end, m.text, date, "day", f"'{m.text}' counted from {previous.date}")
        out.append(m)
    return out


_EVENT_NOUNS = r"ceremony|summit|meeting|talks|visit|signing|vote|attack|announcement|conference|inauguration|opening"
_FROM_EVENT = re.compile(
    r"\b(?:the\s+(?P<unit1>day)|(?P<n>an?|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+"
    r"(?P<unit>day|week)s?)\s+"
    rf"(?P<dir>before|after|ahead\s+of)\s+(?:the|that|this)\s+(?:[\w-]+\s+)?(?P<noun>{_EVENT_NOUNS})\b",
    re.I)


def count_from_event(sentences: list[tuple[str, list[DateMention]]]) -> list[list[DateMention]]:
    """"The day before the ceremony", "nine days before the summit": counted from the day that an earlier
    sentence gave the ceremony or summit, not from the day of the report."""
    out = []
    for i, (text, mentions) in enumerate(sentences):
        mentions = list(mentions)
        for m in _FROM_EVENT.finditer(text):
            noun = m.group("noun").lower()
            event = next((d for earlier, dates in reversed(sentences[:i])
                          if re.search(rf"\b{noun}\b", earlier, re.I)
                          for d in reversed(dates) if d.precision == "day"), None)
            if event is None:
                continue
            n = (m.group("n") or "one").lower()  # "the day before": one day
            days = (int(n) if n.isdigit() else _NUMBERS.get(n, 1)) * (7 if (m.group("unit") or "").lower() == "week"
                                                                       else 1)
            date = event.date + dt.timedelta(days=days if m.group("dir").lower() == "after" else -days)
            mentions = [o for o in mentions if not (o.start < m.end() and m.start() < o.end)]
            mentions.append(DateMention(m.start(), m.end(), m.group(0), date, "day",
                                        f"'{m.group(0)}' counted from the {noun} of {event.date}"))
        out.append(sorted(mentions, key=lambda o: o.start))
    return out


def period_bounds(date: dt.date, precision: str, date_end: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """First and last day that a date at a precision (and an optional end date) covers."""
    if precision == "year":
        start, end = dt.date(date.year, 1, 1), dt.date(date.year, 12, 31)
    elif precision == "month":
        start = dt.date(date.year, date.month, 1)
        end = dt.date(date.year, date.month, calendar.monthrange(date.year, date.month)[1])
    else:
        start = end = date
    if date_end and date_end > end:
        end = date_end
    return start, end


def as_date(value) -> dt.date | None:
    """A date from what a row may hold: a date, a timestamp (pandas too), ISO text, or nothing (None, "", NaN/NaT)."""
    if value is None or value == "" or value != value:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def truncate(date: dt.date, precision: str) -> dt.date:
    """The first day of the period that holds a date at a precision."""
    if precision == "year":
        return dt.date(date.year, 1, 1)
    if precision == "month":
        return dt.date(date.year, date.month, 1)
    return date


def _month_number(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _latest_month(month: int, ref: dt.date, future: bool, strictly_before: bool = False) -> dt.date:
    if future:
        year = ref.year if month >= ref.month else ref.year + 1
    elif strictly_before:
        year = ref.year if month < ref.month else ref.year - 1
    else:
        year = ref.year if month <= ref.month else ref.year - 1
    return dt.date(year, month, 1)


def _weekday(name: str, ref: dt.date, lead: str, future: bool) -> dt.date:
    target = WEEKDAYS.index(name.lower())
    if lead == "next" or (future and lead != "last"):
        return ref + dt.timedelta(days=(target - ref.weekday() - 1) % 7 + 1)
    back = (ref.weekday() - target) % 7
    if lead == "last" and back == 0:
        back = 7
    return ref - dt.timedelta(days=back)


_HAS_MONTH = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b")
_HAS_WEEKDAY = re.compile(_WD)
_HAS_RELATIVE = re.compile(r"\b(?:to|yester|tomor|tonight|this|day|week|month|year|ago)", re.I)
# What each kind of pattern needs in the sentence before it is worth running.
_NEEDS = {"ymd": "digit", "mdy": "digit", "dmy": "digit", "my": "digit", "year": "digit", "md": "month",
          "dm": "month", "dm_rel": "month", "md_rel": "month", "m_rel": "month", "m": "month",
          "weekday": "weekday", "ago": "relative",
          "rel_year": "relative",
          "rel_month": "relative", "rel_week": "relative", "rel_day": "relative"}


def find_dates(text: str, ref: dt.date | None) -> list[DateMention]:
    """Every date expression in ``text`` resolved against ``ref`` (relative ones need ``ref``)."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    present = {
        "digit": any(ch.isdigit() for ch in text), "month": bool(_HAS_MONTH.search(text)),
        "weekday": bool(_HAS_WEEKDAY.search(text)), "relative": bool(_HAS_RELATIVE.search(text)),
    }
    if not any(present.values()):
        return found
    future = bool(_FUTURE.search(text))
    for kind, pattern in _PATTERNS:
        if not present[_NEEDS[kind]]:
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            mentions = _resolve(kind, match, text, ref, future, found)
            if mentions:
                taken.extend((m.start, m.end) for m in mentions)
                taken.append((start, end))
                found.extend(mentions)
    found.sort(key=lambda m: m.start)
    return found


def _resolve(kind: str, match: re.Match, text: str, ref: dt.date | None, future: bool,
             earlier: list[DateMention]) -> list[DateMention]:
    g = match.groupdict()
    start, end, words = match.start(), match.end(), match.group(0)

    def one(date, precision, basis):
        return [DateMention(start, end, words, date, precision, basis)] if date else []

    if kind == "ymd":
        return one(_safe_date(int(g["year"]), int(g["mon"]), int(g["day"])), "day", "stated")
    if kind in ("mdy", "dmy"):
        return one(_safe_date(int(g["year"]), _month_number(g["month"]), int(g["day"])), "day", "stated")
    if kind == "my":
        return one(dt.date(int(g["year"]), _month_number(g["month"]), 1), "month", "stated")
    if kind in ("md", "dm"):
        if ref is None:
            return []
        month = _month_number(g["month"])
        first = _latest_month(month, ref, future)
        return one(_safe_date(first.year, month, int(g["day"])), "day", f"'{words}' read against {ref}")
    if kind in ("m_rel", "dm_rel", "md_rel"):
        if ref is None:
            return []
        rel = g["rel"].lower()
        shift = -1 if rel == "last" or "previous" in rel else 1 if rel == "next" or "following" in rel else 0
        year = ref.year + shift
        if kind != "m_rel":  # "on 24 January last year"
            return one(_safe_date(year, _month_number(g["month"]), int(g["day"])), "day",
                       f"'{words}' read against {ref}")
        return one(dt.date(year, _month_number(g["month"]), 1), "month", f"'{words}' read against {ref}")
    if kind == "m":
        lead = g["lead"].lower()
        if ref is None or (g["month"].lower() == "may" and lead in ("on", "of")):
            return []
        month = _month_number(g["month"])
        if lead == "last":
            date = _latest_month(month, ref, False, strictly_before=True)
        elif lead == "next":
            date = _latest_month(month, ref, True)
        else:
            date = _latest_month(month, ref, future or lead in ("by", "until", "till"))
        return one(date, "month", f"'{words}' read against {ref}")
    if ref is None and kind not in ("year",):
        return []
    if kind == "ago":
        word = g["n"].lower()
        n = int(word) if word.isdigit() else _NUMBERS.get(word, 1)
        unit = g["unit"].lower()
        if unit == "day":
            return one(ref - dt.timedelta(days=n), "day", f"'{words}' before {ref}")
        if unit == "week":
            return one(truncate(ref - dt.timedelta(days=7 * n), "month"), "month", f"'{words}' before {ref}")
        if unit == "month":
            months = ref.year * 12 + ref.month - 1 - n
            return one(dt.date(months // 12, months % 12 + 1, 1), "month", f"'{words}' before {ref}")
        return one(dt.date(ref.year - n, 1, 1), "year", f"'{words}' before {ref}")
    if kind == "rel_year":
        rel = g["rel"].lower()
        earlier = "last" in rel or "previous" in rel or ("earlier" in rel and "this" not in rel)
        year = ref.year - 1 if earlier else ref.year
        if "next" in rel:
            year = ref.year + 1
        return one(dt.date(year, 1, 1), "year", f"'{words}' read against {ref}")
    if kind == "rel_month":
        rel = g["rel"].lower()
        months = ref.year * 12 + ref.month - 1 + (-1 if rel == "last" else 1 if rel == "next" else 0)
        return one(dt.date(months // 12, months % 12 + 1, 1), "month", f"'{words}' read against {ref}")
    if kind == "rel_week":
        rel = g["rel"].lower()
        shift = -7 if rel == "last" else 7 if rel == "next" else 0
        return one(truncate(ref + dt.timedelta(days=shift), "month"), "month", f"'{words}' read against {ref}")
    if kind == "rel_day":
        rel = " ".join(g["rel"].lower().split())
        if rel in _DAY_STEPS:
            before = [m for m in earlier if m.precision == "day" and m.start < start]
            base = before[-1].date if before else ref
            return one(base + dt.timedelta(days=_DAY_STEPS[rel]), "day", f"'{words}' counted from {base}")
        step = {"yesterday": -1, "tomorrow": 1}.get(rel, 0)
        return one(ref + dt.timedelta(days=step), "day", f"'{words}' read against {ref}")
    if kind == "weekday":
        lead = (g["lead"] or "").lower()
        return one(_weekday(g["wd"], ref, lead, future), "day", f"'{words}' read against {ref} ({ref:%A})")
    if kind == "year":
        year = int(g["year"])
        out = one(dt.date(year, 1, 1), "year", "stated")
        tail = _COORDINATED_YEAR.match(text[end:])
        if tail and g["lead"]:
            second = int(tail.group("year"))
            out.append(DateMention(end + tail.start("year"), end + tail.end(), tail.group("year"),
                                   dt.date(second, 1, 1), "year", "stated"))
        if not g["lead"] and not re.search(r"\b(?:in|since|of|by|from|until)\s*$", text[:start]):
            # A bare number is a year only where nothing else reads it (e.g. "a 2018 deal").
            nxt = text[end:end + 12].lower()
            if re.match(r"\s*(?:troops|soldiers|people|km|kilometres|tonnes|tons|dollars|men)\b", nxt):
                return []
        return out
    return []


def month_day_before(words: str, ref: dt.date) -> dt.date | None:
    """A dateline's "Aug 30" as the latest such day on or just after the page's date (a day of time zones)."""
    match = _PATTERNS_BY_KIND["md"].search(words)
    if not match:
        return None
    month, day = _month_number(match.group("month")), int(match.group("day"))
    for year in (ref.year + 1, ref.year, ref.year - 1):
        date = _safe_date(year, month, day)
        if date and date <= ref + dt.timedelta(days=1):
            return date
    return None


_DATE_LINE_NOISE = re.compile(
    r"\b(?:date|dated|published|updated|posted|last|modified|on|at|utc|gmt|cet|cest|edt|est|am|pm|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\d{1,2}[:.]\d{2}(?:\s*[ap]m)?|[^\w\s]",
    re.I,
)


def parse_date_line(line: str) -> dt.date | None:
    """The date of a line that is nothing but a date (with weekday, time or a section word)."""
    line = line.strip()
    if "|" in line or "·" in line:
        # "Published: Tuesday 28 November 2023, 10:42 GMT | Updated: 11:05 GMT": the first dated part
        for part in re.split(r"[|·]", line):
            found = parse_date_line(part)
            if found:
                return found
        return None
    if not line or len(line.split()) > 9:
        return None
    for kind in ("ymd", "mdy", "dmy"):
        pattern = dict(_PATTERNS)[kind]
        match = pattern.search(line) or (pattern.search(line.title()) if kind != "ymd" else None)
        if not match:
            continue
        mention = _resolve(kind, match, line, None, False, [])
        if not mention:
            continue
        rest = (line[:match.start()] + " " + line[match.end():])
        rest = _DATE_LINE_NOISE.sub(" ", rest)
        leftover = [w for w in rest.split() if not w.isupper()]
        if len(leftover) <= 1:
            return mention[0].date
    return None
