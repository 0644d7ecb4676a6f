"""Candidate events of one article: trigger, actors, date, place, evidence and a confidence.

Each sentence is read with what the story told before it: its trigger words give the types,
the actors before a trigger (in its own clause) are its source and those after it its
target; "he", "they" and "the two leaders" point back to the people and parties just
named. The date expression closest to the trigger dates it — unless a reporting verb
stands between them ("said on Thursday that … had been arrested" dates the statement, not
the arrest); "then", "later" and "in the same month" take the date told just before. A
sentence without a date falls back to the month of the report (precision: month), except
in a story's lead, which takes the day the story gives elsewhere ("on Thursday").
Candidates of one article that are the same event are merged; "also" keeps a second
meeting apart from the first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from analysis.ingest.dates import PRECISION_RANK, DateMention, count_from, count_from_event, find_dates, truncate
from analysis.ingest.document import Document, Story
from analysis.ingest.gazetteer import Gazetteer
from analysis.ingest.merge import EventKey, dates_compatible, match_score, places_agree, same_event, types_compatible
from analysis.ingest.names import DocumentContext, discover_people, find_names
from analysis.ingest.reference import slug
from analysis.ingest.sentences import Sentence, split_sentences
from analysis.ingest.triggers import FUTURE_PLEDGE, OTHER_NOTES, REPORTING, Trigger, find_triggers
from analysis.schema import MAX_EVIDENCE_WORDS, PLOVER_TYPES, country_name

_PLUPERFECT = re.compile(r"\b(?:had|have been|has been|had been|were|was|been|being|are|is)\s+(?:\w+\s+){0,2}$", re.I)
_REFERS_TO_MEETING = re.compile(
    r"\b(?:following|after|at|during|on the sidelines of|in the course of)\s+(?:the|their|these)\s+"
    r"(?:\w+\s+)?(?:talks|meeting|consultations|visit|summit|meetings)\b", re.I,
)
_RELATIVE = re.compile(r",\s*(?:which|who|whose|where|in\s+power\s+since)\b[^,]*(?:,|$)")
UNDATED_YEARS = 3
# Where a verb's own clause ends: its objects and place come before this.
_CLAUSE_END = re.compile(
    r",\s+(?:after|before|while|when|as|because|although|since|but|which|who|whose|where|saying|according|amid)\b"
    r"|,\s+and\s+(?:the|a|an)\b|\s+and\s+(?:has|have|had)\s|;|\s[—–]\s")
_PRONOUN = re.compile(r"\b(?:he|she)\s+(?:\w+\s+){0,2}$", re.I)
_GROUP = re.compile(
    r"\b(?:(?:the|both)\s+(?:two|three)|both)\s+(?P<who>leaders|men|women|sides|countries|presidents|ministers"
    r"|governments|delegations|heads\s+of\s+state|parties|officials)\s+(?:\w+\s+){0,4}$"
    r"|^\s*(?:The|the)\s+two\s+(?P<bare>)(?:\w+ly\s+)?$", re.I)  # "The two signed an agreement"
_PEOPLE_WORDS = {"leaders", "men", "women", "presidents", "ministers", "heads of state"}
# "… and has since expelled": after the date just named, but undated itself.
_SINCE_THEN = re.compile(r"\b(?:has|have|had)\s+(?:\w+ly\s+)?since\b|\band\s+(?:has|have)\s", re.I)
# "was later received", "then oversaw": the same occasion as the dated event told just before.
_SEQUENCE = re.compile(r"\b(?:later|then|afterwards|subsequently)\b", re.I)
_NOT_SEQUENCE = re.compile(r"\bthe\s+then\b|\b(?:years?|months?|weeks?|decades?)\s+later\b|\bsince\s+then\b", re.I)
_THEY = re.compile(r"\bthey\s+(?:\w+\s+){0,2}$", re.I)
# "In the same month, …": the period the story named just before.
_SAME_PERIOD = re.compile(r"\b(?:in|during|on|of|later\s+in)?\s*(?:the\s+same|that)\s+"
                          r"(?P<unit>day|month|year|morning|afternoon|evening|night)\b", re.I)
_DAYS_APART = re.compile(r"\b(?:a\s+few|few|two|three|four|several)\s+days\s+(?:after|before|later|earlier)\b", re.I)
_THERE = re.compile(r"\s+(?:\w+\s+){0,3}?there\b", re.I)
_BROUGHT_IN = re.compile(r"(?:brought|brings|bringing|hired|hires|recruited)\b", re.I)
_THE_TOWN = re.compile(r"^\s+(?:[\w'-]+\s+){0,4}?(?:in|from|of|into)\s+the\s+(?:town|city)\b", re.I)
_THE_COUNTRY = re.compile(r"\s+(?:in|to|into)\s+the\s+country\b", re.I)
_ANOTHER = re.compile(r"\balso\s+(?:\w+\s+)?$", re.I)
_OBJECT_PLACE = re.compile(
    r"\b(?:construction|building|plant|refinery|factory|mine|base|station|reactor|pipeline|railway|port|airport"
    r"|hospital|facility|facilities|centre|center|project|office|embassy|consulate)s?\s+(?:in|at|near)\s+$", re.I)
_DOCUMENT = re.compile(
    r"\b(?:(?P<memorandum>memorand(?:um|a|ums))|(?P<joint_statement>joint\s+(?:statement|declaration|communiqu[eé])s?)"
    r"|(?P<treaty>treat(?:y|ies))|(?P<pact>pacts?|charters?)|(?P<contract>contracts?)|(?P<roadmap>road\s?maps?)"
    r"|(?P<agreement>agreements?|deals?|accords?))\b", re.I)
_WHERE = re.compile(r",\s*where\b", re.I)
_OBJECT_RELATIVE = re.compile(r",\s*(?:which|whom)\s+(?:they|he|she|we|it|[A-Z][\w'’-]+)\b")
_BY = re.compile(r"\bby\s+(?:the\s+)?$", re.I)
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:the\s+)?$", re.I)
# Perfect or present tense with no date: background the text does not date ("have formed").
_BACKGROUND = re.compile(
    r"\b(?:has|have|had|having)\s+(?:\w+ly\s+|also\s+|since\s+|not\s+)*(?:been\s+)?\w+(?:ed|en|wn|t|ne|de)?\b[^,;]{0,20}$"
    r"|\b(?:is|are)\s+(?:\w+ly\s+)?\w+ed\b|\b(?:accuse|sends)\b", re.I)
LEDE_SENTENCES = 1
_DEFINITE_MEETING = re.compile(r"\bthe\s+(?:\w+\s+)?(?:meeting|talks|consultations|summit|visit)s?\b", re.I)
_PARTICIPLE = re.compile(r",\s+(?:\w+ly\s+)?\w+ing\s*$")
_PASSIVE = re.compile(
    r"\b(?:was|were|been|being|is|are|be)\s+(?:\w+ly\s+|also\s+|later\s+|then\s+|first\s+|reportedly\s+)?$", re.I)
_AFTER_CLAUSE = re.compile(r"\b(?:after|since|following|before)\s+(?:[\w'’-]+\s+){0,5}$", re.I)
_STATEMENT_TYPES = {"ACCUSE", "SUPPORT", "REQUEST", "REJECT", "THREATEN"}
# "the 2015 peace agreement", "Russia's 2023 pact": a year in front of a noun dates that noun.
_ATTRIBUTIVE_BEFORE = re.compile(r"(?:\b(?:the|its|their|his|her|a|an|this|that)|['’]s)\s+$", re.I)
_ATTRIBUTIVE_AFTER = re.compile(r"\s+(?:[a-z][\w-]*\s+){0,3}?[a-z][\w-]*")
_THE_DOCUMENT = re.compile(
    r"^\s*(?:the|that|this)\s+(?:[\w-]+\s+){0,2}(?:agreement|accord|deal|pact|treaty|memorandum|contract)\s+"
    r"(?:had\s+been|has\s+been|was|were)\s+(?:\w+ly\s+)?$", re.I)
# A live page's timestamped item ("10:15 …").
_TIMESTAMPED = re.compile(r"^\s*(?:[01]?\d|2[0-3])[:.h][0-5]\d\b")
_BARE_TIME = re.compile(r"\s*(?:[01]?\d|2[0-3])[:.h][0-5]\d(?:\s*(?:GMT|UTC|CET|WAT|[ap]\.?m\.?))?\s*")
_DURATION = re.compile(r"\b(?:for\s+(?:more\s+than\s+|over\s+|nearly\s+|almost\s+|about\s+)?(?:a|an|two|three|four|"
                       r"five|several|many|\d+)\s+(?:years?|decades?|months?|weeks?)|since|over\s+the\s+(?:past|last)"
                       r"|in\s+recent|repeatedly|long)\b", re.I)
_SAME_OCCASION = re.compile(
    r"\b(?:in|during|at|on)\s+the\s+same\s+(?:interview|broadcast|speech|statement|address|appearance|"
    r"news\s+conference|press\s+conference|briefing|session|communiqu[eé]|programme|program)\b", re.I)
NAMED_IN_SENTENCE = "named in the sentence"  # the place basis of a place the event's own sentence names
_GATHERING_NOUNS = r"conferences?|summits?|forums?|meetings?|talks"
_GATHERING_IN = re.compile(
    rf"\b(?P<noun>(?i:{_GATHERING_NOUNS}))\b\s+(?:[\w'’-]+\s+){{0,3}}?(?i:in)\s+"
    r"(?:the\s+(?:[\w'’-]+\s+){0,4}?of\s+)?(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)")
_AT_GATHERING = re.compile(
    r"\b(?:at|during|on\s+the\s+(?:sidelines|margins)\s+of|closing|opening|addressing)\s+(?:the|this|that)\s+"
    rf"(?P<name>(?:[\w'’-]+\s+){{0,5}}?)(?P<noun>{_GATHERING_NOUNS})\b", re.I)
_SAME_STEP = re.compile(
    r"\b(?:(?:took|takes|taken|made|makes)\s+the\s+same\s+(?P<act>step|decision|move)|did\s+the\s+same\b(?!\s+(?:thing|things|way|kind)\b)"
    r"|(?:followed|follows)\s+suit|did\s+likewise)\b", re.I)
# "has never taken the same step", "has not followed suit", "is considering taking …": nothing done
_NOT_DONE = re.compile(r"\b(?:not|never|n't|no|considering|could|may|might|would|will|plans?\s+to|expected\s+to)\s+"
                       r"(?:\w+\s+){0,2}$", re.I)
_AFTER_DOING = re.compile(r"\bafter\s+(?:(?:publicly|repeatedly|openly)\s+)?$", re.I)
_SUBORDINATE = re.compile(r"\b(?:after|before|because|although|whereas|while|until)\b", re.I)
# "The document was signed …": the subject is an event the story has already told.
_DEFINITE_SUBJECT = re.compile(
    r"^\W*(?:the|this|that)\s+(?:\w+\s+)?(?:document|agreement|memorandum|deal|accord|treaty|text|pact|contract"
    r"|meeting|talks|visit)\s+(?:was|were|has been|had been)\s+(?:\w+ly\s+)?$", re.I)
_DEFINITE_NOUN = re.compile(r"\b(?:the|this|that|these|its|their|his|her)\s+(?:\w+\s+)?$", re.I)
_TRIP = re.compile(r"\b(?:trip|visit|tour|journey|travel|travelled|traveled|flew)\s+(?:to|of)\s+(?:the\s+)?$", re.I)
_HOST = re.compile(r"^(?:hosted|hosts|host|received|receives|welcomed)", re.I)
_FORCE_MOVES = {"SANCTION", "RETREAT", "MOBILIZE", "AID"}
_DOMESTIC_TYPES = {"COERCE", "OTHER", "ACCUSE", "REQUEST", "PROTEST", "ASSAULT", "REJECT", "SANCTION"}
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
    sentence_end: int = 0
    type_note: str = ""
    summary: str = ""
    topic: str = ""
    own_date: bool = False
    refers_back: bool = False
    earliest: dt.date | None = None
    merge_into: str | None = None
    merge_target: dict | None = None  # date, precision, place and origin of the stored event it repeats
    story_country: str = ""
    another: bool = False  # "X also met Y": another event of the story, not a repeat of one
    dateline_place: str = ""  # the story's dateline city, for the news of its lead sentence
    place_basis: str = ""  # how the place was found, for the editor who checks it
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
    gatherings = [_gathering_places(doc, story, gaz) for story in doc.stories]
    for cand in merged:
        _place_of_gathering(cand, doc, gatherings[cand.story] if cand.story < len(gatherings) else {}, gaz)
        _fill_place(cand, merged, gaz)
        _coup_at_capital(cand, gaz)
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
    previous: DateMention | None = None
    for sentence in sentences:
        mentions = count_from(find_dates(sentence.text, ref), previous)
        previous = mentions[-1] if mentions else None
        parsed.append((sentence, mentions))
        if anchor is None and ref:
            for m in mentions:
                recent = dt.timedelta(0) <= ref - m.date <= dt.timedelta(days=7)
                if m.precision == "day" and m.basis != "stated" and recent:
                    anchor = m
                    break
    recounted = count_from_event([(sentence.text, mentions) for sentence, mentions in parsed])
    parsed = [(sentence, mentions) for (sentence, _), mentions in zip(parsed, recounted, strict=True)]
    # A live page: items under a time ("18:05" on its own line, or "10:15 …" opening the item).
    stamps = {s.paragraph for s in sentences if _BARE_TIME.fullmatch(s.text)}
    live = {p + 1 for p in stamps} | {s.paragraph for s in sentences if _TIMESTAMPED.match(s.text)}
    out: list[Candidate] = []
    position = -1
    dateline = gaz.place(story.dateline_place) if story.dateline_place else None
    subject: str | None = None  # the actor a sentence opens with, for "they" in the next one
    person: str | None = None  # the first person a sentence names, for "he" or "she" in the next one
    last_place: str | None = None  # the place named last, for "there"
    last_date: DateMention | None = None
    paragraph_dates: dict[int, DateMention] = {}  # the last date each paragraph named, for live items
    places: list = []
    for sentence, mentions in parsed:
        last_place = places[-1].place_id if places else last_place
        actors, places = find_names(sentence.text, gaz, ctx)
        previous_subject = subject
        subject = actors[0].actor_id if actors and actors[0].start <= 12 else None
        previous_person, person = person, next(
            (a.actor_id for a in actors if a.actor_id in gaz.actors and gaz.actors[a.actor_id].kind == "person"), None)
        same = _SAME_PERIOD.search(sentence.text)
        if same and last_date and not any(m.start <= same.start() < m.end for m in mentions):
            mentions = sorted([*mentions, _same_period(same, last_date)], key=lambda m: m.start)
        last_date = mentions[-1] if mentions else last_date
        item_before = paragraph_dates.get(sentence.paragraph)
        if mentions:
            paragraph_dates[sentence.paragraph] = mentions[-1]
        if sentence.is_headline:
            continue
        if not any(sentence.text in caption for caption in doc.captions):
            position += 1
        previous_sources: list[tuple[str, str]] = []
        previous_background = False
        relative = tuple(m.span() for m in _RELATIVE.finditer(sentence.text))
        dated_relative = tuple(span for span in relative if any(span[0] <= m.start < span[1] for m in mentions))
        triggers = find_triggers(sentence.text, dated_relative)
        same_step = _SAME_STEP.search(sentence.text)
        copied: Candidate | None = None
        if same_step and out and not triggers and not _NOT_DONE.search(sentence.text[:same_step.start()]):
            # "Bamako took the same step on Sunday": the last act told before, by another doer. A step, move or
            # decision is an act, not a statement; "did the same" may repeat a statement, but not praise.
            skip = _STATEMENT_TYPES if same_step.group("act") else {"SUPPORT"}
            acts = [c for c in out if c.story == number and c.event_type not in skip]
            copied = acts[-1] if acts else None
        if copied is not None:
            triggers = [Trigger(same_step.start(), same_step.end(), same_step.group(0), copied.event_type, copied.mode,
                                False)]
        for index, trig in enumerate(triggers):
            left = triggers[index - 1].end if index else 0
            right = triggers[index + 1].start if index + 1 < len(triggers) else len(sentence.text)
            clause = _CLAUSE_END.search(sentence.text, trig.end)
            near = min(right, clause.start()) if clause else right
            if FUTURE_PLEDGE.match(trig.text) and not _actor_after_report(sentence.text, trig, actors):
                continue
            roles = _roles(sentence.text, trig, actors, left, near, triggers, relative)
            if copied is not None:
                doers = [(a, "source") for a, _ in roles]
                if not doers:
                    continue  # "critics said the regime did the same": no doer named, no event
                roles = doers + [(a, "target") for a, r in copied.actors.items()
                                 if r == "target" and a not in dict(doers)]
            if trig.weak and len(triggers) > 1 and not any(s <= trig.start < e for s, e in relative):
                roles = _noun_phrase_roles(sentence.text, trig, actors, roles)
            if trig.weak and trig.mode == "coup" and not roles and ctx.main_country():
                roles = [(gaz.state_id(ctx.main_country()), "target")]  # "until the coup of 26 July"
            roles = _resolve_references(sentence.text, left, trig, roles, places, out, gaz, previous_subject,
                                        previous_person)
            if trig.event_type in _FORCE_MOVES:
                roles = _with_states(roles, gaz)
            # ", accusing …" / ", calling the court an instrument": the doer of the clause before
            verb_end = trig.start + len(trig.text.split()[0])
            if previous_sources and (_PARTICIPLE.search(sentence.text[:verb_end])
                                     or re.search(r"\band\s+(?:\w+ly\s+)?$", sentence.text[left:trig.start])):
                roles = previous_sources + [r for r in roles if r[1] == "target" and r not in previous_sources]
            previous_sources = [r for r in roles if r[1] == "source"] or previous_sources
            if not roles:
                continue
            dates = _dates_for(sentence, trig, mentions, ref, position, anchor, out, relative,
                               live=sentence.paragraph in live, item_date=item_before)
            context = sentence.text[max(0, trig.start - 40):trig.start + len(trig.text)]
            before_trigger = sentence.text[max(0, trig.start - 50):trig.start]
            background = bool(_BACKGROUND.search(context) or _AFTER_CLAUSE.search(before_trigger)
                              or (previous_background and _PARTICIPLE.search(sentence.text[:verb_end])))
            previous_background = background
            modes = [trig.mode]
            if trig.event_type == "AGREE" and trig.mode == "agreement":
                modes = document_kinds(sentence.text[trig.start:near]) or modes
            for (date, precision, basis, own), mode in ((d, m) for d in dates for m in modes):
                place_id = _place_for(sentence.text, trig, places, left, near, gaz)
                place_basis = NAMED_IN_SENTENCE if place_id else ""
                if not place_id and last_place and _THERE.match(sentence.text, trig.end):
                    place_id = last_place  # "ended their mission there"
                    place_basis = "'there': the place named before"
                elif not place_id and last_place and _THE_TOWN.search(sentence.text[trig.end:near]) \
                        and gaz.places[last_place].kind == "city":
                    place_id = last_place  # "pulled out of its camp in the town"
                    place_basis = "'the town': the place named before"
                elif not place_id and last_place and _THE_COUNTRY.match(sentence.text, trig.end):
                    home = gaz.place(country_name(gaz.places[last_place].country))  # "arrived in the country"
                    place_id = home.place_id if home else None
                    place_basis = "'the country': the country of the place named before" if place_id else ""
                cand = Candidate(
                    key="", document=doc.name, story=number, event_type=trig.event_type, mode=mode,
                    trigger=trig.text, date=date, precision=precision, date_basis=basis, actors=dict(roles),
                    place_id=place_id, place_basis=place_basis, evidence=evidence_for(doc.text, sentence, trig),
                    confidence=0.0,
                    sentence_start=sentence.start, sentence_end=sentence.end,
                    type_note=OTHER_NOTES.get(trig.mode, "") if trig.event_type == "OTHER" else "",
                    own_date=own,
                    refers_back=bool(_DEFINITE_NOUN.search(sentence.text[:trig.start]) if trig.weak
                                     else _DEFINITE_MEETING.search(trig.text)
                                     or _DEFINITE_SUBJECT.search(sentence.text[left:trig.start])),
                    earliest=None if own or date is None or not background
                    else date - dt.timedelta(days=UNDATED_YEARS * 365),
                    another=copied is not None or bool(_ANOTHER.search(sentence.text[left:trig.start])
                                 or _SEQUENCE.search(sentence.text[left:trig.start])),
                )
                if position == 0 and index == 0 and dateline and dateline.kind == "city":
                    cand.dateline_place = dateline.place_id
                cand.confidence = _confidence(cand, trig, len(roles))
                cand.key = _key(doc, cand)
                out.append(cand)
    story_country = ctx.main_country(tuple(ctx.countries)) or ""
    for cand in out:
        cand.story_country = story_country
    _date_statements_by_meeting(out, ref, gaz)
    return out


def _noun_phrase_roles(text: str, trig: Trigger, actors, roles: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A noun beside other events keeps only the actors of its own phrase ("Paris's partner until the coup")."""
    lo = max(0, trig.start - 40)
    lo = max(lo, max((m.end() for m in re.finditer(r"[,;:]", text[:trig.start])), default=0))
    tail = re.match(r"[^,;:]{0,60}", text[trig.end:]).group(0)
    hi = trig.end + len(tail)
    near = {a.actor_id for a in actors if lo <= a.start < hi}
    return [r for r in roles if r[0] in near]


def _with_states(roles: list[tuple[str, str]], gaz: Gazetteer) -> list[tuple[str, str]]:
    """French forces leaving or arriving stand for France (as coders record it), next to the forces."""
    out = list(roles)
    have = {a for a, _ in roles}
    for actor_id, role in roles:
        actor = gaz.actors.get(actor_id)
        if actor and actor.sector in ("military", "armed_group") and actor.kind == "organisation" and actor.country:
            state = gaz.state_id(actor.country)
            if state not in have:
                out.append((state, role))
                have.add(state)
    return out


def _same_period(match: re.Match, last: DateMention) -> DateMention:
    unit = match.group("unit").lower()
    unit = unit if unit in PRECISION_RANK else "day"  # "the same evening"
    precision = unit if PRECISION_RANK[unit] >= PRECISION_RANK[last.precision] else last.precision
    return DateMention(match.start(), match.end(), match.group(0), truncate(last.date, precision), precision,
                       f"'{match.group(0).strip()}': the period named before ({last.text})")


def _actor_after_report(text: str, trig: Trigger, actors) -> bool:
    """'said Russia would increase …' is a promise of Russia; 'said the plant would help' is not."""
    reports = list(REPORTING.finditer(text, 0, trig.start))
    start = reports[-1].end() if reports else 0
    return any(start <= a.start < trig.start for a in actors)


def _resolve_references(text: str, left: int, trig: Trigger, roles: list[tuple[str, str]], places,
                        earlier: list[Candidate], gaz: Gazetteer, previous_subject: str | None = None,
                        previous_person: str | None = None) -> list[tuple[str, str]]:
    """'he asked', 'they signed', 'the two leaders signed', aid 'from Russia': actors names alone do not give."""
    subject = text[left:trig.start]
    roles = list(roles)
    have = {a for a, _ in roles}
    if not any(r == "source" for _, r in roles) and _THEY.search(subject):
        group = previous_subject if previous_subject and gaz.actors[previous_subject].kind != "person" else None
        sources = [group] if group else [a for a, r in (earlier[-1].actors.items() if earlier else ())
                                         if r == "source"]
        roles = [(a, "source") for a in sources if a not in have] + roles
        have = {a for a, _ in roles}
    if not any(r == "source" for _, r in roles) and _PRONOUN.search(subject) and previous_person:
        # "'…,' Tiani said. He accused …": the person the sentence before named first.
        if previous_person not in have:
            roles.insert(0, (previous_person, "source"))
    elif not any(r == "source" for _, r in roles) and _PRONOUN.search(subject):
        for cand in reversed(earlier):
            person = next((a for a, r in cand.actors.items()
                           if r == "source" and a in gaz.actors and gaz.actors[a].kind == "person"), None)
            if person:
                if person not in have:
                    roles.insert(0, (person, "source"))
                break
    elif (group := _GROUP.search(subject)) and earlier:
        # "the two leaders": the last event with two people; "the two sides": the last with two parties.
        people = group.group("bare") is not None or group.group("who").lower() in _PEOPLE_WORDS
        for cand in reversed(earlier):
            named = [a for a in cand.actors if a in gaz.actors and (gaz.actors[a].kind == "person") == people]
            if len(named) >= 2:
                roles = [(a, "source") for a in named if a not in have] + roles
                break
    if trig.event_type == "AGREE" and not roles and _THE_DOCUMENT.search(subject):
        # "The agreement had been signed in 2015": by the parties of the agreement named before
        for cand in reversed(earlier):
            if _DOCUMENT.search(cand.trigger):
                roles = [(a, "source") for a in cand.actors]
                break
    if trig.event_type == "AID":
        for p in places:
            place = gaz.places.get(p.place_id)
            if place and place.kind == "country" and _FROM_BEFORE.search(text[max(0, p.start - 12):p.start]):
                state = gaz.state_id(place.country)
                if state not in {a for a, _ in roles}:
                    roles.append((state, "source"))
    return roles


def _date_statements_by_meeting(cands: list[Candidate], ref: dt.date | None, gaz: Gazetteer) -> None:
    """Undated statements, pledges and further talks of people at a dated meeting of the story.

    News of talks reports what the participants said without repeating the day; a statement
    whose speaker's country took part in the story's dated talks takes their day and place,
    and so do other talks or signings led by one of the people at those talks.
    """
    if ref is None:
        return
    recent = [c for c in cands if c.own_date and c.precision == "day" and dt.timedelta(0) <= ref - c.date
              <= dt.timedelta(days=7)]
    meetings = [c for c in recent if c.event_type == "CONSULT"]
    if recent and not meetings:
        _date_statements_by_lead(cands, recent[0], gaz)
    for cand in cands:
        statement = cand.event_type in _STATEMENT_TYPES or (cand.event_type == "AGREE" and cand.mode == "pledge")
        # "Lavrov also held talks with …": the visitor's other meetings and signings, same visit.
        people = {a for a, r in cand.actors.items() if r == "source" and a in gaz.actors
                  and gaz.actors[a].kind == "person"} if cand.event_type in ("CONSULT", "AGREE") else set()
        if cand.own_date or cand.earliest is not None or not (statement or people):
            continue
        speakers = {gaz.actors[a].country for a, r in cand.actors.items() if r == "source" and a in gaz.actors}
        for meeting in meetings:
            present = {gaz.actors[a].country for a in meeting.actors if a in gaz.actors}
            if (statement and speakers & present - {""}) or people & set(meeting.actors):
                cand.date, cand.precision, cand.own_date = meeting.date, "day", True
                cand.date_basis = f"said at the talks of {meeting.date} reported in the same story"
                if not cand.place_id and meeting.place_id:
                    cand.place_id, cand.place_basis = meeting.place_id, "the place of the talks it was said at"
                break


def _date_statements_by_lead(cands: list[Candidate], lead: Candidate, gaz: Gazetteer) -> None:
    """An undated statement by a party to the story's dated news was made with it ("…, accused Ukraine")."""
    parties = {gaz.actors[a].country for a in lead.actors if a in gaz.actors} - {""}
    for cand in cands:
        if cand is lead or cand.own_date or cand.earliest is not None or cand.event_type not in _STATEMENT_TYPES:
            continue
        speakers = {gaz.actors[a].country for a, r in cand.actors.items() if r == "source" and a in gaz.actors}
        if speakers & parties or (not speakers - {""} and cand.story_country in parties):
            cand.date, cand.precision, cand.own_date = lead.date, "day", True
            cand.date_basis = f"said with the news of {lead.date} that leads the story"


def _roles(text: str, trig: Trigger, actors, left: int, right: int, triggers: list[Trigger],
           relative: tuple[tuple[int, int], ...] = ()) -> list[tuple[str, str]]:
    """Actors before the trigger (back to the previous one) are sources, those after it targets.

    Actors inside a relative clause ("…, which …,") belong to that clause, not to the verb.
    """
    def outside(a):
        return not any(s <= a.start < e and not s <= trig.start < e for s, e in relative)

    inside_relative = [span for span in relative if span[0] <= trig.start < span[1]]
    if inside_relative:
        right = min(right, inside_relative[0][1])  # "X, who seized power in 2020, thanked Russia": not Russia
    antecedent = [a for a in actors if inside_relative and a.end <= inside_relative[0][0] and
                  not text[a.end:inside_relative[0][0]].strip(" ,")]
    object_relative = bool(inside_relative) and bool(_OBJECT_RELATIVE.match(text, inside_relative[0][0]))
    actors = [a for a in actors if outside(a)]
    before = [a for a in actors if left <= a.start < trig.start]
    if inside_relative:
        before = [a for a in before if a.start >= inside_relative[0][0]] + ([] if object_relative else antecedent)
    if not before and triggers and trig is not triggers[0] and not inside_relative:
        before = [a for a in actors if a.start < triggers[0].start]
    reported = [m for m in REPORTING.finditer(text[:trig.start])]
    cut = reported[-1].end() if reported else 0
    if reported and before:
        speakers = [a for a in before if a.start < cut]
        inside = [a for a in before if a.start >= cut]
        if inside:
            before = inside + [s for s in speakers if s.actor_id not in {a.actor_id for a in inside}][:1]
    after = [a for a in actors if trig.start < a.start < right]
    if object_relative:
        after = antecedent + after  # "ECOWAS, which they accuse of …": ECOWAS is accused
    participle = re.match(r"\w+(?:ed|en|wn|eld|ought|ade|ut)\b", trig.text, re.I)
    if (participle and _PASSIVE.search(text[max(0, trig.start - 30):trig.start])) or re.match(
            r"(?:was|were|been|is|are)\s", trig.text, re.I):
        # "Maiga was taken into custody": Maiga is acted on; "accused by rights groups": they act;
        # "the authorities said X had been arrested": the speakers made the arrest.
        speakers = [a for a in before if a.start < cut]
        acted_on = [a for a in before + after if a not in speakers]
        agents = [a for a in acted_on if a.start > trig.start and _BY.search(text[max(0, a.start - 10):a.start])]
        before, after = agents or speakers, [a for a in acted_on if a not in agents]
    roles: dict[str, str] = {}
    for a in before:
        roles.setdefault(a.actor_id, "source")
    for a in after:
        roles.setdefault(a.actor_id, "target")
    if not roles:
        return []
    return list(roles.items())


def _dates_for(sentence: Sentence, trig: Trigger, mentions: list[DateMention], ref, position: int,
               anchor: DateMention | None, earlier: list[Candidate], relative: tuple[tuple[int, int], ...] = (),
               live: bool = False, item_date: DateMention | None = None):
    """(date, precision, basis, own) for a trigger: one per year in "coups in 2020 and 2021"."""
    usable = []
    for m in mentions:
        if any(s <= m.start < e and not s <= trig.start < e for s, e in relative):
            continue
        if _attributive_year(sentence.text, m) and not (trig.weak and 0 <= trig.start - m.end <= 30
                                                        and not re.search(r"[,;]", sentence.text[m.end:trig.start])):
            continue  # "ended the 2015 agreement" is not dated 2015; "the 2015 agreement" (the noun) is
        lo, hi = sorted((m.end, trig.start)) if m.end <= trig.start else sorted((trig.end, m.start))
        between = sentence.text[lo:hi]
        reported_between = bool(REPORTING.search(between))
        if m.start >= trig.end and reported_between and not trig.weak:
            continue
        if m.end <= trig.start and reported_between and _pluperfect(sentence.text, trig):
            continue
        frame = m.start <= 3 and sentence.text[m.end:m.end + 1] == ","  # "In the same month, A … and B …"
        if _DAYS_APART.search(between):
            # "revoked it in March, a few days after a visit": the visit falls in the same month
            if m.precision == "day":
                m = DateMention(m.start, m.end, m.text, truncate(m.date, "month"), "month", m.basis)
        elif (m.end <= trig.start and not frame and _AFTER_DOING.search(between)
              and trig.text.split()[0].lower().endswith("ing")):
            # "dismissed at the end of last year after criticising the junta": the criticism came first, in
            # the year known at most
            m = DateMention(m.start, m.end, m.text, truncate(m.date, "year"), "year",
                            f"the year of '{m.text}', which it came before")
        elif m.end <= trig.start and not frame and (_SUBORDINATE.search(between) or re.search(r",\s+and\s", between)
                                                    or _SINCE_THEN.search(between)):
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
    # "then"/"later", or "in the same broadcast": the date of the event told just before
    follows = "'then'/'later'" if _SEQUENCE.search(sentence.text[:trig.start]) and not _NOT_SEQUENCE.search(
        sentence.text) else "the same occasion" if _SAME_OCCASION.search(sentence.text[:trig.start]) else ""
    dated = [c for c in earlier if c.date and c.own_date] if follows else []
    if dated:
        last = dated[-1]
        return [(last.date, last.precision, f"{follows}: the date of the event before it ({last.date})", True)]
    if _REFERS_TO_MEETING.search(sentence.text):
        meetings = [c for c in earlier if c.event_type == "CONSULT" and c.date and c.own_date]
        if meetings:
            meeting = meetings[-1]
            return [(meeting.date, meeting.precision, f"date of the talks it follows ({meeting.date})", True)]
    if ref is None:
        return [(None, "day", "no date found: give the publication date", False)]
    if live and item_date is not None and not _DURATION.search(sentence.text):
        # Told on after a dated sentence of the same live item ("… set ablaze on Sunday. Soldiers exchanged fire")
        return [(item_date.date, item_date.precision, f"the date told earlier in the same item ({item_date.text})",
                 True)]
    if live and not _DURATION.search(sentence.text):
        # A live page's item ("10:15 JNIM has claimed the attack"): news of the page's day
        return [(ref, "day", f"reported as just done, no date: the day of the report ({ref})", False)]
    if position < LEDE_SENTENCES and anchor is not None and not _pluperfect(sentence.text, trig):
        return [(anchor.date, "day", f"lead of the story, dated by '{anchor.text}' ({anchor.date})", True)]
    return [(ref.replace(day=1), "month", f"no date in the sentence: month of the report ({ref})", False)]


def _attributive_year(text: str, m: DateMention) -> bool:
    """A bare year used as a noun's modifier: "the 2015 peace agreement"."""
    return (m.precision == "year" and m.text.strip().isdigit() and bool(_ATTRIBUTIVE_BEFORE.search(text[:m.start]))
            and bool(_ATTRIBUTIVE_AFTER.match(text, m.end)))


def _pluperfect(text: str, trig: Trigger) -> bool:
    """A passive or perfect before the trigger ("had been arrested"); not a progressive ("was pulling")."""
    return bool(_PLUPERFECT.search(text[:trig.start])) and not trig.text.lower().split()[0].endswith("ing")


def _kind(mention, gaz: Gazetteer) -> str:
    place = gaz.places.get(mention.place_id)
    return place.kind if place else ""


def _place_for(text: str, trig: Trigger, places, left: int, right: int, gaz: Gazetteer) -> str | None:
    """The place named nearest the trigger; none where two are named together ("Niger and Mali")."""
    where = next((m for m in _WHERE.finditer(text) if m.end() <= trig.start
                  and not re.search(r"[,;]", text[m.end():trig.start])), None)
    if where:
        before = [p for p in places if 0 <= where.start() - p.end <= 2]
        if before:
            return before[-1].place_id  # "a trip to Iran, where he called for …": in Iran
    # "told reporters in Niamey that the five had been detained …": Niamey is where it was said, not where it was
    # done; for a statement, where it was said is where it happened.
    if trig.event_type not in _STATEMENT_TYPES:
        places = [p for p in places if not (p.end <= trig.start and REPORTING.search(text[max(0, p.start - 30):p.start])
                                            and re.match(r"[^,;]{0,30}?\bthat\b", text[p.end:trig.start]))]
    if trig.event_type != "CONSULT":
        places = [p for p in places if not _TRIP.search(text[max(0, p.start - 30):p.start])]
    if trig.event_type in _STATEMENT_TYPES:
        # What a statement is about may be elsewhere ("condemned Israel's actions in Gaza").
        places = [p for p in places if p.start < trig.start or len(text[trig.end:p.start].split()) <= 2]
    origins = [p for p in places if _FROM_BEFORE.search(text[max(0, p.start - 12):p.start])]
    for p in places:  # "from Senegal and Côte d'Ivoire": both are where it came from
        if origins and p not in origins and re.fullmatch(r"\s*(?:,|and|or|,\s*and)\s*", text[origins[-1].end:p.start]):
            origins.append(p)
    if len(origins) < len(places):
        places = [p for p in places if p not in origins]  # "from Russia … reached Bamako": Bamako
    # "signed … on the construction of a refinery in Bamako": where the object is, not the signing.
    if trig.event_type == "AGREE":
        places = [p for p in places if p.start < trig.start or not _OBJECT_PLACE.search(text[trig.end:p.start])]
    # "Moscow, Russia": the country only qualifies the city.
    places = [p for i, p in enumerate(places) if not (i and re.fullmatch(r",\s*", text[places[i - 1].end:p.start])
                                                      and _kind(p, gaz) == "country"
                                                      and _kind(places[i - 1], gaz) != "country")]
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
            cand.place_id, cand.place_basis = capital.place_id, "the host's capital (no place in the sentence)"
            return
    for other in all_candidates:
        if (other is not cand and other.event_type == "CONSULT" and other.place_id and other.story == cand.story
                and other.precision == "day" and cand.precision == "day" and other.date == cand.date):
            cand.place_id, cand.place_basis = other.place_id, "the place of that day's talks"
            return
    countries = {gaz.actors[a].country for a in cand.actors if a in gaz.actors and gaz.actors[a].country}
    if cand.dateline_place and gaz.places[cand.dateline_place].country in countries:
        cand.place_id = cand.dateline_place  # "NIAMEY — … arrived": where the story was filed, if it is about there
        cand.place_basis = "the story's dateline"
        return
    home = next((a.country for a in sources if a.country and a.kind in ("state", "organisation")), None)
    home = home or next((a.country for a in sources if a.country), None)
    if cand.event_type == "RETREAT":
        # Withdrawing from a country happens there ("pulled its fighters out of Mali").
        left = {gaz.actors[a].country for a, r in cand.actors.items()
                if r == "target" and a in gaz.actors and gaz.actors[a].kind == "state"} - {home}
        if len(left) == 1:
            _fallback_place(cand, gaz, next(iter(left)), "the country withdrawn from (no place in the sentence)")
        return
    if cand.event_type in ("AID", "MOBILIZE"):
        receivers = {gaz.actors[a].country for a, r in cand.actors.items() if r == "target" and a in gaz.actors
                     and gaz.actors[a].kind == "state" and gaz.actors[a].country} - {home}
        if _BROUGHT_IN.match(cand.trigger) and home:
            receivers = {home}  # "the junta brought in Wagner fighters": in its own country
        if len(receivers) == 1:
            _fallback_place(cand, gaz, next(iter(receivers)), "the country receiving them (no place in the sentence)")
        return
    if cand.event_type not in _DOMESTIC_TYPES or any(
            gaz.actors[a].sector == "intergovernmental" for a in cand.actors if a in gaz.actors):
        return  # a veto at the UN or a row within ECOWAS does not happen at home
    country = home or (next(iter(countries)) if len(countries) == 1 else cand.story_country)
    if country:
        _fallback_place(cand, gaz, country, "the country of the acting government (no place in the sentence)")


def _fallback_place(cand: Candidate, gaz: Gazetteer, country: str, basis: str) -> None:
    place = gaz.place(country_name(country))
    if place:
        cand.place_id, cand.place_basis = place.place_id, basis


def _gathering_places(doc: Document, story, gaz: Gazetteer) -> dict[str, str]:
    """Where the story's conference, summit or talks took place: "the conference in the resort of Sochi"."""
    text = f"{story.headline}\n{doc.text[story.start:story.end]}"
    found: dict[str, str] = {}
    for m in _GATHERING_IN.finditer(text):
        noun = _gathering_noun(m.group("noun"))
        place = gaz.place(m.group("name"))
        if place and noun not in found:
            found[noun] = place.place_id
    return found


def _gathering_noun(word: str) -> str:
    """"Summits" and "summit" name the same gathering; "talks" is only plural."""
    word = word.lower()
    return word if word == "talks" else word.rstrip("s")


def _place_of_gathering(cand: Candidate, doc: Document, gatherings: dict[str, str], gaz: Gazetteer) -> None:
    """What was said or done "at the summit" took place where the story put the summit, or where the
    summit's own name puts it ("on the sidelines of the St Petersburg International Economic Forum")."""
    if cand.place_id:
        return
    for m in _AT_GATHERING.finditer(doc.text[cand.sentence_start:cand.sentence_end]):
        noun = _gathering_noun(m.group("noun"))
        place = gatherings.get(noun) or _city_in_name(m.group("name"), gaz)
        if place:
            cand.place_id, cand.place_basis = place, f"the place of the {noun}"
            return


def _city_in_name(words: str, gaz: Gazetteer) -> str | None:
    """A city that a gathering's name carries: "the St Petersburg International Economic Forum"."""
    tokens = re.findall(r"[A-Z][\w'’.-]*", words)
    for size in (2, 1):
        for i in range(len(tokens) - size + 1):
            name = " ".join(tokens[i:i + size])
            place = gaz.place(name)
            # only a city a gathering would be named after: a capital or a city of a million
            if place and place.kind == "city" and (gaz.capital_country(name) or place.population >= 1_000_000):
                return place.place_id
    return None


def _coup_at_capital(cand: Candidate, gaz: Gazetteer) -> None:
    """A coup told of a whole country ("the overthrow of President Bazoum") took place at its seat of government:
    where the place is that country, and the country's own government, army or state is a party."""
    if cand.mode != "coup" or not cand.place_id:
        return
    place = gaz.places.get(cand.place_id)
    if place is None or place.kind != "country":
        return
    own = any(gaz.actors[a].country == place.country and (gaz.actors[a].kind == "state"
                                                          or gaz.actors[a].sector in ("government", "military"))
              for a in cand.actors if a in gaz.actors)
    capital = gaz.capital_place(place.country) if own else None
    if capital:
        cand.place_id, cand.place_basis = capital.place_id, "the capital, for a coup in the country"


def _merge_within(cands: list[Candidate], gaz: Gazetteer) -> list[Candidate]:
    """Merge candidates of one article that are the same event (the matching rule)."""
    out: list[Candidate] = []
    for cand in cands:
        if cand.date is None:
            out.append(cand)
            continue
        key = cand.event_key(gaz)
        matches = [o for o in out
                   if o.date is not None and not (cand.another and o.story == cand.story)
                   and same_event(o.event_key(gaz), key, dt.timedelta(0), strict=True)]
        target = max(matches, key=lambda o: match_score(o.event_key(gaz), key)) if matches else None
        if target is None and not cand.own_date and not cand.another:
            target = _retold(cand, key, out, gaz)
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
        if cand.place_id and (not target.place_id or (gaz.places[target.place_id].kind == "country"
                                                      and gaz.places[cand.place_id].kind != "country")):
            target.place_id, target.place_basis = cand.place_id, cand.place_basis
        if cand.confidence > target.confidence and cand.own_date >= target.own_date:
            target.evidence, target.trigger, target.mode = cand.evidence, cand.trigger, cand.mode
        target.confidence = min(0.95, max(target.confidence, cand.confidence) + 0.05)
    return out


def _retold(cand: Candidate, key: EventKey, out: list[Candidate], gaz: Gazetteer) -> Candidate | None:
    """An undated sentence retelling an event dated earlier ("left ECOWAS in January" … "exited ECOWAS")."""
    for other in reversed(out):
        if not other.own_date or other.date is None:
            continue
        other_key = other.event_key(gaz)
        shared = {a for a in key.actors & other_key.actors if not a.startswith("member:")}
        if (types_compatible(other.event_type, cand.event_type) and len(shared) >= 2
                and ("pledge" in (other.mode, cand.mode)) == (other.mode == cand.mode == "pledge")
                and places_agree(other_key.place, key.place)):
            return other
    return None


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


def document_kinds(text: str) -> list[str]:
    """The kinds of signed text named ("a joint statement … as well as memorandums"): one event each."""
    kinds = []
    for match in _DOCUMENT.finditer(text):
        kind = next(k for k, v in match.groupdict().items() if v).replace("_", " ")
        if kind not in kinds:
            kinds.append(kind)
    specific = [k for k in kinds if k != "agreement"]
    return specific or kinds


def _key(doc: Document, cand: Candidate) -> str:
    raw = f"{doc.digest}|{cand.sentence_start}|{cand.event_type}|{cand.mode}|{cand.trigger}|{cand.date}"
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
