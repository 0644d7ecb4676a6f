"""PLOVER event types from trigger words and short patterns; the trigger is kept as evidence.

Each pattern gives a type, a mode (what kind of that type: visit, pledge, arrest…) and
whether it is *weak*: a noun such as "meeting" or "deal" that names an event only when no
verb in the sentence does ("Following the talks, they signed" is one AGREE, not a CONSULT).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OTHER_NOTES = {
    "appointment": "Appointment to office: a personnel decision that no PLOVER type covers.",
    "dismissal": "Dismissal from office: a personnel decision that no PLOVER type covers.",
}

# (type, mode, weak, pattern) — order matters only for ties at the same position.
_LEXICON: list[tuple[str, str, bool, str]] = [
    ("AGREE", "pledge", False,
     r"(?:committed|commits|commit|pledged|pledges|pledge|vowed|vows|vow|promised|promises|undertook|undertakes"
     r"|agreed|agrees) to"
     r"|(?:ready|readiness|prepared|willing|willingness) to (?:provide|help|supply|assist|support|deliver|train"
     r"|strengthen|offer)"
     r"|pledged|pledges|vowed|promised"),
    ("AGREE", "agreement", False,
     r"signed|signing|signs|agreed|agrees|ratified|ratifies|formali[sz]ed|(?:was|were|been) (?:created|founded"
     r"|established|formed)"
     r"|(?:have|has|had) formed|formed (?:the|a|an|their)|founded|to form (?:the|a|an|their)|set up (?:the|a|an)"),
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
     r"supports|supported|backs|backed|praised|praises|hailed|hails|endorsed|endorses|congratulated"
     r"|(?:voiced|expressed|reaffirmed|declared|pledged|offered) (?:\w+ ){0,2}(?:\"|“)?(?:\w+ )?support"
     r"|solidarity with"),
    ("SUPPORT", "statement", True, r"backing|support for"),
    ("COOPERATE", "cooperation", False,
     r"cooperated|cooperates|collaborated|collaborates|worked together|joint (?:military )?(?:exercises?|patrols?"
     r"|operations?)"),
    ("AID", "aid", False,
     r"donated|donates|(?:delivered|delivers)(?! (?:a|an|his|her|the|their) (?:\w+ )?(?:speech|address|remarks"
     r"|statement|message|lecture|verdict))|supplied|supplies|shipped|handed over|gifted"
     r"|(?:sent|sends|sending) (?:\w+ ){0,2}(?:troops|mercenaries|instructors|fighters|grain|wheat|fertili[sz]ers?"
     r"|aid|weapons|equipment|helicopters|jets|drones|advisers|advisors|tonnes)"
     r"|provided|provides|providing"),
    ("AID", "aid", True,
     r"donations?|deliver(?:y|ies)|shipments?|humanitarian (?:aid|assistance)"
     r"|(?:military|financial|economic|food) aid"),
    ("RETREAT", "withdraw", False,
     r"withdr[ae]wn?|withdraws|withdrawing|to withdraw|pull(?:ed|ing|s)? out|pulled back"
     r"|quit|quits|quitting|exited|exits|exiting|left|leave|leaves|leaving"),
    ("RETREAT", "withdraw", True, r"withdrawal|departure|pull-?out|exit from"),
    ("REQUEST", "demand", False,
     r"called for|calls for|calling for|call for|called on|calls on|demanded|demands|demanding|urged|urges|urging"
     r"|appealed|appeals|asked|requested|requests"),
    ("ACCUSE", "statement", False,
     r"accused|accuses|accusing|accuse|condemned|condemns|condemning|criticised|criticized|criticises|criticizes|criticising|criticizing"
     r"|blamed|blames|blaming|denounced|denounces|denouncing|ill-advised|charged that|censured|rebuked|slammed|decried"
     r"|claimed (?:that )?|alleged that"),
    ("ACCUSE", "statement", True, r"alleged|allegedly|allegations?|accusations?|criticism"),
    ("REJECT", "reject", False,
     r"rejected|rejects|rejecting|refused|refuses|refusing|denied|denies|vetoed|turned down|ruled out"),
    ("THREATEN", "threaten", False, r"threatened|threatens|threatening|warned|warns|ultimatum"),
    ("SANCTION", "sanction", False,
     r"sanctioned|imposed sanctions|expelled|expels|expelling|expel|kicked out|kick out|kicks out|severed|severs"
     r"|cut (?:\w+ )?ties"
     r"|suspended|suspends|banned|bans|cancell?ed|cancels|revoked|revokes|terminated|terminates|broke off|breaks off"
     r"|(?:denounced|tore up) (?:the|a|its) (?:\w+ ){0,2}(?:agreement|accord|treaty|deal)"),
    ("SANCTION", "sanction", True, r"sanctions|embargo|expulsion"),
    ("PROTEST", "protest", False,
     r"protested|protests|protesting|demonstrated|demonstrations?|rallied|marched|went on strike"),
    ("MOBILIZE", "deploy", False,
     r"deployed|deploys|deploying|to deploy|mobili[sz]ed|mobili[sz]es|dispatched|stationed"),
    ("MOBILIZE", "joint force", True, r"(?:joint|unified|united) (?:military |armed )?forces?"),
    ("COERCE", "arrest", False,
     r"arrested|arrests|arresting|detained|detains|detaining|(?:taken|took|taking) into custody|(?:were|was|been|are"
     r"|is) held"
     r"|kidnapped|abducted|jailed|imprisoned|sentenced|raided"),
    ("COERCE", "coup", False,
     r"seized power|seize power|seizing power|(?:came|come|coming) to power|took power|taken power|overthrew"
     r"|overthrown|ousted|toppled"),
    ("COERCE", "arrest", True, r"arrest|detention|custody"),
    ("COERCE", "coup", True, r"coups?|overthrow|putsch"),
    ("ASSAULT", "attack", False,
     r"attacked|attacks|attacking|killed|kills|killing|bombed|bombing|shelled|shelling|clashed|clashes|ambushed|massacred"
     r"|(?:air|drone) ?strikes?"),
    ("ASSAULT", "insurgency", True, r"insurgency|violence|attack|fighting"),
    ("OTHER", "appointment", False,
     r"appointed|appoints|named (?:as )?(?:the )?(?:new )?(?:prime minister|president|minister|head|chief)"),
    ("OTHER", "dismissal", False, r"dismissed|sacked|fired|removed from (?:his|her|their) (?:post|position|office)s?"),
]

_COMPILED = [
    (event_type, mode, weak, re.compile(rf"(?<![\w-])(?:{pattern.lower()})(?![\w-])"))
    for event_type, mode, weak, pattern in _LEXICON
]
# "left"/"quit" name a withdrawal only before a name or an organisation ("left ECOWAS", not "left wing").
_LEAVE_VERBS = {"quit", "quits", "quitting", "exited", "exits", "exiting", "left", "leave", "leaves", "leaving"}
_LEAVE_OBJECT = re.compile(
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


_PLEDGE_ENDS = (" to", "provide", "help", "supply", "assist", "support", "deliver", "train", "strengthen", "offer")
_DATE_AFTER = re.compile(r"^\s+(?:\w+\s+){0,2}(?:in|on|last|since)\s+(?:[A-Z]\w+|\d{4})")
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
    strong = [t for t in chosen if not t.weak or any(s <= t.start < e for s, e in keep_weak_in)
              or _DATE_AFTER.match(text[t.end:]) or _REPORTED_NOUN.search(text[:t.start])]
    if strong:
        chosen = strong
    chosen.sort(key=lambda t: t.start)
    return _absorb_complements(text, chosen)


def _absorb_complements(text: str, triggers: list[Trigger]) -> list[Trigger]:
    """A pledge governs what follows it ("committed to helping … acquire arms … to deploy")."""
    out: list[Trigger] = []
    pledge_end = None
    for trig in triggers:
        if pledge_end is not None and re.search(r";|,\s+(?!and\b)[a-z]", text[pledge_end:trig.start]):
            pledge_end = None
        if pledge_end is not None and trig.event_type != "AGREE":
            continue
        out.append(trig)
        if trig.event_type == "AGREE" and trig.mode == "pledge" and trig.text.lower().endswith(_PLEDGE_ENDS):
            pledge_end = trig.end
    # Two triggers of the same type in one clause name one event.
    merged: list[Trigger] = []
    for trig in out:
        if merged and merged[-1].event_type == trig.event_type and merged[-1].mode == trig.mode and not re.search(
                r"[;.]|\band\b|\bbut\b|\b(?:19|20)\d\d\b", text[merged[-1].end:trig.start]):
            continue
        merged.append(trig)
    return merged
