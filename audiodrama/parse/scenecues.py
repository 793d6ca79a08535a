"""Scene cues in a paragraph's first narration sentence: waking, being carried off, a time
jump, arriving somewhere (used by the structure stage and by the deliveries pass)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from audiodrama.parse.keywords import folded, holds_any

QUOTED = re.compile(
    r"\"[^\"]*\"|\u201c[^\u201d]*\u201d|\u00ab[^\u00bb]*\u00bb|\u201e[^\u201c\u201d]*[\u201c\u201d]"
)


_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(A-Z])")


_POSSESSIVE = "her|his|my|their|our"


_REFLEXIVE = r"(?:herself|himself|themselves|myself|ourselves)"


_WAKE = re.compile(
    rf"\b(?:woke|awoke|awoken|awakened|awakens|jolted awake|"
    rf"startled awake|came to (?:{_POSSESSIVE}) senses)\b",
    re.IGNORECASE,
)


# a word every match holds (keywords.py): most sentences need no regex scan
_WAKE_WORDS = ("wok", "awak", "came to")


_EYES_OPEN = re.compile(rf"\b(?:open(?:ed|s)?|blinked open) (?:{_POSSESSIVE}|your) eyes\b", re.IGNORECASE)


_DREAM_CONTEXT = re.compile(r"\b(?:dream\w*|nightmare\w*|unconscious|passed out|fainted)\b", re.IGNORECASE)


_TRANSPORT = re.compile(
    r"\b(?:transport|teleport|apparat|disapparat|whisk|orb|shimmer|flash)(?:ed|s|ing)\b"
    r"(?: \w+){0,3}? (?:to|into|back to|away to|off to)\b",
    re.IGNORECASE,
)


_TRANSPORT_WORDS = ("transport", "teleport", "apparat", "whisk", "orb", "shimmer", "flash")


_ARRIVE = re.compile(
    r"\b(?:arriv(?:ed|es|ing)|landed|pulled up) (?:at|in|on|outside|home|back)\b(?! the door)"
    r"|\b(?:got|gets|came|returned|headed|went|drove|walked) (?:back )?home\b"
    rf"|\b(?:reached|entered) (?:the|{_POSSESSIVE}|[A-Z]\w+'s) (?!door|room\b)"
    rf"|\bmade (?:{_POSSESSIVE}) way (?:to|into|back|home|down to|up to)\b"
    rf"|\bfound {_REFLEXIVE} (?:\w+ )?(?:in|at|on|outside)\b",
    re.IGNORECASE,
)


# every match of _ARRIVE or _SEAT holds one of these
_ARRIVE_WORDS = ("arriv", "landed", "pulled up", "home", "reached", "entered", "made", "found")


_SEAT = re.compile(
    r"\bfound (?:a|an|the|some|an empty|a quiet) (?:\w+ ){0,3}?(?:bench|seat|spot|table|booth|"
    r"stool|couch|sofa|rock|log|corner|place to sit)\b",
    re.IGNORECASE,
)


_TIME = re.compile(
    r"^(?:(?:early |late )?(?:the|that) (?:next|following) (?:morning|day|night|evening|afternoon|"
    r"week|month|year|weekend)\b|(?:early |late )?next (?:morning|day|night|evening|week)\b|"
    r"(?:much |some )?later(?: that| the same)? ?(?:day|night|evening|afternoon|morning)?\b,?"
    r"|meanwhile\b|afterwards?,|"
    r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several|a few|many|some|"
    r"\d+)(?: \w+)? (?:minutes?|hours?|days?|weeks?|months?|years?) (?:later|passed|went by|"
    r"had passed|afterwards?)\b|(?:that|this) (?:night|evening|afternoon)\b,|"
    r"the (?:morning|evening|night|day) after\b|back (?:at|in) (?=[A-Z]))",
    re.IGNORECASE,
)


#: Words before an arrival that make it hypothetical, negated or past-perfect (not a move now).
_HYPOTHETICAL = re.compile(
    r"\b(?:if|unless|would|could|should|might|must|shall|will|had|never|"
    r"not|whether|until|before|once|wanted|wished|hoped|planned)\b|n't\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=1 << 14)
def first_narration_sentence(para: str) -> str:
    """The paragraph's first sentence once quoted speech is taken out ('' if it is all speech).

    (Cached: the structure stage and the deliveries pass both read every paragraph's.)"""
    narration = QUOTED.sub(" ", para)
    # the sentence end found before the spaces are collapsed, so only the first sentence's
    # are: `\s+` matches a run of spaces as it matches the one space it collapses to
    m = _SENTENCE_END.search(narration)
    sentence = " ".join((narration[: m.end()] if m else narration).split())
    return sentence.strip(" ,;:-\u2014\u2013")


def opens_on_waking(sentence: str, strict: bool = False) -> bool:
    """'woke'/'awoke' (or, unless strict, 'opened her eyes') in the sentence's first 8 words."""
    opening = " ".join(sentence.split(None, 8)[:8])
    return _wakes(opening) or (not strict and bool(_EYES_OPEN.search(opening)))


def _wakes(opening: str) -> bool:
    return holds_any(folded(opening), _WAKE_WORDS) and bool(_WAKE.search(opening))


def scene_cue(
    text: str,
    paras: Sequence[tuple[int, int]],
    i: int,
    roles: Sequence[str],
    blank_lines: int = 1,
    scene_paras: int = 99,
) -> str:
    """Name of the change of place or time that opens paragraph i, or '' (conservative).

    Looks only at the paragraph's first narration sentence (quoted speech removed):
    - wake: woke/awoke/awakened in the sentence's first eight words ("Elizabeth awoke the next
      morning", "When I woke"), or "opened her eyes" there with a dream, nightmare or
      fainting in this or the two paragraphs before (a dream ends, a new scene begins);
    - transport: transported/teleported/whisked ... to (magic or machine carries them off);
    - time: the paragraph opens on a time jump ("The next morning", "Later that night",
      "Three days later", "Meanwhile", "Back at ...");
    - arrive: "arrived at/in", "got home", "reached the ...", "made her way to", "found
      herself in", or "found a (wooden) bench/seat/table" (settling in a new place);
      needs the scene so far to hold 2+ paragraphs.
    Two or more blank lines before the paragraph add weight but never suffice alone.
    """
    start, end = paras[i]
    para = text[start:end]
    first = first_narration_sentence(para)
    if not first:
        return ""
    opening = " ".join(first.split(None, 8)[:8])
    if _wakes(opening):
        return "wake"
    if _EYES_OPEN.search(opening):  # (opens_on_waking, not strict, once _wakes is False)
        ctx = " ".join(text[s:e] for s, e in paras[max(0, i - 2) : i + 1])
        if _DREAM_CONTEXT.search(ctx):
            return "wake"
    low = folded(first)
    if holds_any(low, _TRANSPORT_WORDS) and _TRANSPORT.search(first):
        return "transport"
    if _TIME.match(first) and not para.lstrip().startswith(('"', "\u201c")):
        return "time"
    m = (_ARRIVE.search(first) or _SEAT.search(first)) if holds_any(low, _ARRIVE_WORDS) else None
    if m and (scene_paras >= 2 or blank_lines >= 2) and not _HYPOTHETICAL.search(first[: m.start()]):
        return "arrive"
    return ""
