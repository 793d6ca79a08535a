"""Reported speech inside quote marks: the narrator's line, not the character's.

Some authors (Austen above all) put indirect speech between quote marks:
    Mr. Woodhouse was soon composed. "He should be happy to see Mrs. Goddard. He had a
    great regard for Mrs. Goddard; and Emma should write a line..."
The words are the narrator's report of what was said, in the third person and with the
tenses shifted back, so voicing them as the character ("He should be happy...") in the
character's own voice sounds wrong. The test below is deliberately strict (it was tuned
to flag no annotated quotation on the four PDNC novels): a long quote with no first or
second person, no present tense, a third-person pronoun, at least two back-shifted verbs,
and an opening that reads as a report ("that he...", "He was...", "Would not she...").
"""

from __future__ import annotations

import re

_FIRST_SECOND = re.compile(
    r"\b(?:I|me|my|mine|myself|we|us|our|ours|ourselves|you|your|yours|yourself|yourselves"
    r"|ye|thee|thou|thy|let's)\b",
    re.I,
)
_PRESENT = re.compile(
    r"\b(?:is|am|are|isn't|aren't|will|won't|shall|shan't|can|can't|cannot|have|haven't"
    r"|has|hasn't|do|don't|does|doesn't)\b|['\u2019](?:s|re|ll|ve)\b",
    re.I,
)
_BACKSHIFTED = re.compile(r"\b(?:was|were|had|would|should|could|might|did)\b", re.I)
_THIRD = re.compile(r"\b(?:he|she|they|him|her|them|his|their)\b", re.I)
_AUX = r"(?:was|were|had|would|should|could|might|did)"
_REPORT_OPENING = re.compile(
    rf"(?:that|he|she|they)\b"  # continues the narration
    rf"|(?:He|She|They)\s+(?:{_AUX}|thought|hoped|feared)\b"  # He was afraid...
    rf"|(?:Was|Were|Had|Would|Should|Could|Might|Did)(?:\s+not)?\s+(?:he|she|they)\b"
)

MIN_LENGTH = 80


def is_reported_speech(words: str) -> bool:
    """True when quoted `words` are indirect (reported) speech rather than direct speech."""
    if len(words) < MIN_LENGTH or _FIRST_SECOND.search(words) or _PRESENT.search(words):
        return False
    if not _THIRD.search(words) or len(_BACKSHIFTED.findall(words)) < 2:
        return False
    return _REPORT_OPENING.match(words.lstrip("-\u2014'\"_ \u201c\u2018")) is not None
