"""PLOVER event types from trigger words and short patterns; the trigger is kept as evidence.

Each pattern gives a type, a mode (what kind of that type: visit, pledge, arrest…) and
whether it is *weak*: a noun such as "meeting" or "deal" that names an event only when no
verb in the sentence does ("Following the talks, they signed" is one AGREE, not a CONSULT).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.ingest.reference import demonym_names, fold

OTHER_NOTES = {
    "appointment": "Appointment to office: a personnel decision that no PLOVER type covers.",
    "dismissal": "Dismissal from office: a personnel decision that no PLOVER type covers.",
}

# (type, mode, weak, pattern) — order matters only for ties at the same position.
_LEXICON: list[tuple[str, str, bool, str]] = [
    ("AGREE", "pledge", False,
     r"(?:would|will) (?:[\w']+ ){0,2}?(?:increase|provide|supply|send|deliver|train|help|support|build|strengthen"
     r"|expand|boost|keep (?:supplying|providing|sending|helping|supporting))"
     r"|(?:committed|commits|commit|pledged|pledges|pledge|vowed|vows|vow|promised|promises|undertook|undertakes"
     r"|agreed|agrees) to"
     r"|(?:ready|readiness|prepared|willing|willingness) to (?:provide|help|supply|assist|support|deliver|train"
     r"|strengthen|offer)"
     r"|pledged|pledges|vowed|promised"),
    ("AGREE", "agreement", False,
     r"signed|signing|signs|agreed|agrees|ratified|ratifies|formali[sz]ed|(?:was|were|been) (?:created|founded"
     r"|established|formed)"
     r"|(?:have|has|had) formed|formed (?:the|a|an|their)|founded|set up (?:the|a|an)"),
    ("AGREE", "agreement", True,
     r"agreements?|memorand(?:um|a|ums)(?: of understanding)?|accords?|treat(?:y|ies)|pact|deal|joint statement"
     r"|roadmap"),
    ("CONSULT", "talks", False,
     r"(?:held|hold|holds|holding|hosted|hosts|host|had|began|opened|conducted) (?:\w+ ){0,3}(?:talks|consultations"
     r"|negotiations|meetings?|discussions)"
     r"|(?:met|meets)(?: with)?|hosted|hosts|received|receives|welcomed (?:the|a)|visited|visits"
     r"|(?:paid|pays|on) an? (?:\w+ )?visit|travell?ed to|arrived in|discussed|conferred|negotiated"
     r"|spoke (?:by phone )?with"
     r"|(?:phone|telephone) (?:call|conversation)|took part in (?:the|a) (?:meeting|talks|summit|consultations)"),
    ("CONSULT", "talks", True, r"talks|meeting|meetings|summit|consultations|negotiations|visit"),
    ("SUPPORT", "statement", False,
     r"(?:welcomed|welcomes|welcoming) (?:the |a |an |their |its )?(?:[\w'-]+ ){0,2}?(?:coup|decision|move|announcement"
     r"|agreement|deal|step|election|result|vote|initiative|proposal|statement|takeover|withdrawal)"
     r"|thanked|thanking|supports|supported|backs|backed|praised|praises|hailed|hails|endorsed|endorses|congratulated"
     r"|(?:voiced|expressed|reaffirmed|declared|pledged|offered) (?:\w+ ){0,2}(?:\"|“)?(?:\w+ )?support"
     r"|solidarity[\"”]? with"),
    ("SUPPORT", "statement", True, r"backing|support for"),
    ("COOPERATE", "diplomacy", False,
     r"reopened|reopens|re-opened|(?:restored|restores|resumed|resumes|established|establishes|re-established)"
     r" (?:\w+ )?(?:diplomatic )?(?:ties|relations)|opened (?:an|its|a|their) (?:new )?embassy"),
    ("COOPERATE", "diplomacy", True, r"reopening|re-opening"),
    ("COOPERATE", "cooperation", False,
     r"cooperated|cooperates|collaborated|collaborates|worked together|joint (?:military )?(?:exercises?|patrols?"
     r"|operations?)"
     r"|(?:laid|lays|laying|lay) (?:the|its|a|their) (?:foundation|first|corner) ?stone"
     r"|(?:broke|breaks|breaking) ground"
     # A licence or a concession granted is a government working with the company that gets it.
     r"|(?:granted|grants|awarded|awards) (?:[\w'’-]+ ){0,6}?(?:an? )?(?!residence |work |entry |travel )(?:[\w-]+ )?"
     r"(?:licen[cs]e|permit|concession)s?\b"),
    ("AID", "aid", False,
     r"donated|donates|(?:delivered|delivers)(?! (?:a|an|his|her|the|their) (?:\w+ )?(?:speech|address|remarks"
     r"|statement|message|lecture|verdict))|supplied|supplies|shipped|handed over|gifted"
     r"|(?:sent|sends|sending) (?:\w+ ){0,2}(?:troops|mercenaries|instructors|fighters|grain|wheat|fertili[sz]ers?"
     r"|aid|weapons|equipment|helicopters|jets|drones|advisers|advisors|tonnes)"
     r"|provided|provides|providing"
     r"|(?:brought|brings|bringing|hired|hires|recruited) (?:in )?(?:[\w'-]+ ){0,5}?(?:fighters|troops|mercenaries"
     r"|instructors|advisers|advisors|contractors)"),
    ("AID", "aid", True,
     r"donations?|deliver(?:y|ies)|shipments?|humanitarian (?:aid|assistance)"
     r"|(?:military|financial|economic|food) aid"),
    ("RETREAT", "withdraw", False,
     r"(?:would|will) (?:\w+ )?(?:leave|withdraw|pull out)"
     r"|pull(?:ed|ing|s)? (?:[\w'-]+ ){1,8}?out of|withdr[ae]wn?|withdraws|withdrawing|to withdraw"
     r"|pull(?:ed|ing|s)? out|pulled back|(?:left|leave|leaving) the country(?! un)"
     r"|end(?:ed|s|ing)? (?:the |its |their |his |her )?(?:[\w'-]+ ){0,3}?(?:mission|mandate|operations?|presence"
     r"|deployment)s?\b"
     r"|quit|quits|quitting|exited|exits|exiting|left|leave|leaving"
     r"|(?:handed|hands|handing|hand) over (?:[\w'-]+ ){0,4}?(?:bases?|camps?|posts?|positions?|garrisons?)"),
    ("RETREAT", "withdraw", True, r"withdrawal|departure|pull-?out|exit from"),
    ("REQUEST", "demand", False,
     r"(?:told|instructed) (?:[\w'-]+ ){1,4}?to(?= [a-z])|called for|calls for|calling for|call for|called on|calls on"
     r"|demanded|demands|demanding|urged|urges|urging"
     r"|appealed|appeals|asked|requested|requests"),
    ("ACCUSE", "statement", False,
     r"accused|accuses|accusing|accuse|condemned|condemns|condemning|criticised|criticized|criticises|criticizes|criticising|criticizing"
     r"|blamed|blames|blaming|denounced|denounces|denouncing|ill-advised|charged that|censured|rebuked|slammed|decried"
     r"|claimed (?:that )?|alleged that|branded|branding|labell?ed|labell?ing"
     r"|(?:calling|called|calls|describing|described|describes) (?:[\w'-]+ ){1,3}?(?:an? |the )?(?:[\w'-]+ )?"
     r"(?:instrument|tool|puppet|threat|enemy|sponsor|accomplice|agent|weapon)s?\b"
     # Going to law is an accusation ("filing a claim against the state", "sued").
     r"|(?:filed|files|filing|lodged|lodges|lodging|brought|brings|bringing) (?:a |an )?(?:[\w-]+ )?"
     r"(?:claim|complaint|lawsuit|suit|case|arbitration (?:claim|case|request))s? against"
     r"|sued|sues|suing|(?:took|takes|taking|taken) (?:[\w'-]+ ){1,3}?to (?:court|arbitration)"
     # Summoning a foreign envoy is a diplomatic rebuke ("summoned Ukraine's ambassador").
     r"|(?:summoned|summons|summoning) (?!(?:its|their|his|her) )(?:[\w'’-]+ ){0,3}?"
     r"(?:ambassador|envoy|charg[eé] d'affaires|diplomat)s?\b"
     r"|(?:went|goes|going|gone) to (?:international )?arbitration"),
    ("ACCUSE", "statement", True, r"alleged|allegedly|allegations?|accusations?|criticism"),
    ("REJECT", "reject", False,
     r"dismiss(?:ed|es|ing)? (?:[\w'-]+ ){0,3}(?:criticisms?|claims?|accusations?|allegations?|reports?|concerns?"
     r"|calls?|suggestions?|charges?|fears?|warnings?|demands?|statements?|remarks|comments|assertions?|accounts?"
     r"|findings|rumou?rs)"
     r"|rejected|rejects|rejecting|refused|refuses|refusing|denied|denies|vetoed|turned down|ruled out"
     r"|(?:hit|hits|hitting) back(?![^.]{0,40}\b(?:air ?strikes?|strikes?|offensive|attacks?|raids?|shelling|fire)\b)"),
    ("THREATEN", "threaten", False, r"threatened|threatens|threatening|warned|warns|ultimatum"),
    ("SANCTION", "sanction", False,
     r"(?:pushed|pushing|pushes|forced|forcing|drove|driven|driving|ordered|ordering|orders) (?:[\w'-]+ ){0,4}?"
     r"(?:out\b|to leave)"
     r"|(?:gave|given|gives|giving) (?:[\w'’-]+,? ){1,5}?(?:\d+|\w+) (?:hours|days|weeks) to leave"
     r"|persona non grata"
     r"|sanctioned|imposed sanctions|expelled|expels|expelling|expel|kicked out|kick out|kicks out"
     r"|(?:severed|severs|severing|sever|cut|cuts|cutting|broke off|breaks off|breaking off|broken off)"
     r" (?:[\w'-]+ ){0,2}(?:ties|relations)|severed|severs|broke off|breaks off"
     r"|suspended|suspends|banned|bans|cancell?ed|cancels|revoked|revokes|terminated|terminates"
     r"|(?:blocked|blocks|blocking|block|cut|cuts|cutting|shut|shuts|restricted) (?:off )?access to"
     r"|(?:recalled|recalls|recalling|recall|withdrew|withdrawn|withdrawing|withdraws|withdraw|pulled|pulling)"
     r" (?:[\w'-]+ ){0,3}?(?:ambassadors?|envoys?|diplomats?|diplomatic staff)"
     r"|(?:closed|closes|closing|close|shut|shuts|shutting) (?:[\w'-]+ ){0,2}?(?:airspace|borders?|embassy|embassies)"
     r"|(?:ordered|orders|ordering|told|instructed) (?:[\w'-]+ ){1,4}?to (?:block|shut down|close|suspend|ban|cut)"
     r"|(?:denounced|denouncing|tore up|tearing up|scrapped|scrapping|annulled|annulling|end|ends|ended|ending)"
     r" (?:[\w'-]+ ){0,4}?(?:agreements?|accords?|treaty|treaties|deals?|pacts?|military cooperation)"
     # A permit taken away is a sanction, not a retreat ("withdrew the operating permit").
     r"|(?:withdrew|withdrawn|withdraws|withdrawing|withdraw|revoked|revokes|revoking|cancell?ed|cancels"
     r"|suspended|suspends|stripped (?:[\w'-]+ ){0,3}?of|stripping (?:[\w'-]+ ){0,3}?of)"
     r" (?:[\w'-]+ ){0,3}?(?:permits?|licen[cs]es?|accreditations?|concessions?|(?:mining|exploration) rights"
     r"|titles?)\b"),
    ("SANCTION", "sanction", True, r"sanctions|embargo|expulsion"),
    ("PROTEST", "protest", False,
     r"protested|protests|protesting|demonstrated|demonstrations?|rallied|marched|went on strike"
     r"|in protest (?:against|at|over)"),
    ("MOBILIZE", "deploy", False,
     r"deployed|deploys|deploying|to deploy|mobili[sz]ed|mobili[sz]es|dispatched|stationed"),
    ("MOBILIZE", "joint force", True, r"(?:joint|unified|united) (?:military |armed )?forces?"),
    ("COERCE", "arrest", False,
     r"arrested|arrests|arresting|detained|detains|detaining|(?:taken|took|taking) into custody|(?:were|was|been|are"
     r"|is) held"
     r"|kidnapped|abducted|jailed|imprisoned|sentenced|raided"),
    ("COERCE", "seizure", False,
     r"nationali[sz](?:ed|es|e|ing)|nationali[sz]ation of|expropriated|expropriates|confiscated|confiscates"
     r"|(?:seized|seizes|seizing) (?:[\w'-]+ ){0,4}?(?:gold|assets|property|properties|equipment|shipments?|cargo"
     r"|stocks?|tonnes|accounts|documents|vehicles)"
     r"|(?:imposed|imposes|imposing|declared) (?:a |an )?(?:[\w-]+ )?(?:blockade|siege|curfew)|blockaded|besieged"
     r"|(?:placed|places|placing|put|puts) (?:[\w'-]+ ){0,4}?under (?:provisional |temporary |state |interim )?"
     r"(?:administration|receivership|state control|management)"
     r"|(?:took|takes|taking|taken) over (?:[\w'’-]+ ){0,4}?(?:mines?|compan(?:y|ies)|assets|subsidiar(?:y|ies)"
     r"|refinery|refineries|plants?)\b(?!\s+(?:portfolio|ministry|department))"),
    ("COERCE", "coup", False,
     r"seized power|seize power|seizing power|(?:came|come|coming) to power|took power|taken power|overthrew"
     r"|overthrown|ousted|toppled"),
    ("COERCE", "arrest", True, r"arrest|detention|custody"),
    ("COERCE", "coup", True, r"coups?|overthrow|putsch"),
    ("ASSAULT", "attack", False,
     r"attacked|attacks|attacking|killed|kills|killing|bombed|bombing|shelled|shelling|clashed|clashes|ambushed|massacred"
     r"|(?:air|drone) ?strikes?|fought|battled|battling|stormed|overran|captured|recaptured|retook|retaken"
     r"|(?:took|taken|takes|taking|seized|seizes|regained|gained) control (?:[\w'-]+ ){0,3}?of"
     r"|suffered (?:\w+ )?(?:losses|casualties|defeats?)"
     r"|(?:shot|shoots|shooting|shoot) down|(?:was|were|been|being|is|are) targeted|targeted (?:the|a|an|its|their)"
     r"|(?:set|sets|setting) (?:ablaze|alight|on fire)|torched|exchanged fire|opened fire"
     r"|claimed (?:responsibility for )?(?:the|an|a|this|that|[\w'-]+['’]s) (?:[\w-]+ ){0,2}?"
     r"(?:attacks?|assaults?|bombings?|ambush(?:es)?|raids?|killings?|kidnappings?)"
     r"|massacring|executed (?:at least |more than |some |about |nearly |up to )?(?:\d[\d,]*|dozens|scores|hundreds)"
     r"|executed (?:[\w'-]+ ){0,2}?(?:civilians|villagers|prisoners|detainees|people|men|women|children)"),
    ("ASSAULT", "insurgency", True, r"insurgency|violence|attack|fighting|battles?|offensive|rebellion|downing of"),
    ("OTHER", "appointment", False,
     r"appointed|appoints|named (?:as )?(?:the )?(?:new )?(?:prime minister|president|minister|head|chief)"),
    ("OTHER", "dismissal", False, r"dismissed|sacked|fired|removed from (?:his|her|their) (?:post|position|office)s?"),
]

# Verbs by lemma, one line per type: their past forms are triggers (lemminflect writes them),
# so "rebuffed", "relocated" or "equipped" need no rule each. Past forms only: news reports
# in the past tense, and present or -ing forms are often nouns ("funds", "partners", "meeting").
# A form the lexicon above already matches keeps its rule there (weak nouns, context limits).
_VERB_LEMMAS: list[tuple[str, str, tuple[str, ...]]] = [
    ("AGREE", "agreement", ("sign", "ratify", "initial")),
    ("CONSULT", "talks", ("meet", "host", "receive", "visit", "discuss", "confer", "negotiate", "consult")),
    ("SUPPORT", "statement", ("praise", "hail", "endorse", "commend", "applaud", "congratulate", "thank", "salute",
                              "welcome")),
    ("COOPERATE", "cooperation", ("cooperate", "collaborate", "partner")),
    ("AID", "aid", ("donate", "supply", "ship", "gift", "provide", "fund", "finance", "equip", "airlift", "escort")),
    ("RETREAT", "withdraw", ("withdraw", "evacuate", "vacate", "relocate", "disband")),
    ("REQUEST", "demand", ("demand", "urge", "request", "appeal", "implore", "petition")),
    ("ACCUSE", "statement", ("accuse", "condemn", "criticise", "criticize", "blame", "denounce", "censure", "rebuke",
                             "slam", "decry", "lambast", "castigate", "deplore", "fault", "brand")),
    ("REJECT", "reject", ("reject", "refuse", "deny", "veto", "rebuff", "spurn", "repudiate")),
    ("THREATEN", "threaten", ("threaten", "warn")),
    ("SANCTION", "sanction", ("sanction", "expel", "suspend", "ban", "revoke", "terminate", "blacklist", "boycott",
                              "embargo", "annul", "deport")),
    ("PROTEST", "protest", ("protest", "demonstrate", "rally", "march", "picket")),
    ("MOBILIZE", "deploy", ("deploy", "mobilise", "mobilize", "dispatch", "station", "redeploy")),
    ("COERCE", "arrest", ("arrest", "detain", "kidnap", "abduct", "jail", "imprison", "sentence", "raid")),
    ("COERCE", "seizure", ("nationalise", "nationalize", "expropriate", "confiscate", "requisition")),
    ("ASSAULT", "attack", ("attack", "kill", "bomb", "shell", "clash", "ambush", "massacre", "fight", "battle",
                           "storm", "overrun", "capture", "recapture", "assassinate", "behead")),
]


def _verb_forms(lemmas: tuple[str, ...], known: list[re.Pattern]) -> str:
    from lemminflect import getAllInflections

    forms = {form for lemma in lemmas
             for tag, words in getAllInflections(lemma, upos="VERB").items() if tag in ("VBD", "VBN")
             for form in words}
    forms = {form for form in forms if not any(pattern.fullmatch(form) for pattern in known)}
    return "|".join(sorted(forms, key=lambda f: (-len(f), f)))


_KNOWN = [re.compile(pattern.lower()) for _, _, _, pattern in _LEXICON]
_LEXICON += [(event_type, mode, False, forms) for event_type, mode, lemmas in _VERB_LEMMAS
             if (forms := _verb_forms(lemmas, _KNOWN))]

_COMPILED = [
    (event_type, mode, weak, re.compile(rf"(?<![\w-])(?:{pattern.lower()})(?![\w-])"))
    for event_type, mode, weak, pattern in _LEXICON
]
# "left"/"quit" name a withdrawal only before a name or an organisation ("left ECOWAS", not "left wing").
_LEAVE_VERBS = {"quit", "quits", "quitting", "exited", "exits", "exiting", "left", "leave", "leaves", "leaving"}
_LEAVE_OBJECT = re.compile(
    r"(?:,\s+(?:[\w-]+\s+){1,4}?[\w-]+,)?"  # "leaving, with immediate effect, the …"
    r"\s+(?:the\s+)?(?:[A-Z]|(?i:regional|bloc|alliance|organi[sz]ation|community|union|mission|grouping))")

# Verbs that report speech: a date next to one dates the report, not what is reported.
REPORTING = re.compile(
    r"\b(?:said|says|told|announced|announces|reported|reports|confirmed|confirms|stated|noted|added|"
    r"according to|quoted|wrote|claimed|statement|press release)\b",
    re.I,
)


@dataclass(frozen=True)
class Trigger:
    start: int
    end: int
    text: str
    event_type: str
    mode: str
    weak: bool


# "said Russia would increase …": a promise only when reported ("would" alone may be a condition).
FUTURE_PLEDGE = re.compile(r"(?:would|will)\s", re.I)
# Military people or goods whose arrival is a deployment.
_PERSONNEL = re.compile(
    r"\b(?:instructors|troops|soldiers|personnel|fighters|mercenaries|advisers|advisors|servicemen|paratroopers"
    r"|equipment|weapons|arms|helicopters|aircraft|drones|shipments?)\b[^.;]*$", re.I)
# Standing situations, not acts: "troops are stationed", "people accused of …".
# "condemned what it called a 'barbaric terrorist attack'": the speaker's words, not a second event.
_WHAT_IT_CALLS = re.compile(r"\bwhat\s+(?:it|he|she|they|[\w-]+)\s+(?:calls|called|described\s+as|terms|termed)\s+"
                            r"(?:an?\s+|the\s+)?[\"“'](?:[\w-]+\s+){0,3}$", re.I)
# "hosts Russian military instructors": a standing situation, not a visit.
_HOSTS_FORCES = re.compile(r"\s+(?:[\w'-]+\s+){0,3}?(?:instructors|troops|soldiers|forces|bases?|fighters|mercenaries"
                           r"|personnel|advisers|advisors|contingents?)\b", re.I)
_STATE_NOT_EVENT = re.compile(
    r"\b(?:are|is|remain|remains)\s+(?:still\s+)?(?:stationed|based)$"
    r"|\b(?:people|those|persons|individuals|anyone|men|women)\s+(?:\w+\s+)?(?:accused|suspected|charged)$", re.I)
# "killed in a plane crash": an accident, not an attack.
_ACCIDENT = re.compile(r"\s+in\s+an?\s+(?:[\w-]+\s+){0,2}(?:crash|accident|collision|fire)\b", re.I)
# "does not end", "never signed": no event.
_NEGATED = re.compile(r"\b(?:not|never|no\s+longer|n't)\s+(?:\w+ly\s+|yet\s+|been\s+)?$", re.I)
# A noun with its own setting is not an event: "At the summit, Putin promised …".
_SETTING = re.compile(
    r"\b(?:at|during|on\s+the\s+sidelines\s+of|ahead\s+of|in\s+the\s+run-up\s+to)\s+(?:the|a|an|this|that|last|next)"
    r"\s+(?:[\w-]+\s+){0,4}$", re.I)
# A noun with its own doer or date names an event even beside a verb: "a visit to Niamey by a US delegation",
# "the sanctions regime, set up in 2017".
_NOUN_WITH_AGENT = re.compile(
    r"^(?:\s+(?:to|of|in)\s+(?:the\s+)?[A-Z][\w'-]+)?\s+by\s+(?:a|an|the)?\s*[A-Z]"
    r"|^(?:\s+\w+)?,?\s+(?:set\s+up|imposed|introduced|established|adopted)\s+in\s+(?:\d{4}|[A-Z])"
    # "their departure from ECOWAS became final in late January": the noun's own completion
    r"|^[^.;,]{0,80}?\b(?:(?:became|becomes)\s+(?:final|effective|official)|(?:took|takes)\s+effect"
    r"|came\s+into\s+force)\b")
# What someone is accused of is the accusation's content, not an event of its own ("accused of killing").
_CHARGED_WITH = re.compile(
    r"\b(?:accused|accusing|accuses|accuse|suspected|charged|convicted|guilty|allegations?|accusations?)\b"
    r"[^.;]{0,60}\b(?:of|with)\s+(?:[\w'-]+\s+){0,2}$", re.I)
_REQUEST_TO = re.compile(r"\s+(?:[\w'-]+\s+){0,4}?to\s+[a-z]", re.I)
_PLEDGE_ENDS = (" to", "provide", "help", "supply", "assist", "support", "deliver", "train", "strengthen", "offer")
# "the talks in Moscow on Thursday": a noun with its own place or date; "an attack on Malian troops" is not.
_DATE_AFTER = re.compile(r"^\s+(?:\w+\s+){0,2}(?:in|on|last|since)\s+(?:(?P<word>[A-Z]\w+)|\d{4})")
_REPORTED_NOUN = re.compile(r"\b(?:confirmed|announced|reported|ordered|approved)\s+(?:the|a|an)\s+(?:\w+\s+)?$", re.I)


def find_triggers(text: str, keep_weak_in: tuple[tuple[int, int], ...] = ()) -> list[Trigger]:
    """Trigger words in a sentence, longest first, weak nouns only where no verb triggers.

    ``keep_weak_in`` are spans (dated relative clauses) where a noun still names an event:
    "…, which has been in power since the overthrow of Bazoum last July, …".
    """
    found: list[Trigger] = []
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare letter whose lower case is longer: keep offsets right
        lowered = "".join(ch.lower()[0] for ch in text)
    for event_type, mode, weak, pattern in _COMPILED:
        for match in pattern.finditer(lowered):
            words = text[match.start():match.end()]
            if words.lower() in _LEAVE_VERBS and not _LEAVE_OBJECT.match(text, match.end()):
                continue
            found.append(Trigger(match.start(), match.end(), words, event_type, mode, weak))
    found.sort(key=lambda t: (t.start, -(t.end - t.start)))
    chosen: list[Trigger] = []
    for trig in sorted(found, key=lambda t: (t.weak, -(t.end - t.start), t.start)):
        if any(trig.start < c.end and c.start < trig.end for c in chosen):
            continue
        chosen.append(trig)
    chosen = [_arrival(text, t) for t in chosen if (not FUTURE_PLEDGE.match(t.text) or REPORTING.search(text[:t.start]))
              and not _CHARGED_WITH.search(text[:t.start]) and not _STATE_NOT_EVENT.search(_around(text, t))
              and not _NEGATED.search(text[max(0, t.start - 30):t.start])
              and not (t.event_type == "ASSAULT" and _ACCIDENT.match(text, t.end))
              and not _WHAT_IT_CALLS.search(text[max(0, t.start - 60):t.start])
              and not (t.event_type == "CONSULT" and t.text.lower() in ("hosts", "host", "hosting")
                       and _HOSTS_FORCES.match(text, t.end))]
    chosen = [t for t in chosen if not (t.weak and _SETTING.search(text[:t.start]))]
    strong = [t for t in chosen if not t.weak or any(s <= t.start < e for s, e in keep_weak_in)
              or _dated_or_placed(text[t.end:]) or _REPORTED_NOUN.search(text[:t.start])
              or _NOUN_WITH_AGENT.match(text[t.end:])]
    if strong:
        chosen = strong
    chosen.sort(key=lambda t: t.start)
    return _absorb_complements(text, chosen)


def _dated_or_placed(rest: str) -> bool:
    match = _DATE_AFTER.match(rest)
    return bool(match) and not (match.group("word") and fold(match.group("word")) in demonym_names())


def _around(text: str, trig: Trigger) -> str:
    return text[max(0, trig.start - 40):trig.end].lower()


def _arrival(text: str, trig: Trigger) -> Trigger:
    """Troops or instructors who "arrived in" a country were sent there: military aid, not a visit."""
    if trig.event_type == "CONSULT" and trig.text.lower().startswith(("arrived", "arrive", "landed")) \
            and _PERSONNEL.search(text[max(0, trig.start - 90):trig.start]):
        return Trigger(trig.start, trig.end, trig.text, "AID", "military", False)
    return trig


def _absorb_complements(text: str, triggers: list[Trigger]) -> list[Trigger]:
    """A pledge or a demand governs what follows it ("committed to helping … to deploy", "urged X to leave")."""
    out: list[Trigger] = []
    pledge_end = None
    for trig in triggers:
        if pledge_end is not None and re.search(r";|,\s+(?!and\b)[a-z]|,\s+and\s+(?:the|a|an|its|their|[A-Z])",
                                                text[pledge_end:trig.start]):
            pledge_end = None
        if pledge_end is not None and trig.event_type not in ("AGREE", "REQUEST"):
            continue
        out.append(trig)
        if trig.event_type == "AGREE" and trig.mode == "pledge" and trig.text.lower().endswith(_PLEDGE_ENDS):
            pledge_end = trig.end
        if trig.event_type == "REQUEST" and (trig.text.lower().endswith(" to") or _REQUEST_TO.match(text, trig.end)):
            pledge_end = trig.end  # "told the council to withdraw the mission": what is asked is not done
    # Two triggers of the same type in one clause name one event.
    merged: list[Trigger] = []
    for trig in out:
        if merged and merged[-1].event_type == trig.event_type and merged[-1].mode == trig.mode and not re.search(
                r"[;.]|\band\b|\bbut\b|\b(?:19|20)\d\d\b", text[merged[-1].end:trig.start]):
            continue
        merged.append(trig)
    return merged
