"""When a paragraph's untagged quote may not take the speaker of its tagged neighbour.

`"Thanks, old man," Krum said. Woolsey shook his head. "I've got to file it."`: the
narration between the two quotes makes someone else the subject, so the second quote is
most likely theirs, not Krum's. Same-paragraph spreading is only sure when nobody else
acts between the quotes; otherwise the quote is left open for the ranker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from audiodrama.parse.names import Mention

# what may stand right before a clause's subject: the start of the narration, the end of
# a sentence or clause, or a conjunction opening a clause (`; but the Gryphon answered`)
_CLAUSE_OPEN = re.compile(
    r"(?:[.!?;:)(]|--|\u2014|\b(?:and|but|for|then|so|whereupon))"
    r"[\s\"'\u201d\u2019]*(?:(?:the|a|an|this|that|poor|old|little|young)\s+)*$",
    re.IGNORECASE,
)
_ONLY_ARTICLES = re.compile(
    r"[\s,\"'\u201d\u2019\u2014-]*(?:(?:the|a|an|this|that|poor|old|little|young)\s+)*$", re.IGNORECASE
)
_PRONOUN_SUBJECT = re.compile(r"\b(?:he|she|He|She)\b(?!['\u2019])")
_PRONOUN_GENDER = {"he": "male", "she": "female"}


def _opens_clause(text: str, s: int, at: int) -> bool:
    """Whether `at` opens a clause of the narration starting at `s`: its subject position."""
    if _ONLY_ARTICLES.fullmatch(text, s, at):
        return True
    return bool(_CLAUSE_OPEN.search(text, max(s, at - 40), at))


def someone_else_acts(
    text: str,
    s: int,
    e: int,
    mentions: Sequence[Mention],
    who: int,
    genders: Sequence[str],
    narrator: int | None,
) -> bool:
    """Whether the narration [s, e) between two quotes makes someone other than `who` the
    subject of a clause: a name (`Woolsey shook his head.`) or a `he`/`she` that cannot be
    `who` (`She raised her hand.` after Bill's quote; any `he` after the narrator's `I`)."""
    for m in mentions:
        if m.char == who or not s <= m.start < e:
            continue
        if text.startswith(("'s", "\u2019s"), m.end):
            continue  # `Woolsey's glass`: not the subject
        if _opens_clause(text, s, m.start):
            return True
    g = genders[who] if 0 <= who < len(genders) else "unknown"
    for p in _PRONOUN_SUBJECT.finditer(text, s, e):
        if not _opens_clause(text, s, p.start()):
            continue
        pg = _PRONOUN_GENDER[p.group().lower()]
        if who == narrator or (g in ("male", "female") and g != pg):
            return True
    return False
