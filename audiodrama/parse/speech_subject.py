"""The subject of the verb that leads into a quote, found by position and syntax.

A lead-in sentence often names several people before its verb of speech: `When Anne had
gone upstairs, Matthew, who had been asleep, opened his eyes and said:`, `the Rabbit
noticed Alice, as she went hunting about, and called out to her,`, `Sir Thomas came
towards the table where she sat, and with a good deal of cold sternness, said,`. The
speaker is the subject of the clause the verb belongs to: the last name before the verb
that stands as a subject -- followed by a finite verb, maybe after adverbs, a participle
or an insertion set off by commas, or by `, who` -- and not as an object (`noticed Alice,
as`), a possessive (`Mr. Crawford's attention`), a name inside another subject's insertion,
or the subject of a subordinate clause the sentence has left (`where she sat, and ...
said`). `heard Harriet say` makes Harriet the subject of the infinitive, `for Darcy to
refrain from saying` Darcy, and `Thorpe's saying` Thorpe.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from audiodrama.parse.context import FOR_BEFORE, FOR_TO, HEAR_VERB, SPEECH_WORD, mentions_in

_ADVERB = (
    r"(?:[a-z]+ly|then|now|again|only|still|also|just|never|first|soon|next|thus|almost|quite|"
    r"afterwards?|indeed|too|once|at\s+last|at\s+length|at\s+once|once\s+more)"
)
_ADVERBS = re.compile(r"(?:\s*" + _ADVERB + r"\b)*\s*")
# A finite verb after a subject: regular past, or a closed list of auxiliaries and common
# irregular pasts (grammar, not a list of verbs of speech).
_FINITE = re.compile(
    r"(?:[a-z]{2,}ed|was|were|had|has|is|could|would|should|might|must|did|does|will|can|"
    r"came|went|took|made|gave|got|saw|stood|sat|ran|began|said|spoke|kept|felt|held|"
    r"thought|knew|left|put|set|let|broke|rose|drew|threw|fell|grew|wrote|told|heard|"
    r"found|brought|caught|sang|cried|replied|shook|struck|bade|bid|laid|paid|led|met|"
    r"sent|spent|stuck|swore|tore|won|woke|rang|burst|cut|hit|shut|read|taught|fought|"
    r"sought|meant|bent|lent|blew|flew|bore|wore|hung|sprang|sank|drank|lay|hid|bit|lit|fled|"
    r"knelt|leapt|slept|wept|crept|stole|chose|rode|strode|drove|shone|forgot|became|understood)\b"
)
_PARTICIPLE = re.compile(r"[a-z]{2,}ing\b")
_WHO = re.compile(r",?\s+who\b")
_POSSESSIVE = re.compile(r"['\u2019]s\b|\s+s(?=\s)")  # `Henry s`: a lost apostrophe
_PERCEIVED = re.compile(HEAR_VERB + r"\s+$")
_PERCEIVED_PRONOUN = re.compile(HEAR_VERB + r"\s+(him|her|it|them)\s+$")
# a relative or embedded clause the name stands in (`the table where she sat`, `saw what he
# was doing`: no comma between)
_RELATIVE = re.compile(r"\b(?:where|that|whom|which|whose|what|how|why|whether)\b[^,;:]*$", re.IGNORECASE)
# an adverbial clause the name is the subject of (`and when she ceased speaking, replied`);
# one set off by a comma and telling what went on meanwhile (`noticed Alice, as she went
# hunting about, and called`) also when `and` goes back to the main clause: after `when`
# that `and` may go on inside the clause (`when she drew back, and said`)
_ADVERBIAL = re.compile(
    r"\b(?:as|when|while|whilst|though|although|because|till|until|before|after|since|once)\s+$",
    re.IGNORECASE,
)
_MEANWHILE = re.compile(r",\s*(?:as|while|whilst)\s+$", re.IGNORECASE)
# the subordinate clause closes on a comma right before the speech verb (`when she ceased
# speaking, replied`): the verb is the main clause's
_CLOSED = re.compile(r",\s*(?:" + _ADVERB + r"\s+)?(?:(?:was|were|had|did|would|could)\s+)?$")
_COORDINATE = re.compile(r",\s*(?:and|but|or|for|so|yet)\b")
_PREPOSITION = re.compile(
    r"\b(?:to|at|with|from|for|on|of|about|toward|towards|upon|by|into|in|like|after|behind)\s+$"
)
_BACK_TO_MAIN = re.compile(r"[,;]\s*(?:and|but)\b")
_DETERMINER = re.compile(r"\b(?:the|a|an|old|young|little|poor)\s+$", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(he|she|I|we|they|He|She|We|They)\b(?!['\u2019])")
_PRONOUN_GENDER = {"he": "male", "she": "female", "i": "narrator", "him": "male", "her": "female"}
# a verb of speech in the passive, its agent after it: `interrupted by Mrs. Allen:`
_BY_AGENT = re.compile(r"(?:accosted|addressed|interrupted|answered|greeted|hailed|saluted)\s+by\s+")
_NOT_VERBS = frozenset(["voice", "words", "reply", "answer", "remark", "exclamation", "thus", "on", "went"])

Found = tuple[int, int, int | None, str | None]
"""(rank, position, character, pronoun) of a subject: rank 2 for a main clause's."""


class _Mention(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def char(self) -> int: ...


def _past_adverbs(text: str, pos: int) -> int:
    m = _ADVERBS.match(text, pos)
    return m.end() if m else pos


def _own_verb(text: str, end: int, verb: int) -> int | None:
    """Where the verb of a subject ending at `end` starts (its finite verb, or the speech
    verb at `verb`), passing adverbs, a participle phrase or an insertion set off by
    commas; None when no verb follows it as its subject's."""
    pos = _past_adverbs(text, end)
    if pos >= verb or _FINITE.match(text, pos):
        return min(pos, verb)
    if not (text.startswith(",", pos) or _PARTICIPLE.match(text, pos)) or _COORDINATE.match(text, pos):
        return None  # `expected Mr. Rushworth, but it was Julia`: no insertion
    # `Matthew, who had been asleep, opened`, `Jane taking out the letter, said`
    while True:
        pos = text.find(",", pos + 1, verb)
        if pos < 0:
            return None
        nxt = _past_adverbs(text, pos + 1)
        if nxt >= verb or _FINITE.match(text, nxt):
            return min(nxt, verb)


def _rank(text: str, start: int, end: int, ls: int, verb: int) -> tuple[int, int] | None:
    """(rank, where its verb starts) for the phrase text[start:end] as the subject of the
    speech verb at `verb`: rank 2 as a main clause's subject, 1 as the subject of a
    relative clause the sentence goes back out of (`where she sat, and ... said`);
    None when it is not a subject."""
    before = text[max(ls, start - 60) : start]
    if _WHO.match(text, end):
        # `by Mr. Allen, who, on hearing it, said`: the relative's antecedent speaks
        own = _own_verb(text, end, verb)
        return 2, end if own is None else own
    if _PERCEIVED.search(before):
        return 2, end  # `heard Harriet say`: the one heard speaks
    if FOR_BEFORE.search(before) and FOR_TO.match(text, end):
        return 2, end  # `for Darcy to refrain from saying`
    own = _own_verb(text, end, verb)
    if own is None:
        return None
    if own > _past_adverbs(text, end) and _PREPOSITION.search(before):
        return None  # `stepping forward to Maria, said`: an object
    back = _BACK_TO_MAIN.search(text, own, verb)
    if _RELATIVE.search(before) and (back or _CLOSED.search(text, own, verb)):
        return 1, own
    # a participle right after the comma goes on with the adverbial clause (`while Mrs.
    # Reynolds replied, that he was, adding,`): she is its subject and speaks
    participle = _PARTICIPLE.match(text, verb) and text[own:verb].rstrip().endswith(",")
    if (_ADVERBIAL.search(before) and _CLOSED.search(text, own, verb) and not participle) or (
        back and _MEANWHILE.search(before)
    ):
        return 1, own
    return 2, own


def clause_subject(text: str, ls: int, verb: int, mentions: Sequence[_Mention]) -> Found | None:
    """The subject of the speech verb starting at `verb` in the sentence starting at `ls`:
    the last main-clause subject before it (else a subordinate clause's); None when no
    name or pronoun stands as one."""
    pronoun = _PERCEIVED_PRONOUN.search(text, max(ls, verb - 30), verb)
    if pronoun:
        return 2, pronoun.start(1), None, _PRONOUN_GENDER.get(pronoun.group(1), "neuter")
    found: list[tuple[Found, int]] = []  # (subject, where its verb starts)
    for m in mentions_in(mentions, ls, verb):
        if m.end > verb:
            continue
        start = m.start
        det = _DETERMINER.search(text, max(ls, start - 8), start)
        if det:
            start = det.start()
        poss = _POSSESSIVE.match(text, m.end)
        if poss:
            if _past_adverbs(text, poss.end()) >= verb:  # `Thorpe's saying`
                found.append(((2, start, m.char, None), verb))
            continue
        got = _rank(text, start, m.end, ls, verb)
        if got:
            found.append(((got[0], start, m.char, None), got[1]))
    for p in _PRONOUN.finditer(text, ls, verb):
        got = _rank(text, p.start(), p.end(), ls, verb)
        if got:
            gender = _PRONOUN_GENDER.get(p.group(1).lower(), "plural")
            found.append(((got[0], p.start(), None, gender), got[1]))
    # a name inside another subject's insertion (`Roo, from whatever pool he was in, was
    # answering`) is not the speaker
    kept = [f for f, _ in found if not any(g[1] < f[1] < own for g, own in found)]
    return max(kept, key=lambda f: (f[0], f[1])) if kept else None


def speech_verb(text: str, ls: int, end: int) -> int | None:
    """Where the last verb of speech in text[ls:end] starts, or None."""
    verb = None
    for m in SPEECH_WORD.finditer(text, ls, end):
        if m.group(0) == "on" and text.endswith("went ", ls, m.start()):
            verb = m.start() - 5  # `went on`; a bare `on` is no verb
        elif m.group(0) not in _NOT_VERBS:
            verb = m.start()
    return verb


def lead_in_subject(text: str, ls: int, end: int, mentions: Sequence[_Mention]) -> Found | None:
    """`clause_subject` of the last verb of speech in the lead-in sentence text[ls:end];
    the agent of a passive one (`when thus accosted by Miss Bingley,`)."""
    verb = speech_verb(text, ls, end)
    if verb is None:
        return None
    agent = _BY_AGENT.match(text, verb, end)
    if agent:
        for m in mentions_in(mentions, agent.end(), end):
            if m.start == agent.end() and not text[m.end : end].strip(" \t\n,:;\u2014-"):
                return 2, m.start, m.char, None
    return clause_subject(text, ls, verb, mentions)
