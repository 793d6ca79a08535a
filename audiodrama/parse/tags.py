"""Speech tags: the narration next to a quote that says who speaks ("he said", "said Emma").

`tag_after` reads the narration that follows a quote, `tag_before` the narration that
leads into one ("Elizabeth replied:"). Both return a `Tag` holding the subject phrase
(a name, a pronoun, "I", a description such as "the old man") and where it is, or None.
`is_pure_tag` tells whether a narration fragment only says who speaks (dropped in drama
mode) or also describes something (always kept).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from audiodrama.parse.open_tags import open_tag_after, open_tag_before
from audiodrama.parse.wordlists import SPEECH_VERBS, SUBJECT_PRONOUNS

_ADV = (
    r"(?:(?:very|most|more|rather|quite|so|less|too)\s+[a-z]+ly|[a-z]+ly|then|now|again|at last|"
    r"at length|presently|too|still|also|only|even|once more|once|next|immediately|instantly)"
)
_VERB = (
    r"(?:went on|" + "|".join(sorted((v for v in SPEECH_VERBS if " " not in v), key=len, reverse=True)) + r")"
)
# A subject phrase: pronoun, or a name / description of up to five words
# (Mr. Darcy, the Mock Turtle, her mother, Lady Catherine de Bourgh, the old man).
# A capitalised word of a name (`Winnie-the-Pooh`; not `Emma--quite`, a dash). A period
# belongs to it only after a title or an initial (`Mr. E. W. B. Childers`); after any other
# word it ends the sentence: `said Anne. Diana gasped` names Anne, not `Anne. Diana`.
_CAP_WORD = r"(?:(?:Mrs|Mr|Ms|Dr|St|Messrs|Mme|Mlle|Col|Capt|Gen|Rev|Prof|Lt|Sgt)\.|[A-Z]\.(?=\s*[A-Z])|[A-Z][\w'\u2019]*(?:-[\w'\u2019]+)*)"
_SUBJ = (
    r"(?P<subj>(?:I|he|she|they|we|it|He|She|They|We|It)\b(?!')|"
    r"(?:(?:the|The|a|A|an|An|his|His|her|Her|their|Their|my|My|our|Our|poor|Poor|old|Old|young|Young|little|Little)\s+)*"
    r"(?:"
    + _CAP_WORD
    + r"|[a-z][a-z-]+)(?:\s+(?:(?:de|van|von|of|la|le|du|the)\s+){0,2}"
    + _CAP_WORD
    + r"){0,5})"
)

# After a quote: `, he said`, `said Emma`, `Willow finally said`, `said the Hatter`.
_AFTER_SUBJ_VERB = re.compile(
    r"^[\s,\u2014\-]*" + _SUBJ + r"(?:\s+" + _ADV + r")?\s+(?P<verb>" + _VERB + r")\b"
)
_AFTER_VERB_SUBJ = re.compile(r"^[\s,\u2014\-]*(?P<verb>" + _VERB + r")(?:\s+" + _ADV + r")?\s+" + _SUBJ)
# Before a quote: `Elizabeth replied:`, `said she,`, `he said to her,`.
_BEFORE_SUBJ_VERB = re.compile(
    r"(?<![\w'\u2019.-])" + _SUBJ + r"(?:\s+" + _ADV + r")?\s+(?P<verb>" + _VERB + r")"
    r"(?:\s+" + _ADV + r")?(?:\s+to\s+[\w.' ]{1,30}?)?(?:\s+" + _ADV + r")?\s*[,:\u2014\-]*\s*$"
)
_BEFORE_VERB_SUBJ = re.compile(
    r"(?:^|[.;!?]\s+|,\s+|\b(?:then|and|Then|And)\s+)(?P<verb>"
    + _VERB
    + r")(?:\s+"
    + _ADV
    + r")?\s+"
    + _SUBJ
    + r"\s*[,:\u2014\-]*\s*$"
)

_NOT_SUBJECT = frozenset(
    [
        "that",
        "this",
        "which",
        "who",
        "what",
        "when",
        "where",
        "there",
        "here",
        "as",
        "and",
        "but",
        "so",
        "if",
        "then",
        "it's",
        "you",
        "not",
        "be",
        "been",
        "was",
        "were",
        "had",
        "have",
        "has",
        "do",
        "did",
        "does",
        "never",
        "always",
    ]
)


@dataclass
class Tag:
    """A speech tag found next to a quote."""

    subject: str
    """The subject phrase as written (`he`, `Mr. Darcy`, `the Hatter`, `I`)."""
    start: int
    """Offset of the subject phrase in the story text."""
    verb: str
    """The speech verb."""
    side: str
    """'after' (tag follows the quote) or 'before' (tag leads into it)."""
    inverted: bool
    """True for `said he` order."""
    end: int = 0
    """Offset just past the tag (verb and subject), where `to Charlotte` may follow."""


_DETS = ("the", "a", "an", "his", "her", "their", "my", "your", "our", "poor", "old", "young", "little")


@lru_cache(maxsize=16384)  # pure; a novel's tags repeat their subjects (`he`, `Mr. Bumble`)
def _clean_subject(subj: str, leading_ok: bool) -> tuple[str, int] | None:
    """The subject phrase without leading words that cannot start one, and its offset.

    `and the Dormouse` -> `the Dormouse`; `heard the Rabbit` -> `the Rabbit` (only when
    `leading_ok`, i.e. the tag is read backwards from the quote and words may precede it).
    """
    raw = subj.rstrip().rstrip(",").rstrip("-\u2014").rstrip()
    words = [(m.start(), m.group(0)) for m in re.finditer(r"\S+", raw)]
    i = 0
    while i < len(words):
        w = words[i][1]
        lw = w.lower()
        if (
            w in SUBJECT_PRONOUNS
            or w in ("He", "She", "They", "We", "It")
            or lw in _DETS
            or (w[:1].isupper() and lw not in _NOT_SUBJECT)
        ):
            break
        if not leading_ok and _adjective_before_name(words, i):
            return raw[words[i][0] :], words[i][0]  # `stammered unhappy Matthew`
        if not leading_ok:
            return None
        i += 1
    if i >= len(words):
        return None
    words = words[i:]
    text = raw[words[0][0] :]
    first = words[0][1]
    if first.lower() in _NOT_SUBJECT and first not in ("I",):
        return None
    if first[:1].islower() and first not in SUBJECT_PRONOUNS and first.lower() not in _DETS:
        return None
    # a lone determiner (`said the`) or a determiner + lowercase word is fine (`her sister`)
    if first.lower() in _DETS and len(words) == 1:
        return None
    return text, words[0][0]


# words that link a verb to a name as its object, never an epithet (`said to Colonel F.`)
_LINKS = frozenset(
    [
        "to",
        "of",
        "at",
        "with",
        "for",
        "from",
        "by",
        "in",
        "on",
        "upon",
        "unto",
        "towards",
        "toward",
        "into",
        "after",
        "before",
        "about",
        "like",
        "than",
        "or",
        "nor",
        "out",
        "up",
        "down",
        "over",
        "off",
        "back",
    ]
)


def _adjective_before_name(words: list[tuple[int, str]], i: int) -> bool:
    """Whether words[i] is a lowercase word (an epithet) right before a capitalised name:
    `stammered unhappy Matthew`, `said honest Giles`; not `that Mary` or `and Tom`."""
    w = words[i][1]
    return (
        i + 1 < len(words)
        and w.isalpha()
        and w.islower()
        and w not in _NOT_SUBJECT
        and w not in SUBJECT_PRONOUNS
        and w not in _LINKS
        and words[i + 1][1][:1].isupper()
        and words[i + 1][1].lower() not in _NOT_SUBJECT
    )


# A name in a possessive or after `by`: `Mr. Woodhouse`, `Captain Wentworth`, `the Dodger`.
_OWNER = r"(?:(?:the|The)\s+)?(?:(?:Mrs|Mr|Ms|Dr|St)\.\s+)?(?:[A-Z][\w-]*\s+){0,2}[A-Z][\w-]*"
# The possessive `'s`; a text that lost its apostrophes writes `Henry s answer`.
_S = r"(?:['\u2019]s|\s+s(?=\s))"
# Speech told by a noun rather than a verb, any noun (issue 15: open-class tags).
_WAS_NAMES = re.compile(
    r"^[\s,;\u2014\-]*(?:was|were|had\s+been)\s+(?P<subj>"
    + _OWNER
    + r")"
    + _S
    + r"\s+(?:[a-z]+\s+){0,2}(?P<verb>[a-z]+)\b"
)
# The passive: `was the firm reply of Mr. Limbkins`, `was uttered by Captain Wentworth`,
# `were the first words which burst from Captain Wentworth`.
# `was information on Sarah's side`
_WAS_BY = re.compile(
    r"^[\s,;\u2014\-]*(?:was|were)\s+(?P<verb>(?:[a-z]+\s+){1,6}?)(?:(?:of|by|from)\s+(?P<subj>"
    + _OWNER
    + r")\b|on\s+(?P<side>"
    + _OWNER
    + r")"
    + _S
    + r"\s+(?:part|side)\b)"
)
# Inverted, the speech told by the speaker's voice: `"Madame," sounded the honeyed accents of
# De Griers`, `came the voice of the Dodger`
_VOICE_OF = re.compile(
    r"^[\s,;\u2014\-]*(?P<verb>[a-z]+ed|came|rang(?:\s+out)?|rose|broke\s+in)\s+the\s+(?:[a-z]+\s+){0,2}"
    r"(?:voice|voices|accents|tones?|words)\s+of\s+(?P<subj>" + _OWNER + r")\b"
)
# Before a quote: `Elizabeth's reply was, "`, `Lady Bertram's calm inquiry of "`.
# `Emma's remark was-- "..." --Harriet's was-- "`: the noun may be left out
_NAMES_WAS = re.compile(
    r"(?<![\w'\u2019.])(?<!\w-)(?P<subj>"
    + _OWNER
    + r")"
    + _S
    + r"\s+(?:(?:[a-z]+\s+){0,2}(?P<verb>[a-z]+)\s+)?"
    r"(?:(?:was|were)\s*[,:\u2014\-]+|of[\s,:\u2014\-]*)\s*$"
)


# `It began, on Lady Bertram's part, with "`, `And on Mrs Musgrove's side, it was, "`
_ON_PART = re.compile(
    r"(?<![\w'\u2019])on\s+(?P<subj>"
    + _OWNER
    + r")"
    + _S
    + r"\s+(?P<verb>part|side)\b(?:\s*,?\s*(?:it\s+was|with))?[\s,:\u2014\-]*$"
)


# A quote as a thing said, then who said it: `the kindest "Good morning!" from Captain
# Harville`, `an occasional exclamation of "Hjckrrh!" from the Gryphon`
_FROM = re.compile(r"^[ \t\n]*from\s+(?P<subj>" + _OWNER + r")\b")


def tag_after(text: str, start: int, end: int) -> Tag | None:
    """The speech tag at the start of narration text[start:end] (right after a quote)."""
    frag = text[start : min(end, start + 90)]
    m = _WAS_NAMES.match(frag) or _WAS_BY.match(frag) or _VOICE_OF.match(frag)
    if m:
        # `"He is very young," was Mr. Woodhouse's observation.`
        verb = m.group("verb").split()[-1]
        who = "side" if "side" in m.groupdict() and m.group("side") else "subj"
        return Tag(m.group(who), start + m.start(who), verb, "after", True, start + m.end())
    m = _FROM.match(frag)
    if m:
        return Tag(m.group("subj"), start + m.start("subj"), "from", "after", True, start + m.end())
    for rx, inverted in ((_AFTER_VERB_SUBJ, True), (_AFTER_SUBJ_VERB, False)):
        m = rx.match(frag)
        if m:
            got = _clean_subject(m.group("subj"), False)
            if got is None:
                continue
            subj, off = got
            return Tag(
                subj, start + m.start("subj") + off, m.group("verb"), "after", inverted, start + m.end()
            )
    found = open_tag_after(text, start, end)  # a verb no list knows: `"...," Ned paid tribute`
    return Tag(found[0], found[1], found[2], "after", found[3], found[4]) if found else None


# the words `_NAMES_WAS` and `_ON_PART` end on, before spaces and `,:—-`: a cheap test for
# the fragments neither can match, which they would try at every character
_NOUN_TAG_ENDS = ("was", "were", "of", "part", "side", "with")
_BARE_VERB_END = re.compile(r"\b(?:said|says|asked|replied|answered|cried|remarked|added|began|went on)\s*$")


def _ends_on(frag: str, words: tuple[str, ...]) -> bool:
    """Whether `frag`, once the spaces and `,:—-` that end it are off, ends with one of `words`."""
    while True:
        bare = frag.rstrip().rstrip(",:\u2014-")
        if bare == frag:
            return frag.endswith(words)
        frag = bare


def tag_before(text: str, start: int, end: int) -> Tag | None:
    """The speech tag at the end of narration text[start:end] (right before a quote)."""
    frag_start = max(start, end - 90)
    frag = text[frag_start:end]
    m = (_NAMES_WAS.search(frag) or _ON_PART.search(frag)) if _ends_on(frag, _NOUN_TAG_ENDS) else None
    if m:
        verb = m.group("verb") or "was"
        end = frag_start + (m.end("verb") if m.group("verb") else m.end("subj"))
        return Tag(m.group("subj"), frag_start + m.start("subj"), verb, "before", False, end)
    bare = frag.rstrip()
    # the verb ends the fragment: searched from its longest verb's length before the end
    if not bare.endswith((",", ":", "\u2014", "-")) and not _BARE_VERB_END.search(
        frag, max(0, len(bare) - 8)
    ):
        return None
    for rx, inverted in ((_BEFORE_VERB_SUBJ, True), (_BEFORE_SUBJ_VERB, False)):
        m = rx.search(frag)
        if m:
            got = _clean_subject(m.group("subj"), not inverted)
            if got is None:
                continue
            subj, off = got
            return Tag(
                subj,
                frag_start + m.start("subj") + off,
                m.group("verb"),
                "before",
                inverted,
                frag_start + m.end("verb"),
            )
    found = open_tag_before(text, start, end)  # a verb no list knows: `and Fearenside howled,`
    return Tag(found[0], found[1], found[2], "before", False, found[3]) if found else None


_PURE_TAG = re.compile(
    r"^[\s,\u2014\-]*(?:"
    + _SUBJ
    + r"(?:\s+"
    + _ADV
    + r")?\s+"
    + _VERB
    + r"|"
    + _VERB
    + r"(?:\s+"
    + _ADV
    + r")?\s+"
    + _SUBJ.replace("?P<subj>", "?:")
    + r")(?:\s+"
    + _ADV
    + r")?"
    r"(?:\s+(?:to|at|about)\s+(?:him|her|them|me|us|[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?))?"
    r"(?:\s+" + _ADV + r")?\s*[.,;:!?\u2014\-]*\s*$"
)


def is_pure_tag(fragment: str) -> bool:
    """True when `fragment` only says who speaks: `he said.`, `said Mr. Darcy,`."""
    if len(fragment) > 60:
        return False
    return bool(_PURE_TAG.match(fragment))


_SENT_END = re.compile(r"[.!?][\"'\u201d\u2019)]*\s+(?=[A-Z\"'\u201c\u2018])")


_CLAUSE_END = re.compile(r"[,;]\s+(?=\w)")


def split_leading_tag(text: str, start: int, end: int) -> int | None:
    """If narration text[start:end] opens with a sentence (`She said. That was a lie.`) or a
    clause (`he said, his voice heavy`) that is a pure tag, the offset where it ends; else None."""
    m = _SENT_END.search(text, start, min(end, start + 80))
    if m and is_pure_tag(text[start : m.start() + 1]):
        return m.start() + 1
    m = _CLAUSE_END.search(text, start, min(end, start + 60))
    if m and is_pure_tag(text[start : m.start() + 1]):
        return m.start() + 1
    return None
