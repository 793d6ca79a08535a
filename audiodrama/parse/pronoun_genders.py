"""A name's gender as the text tells it: a title or noun in the name (`Mrs.`, `The King Of
Hearts`), else the pronouns right after its mentions in the narration (`Willow bit her lip`,
`Brett smiled. She ...`), weighed against the first-name list. Discovery genders the
characters it finds by it, and a cast that gives no genders is gendered by it."""

from __future__ import annotations

import re
from collections import Counter

from audiodrama.parse.names import HONORIFICS, gender_of_honorific
from audiodrama.parse.titles import first_name_gender
from audiodrama.parse.turns import GENDERED_NOUNS
from audiodrama.parse.wordlists import NOT_NAMES

SEXES = ("male", "female")

# `bit her lip`, `had been sitting with his face`: a verb (after its auxiliaries) and the
# subject's own possessive
_AGREE = re.compile(
    r"\s+(?:[a-z]+ly\s+)?(?:(?:had|has|was|is)\s+(?:been\s+)?[a-z]+(?:ed|ing)|[a-z]+(?:ed|s))\b"
    r"[^.,;:!?\"\n]{0,30}?\b(his|himself|her|herself)\b"
)
_NEXT_SENT_PRON = re.compile(r"[^.!?\"\n]{0,150}[.!?][\"'\u201d]?\s+(He|She)\b")

_OBJECT_BEFORE = re.compile(
    r"\b(?:to|at|with|from|for|of|about|by|on|toward|towards|upon|than|into|"
    r"behind|beside|like|after)\s+$"
)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+")


def _someone_else(text: str, start: int, end: int) -> bool:
    """Whether a name stands in text[start:end] (between a mention and the pronoun after
    it: the pronoun may be that one's)."""
    return any(
        m.group().lower() not in NOT_NAMES and m.group().lower() not in HONORIFICS
        for m in _CAPITALISED.finditer(text, start, end)
    )


_QUOTE_MARK = re.compile('["\u201c\u201d]')
_PRON_AFTER = re.compile(r"\b(he|himself|she|herself)\b", re.IGNORECASE)


def gender_of_forms(
    forms: list[str], text: str, ends: dict[str, list[int]], firsts: dict[str, tuple[str, int]]
) -> str:
    """The gender of the character written `forms`: a title's, else the pronouns' after the
    mentions that end at `ends[form]`, with a clear margin against the first-name list's
    verdict (`firsts`); "unknown" when they do not tell."""
    votes: Counter[str] = Counter()
    for f in forms:
        g = gender_of_honorific(f.split()[0])
        if g:
            votes[g] += 5
    if votes:
        return votes.most_common(1)[0][0]
    # Pronouns right after the name's mentions: "Willow ... she" (first 400 mentions).
    heads = {f for f in forms if " " not in f}
    longer = [r for r in ends if r.split()[0] in heads and r not in forms]
    for e in sorted(p for f in [*forms, *longer] for p in ends.get(f, []))[:400]:
        # a name as an object (`glared at Xander.`, `across from Xander's apartment`) is
        # not what the next pronoun refers to: the sentence's subject is
        ws = text.rfind(" ", max(0, e - 40), e - 1)
        if _OBJECT_BEFORE.search(text, max(0, ws - 16), ws + 1 if ws >= 0 else 0):
            continue
        # the pronouns of the next paragraph are another speaker's
        stop = text.find("\n\n", e, e + 200)
        stop = e + 200 if stop < 0 else stop
        window = text[e : min(e + 100, stop)]
        # (`... where the March Hare lived. "I've seen hatters," she said`: the pronoun of a
        # speech tag is the speaker's)
        qm = _QUOTE_MARK.search(window)
        window = window[: qm.start()] if qm else window
        am = _AGREE.match(text, e, min(e + 80, stop))
        if am and am.group(1).lower() == "her" and not _her_is_hers(text, am):
            am = None  # `was impatient to see her again`: she is whom he sees
        if am:
            # `Xander rolled his eyes`, `Willow bit her lip`: subject-possessive agreement
            w = am.group(1).lower()
            votes["male" if w in ("his", "himself") else "female"] += 3 if w != "her" else 2
            continue
        nm = _NEXT_SENT_PRON.match(text, e, stop)
        if nm and not _someone_else(text, e, nm.start(1)):
            # `Brett smiled. She ...`: the next sentence's subject pronoun is the best sign
            votes["male" if nm.group(1) == "He" else "female"] += 2
            continue
        pm = _PRON_AFTER.search(window)
        if pm and not _someone_else(text, e, e + pm.start()):
            # (`said the Rabbit, and Alice thought she ...`: the pronoun is Alice's)
            w = pm.group(1).lower()
            votes["male" if w in ("he", "himself") else "female"] += 1
    if not votes:
        return "unknown"
    ((g, c),) = votes.most_common(1)
    rest = sum(votes.values()) - c
    listed = {first_name_gender(f.split()[0], firsts) for f in forms} - {None}
    if listed and g not in listed and c - rest < 4:
        # the pronouns after a name are often someone else's: against a first name the
        # list gives one sex only (`Frances`, `Edna`) they need a clear margin
        return "unknown"
    return g if c >= 1.5 * rest and c >= 2 else "unknown"


# a word after `her` that makes it the object (`to see her again`), and a word between the
# verb and `her` that opens a clause of someone else's (`fancied there was a tremor in her
# voice`)
_AFTER_OBJECT = re.compile(
    r"\s*(?:[^\w\s]|$|(?:again|too|so|and|but|or|to|that|as|in|on|at|by|for|with|from|up|down|"
    r"out|off|back|away|over|all|now|then|here|there|very|more|once|when|if)\b)"
)
_OTHER_CLAUSE = re.compile(
    r"\b(?:was|were|is|are|there|that|which|who|whom|when|while|see|saw|seen|let|make|made)\b"
)


def _her_is_hers(text: str, am: re.Match[str]) -> bool:
    """Whether the `her` an agreement match ends on is the subject's own (`bit her lip`),
    not the object of the verb (`saw her again`) nor someone else's in another clause."""
    verb_end = text.find(" ", am.start() + 1)  # the gap is read from after the first word
    gap = text[verb_end : am.start(1)] if 0 <= verb_end < am.start(1) else ""
    return not _OTHER_CLAUSE.search(gap) and not _AFTER_OBJECT.match(text, am.end(1))


_BEFORE_OF = re.compile(r"\s+(?:of|with|in|at|from|on)\s+", re.IGNORECASE)


def noun_gender(forms: list[str]) -> str | None:
    """The one gender a name's title or noun tells (`The King Of Hearts`, `An Old Man`,
    `The Gentleman In The White Waistcoat`: the words before `of`, `in`... only), else None."""
    told = set()
    for f in forms:
        for w in _BEFORE_OF.split(f, maxsplit=1)[0].split():
            g = gender_of_honorific(w) or GENDERED_NOUNS.get(w.lower())
            if g:
                told.add(g)
    return told.pop() if len(told) == 1 else None


def name_gender(
    forms: list[str], text: str, ends: dict[str, list[int]], firsts: dict[str, tuple[str, int]]
) -> str:
    """A named character's gender: a title or noun in its names (`noun_gender`), else the
    pronouns after its mentions (`gender_of_forms`)."""
    return noun_gender(forms) or gender_of_forms(forms, text, ends, firsts)
