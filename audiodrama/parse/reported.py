"""Reported speech inside quote marks: the narrator's line, not the character's.

Some authors (Austen above all) put indirect speech between quote marks:
    Mr. Woodhouse was soon composed. "He should be happy to see Mrs. Goddard. He had a
    great regard for Mrs. Goddard; and Emma should write a line..."
The words are the narrator's report of what was said, in the third person and with the
tenses shifted back, so voicing them as the character ("He should be happy...") in the
character's own voice sounds wrong. The test has two strengths. Anywhere, it is strict
(tuned to flag no annotated quotation on the four PDNC novels): a long quote with no first
or second person, no present tense, a third-person pronoun, at least two back-shifted verbs,
and an opening that reads as a report ("that he...", "He was...", "Would not she...").
A quote set inside a narration paragraph, with no speech verb next to it and not the second
half of a tagged quote (`Mary deplored the necessity. "Nobody knew how much she should
suffer."`), needs less: no first or second person, no present tense, a third-person pronoun
and one back-shifted verb. Direct speech there is tagged or names its "I" and "you".
"""

from __future__ import annotations

import re

from audiodrama.parse.quotes import DQ_MARKS, Paragraph, Piece

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
# The looser test's present tense: "have"/"do" after a modal or "to" are not present ("would
# have", "nothing to do"), a possessive 's is not "is"; contractions whose apostrophe the
# transcription lost ("He s", "wouldn t") are.
_PRESENT_STRICT = re.compile(
    r"\b(?:is|am|are|isn't|aren't|will|won't|shall|shan't|can|can't|cannot|haven't"
    r"|has|hasn't|don't|does|doesn't)\b"
    r"|(?<!\bto )(?<!\bwould )(?<!\bshould )(?<!\bcould )(?<!\bmight )(?<!\bmust )(?<!\bnot )"
    r"(?<!\bdid )\b(?:have|do)\b"
    r"|\b(?:he|she|it|that|there|what|who|here|where|how|let)['\u2019]s\b|['\u2019](?:re|ll|ve)\b"
    r"|\b(?:he|she|it|that|there|what|who|here) s\b|n t\b",
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
# A verb of saying or thinking next to the quote: a tag, so the quote is someone's words.
_SPEECH_VERB = re.compile(
    r"\b(?:sa(?:y|id|ys|ying)|cr(?:y|ied|ies|ying)|repl(?:y|ied|ies|ying)|answer(?:ed|s|ing)?"
    r"|ask(?:ed|s|ing)?|add(?:ed|s|ing)?|continu(?:ed|es|ing)|exclaim(?:ed|s|ing)?"
    r"|return(?:ed|s|ing)?|observ(?:ed|es|ing)|whisper(?:ed|s|ing)?|call(?:ed|s|ing)?"
    r"|repeat(?:ed|s|ing)?|rejoin(?:ed|s)?|beg[ia]n|went on|resum(?:ed|es|ing)"
    r"|interrupt(?:ed|s|ing)?|remark(?:ed|s|ing)?|mutter(?:ed|s|ing)?|declar(?:ed|es|ing)"
    r"|thought|think(?:s|ing)?|reflect(?:ed|s|ing)?|murmur(?:ed|s|ing)?|shout(?:ed|s|ing)?"
    r"|sigh(?:ed|s|ing)?)\b",
    re.I,
)

# What a look or a gesture "says": nobody speaks the words (`a smile which seemed to say,
# "These are my own concerns."`, `Captain Harville smiled, as much as to say, "Do you..."`)
_UNSPOKEN_LEAD = re.compile(
    r"\b(?:seem(?:ed|s)?\s+to\s+say|as\s+much\s+as\s+to\s+say|as\s+if\s+to\s+say|as\s+who\s+should\s+say"
    r"|(?:which|that)\s+(?:plainly\s+|clearly\s+)?said|expressed)[,:]?(?:\s*--|\s*\u2014)?\s*$",
    re.I,
)

# Words about talk a little further back ("could speak very handsomely of both.", "began a
# warm defence of her complexion."): what follows is what was said, as the author gave it.
_TALK = re.compile(
    r"\b(?:speak|spoke|spoken|speaking|speaks|hint(?:ed|s|ing)?|comment(?:ed|s|ing)?|defen[cs]e)\b",
    re.I,
)

MIN_LENGTH = 80
MIN_LENGTH_IN_NARRATION = 40


def is_reported_speech(words: str, in_narration: bool = False) -> bool:
    """True when quoted `words` are indirect (reported) speech rather than direct speech.
    `in_narration`: the quote sits inside narration, untagged (see `sits_in_narration`)."""
    if in_narration and _loosely_reported(words):
        return True
    if len(words) < MIN_LENGTH or _FIRST_SECOND.search(words) or _PRESENT.search(words):
        return False
    if not _THIRD.search(words) or len(_BACKSHIFTED.findall(words)) < 2:
        return False
    return _REPORT_OPENING.match(words.lstrip("-\u2014'\"_ \u201c\u2018")) is not None


def _loosely_reported(words: str) -> bool:
    if len(words) < MIN_LENGTH_IN_NARRATION or _FIRST_SECOND.search(words):
        return False
    if _PRESENT_STRICT.search(words):
        return False
    return _THIRD.search(words) is not None and _BACKSHIFTED.search(words) is not None


def sits_in_narration(text: str, para: Paragraph, piece: Piece) -> bool:
    """True when the quote `piece` follows narration in its paragraph with no speech verb
    beside it and no quote just before it (the second half of `"Yes," said he, "I will."`)."""
    before = text[para.start : piece.start]
    if not before.strip() or DQ_MARKS.search(before[-60:]) or _quote_just_before(para, piece):
        return False
    after = text[piece.end : min(para.end, piece.end + 40)]
    if _SPEECH_VERB.search(before[-40:]) or _TALK.search(before[-60:]):
        return False
    return _SPEECH_VERB.search(after) is None


def _quote_just_before(para: Paragraph, piece: Piece) -> bool:
    """A quote of the paragraph ends within 60 characters before `piece`, whatever its marks
    (the double-mark search above misses `'Hi!' She sat. 'And you?'` in a single-quote text)."""
    return any(p.kind == "q" and piece.start - 60 < p.end <= piece.start for p in para.pieces)


def is_unspoken(text: str, para: Paragraph, piece: Piece) -> bool:
    """True when the quote `piece` gives what a look or a gesture said, not words spoken."""
    before = text[max(para.start, piece.start - 40) : piece.start]
    return _UNSPOKEN_LEAD.search(before) is not None
