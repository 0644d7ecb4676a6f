"""Actors and places named in a sentence, from the gazetteer, titles, context and fuzzy spelling.

A name is looked up longest-first in the gazetteer (folded: no case, accents or
possessives). Patterns then name bodies the gazetteer may not know ("Malian Defence
Minister Sadio Camara", "Russia's energy minister", "the ruling junta", "Moscow's defence
ministry"); a capital with no place preposition stands for its government ("Moscow
supports"). Names left over are tried with fuzzy matching, then kept as unknown names.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from dataclasses import dataclass, field

from analysis.ingest.gazetteer import Gazetteer
from analysis.ingest.reference import (
    GOVERNMENT_SEATS,
    MILITARY_GOVERNMENTS,
    OFFICE_WORDS,
    ROLE_SECTORS,
    demonym,
    demonym_names,
    fold,
)

_TOKEN = re.compile(r"\w(?:[\w'’.-]*\w)?")
_LOCATIVE = re.compile(
    r"(?:\b(?:in|at|from|near|outside|inside|into|across|around|visited|visiting|visit|via|capital|city\s+of|"
    r"town\s+of|region\s+of|port\s+of|arrived\s+in|based\s+in|reached|reaching|landed\s+in|left|leaving|departed|fled|"
    r"control\s+(?:\w+\s+){0,3}of|"
    r"(?:travell?ed|trip|visit|flew|went|came|returned|moved|deployed|deploying|deploy|sent|sending|send|shipped|"
    r"delegation|journey|tour|headed|heading|arrived|back)\s+(?:\w+\s+){0,2}(?:to|towards))"
    r"\s*,?\s*(?:the\s+)?(?:capital\s*,?\s*)?)"
    r"(?:[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?\s*(?:,|and|,\s*and)\s+)*$",
    re.I,
)
_STOP = {
    "the", "a", "an", "in", "on", "at", "for", "but", "and", "or", "as", "it", "he", "she", "they", "we", "i", "this",
    "that", "these", "those", "his", "her", "its", "their", "our", "after", "before", "during", "following", "prior",
    "since", "while", "when", "where", "according", "earlier", "later", "also", "today", "yesterday", "both", "some",
    "several", "many", "no", "not", "read", "related", "more", "west", "western", "east", "eastern", "north",
    "northern", "south", "southern", "central", "africa", "african", "sahel", "sahelian", "islamic", "state", "states",
    "minister", "ministers", "president", "foreign", "defence", "defense", "general", "ministry", "government",
    "army", "force", "forces", "council", "national", "international", "republic", "federation", "party", "union",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "photo", "reuters",
    "afp", "ap", "press", "news", "times", "tv", "agency", "deputy", "chief", "leader", "affairs", "middle", "europe",
    "european", "asia", "world", "global", "russian", "french", "american", "malian", "nigerien", "burkinabe",
    "confederation", "alliance", "community", "economic", "military", "security", "air", "armed", "new", "top",
    "former", "interim", "transitional", "prime", "senior", "head", "heads", "however", "meanwhile", "then",
    "there", "here", "what", "who", "which", "with", "by", "from", "to", "of", "if", "so", "all", "one", "two",
    "three", "first", "second", "last", "next", "mr", "mrs", "ms", "dr", "gen", "col", "capt", "lt", "st", "jihadist",
    "kiev", "regime", "pool", "via", "credit", "print", "email", "share", "subscribe", "cookie", "policy",
}
_ORG_WORDS = {
    "alliance", "party", "union", "council", "ministry", "agency", "group", "company", "corporation", "bank", "fund",
    "front", "movement", "committee", "commission", "organisation", "organization", "assembly", "parliament",
    "court", "office", "service", "services", "times", "tv", "news", "institute", "forum", "association", "corps",
    "guard", "police", "brigade", "battalion", "mission", "authority", "federation", "network", "centre", "center",
    "university", "foundation", "congress", "senate", "embassy", "programme", "program", "force", "forces",
}
_MINISTRY = re.compile(
    r"(?P<cty>(?:[A-Z][\w'’-]+\s+){0,2}[A-Z][\w'’-]+?)(?:['’]s)?\s+"
    r"(?P<kind>(?i:defen[cs]e|foreign|foreign\s+affairs|energy|interior|finance|economy|justice|mines|health|agriculture|"
    r"trade|industry|information|communications?|transport|security))\s+(?i:ministry|ministries)\b"
)
# "The Russian embassy in Bamako", "Russia's embassy": the state it represents.
_EMBASSY = re.compile(r"(?P<cty>(?:[A-Z][\w'’-]+\s+)?[A-Z][\w'’-]+?)(?:['’]s)?\s+(?i:embassy|mission\s+to)\b")
_MINISTRY_OF = re.compile(
    r"(?i:ministry\s+of\s+(?:the\s+)?)(?P<kind>(?i:defen[cs]e|foreign\s+affairs|energy|interior|finance|economy|justice|mines|"
    r"health|agriculture|trade|industry))(?:\s+of\s+(?:the\s+)?(?P<cty>(?:[A-Z][\w'’-]+\s+){0,2}[A-Z][\w'’-]+))?"
)
_JUNTA = re.compile(
    r"(?:(?i:the\s+)?(?i:authorities|government|junta|rulers|leaders)\s+(?i:in|of)\s+(?P<cty2>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?))"
    r"|(?:(?P<cty>(?:[A-Z][\w'’-]+\s+)?[A-Z][\w'’-]+?)(?:['’]s)?\s+(?i:(?:new|ruling|military|transitional|interim|current|post-coup)\s+)*"
    r"(?P<body>(?i:junta|military\s+government|military\s+authorities|military\s+rulers|military\s+leaders|military\s+regime|"
    r"government|authorities|leaders|rulers|regime|officials|state(?=['’]s\s+representatives))))\b"
)
_CAPITAL = re.compile(
    r"\b(?i:the|its|their)\s+(?:(?P<cty>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\s+)?capital\b"
    r"(?!\s*(?:,\s*[A-Z]|city\b|of\b|markets?\b|investments?\b|flows?\b|expenditure\b|gains?\b|goods\b))"
)
_BARE_JUNTA = re.compile(
    r"\b(?i:(?:the|its|their)\s+(?:ruling\s+|military\s+|new\s+|transitional\s+)*(?:junta|military\s+government|"
    r"military\s+authorities|"
    r"military\s+rulers|military|authorities|government))\b"
)
# "the army", "government troops": the armed forces of the country the story is about.
_BARE_ARMY = re.compile(
    r"\b(?i:the\s+(?:national\s+)?(?:army|armed\s+forces|troops|soldiers)|government\s+(?:troops|forces|soldiers))\b"
    r"(?!\s+(?i:chiefs?|commanders?|leaders?|spokes\w+|officers?))"
)
_ARMED = re.compile(
    r"(?P<cty>(?:[A-Z][\w'’-]+\s+)?[A-Z][\w'’-]+?)(?:['’]s)?\s+(?P<body>(?i:army|armed\s+forces|armed\s+security\s+forces|"
    r"military|troops|soldiers|forces|air\s+force|mercenary\s+allies|mercenaries|mercenary\s+fighters|police|gendarmes"
    r"|gendarmerie))\b"
    r"(?!\s+(?i:leaders?|government|rulers?|junta|regime|authorities|council|officials?|spokes\w+|chiefs?|commanders?"
    r"|cooperation|ties|presence|footprint|support|aid|assistance|instructors|intervention|takeovers?|coups?|bases?))"
)
_UNNAMED_OFFICE = re.compile(
    r"(?P<cty>(?:[A-Z][\w'’-]+\s+)?[A-Z][\w'’-]+?)(?:['’]s)?\s+"
    r"(?P<office>(?i:(?:deputy\s+)?(?:(?:defen[cs]e|foreign|energy|finance|interior|economy|mines|justice|trade)\s+minister|"
    r"president|prime\s+minister|leader|head\s+of\s+state)))\b(?!,?\s+[A-Z])"
)
_DEFINITE = re.compile(
    r"\b(?i:the)\s+(?P<cty>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\s+(?P<office>(?i:(?:defen[cs]e\s+|foreign\s+)?minister|president|leader|general|envoy))\b(?!\s+[A-Z])"
)
_WORD = r"[A-Z][a-zà-ÿ]+(?:[A-Z][a-zà-ÿ]+)?(?:['’-][A-Za-zà-ÿ]+)*"
_NAME = rf"{_WORD}(?:[ \t]+(?:{_WORD}|[A-Z]\.|(?:bin|ben|al|de|da|dos|van|von|el|ag|Ag|Ould|ould)\b))*"
_TITLED = re.compile(
    rf"(?<![\w-])(?P<office>(?i:{OFFICE_WORDS}))(?P<post>\s+(?:to|in|for)\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)?\s*,?\s+"
    rf"(?P<names>{_NAME}(?:\s*(?:,|and|,\s*and)\s+{_NAME})*)"
)
_DESCRIBED = re.compile(
    rf"(?P<name>{_WORD}(?:[ \t]+{_WORD}){{1,3}}),\s+(?:the|a|an|its|their)\s+(?:[\w-]+\s+){{0,2}}?"
    r"(?P<role>founder|co-founder|head|leader|chief|boss|owner|spokesman|spokeswoman|spokesperson|commander"
    r"|minister|president|ambassador|envoy|director|official|adviser|advisor|general|colonel|officer)\s+"
    r"(?:of|for|to|at)\s+(?P<rest>(?:[\w'’-]+\s+){0,5}[\w'’-]+)")
# "Barrick Gold, the Canadian company that …": a company, with its country.
_COMPANY = re.compile(
    r"(?P<name>[A-Z][\w&'’-]+(?:\s+[A-Z][\w&'’-]+){0,3}),\s+(?:the|a|an)\s+(?P<dem>[A-Z][\w'’-]+)\s+"
    r"(?:[\w-]+\s+){0,3}?(?P<what>company|firm|group|miner|corporation|conglomerate|operator|contractor|developer"
    r"|broadcaster|bank|producer)\b")
# "the head of Roscosmos, Yuri Borisov": the role before the name.
_ROLE_FIRST = re.compile(
    r"\b(?:the|its|their)\s+(?:[\w-]+\s+){0,2}?(?P<role>head|leader|chief|boss|director|chairman|chairwoman"
    r"|founder|commander|spokesman|spokeswoman|spokesperson)\s+(?:of|for|at)\s+(?P<rest>(?:[\w'’-]+\s+){0,5}?[\w'’-]+)"
    rf",\s+(?P<name>{_WORD}(?:[ \t]+{_WORD}){{1,3}})(?=[\s,.;:]|$)")
# "Mali's Minister of Energy and Water, Bintou Camara,": a ministry's full title, then the name.
_MINISTER_OF = re.compile(
    r"(?:(?P<cty>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)['’]s\s+)?(?P<office>(?:Deputy\s+)?Minister)\s+(?:of|for)\s+"
    rf"[^.;]{{2,120}}?,\s+(?P<name>{_NAME})"
    r"(?=\s*[,.;]|\s+(?:who|said|says|told|has|had|was|is|laid|signed|met|received|announced)\b)")
_OWN_GOVERNMENT = re.compile(r"\b(?:government|junta|presidency|presidential|army|military|state)\b", re.I)
_PRE = re.compile(r"(?:(?:[A-Z][\w'’-]+|and|military|transitional|interim|ruling|junta|de\s+facto)[ \t]+){0,6}$")
# "Captain Ibrahim Traoré, the head of Burkina Faso's transition": the apposition gives the country.
_APPOSITION = re.compile(
    r"\s*,\s+(?:the\s+)?(?:\w+\s+){0,2}(?:head|leader|president|chief|ruler|premier|minister|spokes\w+)\s+of\s+"
    r"(?:the\s+)?(?P<cty>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)")
_SAID = re.compile(rf"(?P<names>{_NAME})\s*,?\s+(?:said|says|told|added|noted|stressed|declared|wrote|insisted)\b")
_INCLUDING = re.compile(rf"\b(?:including|among\s+them|such\s+as|named)\s+(?P<names>{_NAME})")
_OFFICE_TOKENS = {"minister", "ministers", "president", "leader", "general", "chief", "counterpart", "ambassador",
                  "envoy", "spokesman", "spokeswoman", "commander", "secretary", "premier", "governor"}
_NOT_LOCATIVE_TO = re.compile(
    r"\b(?:closer|close|ties|links|relations|according|compared|similar|next|due|thanks|owing|"
    r"access|subservient|loyal|opposed|committed|support|aid|assistance|help|threat|allies)\s+to\s*$"
    # Turning from a partner is not being there ("after the junta turned away from France").
    r"|\b(?:away|apart|independence|distance|distanced|break|breaking|broke|split|far|differ|different|shift|shifted"
    r"|pivot|pivoted|divorce|departure|support|aid|help|assistance|pressure|threats?|orders?|instructions)"
    r"\s+from\s*$", re.I)
_DESCRIBING = {"analyst", "researcher", "activist", "journalist", "official", "lawyer", "professor", "expert",
               "diplomat", "economist", "spokesman", "spokeswoman", "former", "veteran", "opposition", "senator"}
_TITLE_WORDS = {"general", "gen", "colonel", "col", "captain", "capt", "president", "minister", "mr", "mrs", "ms", "dr",
                "lieutenant", "major", "brigadier", "marshal", "sheikh", "prince", "king", "chief", "commander"}
_DESCRIBING |= _TITLE_WORDS | _OFFICE_TOKENS


@dataclass(frozen=True)
class ActorMention:
    start: int
    end: int
    text: str
    actor_id: str
    how: str


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    text: str
    place_id: str


@dataclass
class DocumentContext:
    """What is known about the article so far: its countries and the people it introduced."""

    published: dt.date | None = None
    countries: Counter = field(default_factory=Counter)
    people_by_country: dict[str, list[str]] = field(default_factory=dict)
    unknown: dict[str, str] = field(default_factory=dict)
    people_seen: list[str] = field(default_factory=list)
    last_country: str | None = None  # the country named last (as a state or a place), for "its"

    def person_by_surname(self, key: str, gaz: Gazetteer) -> str | None:
        """A surname two known people share: the one this article named first (the later one gets a full name)."""
        for actor_id in self.people_seen:
            if fold(gaz.actors[actor_id].name).split()[-1:] == [key]:
                return actor_id
        return None

    def main_country(self, among: tuple[str, ...] = MILITARY_GOVERNMENTS) -> str | None:
        ranked = [c for c, _ in self.countries.most_common() if c in among]
        return ranked[0] if ranked else None


def _country_in(words: str, gaz: Gazetteer) -> str | None:
    """ISO3 of the last country, demonym or capital in a few capitalised words."""
    tokens = [t for t in re.split(r"\s+", words.strip()) if t]
    if tokens and tokens[-1].rstrip("’'s") in ("US", "U.S"):
        return "USA"
    for size in (3, 2, 1):
        for i in range(len(tokens) - size, -1, -1):
            chunk = " ".join(tokens[i:i + size])
            code = gaz.country_of(chunk) or gaz.capital_country(chunk)
            if code:
                return code
    return None


def _countries_in(words: str, gaz: Gazetteer) -> list[str]:
    out = []
    for part in re.split(r"\s+and\s+|,\s*", words):
        code = _country_in(part, gaz)
        if code:
            out.append(code)
    return out


def _split_names(names: str, gaz: Gazetteer | None = None) -> list[tuple[str, str | None]]:
    """Names in a list ("A, B and C"), each with the country its own title gives, if any."""
    parts = [p.strip() for p in re.split(r"\s*,\s*and\s+|\s*,\s*|\s+and\s+", names) if p.strip()]
    out = []
    for part in parts:
        tokens = part.split()
        country = None
        # "Burkina Faso's Captain Ibrahim Traoré": a rank gives the country before it, as an office does.
        office_at = [i for i, t in enumerate(tokens) if fold(t) in _OFFICE_TOKENS or fold(t) in _TITLE_WORDS]
        if office_at:
            if gaz is not None:
                country = _country_in(" ".join(tokens[:office_at[-1]]), gaz)
            tokens = tokens[office_at[-1] + 1:]
        while tokens and fold(tokens[0]) in _TITLE_WORDS:
            tokens = tokens[1:]
        if tokens:
            out.append((" ".join(tokens), country))
    return out


def _sector(office: str) -> str:
    office = office.lower()
    for word, sector in ROLE_SECTORS.items():
        if word in office:
            return sector
    return "government"


def discover_people(text: str, gaz: Gazetteer, ctx: DocumentContext) -> None:
    """Register people named with a title, or as the speaker of a quote, before sentences are read."""
    for match in _TITLED.finditer(text):
        names = _split_names(match.group("names"), gaz)
        pre = _PRE.search(text, max(0, match.start() - 120), match.start()).group(0)
        countries = _countries_in(pre, gaz)
        office = " ".join((pre + " " + match.group("office")).split())
        apposition = _APPOSITION.match(text, match.end())
        if not countries and _OWN_GOVERNMENT.search(office):
            # "Government spokesman Colonel X": the government of the country the text is about.
            countries = [subject] if (subject := _text_country(text, gaz)) else []
        for i, (name, own_country) in enumerate(names):
            paired = countries[i] if len(countries) == len(names) else (countries[-1] if countries else "")
            country = own_country or paired or (_country_in(apposition.group("cty"), gaz) or "" if apposition else "")
            _register_person(name, country, office, gaz, ctx, text[match.start():match.end()])
    for match in _DESCRIBED.finditer(text):
        # "Yevgeny Prigozhin, the founder of the Wagner group", "Andriy Yusov, a spokesman for Ukraine's …"
        name = " ".join(n for n, _ in _split_names(match.group("name"), gaz))  # "Captain X Y" is X Y
        if len(name.split()) >= 2 and not gaz.lookup(name):
            country = _country_in(match.group("rest"), gaz) or ""
            _register_person(name, country, match.group("role"), gaz, ctx, text[match.start():match.end()])
    for match in _COMPANY.finditer(text):
        name = match.group("name")
        country = gaz.country_of(match.group("dem"))
        if country and not _known_key(fold(name), gaz):  # not a known actor, country or place
            sector = "media" if match.group("what") == "broadcaster" else "business"
            company = gaz.new_actor(name, "organisation", country, sector)
            ctx.unknown.setdefault(company.name, text[match.start():match.end()])
    for match in _MINISTER_OF.finditer(text):
        name = " ".join(n for n, _ in _split_names(match.group("name"), gaz))
        if len(name.split()) >= 2 and not gaz.lookup(name):
            country = _country_in(match.group("cty") or "", gaz) or _text_country(text, gaz) or ""
            _register_person(name, country, "minister", gaz, ctx, text[match.start():match.end()])
    for match in _ROLE_FIRST.finditer(text):
        name = " ".join(n for n, _ in _split_names(match.group("name"), gaz))
        if len(name.split()) >= 2 and not gaz.lookup(name):
            country = _country_in(match.group("rest"), gaz) or ""
            _register_person(name, country, match.group("role"), gaz, ctx, text[match.start():match.end()])
    for pattern in (_SAID, _INCLUDING):
        for match in pattern.finditer(text):
            for name, _ in _split_names(match.group("names"), gaz):
                if len(name.split()) >= 2 and not gaz.lookup(name):
                    # Context gives no nationality: leave the country for the editor rather than guess.
                    _register_person(name, "", "", gaz, ctx, text[match.start():match.end()])


def _text_country(text: str, gaz: Gazetteer) -> str | None:
    """The country a text is about: the Sahel state it names most, else the country it names most."""
    counts = Counter()
    for match in _TOKEN.finditer(text):
        code = gaz.country_of(match.group(0))
        if code:
            counts[code] += 1
    sahel = [c for c, _ in counts.most_common() if c in MILITARY_GOVERNMENTS]
    return sahel[0] if sahel else (counts.most_common(1)[0][0] if counts else None)


def _register_person(name: str, country: str, office: str, gaz: Gazetteer, ctx: DocumentContext, context: str) -> None:
    tokens = name.split()
    if not tokens or all(fold(t) in _STOP for t in tokens):
        return
    if any(fold(t) in _ORG_WORDS for t in tokens) or gaz.country_of(name) or gaz.capital_country(name):
        return
    known = gaz.lookup(name) or (gaz.fuzzy(name, 85) if len(tokens) >= 2 else gaz.fuzzy(name, 80))
    if known:
        actor = gaz.actors[known]
        if actor.kind == "person" and not actor.country and country:
            actor.country = country  # for this batch only: a stored actor is not changed
        if actor.kind == "person" and actor.country:
            ctx.people_by_country.setdefault(actor.country, []).append(actor.actor_id)
        return
    if len(tokens) < 2:
        return
    actor = gaz.new_actor(name, "person", country, _sector(office), role=office)
    ctx.unknown.setdefault(name, context)
    if country:
        ctx.people_by_country.setdefault(country, []).append(actor.actor_id)


def find_names(text: str, gaz: Gazetteer, ctx: DocumentContext) -> tuple[list[ActorMention], list[PlaceMention]]:
    """Actors and places named in one sentence."""
    actors: list[ActorMention] = []
    places: list[PlaceMention] = []
    taken: list[tuple[int, int]] = []

    def free(start, end):
        return not any(start < e and s < end for s, e in taken)

    def add_actor(start, end, actor_id, how):
        if actor_id and free(start, end):
            actors.append(ActorMention(start, end, text[start:end], actor_id, how))
            taken.append((start, end))
            actor = gaz.actors.get(actor_id)
            if actor and actor.country:
                ctx.countries[actor.country] += 1
            if actor and actor.kind == "person" and actor_id not in ctx.people_seen:
                ctx.people_seen.append(actor_id)

    # Bodies named by pattern: ministries, military governments, armed forces, offices.
    for match in _MINISTRY.finditer(text):
        code = _country_in(match.group("cty"), gaz)
        if code:
            kind = " ".join(match.group("kind").split()).lower().replace("defense", "defence").replace(" affairs", "")
            name = f"{demonym(code)} {kind.title()} Ministry"
            known = gaz.lookup(name)
            actor_id = known or gaz.new_actor(name, "organisation", code, _sector(kind)).actor_id
            add_actor(match.start("cty") + _cty_offset(match.group("cty"), gaz), match.end(), actor_id, "pattern")
    for match in _MINISTRY_OF.finditer(text):
        code = _country_in(match.group("cty") or "", gaz) or ctx.main_country(tuple(ctx.countries))
        if code and free(match.start(), match.end()):
            kind = " ".join(match.group("kind").split()).lower().replace("defense", "defence").replace(" affairs", "")
            name = f"{demonym(code)} {kind.title()} Ministry"
            actor_id = gaz.lookup(name) or gaz.new_actor(name, "organisation", code, _sector(kind)).actor_id
            add_actor(match.start(), match.end(), actor_id, "pattern")
    for match in _EMBASSY.finditer(text):
        code = _country_in(match.group("cty"), gaz)
        if code:
            add_actor(match.start("cty") + _cty_offset(match.group("cty"), gaz), match.end(), gaz.state_id(code),
                      "pattern")
    for match in _JUNTA.finditer(text):
        words = match.group("cty2") or match.group("cty") or ""
        code = _country_in(words, gaz)
        if not code:
            continue
        start = match.start() if match.group("cty2") else match.start("cty") + _cty_offset(words, gaz)
        add_actor(start, match.end(), _government(code, gaz), "pattern")
    for match in _ARMED.finditer(text):
        code = _country_in(match.group("cty"), gaz)
        if not code:
            continue
        body = match.group("body").lower()
        if "mercenar" in body:
            name = f"{demonym(code)} mercenaries"
            actor_id = gaz.lookup(name) or gaz.new_actor(name, "organisation", code, "armed_group").actor_id
        elif body in ("police", "gendarmes", "gendarmerie"):
            name = f"{demonym(code)} Police"
            actor_id = gaz.lookup(name) or gaz.new_actor(name, "organisation", code, "security").actor_id
        else:
            name = f"{demonym(code)} Armed Forces"
            actor_id = gaz.lookup(name) or gaz.lookup(f"{demonym(code)} {body}") or gaz.new_actor(
                name, "organisation", code, "military").actor_id
        add_actor(match.start("cty") + _cty_offset(match.group("cty"), gaz), match.end(), actor_id, "pattern")
    for match in _UNNAMED_OFFICE.finditer(text):
        code = _country_in(match.group("cty"), gaz)
        if not code:
            continue
        office = " ".join(match.group("office").split()).lower()
        actor_id = gaz.actor_by_role(office, code, ctx.published)
        if not actor_id and "minister" in office and office != "prime minister":
            kind = office.replace("deputy ", "").replace(" minister", "").replace("defense", "defence")
            name = f"{demonym(code)} {kind.title()} Ministry"
            actor_id = gaz.lookup(name) or gaz.new_actor(name, "organisation", code, _sector(kind)).actor_id
        add_actor(match.start("cty") + _cty_offset(match.group("cty"), gaz), match.end(),
                  actor_id or gaz.state_id(code), "title")
    for match in _DEFINITE.finditer(text):
        code = _country_in(match.group("cty"), gaz)
        people = ctx.people_by_country.get(code or "", [])
        if people:
            add_actor(match.start(), match.end(), people[-1], "coreference")

    # "in the Russian capital", "in the capital": that country's capital, or the capital of the country the story
    # is about. "the capital, Bamako" and "the capital of Mali" leave it to the name that follows.
    for match in _CAPITAL.finditer(text):
        words = match.group("cty")
        code = _country_in(words, gaz) if words else ctx.main_country(tuple(ctx.countries))
        capital = gaz.capital_place(code) if code else None
        located = _LOCATIVE.search(text[max(0, match.start() - 40):match.start()])  # not "raise its capital"
        if capital and located and free(match.start(), match.end()):
            places.append(PlaceMention(match.start(), match.end(), match.group(0), capital.place_id))
            taken.append((match.start(), match.end()))

    # Names from the gazetteer, longest first.
    tokens = list(_TOKEN.finditer(text))
    i = 0
    while i < len(tokens):
        hit = None
        longest = gaz.longest_name_from(fold(tokens[i].group(0)).split(" ")[0]) if tokens[i].group(0) else 0
        for n in range(min(longest, len(tokens) - i), 0, -1):
            start, end = tokens[i].start(), tokens[i + n - 1].end()
            if not free(start, end):
                continue
            phrase = text[start:end]
            hit = _classify(phrase, start, end, text, gaz, ctx, n)
            if hit:
                kind, value = hit
                if kind == "actor":
                    add_actor(start, end, value, "gazetteer")
                else:
                    places.append(PlaceMention(start, end, phrase, value))
                    taken.append((start, end))
                i += n
                break
        if not hit:
            i += 1

    # Bare "the junta" / "the authorities": the government of the country the story is about;
    # "its military rulers": of the country named last ("The shift began in Mali. Its military rulers …").
    for match in _BARE_JUNTA.finditer(text):
        code = ctx.main_country()
        if match.group(0).lower().startswith(("its", "their")):
            code = _last_country(actors, places, match.start(), gaz) or ctx.last_country or code
        if code and free(match.start(), match.end()):
            add_actor(match.start(), match.end(), _government(code, gaz), "context")

    for match in _BARE_ARMY.finditer(text):
        code = ctx.main_country()
        if re.search(r"\b(?:in|of|from|within|into|inside|across)\s+$", text[max(0, match.start() - 10):match.start()]):
            continue  # "a figure in the army", "a branch of the army": not a doer
        if code and free(match.start(), match.end()):
            name = f"{demonym(code)} Armed Forces"
            actor_id = gaz.lookup(name) or gaz.new_actor(name, "organisation", code, "military").actor_id
            add_actor(match.start(), match.end(), actor_id, "context")

    # Left-over capitalised names: fuzzy spelling, else kept as unknown.
    for start, end, phrase in _capitalised_runs(text, tokens):
        if not free(start, end):
            continue
        found = gaz.fuzzy(phrase, 85 if " " in phrase else 80)
        if found:
            add_actor(start, end, found, "fuzzy")
            continue
        name = re.sub(r"['’]s$", "", phrase)
        words = name.split()
        if words and fold(words[0]) == "the":
            words = words[1:]
        while len(words) > 1 and fold(words[0]) in _DESCRIBING:
            words = words[1:]  # "Analyst Hamidou Djibo" opening a sentence: the name is Hamidou Djibo
        name = " ".join(words)
        if len(words) >= 2 and fold(words[-1]) in _ORG_WORDS and not gaz.country_of(" ".join(words)):
            code = ctx.main_country(tuple(ctx.countries)) or ""
            org = gaz.new_actor(" ".join(words), "organisation", code, "other")
            add_actor(start, end, org.actor_id, "context")
            ctx.unknown.setdefault(org.name, text)
            continue
        if ((start == 0 and " " not in name) or fold(name) in demonym_names()
                or name.endswith(("-led", "-backed", "-based"))):
            continue
        if len(name.split()) >= 2 or len(name) >= 5:
            ctx.unknown.setdefault(name, text)
    actors.sort(key=lambda m: m.start)
    places.sort(key=lambda m: m.start)
    ctx.last_country = _last_country(actors, places, len(text), gaz) or ctx.last_country
    return actors, places


def _last_country(actors: list[ActorMention], places: list[PlaceMention], before: int, gaz: Gazetteer) -> str | None:
    """The country of the last state or country named before a position of the sentence."""
    named = [(m.start, gaz.actors[m.actor_id].country) for m in actors
             if m.start < before and m.actor_id in gaz.actors and gaz.actors[m.actor_id].kind == "state"]
    named += [(m.start, gaz.places[m.place_id].country) for m in places
              if m.start < before and m.place_id in gaz.places and gaz.places[m.place_id].kind == "country"]
    return max(named)[1] if named else None


def _cty_offset(words: str, gaz: Gazetteer) -> int:
    """Where the country word starts inside a run of capitalised words ("Following Russia's")."""
    tokens = list(_TOKEN.finditer(words))
    for t in tokens:
        rest = words[t.start():]
        if _country_in(rest, gaz) and (gaz.country_of(t.group(0)) or gaz.capital_country(t.group(0))
                                       or gaz.country_of(rest.split("'")[0].split("’")[0])):
            return t.start()
    return 0


def _government(code: str, gaz: Gazetteer) -> str:
    """The actor for a country's government: its military government for the juntas, else the state."""
    if code in MILITARY_GOVERNMENTS:
        name = f"{demonym(code)} military government"
        return gaz.lookup(name) or gaz.new_actor(name, "organisation", code, "government").actor_id
    return gaz.state_id(code)


def _known_key(key: str, gaz: Gazetteer) -> bool:
    """Whether any list knows this folded name (checked before any costlier test)."""
    from analysis.ingest.gazetteer import _cities
    from analysis.ingest.reference import capitals, country_names

    return (key in gaz.phrases or key in gaz.surnames or key in country_names() or key in capitals()
            or key in gaz.place_names or key in _cities() or key in ("us", "u s"))


def _classify(phrase: str, start: int, end: int, text: str, gaz: Gazetteer, ctx: DocumentContext, n: int):
    """('actor', id), ('place', id) or None for a run of tokens."""
    capitalised = phrase[:1].isupper()
    key = fold(phrase)
    if not key or key in _STOP or not _known_key(key, gaz):
        return None
    before = text[max(0, start - 40):start]
    locative = bool(_LOCATIVE.search(before)) and not _NOT_LOCATIVE_TO.search(before)
    after = text[end:end + 40]
    hint = None
    qualifier = re.match(r"\s*,\s*([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)", after)
    if qualifier:
        hint = gaz.country_of(qualifier.group(1)) or ("USA" if gaz.is_us_state(qualifier.group(1)) else None)
    if capitalised and key in _demonyms():
        return None
    country = (gaz.country_of(phrase) or ("USA" if phrase in ("US", "U.S") else None)) if capitalised else None
    capital = gaz.capital_country(phrase) if capitalised else None
    if country and locative:
        place = gaz.place(phrase, country_hint=country)
        return ("place", place.place_id) if place else None
    if country:
        ctx.countries[country] += 1
        return "actor", gaz.state_id(country)
    if capital and not locative and not hint:
        ctx.countries[capital] += 1
        known = gaz.lookup(phrase)
        return "actor", known if known and gaz.actors[known].kind != "person" else gaz.state_id(capital)
    seat = _seats().get(key)
    if seat and locative:
        place = gaz.capital_place(seat)  # "received … at the Kremlin": in Moscow
        if place:
            return "place", place.place_id
    actor_id = gaz.lookup(phrase)
    if capitalised and n == 1 and actor_id and gaz.actors[actor_id].kind == "person" \
            and fold(phrase) not in gaz.phrases and _other_given_name(text[:start], gaz.actors[actor_id].name):
        return None  # "Ibrahim Traoré" is not Karamoko Jean-Marie Traoré
    if capitalised and n == 1 and (not actor_id or gaz.actors[actor_id].kind == "person"):
        # A bare surname is the person of that name the article introduced ("Bintou Camara … Camara
        # received"), before anyone else in the store who shares it (Sadio Camara).
        actor_id = ctx.person_by_surname(key, gaz) or actor_id
    plausible = capitalised or n > 1 or (actor_id and gaz.actors[actor_id].kind == "organisation")
    if actor_id and plausible and not (capital and locative):
        return "actor", actor_id
    if capitalised and (locative or hint or capital):
        place = gaz.place(phrase, country_hint=hint, countries=tuple(ctx.countries))
        if place and (locative or hint):
            ctx.countries[place.country] += 1
            return "place", place.place_id
    return None


def _other_given_name(before: str, known_name: str) -> bool:
    """Whether a surname follows a given name that the known person of that surname does not have."""
    given = re.search(r"([A-Z][\w'’-]+)[ \t]+$", before)
    if not given or fold(given.group(1)) in _TITLE_WORDS or fold(given.group(1)) in _STOP:
        return False
    return fold(given.group(1)) not in fold(known_name).split()


@functools.lru_cache(maxsize=1)
def _seats() -> dict[str, str]:
    """Seats of government that are also places ("at the Kremlin"), by folded name."""
    return {fold(name): code for name, code in GOVERNMENT_SEATS.items() if "regime" not in fold(name)}


def _demonyms() -> dict[str, str]:
    return demonym_names()


def _capitalised_runs(text: str, tokens: list[re.Match]) -> list[tuple[int, int, str]]:
    """Runs of capitalised words that are not stop words (candidate names)."""
    runs, current = [], []
    for tok in tokens:
        word = tok.group(0)
        good = (word[:1].isupper() and fold(word) not in _STOP and not word.isupper()) or (
            word.isupper() and len(word) >= 3 and fold(word) not in _STOP) or (
            bool(current) and word[:1].isupper() and fold(word) in _ORG_WORDS)
        joined = current and text[current[-1].end():tok.start()].strip() in ("", "-")
        if good and (not current or joined):
            current.append(tok)
            continue
        if current:
            runs.append(current)
        current = [tok] if good else []
    if current:
        runs.append(current)
    out = []
    for run in runs:
        if run[0].start() == 0 and len(run) == 1:
            continue
        start, end = run[0].start(), run[-1].end()
        out.append((start, end, text[start:end]))
    return out
