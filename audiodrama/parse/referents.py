"""Speakers a description brings in and only pronoun tags name.

`The landlord was a fat man with a red face.` / `"You'll be wanting a room," said he.`: the
landlord speaks, though no tag names him. In a story that names nobody of the pronoun's
sex (nor anybody of no known sex), the description of that sex the narration mentions last before a `he said` / `said
she` (in the tag's paragraph or the twelve before it) is who the pronoun stands for. In a
short story that does name them, a trade or post (`The station-master lifted down the
trunks.`, `The captain grinned.`) the narration has just made the subject of a sentence, with
no name after it, is who the next `he said` is.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter

from audiodrama.parse.descriptions import (
    AGED,
    SENTENCE_OPENING,
    description_at,
    description_sex,
    head_noun,
    introduced,
)
from audiodrama.parse.first_names import name_genders
from audiodrama.parse.honorifics import OFFICES
from audiodrama.parse.person_words import ANYBODY, ROLES
from audiodrama.parse.quotes import Paragraph, is_short_story
from audiodrama.parse.tags import Tag

_PRONOUN_SEX = {"he": "male", "she": "female"}
_SEX_OF = {"he": "male", "his": "male", "him": "male", "she": "female", "her": "female"}
# people whose noun tells no sex (trades and posts are ROLES)
_SEXLESS = frozenset(
    [
        "stranger",
        "visitor",
        "traveller",
        "traveler",
        "newcomer",
        "passenger",
        "guest",
        "companion",
        "child",
        "person",
        "speaker",
        "caller",
        "intruder",
        "youngster",
        "foreigner",
        "prisoner",
        "patient",
        "customer",
        "rider",
        "neighbour",
        "neighbor",
    ]
)

_POSTS = ROLES | OFFICES  # trades and posts: a person, of no sex the noun tells
_PEOPLE = _SEXLESS | _POSTS


def _role_at(text: str, at: int) -> str | None:
    """The trade or post an article at `at` opens, up to two words before it (`the fat
    landlord`, `The station-master`), or None."""
    if not _SUBJECT_BEFORE.search(text, max(0, at - 12), at):
        return None  # `to the magistrate`: not who goes on to speak
    words = text[at : at + 50].split()[1:4]
    for k, w in enumerate(words):
        if w.rstrip(".,;:!?") in _POSTS:
            return " ".join([*words[:k], w.rstrip(".,;:!?")])
        if not w.isalpha() or not w.islower():
            return None
    return None


# what comes before a subject: a sentence's or a piece's start, or a clause's (`, and the
# driver put his face in`)
_SUBJECT_BEFORE = re.compile(
    r"(?:^|[.!?][\"'\u201d\u2019]?\s+|\n\s*|[,;]?\s+(?:and|but|when|while|then)\s+"
    r"|(?:^|[.!?]\s+)(?:At last|Then|Presently|Soon),?\s+)$"
)


_PLACE_BEFORE = re.compile(r"\b(?:of|at|to|in|from|on)\s+(?:the\s+)?$", re.I)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
_NOT_NAMES = frozenset(
    [
        "He",
        "She",
        "It",
        "They",
        "The",
        "A",
        "An",
        "His",
        "Her",
        "Its",
        "Their",
        "But",
        "And",
        "Then",
        "When",
        "So",
        "There",
        "This",
        "That",
        "What",
        "As",
        "At",
        "In",
        "On",
        "Yes",
        "No",
        "Oh",
        "I",
    ]
)
_SEXED = re.compile(r"\b(he|his|him|she|her)\b", re.I)
_TWO_SENTENCES = re.compile(r"^[^.!?]*[.!?]+[^.!?]*")

# how many paragraphs before a tag's own the description may stand, and how many characters
# before the tag at most (a story pasted as one paragraph is not read back to its start
# for every tag)
_BACK = 12
_REACH = 4000

# an article opening a lowercase word (`The landlord`, `a young woman`): where a description
# may start (written from its first letter: the regex engine skips to those in C)
_ARTICLE = re.compile(r"[TtAa](?<!\w.)(?:(?<=[Tt])he|(?<=[Aa])n?)\s+[a-z]")

# `the doctor's wife`: someone's relative or servant, known by them
_POSSESSED = re.compile(r"[Tt]he\s+([a-z]+(?:'s|\u2019s))\s+([a-z]+)\b")

# a `He`/`She` opening a sentence of the narration: what someone there does
_BEAT = re.compile(SENTENCE_OPENING + r"(He|She)\b")

# what makes the description after it say more of someone already there
_PREDICATE = re.compile(r"\b(?:was|is|were|are|be|been|became|seemed|as|like)\s+$")


def referents(
    text: str, paras: list[Paragraph], tags: list[Tag], named_sexes: set[str]
) -> tuple[dict[int, str], Counter[str]]:
    """The descriptions pronouns stand for, in a story that names nobody of the pronoun's
    sex (`named_sexes`: the named characters' genders), and in a short story the trade or
    post just brought in whatever it names: the one each pronoun tag stands for, by the
    tag's start, and how many beats each stands behind (`_tag_referents`,
    `_beat_referents`)."""
    if _all_named(named_sexes):
        if not is_short_story(paras):
            return {}, Counter()  # (only a short story's trades stand for a named sex's pronoun)
        return _tag_referents(_Narration(text, paras), tags, named_sexes), Counter()
    narration = _Narration(text, paras)
    return _tag_referents(narration, tags, named_sexes), _beat_referents(narration, paras, named_sexes)


def _tag_referents(narration: _Narration, tags: list[Tag], named_sexes: set[str]) -> dict[int, str]:
    """The description each pronoun tag stands for, by the tag's start. A tag with no
    description of its sex before it stands for the one the last such tag did (`"I found
    this," said she` after `a young woman ... entered`)."""
    out: dict[int, str] = {}
    last: dict[str, str] = {}
    for tag in tags:
        sex = _PRONOUN_SEX.get(tag.subject.lower())
        if sex is None:
            continue
        if sex in named_sexes or "unknown" in named_sexes:
            if not narration.short:
                continue  # a novel names many, and a trade met on one page is seldom the `he`
            # a trade or post the narration has just brought in is who `he said` is, named
            # men or not (`The station-master lifted down the trunks.` / `"...," he announced`)
            role = narration.last_role(tag.start, sex)
            if role:
                out[tag.start] = role
            continue
        desc = narration.last_description(tag.start, sex) or last.get(sex)
        if desc:
            out[tag.start] = last[sex] = desc
    return out


def _beat_referents(narration: _Narration, paras: list[Paragraph], named_sexes: set[str]) -> Counter[str]:
    """How many beats each description stands behind: a `He`/`She` opening a sentence of
    the narration beside a quote (`"There was no other way." He turned from the fire.`)."""
    text = narration.text
    out: Counter[str] = Counter()
    for p in paras:
        if not p.quotes:
            continue
        for piece in p.narration:
            # (searched in the piece's own string: `^` is its start)
            for m in _BEAT.finditer(text[piece.start : piece.end]):
                sex = _PRONOUN_SEX[m.group(1).lower()]
                if sex not in named_sexes:
                    desc = narration.last_description(piece.start + m.start(1), sex)
                    out.update([desc] if desc else [])
    return out


def _all_named(named_sexes: set[str]) -> bool:
    """Whether no pronoun can stand for a description: the story names someone of each sex,
    or someone whose sex it does not tell (`Thorpe`, `Holmes`: who may be the `he`)."""
    return "unknown" in named_sexes or named_sexes.issuperset(_PRONOUN_SEX.values())


class _Narration:
    """The story's narration pieces in text order, to read back from a tag or a beat."""

    def __init__(self, text: str, paras: list[Paragraph]) -> None:
        self.text = text
        self.pieces = [(piece.start, piece.end) for p in paras for piece in p.narration]
        self.starts = [s for s, _ in self.pieces]
        self.ends = [e for _, e in self.pieces]
        self.para_starts = [p.start for p in paras]
        self._descs: dict[int, str | None] = {}  # by position: the description there
        self._new: dict[str, bool] = {}
        self.short = is_short_story(paras)

    def last_description(self, before: int, sex: str) -> str | None:
        """The last description of a person of `sex` the narration mentions before offset
        `before`, in its paragraph or the `_BACK` before it and at most `_REACH` characters
        back (a marked `man in a long coat` too), or None."""
        pi = bisect.bisect_right(self.para_starts, before) - 1
        since = max(self.para_starts[max(0, pi - _BACK)], before - _REACH)
        k = bisect.bisect_right(self.ends, since)  # the first piece ending after `since`
        j = bisect.bisect_left(self.starts, before, k)  # past the last piece before `before`
        for s, e in reversed(self.pieces[k:j]):
            found = None
            for m in _ARTICLE.finditer(self.text, max(s, since), min(e, before)):
                desc = self._description(m.start(), s)
                if desc and self._of_sex(desc, m.start(), sex) and self._newcomer(desc):
                    found = desc
            if found:
                return found
        return None

    def last_role(self, before: int, sex: str) -> str | None:
        """The trade or post (`the station-master`, `the captain`) of `sex` the narration of
        the tag's paragraph or the one before mentions last before `before`, when no
        capitalised name stands between it and `before` (a named man there is the `he`)."""
        pi = bisect.bisect_right(self.para_starts, before) - 1
        since = self.para_starts[max(0, pi - 1)]
        k = bisect.bisect_right(self.ends, since)
        j = bisect.bisect_left(self.starts, before, k)
        for s, e in reversed(self.pieces[k:j]):
            for m in reversed(list(_ARTICLE.finditer(self.text, max(s, since), min(e, before)))):
                desc = _role_at(self.text, m.start()) or self._newcomer_at(m.start(), s)
                if not desc:
                    continue
                if self._of_sex(desc, m.start(), sex, lenient=True) and not self._named_since(
                    m.start(), before, k
                ):
                    return desc
                return None  # the last one there is of the other sex, or a name came after it
        return None

    def _newcomer_at(self, at: int, piece_start: int) -> str | None:
        """The person an indefinite article brings in as the subject of a sentence (`At last
        a man came along the road`): somebody new, none of the named."""
        if self.text[at] not in "aA" or not _SUBJECT_BEFORE.search(self.text, max(0, at - 40), at):
            return None
        return self._description(at, piece_start)

    def _named_since(self, at: int, before: int, k: int) -> bool:
        """Whether the narration between `at` and `before` writes a capitalised name."""
        for s, e in self.pieces[k:]:
            if s >= before:
                break
            for m in _CAPITALISED.finditer(self.text, max(s, at + 1), min(e, before)):
                if m.group() not in _NOT_NAMES and not _PLACE_BEFORE.search(
                    self.text, max(0, m.start() - 9), m.start()
                ):
                    return True  # (`the Bar`, `of Sonora`: a place)
        return False

    def _of_sex(self, desc: str, at: int, sex: str, lenient: bool = False) -> bool:
        """Whether the description at `at` is of `sex`: its noun's, else the first pronoun
        after it, within its sentence and the next (`a tall stranger with his collar`,
        `asked the stranger. He had a soft voice`); `lenient`: or no pronoun there at all
        (`The tramp drank the glass.` / `"...," he said`: the tag's pronoun tells it)."""
        noun = description_sex(head_noun(desc))
        if noun is not None:
            return noun == sex
        if head_noun(desc) not in _PEOPLE:
            return False  # `a basket on her arm`: a thing
        after = self.text[at + len(desc) : at + len(desc) + 200]
        reach = _TWO_SENTENCES.match(after)
        m = _SEXED.search(after, 0, reach.end() if reach else len(after))
        return (m is None and lenient) or (m is not None and _SEX_OF[m.group(1).lower()] == sex)

    def _newcomer(self, desc: str) -> bool:
        """Whether `desc` tells one person: one the story brings in as somebody new (`a
        tall man`), or a description that is nobody else's (`the landlord`, `the old man`,
        `the man in a long coat`, `the doctor's wife`). `the young lady` it never
        introduces may be a woman it names and gets the gender of wrong."""
        if desc not in self._new:
            specific = head_noun(desc) not in ANYBODY or desc in AGED or head_noun(desc) != desc.split()[-1]
            self._new[desc] = "'" in desc or specific or introduced(self.text, desc)
        return self._new[desc]

    def _description(self, at: int, piece_start: int) -> str | None:
        """The description of a person opening at `at`, if any, cut after its head noun
        (`_to_head`; memoised: the tags after it read it again)."""
        if at not in self._descs:
            text = self.text
            if _PREDICATE.search(text, max(piece_start, at - 12), at) or _appositive(text, at, piece_start):
                desc = None  # `The landlord was a fat man`: the landlord again, no newcomer
            else:
                # (`a girl` too: nobody else of her sex is named)
                desc = description_at(text, at, anybody=True) or _possessed(text, at)
            self._descs[at] = _to_head(desc) if desc else None
        return self._descs[at]


# `The vicar, a tall stooping man with kind eyes,`: the word before the comma
_BEFORE_COMMA = re.compile(r"(\w+),\s+$")


def _appositive(text: str, at: int, piece_start: int) -> bool:
    """Whether the description at `at` follows a person's noun or name and a comma (`The
    vicar, a tall stooping man`, `Marsh, an old soldier`): it says more of them, no newcomer
    (`In the corner, a man sat` brings one in)."""
    m = _BEFORE_COMMA.search(text, max(piece_start, at - 30), at)
    if m is None:
        return False
    word = m.group(1)
    return description_sex(word.lower()) is not None or (word[0].isupper() and bool(name_genders([word])))


def _possessed(text: str, at: int) -> str | None:
    """`the doctor's wife` at `at`, when the noun after the possessive tells a sex."""
    m = _POSSESSED.match(text, at, at + 60)
    return f"{m.group(1)} {m.group(2)}" if m and description_sex(m.group(2)) else None


def _to_head(desc: str) -> str:
    """The description up to its last word that tells a sex (`tall man` of `tall man
    stood`); as it is when it ends on one, or none does, or it is marked (`man in a coat`)."""
    if description_sex(head_noun(desc)) is not None:
        return desc
    words = desc.split()
    for k in range(len(words), 0, -1):
        w = words[k - 1]
        if description_sex(w) is not None or w in _PEOPLE:
            return " ".join(words[:k])  # (`driver` of `driver put`: a trade tells a person)
    return desc
