"""Speakers known only by a description (`the old man`, `the mariner`): characters of their own.

A description that a speech tag names as the speaker twice or more (`said the mariner`,
`the old woman asked`; once in a short story) becomes a character named by it, when no
character's name already covers it; so does the narrator's own person a tag names (`said my
father`, `our aunt asked`, `said Father`, `said my companion`). Its gender is the head
noun's (`woman`), else the pronouns that follow its mentions. After attribution a
description whose name the text reveals is folded into the named character (revealed.py).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from audiodrama.model import Character
from audiodrama.parse.names import HONORIFICS
from audiodrama.parse.person_words import ANYBODY, KIN, MALE_HEADS, NOT_PERSON, ROLES, STOP
from audiodrama.parse.pronoun_genders import SEXES
from audiodrama.parse.quotes import Paragraph, is_short_story
from audiodrama.parse.tags import Tag
from audiodrama.parse.turns import GENDERED_NOUNS
from audiodrama.parse.wordlists import SPEECH_VERBS

# `said the old man, smiling`: the description is the article and up to three lowercase
# words; it ends at the first word that cannot belong to it
_DESC = re.compile(r"(?:the|The|a|A|an|An)\s+([a-z][a-z'-]*(?:\s+[a-z][a-z'-]*){0,2})")
AGED = frozenset(["old man", "old woman"])


def _description_words(phrase: str) -> list[str]:
    """The words of `phrase` up to the first that cannot belong to a description (`and`,
    `slowly`, `said`)."""
    words: list[str] = []
    for w in phrase.split():
        if w in STOP or w.endswith("ly") or w in SPEECH_VERBS:
            break
        words.append(w)
    return words


def description_at(text: str, start: int, anybody: bool = False) -> str | None:
    """The description a tag subject starting at `start` spells (`old man` for `the old man
    said`), or None when it is no description of a person. `the young lady`, which could
    be anybody's, only with `anybody` (or when something marks her out)."""
    m = _DESC.match(text, start, start + 60)
    if not m:
        return None
    words = _description_words(m.group(1))
    if not words:
        return None
    head = words[-1]
    if head in NOT_PERSON or head in KIN or (head in HONORIFICS and not anybody) or len(head) < 3:
        return None
    if head.endswith(("ing", "ed", "ous", "ful", "ble", "ive", "ish")):
        return None  # an adjective: the head noun was cut off (`the hump-backed`)
    desc = " ".join(words)
    if head in ANYBODY and desc not in AGED:
        # `man` is anybody, `the man with the black beard` one man
        last = list(re.finditer(r"\S+", m.group(1)))[len(words) - 1]
        return _marked(text, m.start(1) + last.end(), desc) or (desc if anybody else None)
    return desc


# what marks out one of many (`with the black beard`, `in the white waistcoat`): a
# preposition, an article and up to three lowercase words
_MARK = re.compile(r"\s+(in|with)\s+(the|a|an|his|her)\s+([a-z][a-z'-]*(?:\s+[a-z][a-z'-]*){0,2})")


# what follows a tag and tells how or when, not who (`cried the child in a moment`,
# `said the man in a low voice`)
_MANNER = frozenset(
    [
        "moment",
        "minute",
        "instant",
        "second",
        "while",
        "trice",
        "voice",
        "tone",
        "whisper",
        "undertone",
        "breath",
        "manner",
        "way",
        "hurry",
        "rage",
        "passion",
        "fury",
        "temper",
        "fright",
        "fashion",
        "flash",
    ]
)


def _marked(text: str, end: int, desc: str) -> str | None:
    """`desc` and what marks it out in the text after `end`, or None when nothing does."""
    m = _MARK.match(text, end, end + 60)
    if not m:
        return None
    words = _description_words(m.group(3))
    if not words or words[-1].endswith(("ing", "ed")) or words[-1] in _MANNER:
        return None
    return f"{desc} {m.group(1)} {m.group(2)} {' '.join(words)}"


def described_speakers(
    text: str,
    paras: list[Paragraph],
    tags: list[Tag],
    known: set[str],
    named: frozenset[str] | set[str] = frozenset(),
    referred: Counter[str] | None = None,
) -> tuple[list[Character], list[float]]:
    """Characters for the descriptions named as speaker in two tags or more, and their
    prominence; `known` holds the name keys the named characters cover already, `named`
    their genders, `referred` the pronoun tags each description stands behind
    (referents.py): each of those is somebody too."""
    counts: Counter[str] = Counter()
    anybody: Counter[str] = Counter()  # `the young lady`, who could be anybody
    mine: Counter[str] = Counter()  # `said my father`: the narrator's kin, one person
    forms: dict[str, Counter[str]] = defaultdict(Counter)  # how tags write them: `our aunt`, `Father`
    for tag in tags:
        kin = _my_kin(tag.subject) or _my_fellow(tag.subject)
        if kin:
            mine[kin] += 1
            forms[kin][_kin_form(tag.subject)] += 1
            continue
        if tag.subject[:1].isupper() and tag.subject.split()[0] not in ("The", "A", "An"):
            continue
        if len(tag.subject.split()) < 2 or tag.subject.split()[1][:1].isupper():
            continue  # a name (`the Hatter`) is the name discovery's
        desc = description_at(text, tag.start)
        loose = None if desc else description_at(text, tag.start, anybody=True)
        if desc and desc not in known and desc.split()[-1] not in known:
            counts[desc] += 1
        elif loose and loose not in known:
            anybody[loose] += 1
    # twice or more; a trade or post once (`"Your table, sir," said the waiter`); in a story
    # that names nobody, its descriptions are its names (`asked the boy`, `said the stranger`)
    nameless = not named
    # a short story's people are few, and one tag is all a passer-by gets (`asked the stranger`)
    short = is_short_story(paras)
    descs = [d for d, c in counts.items() if c >= 2 or d.split()[-1] in ROLES or nameless or short]
    sexes = {*named, *(description_sex(d) for d in descs)}  # a man with a black beard is somebody's man
    extra = _nobody_named(anybody, descs) if nameless else _somebody(text, anybody, sexes)
    descs += [d for d in extra if d not in descs]
    counts.update(anybody)
    _add_referred(descs, counts, referred or Counter(), known)
    for kin in _addressed_kin(text, paras):
        mine.setdefault(kin, 0)  # a speaker, though no tag names them (`he cried`)
    chars, prom = _own_people(text, mine, forms, known, short)
    if not descs:
        return chars, prom
    mentions = _mentions(text, paras, descs)
    for d in sorted(descs, key=lambda d: -counts[d]):
        aliases = [d, *(f"{a} {d}" for a in sorted(mentions[d][1]) if a != "the")]
        chars.append(Character(name=f"the {d}", aliases=aliases, gender=description_sex(d) or "unknown"))
        chars[-1].__dict__["_ends"] = mentions[d][0]
        prom.append(3.0 * counts[d])
    return chars, prom


def _own_people(
    text: str, mine: Counter[str], forms: dict[str, Counter[str]], known: set[str], short: bool
) -> tuple[list[Character], list[float]]:
    """A character for each of the narrator's own people (`my father`, `our aunt`, `my
    companion`) no name covers, named as the tags write them most, and their prominence."""
    chars, prom = [], []
    for kin, n in mine.items():
        if kin not in KIN and n < 2 and not short:
            continue  # `said my companion` once in a novel: the ranker's to place
        said = [f for f, _ in forms[kin].most_common()] or [f"my {kin}"]
        names = list(dict.fromkeys([*said, f"my {kin}", *_kin_name(text, kin)]))  # `my X` keys mentions
        if not any(f.lower() in known for f in names):
            chars.append(Character(name=said[0], aliases=names, gender=description_sex(kin) or "unknown"))
            # where the narration names them: the pronouns after tell a companion's sex
            own = re.compile(rf"\b(?:[Mm]y|[Oo]ur)\s+{kin}\b")
            chars[-1].__dict__["_ends"] = [m.end() for m in own.finditer(text)][:150]
            prom.append(3.0 * n)
    return chars, prom


def _kin_name(text: str, kin: str) -> list[str]:
    """`Aunt Margery` and `Margery`, when the story calls one aunt (uncle, cousin) by name:
    the narrator's aunt is she (`our aunt` / `"Yes, Aunt Margery," said Hugh`)."""
    if kin not in ("aunt", "uncle", "cousin"):
        return []
    found = set(re.findall(rf"\b{kin.capitalize()} ([A-Z][a-z]+)\b", text))
    if len(found) != 1:
        return []
    name = found.pop()
    return [f"{kin.capitalize()} {name}", name]


def _add_referred(descs: list[str], counts: Counter[str], referred: Counter[str], known: set[str]) -> None:
    """The descriptions pronouns stand for (referents.py) added to `descs`, each counted as
    often as they do (in place); a named character's words are theirs, and a description
    of the same noun is the one already there (`the young unmarried lady` is `the young
    lady`)."""
    for d, n in referred.items():
        # (`young lady` in `young unmarried lady`; `old man` is not `young man`)
        same = [o for o in descs if head_noun(o) == head_noun(d) and _one_in_other(o, d)]
        if same:
            counts[same[0]] += n
        elif d not in known and d.split()[-1] not in known:
            descs.append(d)
            counts[d] += n


def _one_in_other(a: str, b: str) -> bool:
    """Whether the words of one description are all words of the other."""
    wa, wb = set(a.split()), set(b.split())
    return wa <= wb or wb <= wa


_MY_KIN = re.compile(r"\b(?:[Mm]y|[Oo]ur)\s+(" + "|".join(sorted(KIN, key=len, reverse=True)) + r")\b")


def _addressed_kin(text: str, paras: list[Paragraph]) -> list[str]:
    """The narrator's relatives (`my uncle` in the narration) whom a quote addresses by the
    kin word (`"You look well, uncle," I said`, `"Yes, Mother."`): somebody who speaks."""
    mentioned = {
        m.group(1)
        for para in paras
        for piece in para.narration
        for m in _MY_KIN.finditer(text, piece.start, piece.end)
    }
    if not mentioned:
        return []
    said = "|".join(sorted(mentioned, key=len, reverse=True))
    vocative = re.compile(rf"(?:,\s+(?:{said})\b\s*[,.!?]|^(?:{said})\s*[,!])", re.IGNORECASE)
    # the quoted words, marks excluded (`^`: a vocative that opens the quote)
    quoted = (text[q.inner[0] : q.inner[1]] for para in paras for q in para.quotes)
    found = {m.group().strip(",.!? ").lower().split()[-1] for q in quoted for m in [vocative.search(q)] if m}
    # `My mother looked up from her sewing. "Jack, don't tease him."`: a beat beside a quote
    found.update(
        m.group(1)
        for para in paras
        if para.quotes
        for piece in para.narration
        for m in _KIN_BEAT.finditer(text[piece.start : piece.end])
    )
    return sorted(k for k in mentioned if k in found)


# where a sentence of a narration piece opens: the piece's start, or after a full stop (and
# a closing quote mark); searched in the piece's own string
SENTENCE_OPENING = r"(?:^\s*|(?<=[.!?])[\"'\u201d]?\s+)"

# `My mother looked up`: the narrator's relative opening a sentence, and what they do
_KIN_BEAT = re.compile(
    SENTENCE_OPENING
    + r"(?:My|Our)\s+("
    + "|".join(sorted(KIN, key=len, reverse=True))
    + r")\s+[a-z]+(?:ed|s)\b"
)


def head_noun(desc: str) -> str:
    """The noun a description is about: `man` in `old man` and `man with the black beard`."""
    return re.split(r" (?:with|in) ", desc, maxsplit=1)[0].split()[-1]


def _nobody_named(anybody: Counter[str], descs: list[str]) -> list[str]:
    """In a story that names nobody, the descriptions that could be anybody's (`the boy`)
    that no other description tells apart (`the man` beside `the man with the black beard`
    is either of two men)."""
    heads = Counter(head_noun(d) for d in [*descs, *anybody])
    return [d for d in anybody if heads[head_noun(d)] == 1]


def _my_kin(subject: str) -> str | None:
    """`my father`, `our aunt`, `Father`: the relative of the narrator a tag names, or None.
    A bare kin word with a capital is how a family's children name their parents (`said
    Father`, `Mother answered`): the narrator's too, or the family's the story is about."""
    words = subject.split()
    if len(words) == 1 and words[0][:1].isupper() and words[0].lower() in PARENTS:
        return words[0].lower()
    return words[1] if len(words) == 2 and words[0] in _OWN and words[1] in KIN else None


_OWN = ("my", "My", "our", "Our")
# the narrator's one companion, host, guide: somebody of the story, as a relative is
_FELLOWS = frozenset(
    [
        "companion",
        "friend",
        "host",
        "hostess",
        "guest",
        "visitor",
        "guide",
        "comrade",
        "neighbour",
        "neighbor",
    ]
)


_FELLOWS_OR_ROLES = _FELLOWS | ROLES


def _my_fellow(subject: str) -> str | None:
    """`my companion`, `my host`: the narrator's fellow a tag names, or None."""
    words = subject.split()
    return (
        words[1] if len(words) == 2 and words[0] in ("my", "My") and words[1] in _FELLOWS_OR_ROLES else None
    )


PARENTS = frozenset(["father", "mother", "papa", "mamma", "mama", "grandmother", "grandfather"])


def _kin_form(subject: str) -> str:
    """How a tag writes the narrator's relative, as a name: `Father`, `our aunt`."""
    words = subject.split()
    return words[0] if len(words) == 1 else f"{words[0].lower()} {words[1]}"


def description_sex(desc: str) -> str | None:
    """The sex a description's head noun tells (`old woman`), if it tells one."""
    head = desc.split()[-1]
    return GENDERED_NOUNS.get(head) or ("male" if head in MALE_HEADS else None)


def _somebody(text: str, anybody: Counter[str], sexes: set[str | None]) -> list[str]:
    """The descriptions that could be anybody's (`the young lady`) that name one speaker all
    the same: in a story that names nobody of that sex (nor anybody of no known sex), the
    one most tagged that the narration brings in as a newcomer is the one woman who speaks
    (Daisy Miller's opening gave her lines, and every `she said`, to the two males it
    names). Where a woman is named, `the young lady` may be her, and stays nobody: made
    somebody whenever tagged three times within one scene, `the young girl` and `the young
    man` took Daisy's and Winterbourne's lines in the novel's next pieces (its
    12,000-character pieces 0.900 -> 0.844 without a cast)."""
    out = []
    for sex in SEXES:
        if sex not in sexes and "unknown" not in sexes:  # (an ungendered name may be hers)
            same = [d for d in anybody if description_sex(d) == sex and introduced(text, d)]
            out += sorted(same, key=lambda d: -anybody[d])[:1]
    return out


def introduced(text: str, desc: str) -> bool:
    """The narration brings her in as a newcomer: `a beautiful young lady` (a name the
    text gets a gender wrong for, Winterbourne, is not then `the young man`)."""
    words = r"\s+".join(map(re.escape, desc.split()))
    return re.search(rf"\b[Aa]n?\s+(?:[a-z-]+\s+){{0,2}}{words}\b", text) is not None


def _mentions(text: str, paras: list[Paragraph], descs: list[str]) -> dict[str, tuple[list[int], set[str]]]:
    """Where each description is mentioned in the narration (the ends, for the pronouns
    that follow) and the articles it takes (`an old man` first, `the old man` after)."""
    # `\b(the|The|a|A|an|An)` written from its first letter, which the regex engine skips
    # to in C (from `\b` it tried every character of the narration: twice as slow)
    rx = re.compile(
        r"([tTaA](?<!\w.)(?:(?<=[tT])he|(?<=[aA])n?))\s+("
        + "|".join(re.escape(d).replace("\\ ", r"\s+") for d in sorted(descs, key=len, reverse=True))
        + r")\b"
    )
    out: dict[str, tuple[list[int], set[str]]] = defaultdict(lambda: ([], set()))
    for p in paras:
        for piece in p.narration:
            for m in rx.finditer(text, piece.start, piece.end):
                d = " ".join(m.group(2).split())
                ends, arts = out[d]
                arts.add(m.group(1).lower())
                if len(ends) < 150:
                    ends.append(m.end())
    return out
