"""Speech tags with a verb no list knows (`"...," jeered Long Tom`, `"...," Hattie stated
solemnly`, `"...," Ned paid grudging tribute`): found by position and syntax, not by verb.

A quote that closes on a comma ends in the middle of a sentence, so the narration right
after it finishes that sentence: its subject, a name or a pronoun followed by a past-tense
verb, is the speaker, whatever the verb. The inverted order (`jeered Long Tom.`) also
follows a quote closing on `!` or `?`, where the lowercase start shows the sentence goes
on. Only names and subject pronouns are taken as subjects before the verb: a description
there (`"...," the door creaked`) is too often not a person; after it (`nodded the doctor`)
the order is a tag's.
"""

from __future__ import annotations

import re

_NAME = r"(?:(?:Mr|Mrs|Ms|Dr|St|Mlle|Mme|Col|Capt|Gen|Rev|Prof|Lt|Sgt)\.\s+)?[A-Z][a-z][\w\u2019']*(?:-[\w\u2019']+)*(?:\s+(?:[A-Z][a-z]\w*(?:-\w+)*|de|van|von|of))*?(?<!'s)(?<!\u2019s)"
# a past-tense verb: regular (-ed) or a common irregular one (`paid`, `said` is listed anyway)
_PAST = r"[a-z]{2,}ed|paid|laid|told|spoke|swore|wrote|sang|broke|began|put in|threw in|shot back|bit out|ground out"
# a titled description is a person (`the Baron`, `the General`); `the door` may not be
_TITLED = r"the\s+[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]{2,})?"
_AFTER_COMMA = re.compile(
    r"^[ \t]*(?P<subj>"
    + _NAME
    + r"|"
    + _TITLED
    + r"|he|she|they|I|we)(?:\s+[a-z]+ly)?\s+(?P<verb>"
    + _PAST
    + r")\b"
)
# after `!` or `?` a lowercase start shows the sentence goes on (`"Hein!" the Baron
# vociferated`); a name there must make the whole short sentence (`"Is it?" Sissy faltered.`)
# or want to say something (`"Is it?" Diana wanted to know`), or go on with what the
# speaker did meanwhile (`"Is it?" Alice panted as she ran`)
_AFTER_STOP = re.compile(
    r"^[ \t]*(?P<subj>" + _TITLED + r"|he|she)(?:\s+[a-z]+ly)?\s+(?P<verb>" + _PAST + r")\b"
    r"|^[ \t]*(?P<name>"
    + _NAME
    + r")(?:\s+[a-z]+ly)?\s+(?P<nverb>"
    + _PAST
    + r")(?:\s+[a-z]+ly|\s+again)?\s*(?:[.;]|,\s+[a-z]+ing\b|\s+as\s+(?:he|she|they|I|we)\s+[a-z]+\b|"
    r"\s+to\s+(?!(?:the|a|an|his|her|him|them|me|my|their|its|it)\b)[a-z]+\b)"
)
# inverted, a description too (`nodded the doctor.`, `advised Diana decidedly.`, `proclaimed
# the croupier as he ...`): a verb before its subject is a tag's order
_INVERTED = re.compile(
    r"^[ \t]*(?P<verb>"
    + _PAST
    + r")\s+(?P<subj>"
    + _NAME
    + r"|the\s+[A-Za-z][a-z]{2,})(?:\s+[a-z]+ly)?(?:\s*(?:[.,;:!?\u2014]|$)|\s+(?:as|and|while|with|who)\b)"
)
_CLOSE = "\"'\u201d\u2019"


def open_tag_after(text: str, start: int, end: int) -> tuple[str, int, str, bool, int] | None:
    """(subject, its offset, verb, inverted, end of the tag) for the narration
    text[start:end] right after a quote, when its syntax makes it a speech tag; else None."""
    mark = start
    while mark > 0 and text[mark - 1] in " \t\r\n":  # a wrapped line may part quote and tag
        mark -= 1
    close = mark
    while close > 0 and text[close - 1] in _CLOSE:
        close -= 1
    if close == mark or close == 0:
        return None
    last = text[close - 1]
    frag = text[start : min(end, start + 80)]
    m = _INVERTED.match(frag) if last in ",!?" else None
    inverted = m is not None
    if m is None and last == ",":
        m = _AFTER_COMMA.match(frag)
    if m is None and last in "!?":
        m = _AFTER_STOP.match(frag)
        if m is not None and m.group("name"):
            return m.group("name"), start + m.start("name"), m.group("nverb"), False, start + m.end("nverb")
    if m is None:
        return None
    return (
        m.group("subj"),
        start + m.start("subj"),
        m.group("verb"),
        inverted,
        start + m.end("verb" if not inverted else "subj"),
    )


# Before a quote: the clause closing the narration on a comma or colon, a name and a
# past-tense verb, whatever the verb (`..., and Fearenside howled, "Lie down!"`,
# `Mrs. Musgrove interposed: "..."`): the clause introduces the quote.
_BEFORE = re.compile(
    r"(?:^|[,;]\s+|\b(?:and|but|then|when|while|till|until)\s+)(?P<subj>"
    + _NAME
    + r"|"
    + _TITLED
    + r")(?:\s+[a-z]+ly)?\s+(?P<verb>"
    + _PAST
    + r")(?:\s+[a-z]+ly)?\s*[,:]\s*$"
)


def open_tag_before(text: str, start: int, end: int) -> tuple[str, int, str, int] | None:
    """(subject, its offset, verb, end of the verb) for the narration text[start:end]
    right before a quote, when its closing clause is a name and a past-tense verb."""
    frag_start = max(start, end - 80)
    m = _BEFORE.search(text, frag_start, end)
    if m is None:
        return None
    return m.group("subj"), m.start("subj"), m.group("verb"), m.end("verb")
