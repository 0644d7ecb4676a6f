"""Sentences of a clean text, with their character offsets (evidence must be an exact substring)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "capt", "maj", "sgt", "st", "no", "vs", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.n", "e.g", "i.e", "inc", "ltd",
    "co", "corp", "jr", "sr", "prof", "gov", "sen", "rep", "approx", "est", "fig",
}
_END = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9À-Ý])")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int
    index: int

    @property
    def is_headline(self) -> bool:
        """A line without final punctuation: a headline or caption fragment, not reported prose."""
        return not re.search(r"[.!?\"”’']\s*$", self.text) and len(self.text.split()) < 30


def split_sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Split on paragraph breaks and on sentence ends that are not abbreviations or initials."""
    out: list[Sentence] = []
    for paragraph, block in enumerate(re.finditer(r"[^\n]+", text)):
        start = block.start()
        chunk = block.group(0)
        cut = 0
        for match in _END.finditer(chunk):
            before = re.search(r"([\w.]+)$", chunk[cut:match.start()] + "")
            word = (before.group(1) if before else "").lower().rstrip(".")
            if match.group(0).startswith(".") and (word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())):
                continue
            _add(out, text, start + cut, start + match.end(), paragraph, offset)
            cut = match.end()
        _add(out, text, start + cut, start + len(chunk), paragraph, offset)
    return out


def _add(out: list[Sentence], text: str, start: int, end: int, paragraph: int, offset: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start + offset, end + offset, text[start:end], paragraph, len(out)))
