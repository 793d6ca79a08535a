"""Reading the narration around a quote: sentences, lead-ins, subjects.

A quote is often introduced by narration that does not follow the `NAME said` pattern:
`Mr. John Knightley smiled, and replied,` (then a new paragraph opens with the quote),
`Mr. Woodhouse's giving a gentle sigh, and saying, "..."`, `Emma thus moralised to
herself:--`. Such a lead-in ends with a comma, colon or dash (or a speech verb); its
speaker is the subject of that last sentence. These helpers find it.
"""

from __future__ import annotations

import bisect
import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from audiodrama.parse.names import Mention, NameIndex
from audiodrama.parse.wordlists import SPEECH_VERBS

_ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Mt|Col|Capt|Gen|Lt|Sgt|Rev|Prof|Messrs|Mme|Mlle|Jr|Sr)\.$")
# `[.!?;][...]*(?:\s+|(?:--|\u2014)\s*(?=[A-Z]))|[\n]\s*\n` and the same with `, and` etc. for
# clauses, each alternative's first character told by a lookbehind after one class of them all:
# the regex engine skips to that class in C (from alternatives opening on classes it tried
# every character; tests/test_parse_fastpaths.py holds them to the plain regexes)
_SENT_BOUND = re.compile(
    r"[.!?;\n](?:(?<=[.!?;])[\"'\u201d\u2019)_]*(?:\s+|(?:--|\u2014)\s*(?=[A-Z]))|(?<=\n)\s*\n)"
)
_CLAUSE_BOUND = re.compile(
    r"[.!?;\n,](?:(?<=[.!?;])[\"'\u201d\u2019)_]*\s+|(?<=\n)\s*\n|(?<=,)\s+(?=and\s|but\s|while\s|when\s))"
)
_LEADIN_END = re.compile(r"(?:[,:;]|--|\u2014|-|\.\.\.|\u2026)[\s\-\u2014]*$")

SPEECH_WORDS = (
    *sorted(SPEECH_VERBS, key=len, reverse=True),
    *[
        "saying",
        "say",
        "speak",
        "speaking",
        "spoke",
        "asking",
        "replying",
        "answering",
        "crying",
        "exclaiming",
        "adding",
    ],
    *[
        "continuing",
        "beginning",
        "whispering",
        "calling",
        "voice",
        "words",
        "reply",
        "answer",
        "remark",
        "exclamation",
    ],
    *["accosted", "addressed", "observing", "remarking", "returning", "thus", "cried"],
)


def first_letter_words(words: Sequence[str]) -> str:
    """`\\b(?:word|word...)\\b` for words of letters, written from their first letters: the
    regex engine skips to one of them in C (from the `\\b` it tried every character). Each
    first letter's words keep their order, so the same word matches where the plain regex's
    does (tests/test_parse_fastpaths.py)."""
    rests: dict[str, list[str]] = {}
    for w in words:
        rests.setdefault(w[0], []).append(w[1:])
    alternatives = "|".join(f"(?<={first})(?:{'|'.join(rest)})" for first, rest in rests.items())
    return f"[{''.join(rests)}](?<!\\w.)(?:{alternatives})\\b"


SPEECH_WORD = re.compile(first_letter_words(SPEECH_WORDS))
_SUBJ_PRON = re.compile(r"\b(he|she|I|He|She|it|It)\b(?!')")
_PRON_GENDER = {
    "he": "male",
    "she": "female",
    "i": "narrator",
    "it": "neuter",
    "him": "male",
    "her": "female",
    "me": "narrator",
}
# `heard the King say`, `to hear it say`, `her overhearing Mr. Weston whisper`: a perception
# verb with a bare infinitive of speech -- the one heard speaks, not the one hearing.
_AFTER_PREP_ONLY = re.compile(r"\b(?:to|at|with|from|for|on|of|about|toward|towards|upon)\s+$")
_IT_SUBJECT = re.compile(r"(?:^|[,;:.!?(\u2014-]\s*|\b(?:and|but|then|so|when|while|till|until|as|that)\s+)$")


def _pron_ok(text: str, start: int, pos: int, word: str) -> bool:
    """A subject pronoun not after a preposition; `it` only opening a clause (`and it said`,
    not `took it`)."""
    before = text[max(start, pos - 12) : pos]
    if _AFTER_PREP_ONLY.search(before):
        return False
    return word != "it" or bool(_IT_SUBJECT.search(before)) or pos == start


# the verbs of hearing: `heard Emma say` names the one who speaks
HEAR_VERB = r"\b(?:hear|heard|hears|hearing|overhear|overheard|overhearing)"
_HEARD = re.compile(
    HEAR_VERB + r"\s+"
    r"(?P<who>(?:(?:the|The|a|A|one of)\s+)?[A-Z][\w'\u2019-]*\.?(?:\s+[A-Z][\w'\u2019-]*\.?){0,2}|"
    r"him|her|it|me|one of them)"
    r"(?:\s+[a-z]+ly|\s+next|\s+again|\s+suddenly)?\s+"
    r"(?:say|says|said|whisper|call|call out|cry|cry out|exclaim|ask|add|reply|answer|begin|"
    r"mutter|murmur|remark|observe|declare|repeat|shout|speak|go on|continue|sing|"
    # `heard Bill singing,`: the -ing form after a verb of hearing is the heard one's speech
    r"saying|whispering|calling|crying|exclaiming|asking|adding|replying|answering|"
    r"muttering|murmuring|remarking|declaring|repeating|shouting|speaking|singing)\b"
)
_AFTER_PREP = re.compile(r"\b(?:to|at|with|from|for|on|of|about|toward|towards|upon|than|and|or)\s+$")


# `opportunity for Frank Churchill to draw near her and say,`: the subject of the infinitive
FOR_TO = re.compile(r"\s+to\s+[a-z]")
FOR_BEFORE = re.compile(r"\bfor\s+$")

# (after `;`, `and before she could breathe after it, Mrs. Norris completed`: lower case)
_SUBORDINATE = re.compile(
    r"\s*(?:(?:and|but|And|But)\s+(?=[a-z]))?(?:[Ww]hile|[Ww]hen|[Aa]s|[Bb]efore|[Aa]fter|[Tt]hough|"
    r"[Aa]lthough|[Ii]f|[Ss]ince|[Uu]ntil|[Ww]hilst|[Oo]nce)\b[^,;:]{0,120},"
    r"(?:\s*(?:however|therefore|then|at last|at length|too),)?"
)


@dataclass
class Subject:
    """Who a stretch of narration is about: a character, or a pronoun to resolve."""

    char: int | None
    pronoun: str | None
    """'male' / 'female' / 'narrator' for he / she / I; None for a name."""
    pos: int


def last_sentence_start(text: str, start: int, end: int, clauses: bool = False) -> int:
    """Offset where the last sentence (or clause: `, and ...`) of text[start:end] begins."""
    pos = start
    for m in (_CLAUSE_BOUND if clauses else _SENT_BOUND).finditer(text, start, end):
        if m.end() >= end:
            break
        head = text[max(start, m.start() - 5) : m.start() + 1]
        if _ABBREV.search(head):
            continue
        pos = m.end()
    return pos


_SAID_END = re.compile(r"\b(?:said|says|asked|replied|answered|cried|added|continued|began)\s*$")


def is_lead_in(text: str, start: int, end: int, loose: bool = False) -> bool:
    """True when narration text[start:end] ends by leading into a quote.

    `loose` (narration and quote in the same paragraph): a speech verb followed by a few
    words also leads in (`the Queen said severely "Who is this?"`)."""
    tail = text[max(start, end - 40) : end]
    if _LEADIN_END.search(tail) or lost_dash(text, end):
        return True
    if _SAID_END.search(tail):
        return True
    if not loose:
        return False
    m = _last_match(SPEECH_WORD, text, max(start, end - 45), end)
    return m is not None and len(text[m.end() : end].split()) <= 5


def lost_dash(text: str, end: int) -> bool:
    """Three spaces after the last word of narration ending at `end` (whether or not the
    piece holds them): a dash lost in conversion (`Tom Bertram began again   `)."""
    j = end
    while j > 0 and text[j - 1] == " ":
        j -= 1
    return j > 0 and (text[j - 1].isalnum() or text[j - 1] == "_") and text.startswith("   ", j)


def _last_match(pattern: re.Pattern[str], text: str, start: int, end: int) -> re.Match[str] | None:
    """The last match of `pattern` in text[start:end], or None."""
    last = deque(pattern.finditer(text, start, end), maxlen=1)
    return last[0] if last else None


def has_speech_word(text: str, start: int, end: int) -> bool:
    """True when text[start:end] mentions speaking (said, saying, replied, voice...)."""
    return bool(SPEECH_WORD.search(text, start, end))


def heard_speaking(text: str, start: int, end: int) -> bool:
    """True when text[start:end] tells of someone heard speaking (`overhearing Mr. Weston
    whisper`, `heard Bill singing`)."""
    return bool(_HEARD.search(text, start, end))


def speaker_before_verb(
    text: str, start: int, end: int, index: NameIndex, mentions: list | None = None
) -> Subject | None:
    """The subject nearest before the last speech word of text[start:end]
    (`..., Mrs. Elton, speaking louder, said,`); else the first subject."""
    if mentions is None:
        mentions = index.mentions(text, start, end)
    heard_from_ = heard_from(text, start, end, mentions)
    if heard_from_ is not None:
        return heard_from_
    heard = _last_match(_HEARD, text, start, end)
    if heard is not None:
        who = heard.group("who")
        if who.lower() in _PRON_GENDER:
            return Subject(None, _PRON_GENDER[who.lower()], heard.start("who"))
        if who.lower() != "one of them":
            char = index.lookup(who)
            if char is not None:
                return Subject(char, None, heard.start("who"))
        return Subject(None, "neuter", heard.start("who"))
    verb = _last_match(SPEECH_WORD, text, start, end)
    best = _nearest_subject(text, start, verb.start(), index, mentions) if verb is not None else None
    if best is not None:
        return best
    return subject_of(text, start, end, index, mentions)


def _nearest_subject(
    text: str, start: int, verb: int, index: NameIndex, mentions: list[Mention]
) -> Subject | None:
    """The subject (a name not after a preposition nor possessive, or a subject pronoun)
    nearest before the speech word at `verb`. The hearer of the words (`Alice could hardly
    hear the words:--`) is none: the speaker is then the sentence's first named agent, and
    a pronoun of their gender is them (`While the Duchess sang ..., she kept tossing the
    baby ..., that Alice could hardly hear the words`)."""
    names: list[Subject] = []
    hearer = False
    for m in mentions:
        if m.start < start or m.end > verb:
            continue
        if _HEARER.match(text, m.end, verb):
            hearer = True
            continue
        if text.startswith(("'s", "\u2019s"), m.end):
            continue
        if _AFTER_PREP.search(text[max(start, m.start - 12) : m.start]) and not (
            FOR_BEFORE.search(text[max(start, m.start - 6) : m.start]) and FOR_TO.match(text, m.end)
        ):
            continue
        names.append(Subject(m.char, None, m.start))
    best = (names[0] if hearer else names[-1]) if names else None
    for pm in _SUBJ_PRON.finditer(text, start, verb):
        if best is None or pm.start() > best.pos:
            word = pm.group(1).lower()
            if not _pron_ok(text, start, pm.start(), word) or _HEARER.match(text, pm.end(), verb):
                continue
            same = best is not None and best.char is not None and index.characters[best.char].gender
            if hearer and same == _PRON_GENDER[word]:
                continue  # the pronoun is the named agent
            best = Subject(None, _PRON_GENDER[word], pm.start())
    return best


_HEAR = re.compile(HEAR_VERB + r"\b")
_HEARER = re.compile(
    r"\s+(?:(?:could|can|did|might|would)\s+)?(?:(?:not|hardly|scarcely|barely|just|only)\s+)?"
    + HEAR_VERB
    + r"\s+(?:the|a|an|his|her|their|some|these|those)\b"
)


def heard_from(text: str, start: int, end: int, mentions: list[Mention]) -> Subject | None:
    """`While, from Mr. Gradgrind, he heard ... the words,`: the one words are heard from
    speaks, not the hearer."""
    if not _HEAR.search(text, start, end):
        return None
    found = [m for m in mentions_in(mentions, start, end) if text.endswith("from ", start, m.start)]
    return Subject(found[0].char, None, found[0].start) if len(found) == 1 else None


M = TypeVar("M")


def _start_of(m: Any) -> int:
    return int(m.start)


def mentions_in(mentions: Sequence[M], start: int, end: int) -> Sequence[M]:
    """The mentions (in text order) that start in [start, end): a slice found by bisection,
    as a paragraph pasted in one piece holds thousands and a scan per quote is quadratic."""
    lo = bisect.bisect_left(mentions, start, key=_start_of)
    hi = bisect.bisect_left(mentions, end, lo=lo, key=_start_of)
    return mentions[lo:hi]


def subject_of(
    text: str, start: int, end: int, index: NameIndex, mentions: list | None = None
) -> Subject | None:
    """The first character or subject pronoun of text[start:end] that is not an object.

    `mentions`: precomputed mentions (objects with start, end, char) in the range.
    """
    if mentions is None:
        mentions = index.mentions(text, start, end)
    # `While he talked to Isabella, however, Emma found ... saying`: the subject of the
    # main clause, not of a clause opening with a subordinator
    sub = _SUBORDINATE.match(text, start, end)
    if sub:
        start = sub.end()
    best: Subject | None = None
    # mentions are in text order: skip to the first at `start` (a long paragraph has thousands)
    for k in range(bisect.bisect_left(mentions, start, key=_start_of), len(mentions)):
        m = mentions[k]
        if m.start >= end:
            break
        if _AFTER_PREP.search(text[max(start, m.start - 12) : m.start]):
            continue
        best = Subject(m.char, None, m.start)
        break
    pm = None
    for pm_ in _SUBJ_PRON.finditer(text, start, end):
        if not _pron_ok(text, start, pm_.start(), pm_.group(1).lower()):
            continue
        pm = pm_
        break
    if pm and (best is None or pm.start() < best.pos):
        word = pm.group(1).lower()
        return Subject(None, _PRON_GENDER[word], pm.start())
    return best
