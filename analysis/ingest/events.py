"""Candidate events of one article: trigger, actors, date, place, evidence and a confidence.

Each sentence is read on its own: its trigger words give the types, the actors before a
trigger are its source and those after it its target, and the date expression closest to
the trigger dates it — unless a reporting verb stands between them ("said on Thursday that
… had been arrested" dates the statement, not the arrest). A sentence without a date falls
back to the month of the report (precision: month), except in a story's first two sentences,
which report its news and take the day it gives elsewhere ("on Thursday").
Candidates of one article that are the same event are merged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from analysis.ingest.dates import PRECISION_RANK, DateMention, find_dates
from analysis.ingest.document import Document, Story
from analysis.ingest.gazetteer import Gazetteer
from analysis.ingest.merge import EventKey, dates_compatible, match_score, same_event, types_compatible
from analysis.ingest.names import DocumentContext, discover_people, find_names
from analysis.ingest.reference import slug
from analysis.ingest.sentences import Sentence, split_sentences
from analysis.ingest.triggers import OTHER_NOTES, REPORTING, Trigger, find_triggers
from analysis.schema import MAX_EVIDENCE_WORDS, PLOVER_TYPES, country_name

_PLUPERFECT = re.compile(r"\b(?:had|have been|has been|had been|were|was|been|being|are|is)\s+(?:\w+\s+){0,2}$", re.I)
_REFERS_TO_MEETING = re.compile(
    r"\b(?:following|after|at|during|on the sidelines of|in the course of)\s+(?:the|their|these)\s+"
    r"(?:\w+\s+)?(?:talks|meeting|consultations|visit|summit|meetings)\b", re.I,
)
_RELATIVE = re.compile(r",\s*(?:which|who|whose|where)\b[^,]*(?:,|$)")
UNDATED_YEARS = 3
# Perfect or present tense with no date: background the text does not date ("have formed").
_BACKGROUND = re.compile(
    r"\b(?:has|have|had|having)\s+(?:\w+ly\s+|also\s+|since\s+|not\s+)*(?:been\s+)?\w+(?:ed|en|wn|t|ne|de)?\b[^,;]{0,20}$"
    r"|\b(?:is|are)\s+(?:\w+ly\s+)?\w+ed\b|\b(?:accuse|sends)\b", re.I)
LEDE_SENTENCES = 1
_DEFINITE_MEETING = re.compile(r"\bthe\s+(?:\w+\s+)?(?:meeting|talks|consultations|summit|visit)s?\b", re.I)
_PARTICIPLE = re.compile(r",\s+(?:\w+ly\s+)?\w+ing\s*$")
_PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are|be)\s+(?:\w+ly\s+|also\s+|reportedly\s+)?$", re.I)
_AFTER_CLAUSE = re.compile(r"\b(?:after|since|following|before)\s+(?:[\w'’-]+\s+){0,5}$", re.I)
_STATEMENT_TYPES = {"ACCUSE", "SUPPORT", "REQUEST", "REJECT", "THREATEN"}
_SUBORDINATE = re.compile(r"\b(?:after|before|because|although|whereas|while|until)\b", re.I)
_DEFINITE_NOUN = re.compile(r"\b(?:the|this|that|these)\s+(?:\w+\s+)?$", re.I)
_TRIP = re.compile(r"\b(?:trip|visit|tour|journey|travel|travelled|traveled|flew)\s+(?:to|of)\s+(?:the\s+)?$", re.I)
_HOST = re.compile(r"^(?:hosted|hosts|host|received|receives|welcomed)", re.I)
_DOMESTIC_TYPES = {"COERCE", "OTHER", "ACCUSE", "REQUEST", "PROTEST", "ASSAULT", "REJECT"}
_VERBS = {
    "AGREE": "agree with", "CONSULT": "meet", "SUPPORT": "back", "CONCEDE": "concede to",
    "COOPERATE": "cooperate with", "AID": "give aid to", "RETREAT": "withdraw from", "REQUEST": "make a demand of",
    "ACCUSE": "accuse", "REJECT": "reject", "THREATEN": "threaten", "SANCTION": "sanction",
    "PROTEST": "protest against",
    "MOBILIZE": "mobilise", "COERCE": "coerce", "ASSAULT": "attack", "OTHER": "act on",
}
_AES = {"MLI", "NER", "BFA"}


@dataclass
class Candidate:
    """One event the pipeline proposes, with everything an editor needs to judge it."""

    key: str
    document: str
    story: int
    event_type: str
    mode: str
    trigger: str
    date: dt.date | None
    precision: str
    date_basis: str
    actors: dict[str, str]
    place_id: str | None
    evidence: str
    confidence: float
    sentence_start: int = 0
    type_note: str = ""
    summary: str = ""
    topic: str = ""
    own_date: bool = False
    refers_back: bool = False
    earliest: dt.date | None = None
    merge_into: str | None = None
    merge_target: dict | None = None  # date, precision, place and origin of the stored event it repeats
    story_country: str = ""
    decision: str = "add"
    notes: list[str] = field(default_factory=list)

    def event_key(self, gaz: Gazetteer) -> EventKey:
        place = gaz.places.get(self.place_id) if self.place_id else None
        return EventKey(
            self.event_type, self.date, self.precision, None, frozenset(self._with_members(self.actors, gaz)),
            (place.place_id, place.country, place.lat, place.lon, place.kind) if place else None,
            frozenset(self._with_members((a for a, r in self.actors.items() if r == "source"), gaz)),
            self.mode, self.earliest,
            frozenset(self._with_members((a for a, r in self.actors.items() if r == "target"), gaz)),
        )

    @staticmethod
    def _with_members(actor_ids, gaz: Gazetteer) -> set[str]:
        """Actor ids plus, for an alliance, its member states (the AES acts for Mali, Niger…)."""
        out = set()
        for actor_id in actor_ids:
            out.add(actor_id)
            actor = gaz.actors.get(actor_id)
            if actor and actor.members:
                out.update(f"member:{code}" for code in actor.members.split("|"))
            if actor and actor.kind == "state":
                out.add(f"member:{actor.country}")
        return out


def extract_candidates(doc: Document, gaz: Gazetteer) -> tuple[list[Candidate], list[dict]]:
    """Candidate events of an article, and the names in it that matched nothing known."""
    ctx = DocumentContext(published=doc.published)
    discover_people(doc.text, gaz, ctx)
    out: list[Candidate] = []
    for number, story in enumerate(doc.stories):
        ctx.countries.clear()
        out.extend(_story_candidates(doc, number, story, gaz, ctx))
    merged = _merge_within(out, gaz)
    for cand in merged:
        _fill_place(cand, merged, gaz)
        cand.summary = summary_for(cand, gaz)
        cand.topic = topic_for(cand, gaz)
    unknown = [
        {"name": name, "label": _label(name, gaz), "document": doc.name, "context": _clip(context)}
        for name, context in ctx.unknown.items()
    ]
    return merged, unknown


def _label(name: str, gaz: Gazetteer) -> str:
    ident = gaz.lookup(name)
    if ident:
        return f"new {gaz.actors[ident].kind}"
    return "unmatched name"


def _clip(text: str, words: int = 40) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _story_candidates(doc: Document, number: int, story: Story, gaz: Gazetteer,
                      ctx: DocumentContext) -> list[Candidate]:
    sentences = split_sentences(doc.text[story.start:story.end], offset=story.start)
    ref = story.published
    parsed = []
    anchor = None
    for sentence in sentences:
        mentions = find_dates(sentence.text, ref)
        parsed.append((sentence, mentions))
        if anchor is None and ref:
            for m in mentions:
                recent = dt.timedelta(0) <= ref - m.date <= dt.timedelta(days=7)
                if m.precision == "day" and m.basis != "stated" and recent:
                    anchor = m
                    break
    out: list[Candidate] = []
    position = -1
    for sentence, mentions in parsed:
        actors, places = find_names(sentence.text, gaz, ctx)
        if sentence.is_headline:
            continue
        if not any(sentence.text in caption for caption in doc.captions):
            position += 1
        previous_sources: list[tuple[str, str]] = []
        previous_background = False
        relative = tuple(m.span() for m in _RELATIVE.finditer(sentence.text))
        dated_relative = tuple(span for span in relative if any(span[0] <= m.start < span[1] for m in mentions))
        triggers = find_triggers(sentence.text, dated_relative)
        for index, trig in enumerate(triggers):
            left = triggers[index - 1].end if index else 0
            right = triggers[index + 1].start if index + 1 < len(triggers) else len(sentence.text)
            roles = _roles(sentence.text, trig, actors, left, right, triggers, relative)
            if previous_sources and (_PARTICIPLE.search(sentence.text[:trig.end])
                                     or re.search(r"\band\s+(?:\w+ly\s+)?$", sentence.text[left:trig.start])):
                roles = previous_sources + [r for r in roles if r[1] == "target" and r not in previous_sources]
            previous_sources = [r for r in roles if r[1] == "source"] or previous_sources
            if not roles:
                continue
            dates = _dates_for(sentence, trig, mentions, ref, position, anchor, out, relative)
            context = sentence.text[max(0, trig.start - 40):trig.start + len(trig.text)]
            before_trigger = sentence.text[max(0, trig.start - 50):trig.start]
            background = bool(_BACKGROUND.search(context) or _AFTER_CLAUSE.search(before_trigger)
                              or (previous_background and _PARTICIPLE.search(sentence.text[:trig.end])))
            previous_background = background
            for date, precision, basis, own in dates:
                place_id = _place_for(sentence.text, trig, places, left, right)
                cand = Candidate(
                    key="", document=doc.name, story=number, event_type=trig.event_type, mode=trig.mode,
                    trigger=trig.text, date=date, precision=precision, date_basis=basis, actors=dict(roles),
                    place_id=place_id, evidence=evidence_for(doc.text, sentence, trig), confidence=0.0,
                    sentence_start=sentence.start,
                    type_note=OTHER_NOTES.get(trig.mode, "") if trig.event_type == "OTHER" else "",
                    own_date=own,
                    refers_back=bool(_DEFINITE_NOUN.search(sentence.text[:trig.start]) if trig.weak
                                     else _DEFINITE_MEETING.search(trig.text)),
                    earliest=None if own or date is None or not background
                    else date - dt.timedelta(days=UNDATED_YEARS * 365),
                )
                cand.confidence = _confidence(cand, trig, len(roles))
                cand.key = _key(doc, cand)
                out.append(cand)
    story_country = ctx.main_country(tuple(ctx.countries)) or ""
    for cand in out:
        cand.story_country = story_country
    _date_statements_by_meeting(out, ref, gaz)
    return out


def _date_statements_by_meeting(cands: list[Candidate], ref: dt.date | None, gaz: Gazetteer) -> None:
    """Undated statements and pledges by people at a dated meeting of the story were made there.

    News of talks reports what the participants said without repeating the day; a statement
    whose speaker's country took part in the story's dated talks takes their day and place.
    """
    if ref is None:
        return
    meetings = [c for c in cands if c.event_type == "CONSULT" and c.own_date and c.precision == "day"
                and dt.timedelta(0) <= ref - c.date <= dt.timedelta(days=7)]
    if not meetings:
        return
    for cand in cands:
        statement = cand.event_type in _STATEMENT_TYPES or (cand.event_type == "AGREE" and cand.mode == "pledge")
        if cand.own_date or cand.earliest is not None or not statement:
            continue
        speakers = {gaz.actors[a].country for a, r in cand.actors.items() if r == "source" and a in gaz.actors}
        for meeting in meetings:
            present = {gaz.actors[a].country for a in meeting.actors if a in gaz.actors}
            if speakers & present - {""}:
                cand.date, cand.precision, cand.own_date = meeting.date, "day", True
                cand.date_basis = f"said at the talks of {meeting.date} reported in the same story"
                cand.place_id = cand.place_id or meeting.place_id
                break


def _roles(text: str, trig: Trigger, actors, left: int, right: int, triggers: list[Trigger],
           relative: tuple[tuple[int, int], ...] = ()) -> list[tuple[str, str]]:
    """Actors before the trigger (back to the previous one) are sources, those after it targets.

    Actors inside a relative clause ("…, which …,") belong to that clause, not to the verb.
    """
    def outside(a):
        return not any(s <= a.start < e and not s <= trig.start < e for s, e in relative)

    inside_relative = [span for span in relative if span[0] <= trig.start < span[1]]
    antecedent = [a for a in actors if inside_relative and a.end <= inside_relative[0][0] and
                  not text[a.end:inside_relative[0][0]].strip(" ,")]
    actors = [a for a in actors if outside(a)]
    before = [a for a in actors if left <= a.start < trig.start]
    if inside_relative:
        before = [a for a in before if a.start >= inside_relative[0][0]] + antecedent
    if not before and triggers and trig is not triggers[0] and not inside_relative:
        before = [a for a in actors if a.start < triggers[0].start]
    reported = [m for m in REPORTING.finditer(text[:trig.start])]
    if reported and before:
        cut = reported[-1].end()
        speakers = [a for a in before if a.start < cut]
        inside = [a for a in before if a.start >= cut]
        if inside:
            before = inside + [s for s in speakers if s.actor_id not in {a.actor_id for a in inside}][:1]
    after = [a for a in actors if trig.end <= a.start < right]
    participle = re.match(r"\w+(?:ed|en|wn|eld|ought|ade|ut)\b", trig.text, re.I)
    if (participle and _PASSIVE.search(text[max(0, trig.start - 30):trig.start])) or re.match(
            r"(?:was|were|been|is|are)\s", trig.text, re.I):
        before, after = [], before + after  # "Maiga was taken into custody": Maiga is acted on
    roles: dict[str, str] = {}
    for a in before:
        roles.setdefault(a.actor_id, "source")
    for a in after:
        roles.setdefault(a.actor_id, "target")
    if not roles:
        return []
    return list(roles.items())


def _dates_for(sentence: Sentence, trig: Trigger, mentions: list[DateMention], ref, position: int,
               anchor: DateMention | None, earlier: list[Candidate], relative: tuple[tuple[int, int], ...] = ()):
    """(date, precision, basis, own) for a trigger: one per year in "coups in 2020 and 2021"."""
    usable = []
    for m in mentions:
        if any(s <= m.start < e and not s <= trig.start < e for s, e in relative):
            continue
        lo, hi = sorted((m.end, trig.start)) if m.end <= trig.start else sorted((trig.end, m.start))
        between = sentence.text[lo:hi]
        reported_between = bool(REPORTING.search(between))
        if m.start >= trig.end and reported_between and not trig.weak:
            continue
        if m.end <= trig.start and reported_between and _PLUPERFECT.search(sentence.text[:trig.start]):
            continue
        if m.end <= trig.start and (_SUBORDINATE.search(between) or re.search(r",\s+and\s", between)):
            continue
        usable.append((abs((m.start + m.end) / 2 - (trig.start + trig.end) / 2), m))
    if usable:
        usable.sort(key=lambda pair: pair[0])
        best = usable[0][1]
        years = [best]
        if best.precision == "year":
            for m in mentions:
                if m is not best and m.precision == "year" and re.fullmatch(
                        r"\s*(?:and|or|,)\s*", sentence.text[min(best.end, m.end):max(best.start, m.start)]):
                    years.append(m)
        return [(m.date, m.precision, m.basis if m.basis != "stated" else f"'{m.text}' stated", True) for m in years]
    if _REFERS_TO_MEETING.search(sentence.text):
        meetings = [c for c in earlier if c.event_type == "CONSULT" and c.date and c.own_date]
        if meetings:
            meeting = meetings[-1]
            return [(meeting.date, meeting.precision, f"date of the talks it follows ({meeting.date})", True)]
    if ref is None:
        return [(None, "day", "no date found: give the publication date", False)]
    if position < LEDE_SENTENCES and anchor is not None and not _PLUPERFECT.search(sentence.text[:trig.start]):
        return [(anchor.date, "day", f"lead of the story, dated by '{anchor.text}' ({anchor.date})", True)]
    return [(ref.replace(day=1), "month", f"no date in the sentence: month of the report ({ref})", False)]


def _place_for(text: str, trig: Trigger, places, left: int, right: int) -> str | None:
    """The place named nearest the trigger; none where two are named together ("Niger and Mali")."""
    if trig.event_type != "CONSULT":
        places = [p for p in places if not _TRIP.search(text[max(0, p.start - 30):p.start])]
    if trig.event_type in _STATEMENT_TYPES:
        # What a statement is about may be elsewhere ("condemned Israel's actions in Gaza").
        places = [p for p in places if p.start < trig.start or len(text[trig.end:p.start].split()) <= 2]
    inside = [p for p in places if left <= p.start < right] or places
    if not inside:
        return None
    best = min(inside, key=lambda p: abs(p.start - trig.start))
    for other in places:
        between = text[min(best.end, other.end):max(best.start, other.start)]
        if other is not best and re.fullmatch(r"\s*(?:,|and|,\s*and)\s*", between):
            return None
    return best.place_id


def _fill_place(cand: Candidate, all_candidates: list[Candidate], gaz: Gazetteer) -> None:
    """A place where the sentence names none: the host's capital, the day's talks, or home."""
    if cand.place_id:
        return
    sources = [gaz.actors[a] for a, r in cand.actors.items() if r == "source" and a in gaz.actors]
    if _HOST.match(cand.trigger) and sources and sources[0].country:
        capital = gaz.capital_place(sources[0].country)
        if capital:
            cand.place_id = capital.place_id
            return
    for other in all_candidates:
        if (other is not cand and other.event_type == "CONSULT" and other.place_id and other.story == cand.story
                and other.precision == "day" and cand.precision == "day" and other.date == cand.date):
            cand.place_id = other.place_id
            return
    if not sources and cand.event_type in _DOMESTIC_TYPES and cand.story_country:
        place = gaz.place(country_name(cand.story_country))
        if place:
            cand.place_id = place.place_id
            return
    countries = {gaz.actors[a].country for a in cand.actors if a in gaz.actors and gaz.actors[a].country}
    home = next((a.country for a in sources if a.country and a.kind in ("state", "organisation")), None)
    if cand.event_type in _DOMESTIC_TYPES and (home or len(countries) == 1):
        place = gaz.place(country_name(home or next(iter(countries))))
        if place:
            cand.place_id = place.place_id


def _merge_within(cands: list[Candidate], gaz: Gazetteer) -> list[Candidate]:
    """Merge candidates of one article that are the same event (the matching rule)."""
    out: list[Candidate] = []
    for cand in cands:
        if cand.date is None:
            out.append(cand)
            continue
        key = cand.event_key(gaz)
        matches = [o for o in out
                   if o.date is not None and same_event(o.event_key(gaz), key, dt.timedelta(0), strict=True)]
        target = max(matches, key=lambda o: match_score(o.event_key(gaz), key)) if matches else None
        if target is None and cand.refers_back:
            earlier = [o for o in out if o.story == cand.story and o.date is not None
                       and types_compatible(o.event_type, cand.event_type)
                       and dates_compatible(o.event_key(gaz), key, dt.timedelta(0))]
            target = earlier[-1] if earlier else None
        if target is None:
            out.append(cand)
            continue
        for actor, role in cand.actors.items():
            target.actors.setdefault(actor, role)
        if cand.own_date and (not target.own_date or PRECISION_RANK[cand.precision] < PRECISION_RANK[target.precision]):
            target.date, target.precision, target.date_basis = cand.date, cand.precision, cand.date_basis
            target.own_date, target.earliest = True, None
        if not target.place_id or (cand.place_id and gaz.places[target.place_id].kind == "country"
                                   and gaz.places[cand.place_id].kind != "country"):
            target.place_id = cand.place_id or target.place_id
        if cand.confidence > target.confidence and cand.own_date >= target.own_date:
            target.evidence, target.trigger, target.mode = cand.evidence, cand.trigger, cand.mode
        target.confidence = min(0.95, max(target.confidence, cand.confidence) + 0.05)
    return out


def _confidence(cand: Candidate, trig: Trigger, n_actors: int) -> float:
    score = 0.35
    score += 0.0 if trig.weak else 0.2
    score += 0.15 if n_actors >= 2 else 0.0
    score += 0.15 if cand.own_date else 0.0
    score += 0.05 if cand.place_id else 0.0
    return round(min(0.95, score), 2)


def evidence_for(text: str, sentence: Sentence, trig: Trigger) -> str:
    """At most 30 words of the sentence around the trigger: an exact substring of the text."""
    words = list(re.finditer(r"\S+", sentence.text))
    if len(words) <= MAX_EVIDENCE_WORDS:
        return sentence.text
    t = next((i for i, w in enumerate(words) if w.end() > trig.start), 0)
    first = max(0, t - 10)
    for i in range(t - 1, max(-1, t - 16), -1):
        if words[i].group(0).endswith((",", ";", ":")) or i == 0:
            first = i + 1 if i else 0
            break
    first = max(0, min(first, len(words) - MAX_EVIDENCE_WORDS))
    last = min(len(words), first + MAX_EVIDENCE_WORDS) - 1
    piece = text[sentence.start + words[first].start():sentence.start + words[last].end()]
    return piece.rstrip(",;:")


def _key(doc: Document, cand: Candidate) -> str:
    raw = f"{doc.digest}|{cand.sentence_start}|{cand.event_type}|{cand.trigger}|{cand.date}"
    return hashlib.sha1(raw.encode()).hexdigest()[:10]


def summary_for(cand: Candidate, gaz: Gazetteer) -> str:
    """A plain one-line summary in our own words, made from the coded fields."""
    def names(role):
        return ", ".join(gaz.actors[a].name for a, r in cand.actors.items() if r == role and a in gaz.actors)

    sources, targets = names("source"), names("target")
    verb = _VERBS.get(cand.event_type, "act on")
    what = PLOVER_TYPES.get(cand.event_type, cand.type_note or "Other").split(",")[0].lower()
    place = gaz.places[cand.place_id].name if cand.place_id in gaz.places else ""
    head = f"{sources or targets} — {verb} {targets}" if sources and targets else f"{sources or targets} — {what}"
    return f"{head} ({cand.mode}{', ' + place if place else ''}; trigger '{cand.trigger}')"


def topic_for(cand: Candidate, gaz: Gazetteer) -> str:
    """russia-aes when Russia and a Sahel state take part; else the countries involved."""
    countries = set()
    for actor_id in cand.actors:
        actor = gaz.actors.get(actor_id)
        if actor:
            countries.update(filter(None, [actor.country, *actor.members.split("|")]))
    place = gaz.places.get(cand.place_id) if cand.place_id else None
    if place and place.country:
        countries.add(place.country)
    if "RUS" in countries and countries & _AES:
        return "russia-aes"
    if countries and countries <= _AES | {""} and len(countries) == 1:
        return f"{slug(country_name(next(iter(countries))))}-internal"
    return "-".join(slug(country_name(c)) for c in sorted(countries)[:3]) or "other"
