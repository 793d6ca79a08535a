"""Speakers known only by a description (`the old man`, `the mariner`): characters of their own.

A description that a speech tag names as the speaker twice or more (`said the mariner`,
`the old woman asked`) becomes a character named by it, when no character's name already
covers it. Its gender is the head noun's (`woman`), else the pronouns that follow its
mentions. After attribution a description whose name the text reveals is folded into the
named character (`fold_revealed`): the speaker says `I am Dr. Kemp`, or the others address
the one speaking as `Kemp` in their replies; the description stays as an alias.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from audiodrama.model import Character
from audiodrama.parse.names import HONORIFICS, NameIndex
from audiodrama.parse.person_words import ANYBODY, KIN, MALE_HEADS, NOT_PERSON, ROLES, STOP
from audiodrama.parse.pronoun_genders import SEXES
from audiodrama.parse.quotes import Paragraph
from audiodrama.parse.tags import Tag
from audiodrama.parse.turns import GENDERED_NOUNS, Turn, renumber_speakers
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
    for tag in tags:
        kin = _my_kin(tag.subject)
        if kin:
            mine[kin] += 1
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
    descs = [d for d, c in counts.items() if c >= 2 or d.split()[-1] in ROLES or nameless]
    sexes = {*named, *(description_sex(d) for d in descs)}  # a man with a black beard is somebody's man
    extra = _nobody_named(anybody, descs) if nameless else _somebody(text, anybody, sexes)
    descs += [d for d in extra if d not in descs]
    counts.update(anybody)
    _add_referred(descs, counts, referred or Counter(), known)
    chars, prom = [], []
    for kin in _addressed_kin(text, paras):
        mine.setdefault(kin, 0)  # a speaker, though no tag names them (`he cried`)
    for kin, n in mine.items():
        if f"my {kin}" not in known:
            chars.append(
                Character(name=f"my {kin}", aliases=[f"my {kin}"], gender=description_sex(kin) or "unknown")
            )
            chars[-1].__dict__["_ends"] = []
            prom.append(3.0 * n)
    if not descs:
        return chars, prom
    mentions = _mentions(text, paras, descs)
    for d in sorted(descs, key=lambda d: -counts[d]):
        aliases = [d, *(f"{a} {d}" for a in sorted(mentions[d][1]) if a != "the")]
        chars.append(Character(name=f"the {d}", aliases=aliases, gender=description_sex(d) or "unknown"))
        chars[-1].__dict__["_ends"] = mentions[d][0]
        prom.append(3.0 * counts[d])
    return chars, prom


def _add_referred(descs: list[str], counts: Counter[str], referred: Counter[str], known: set[str]) -> None:
    """The descriptions pronouns stand for (referents.py) added to `descs`, each counted as
    often as they do (in place); a named character's words are theirs, and a description
    of the same noun is the one already there (`the young unmarried lady` is `the young
    lady`)."""
    for d, n in referred.items():
        same = [o for o in descs if head_noun(o) == head_noun(d)]
        if same:
            counts[same[0]] += n
        elif d not in known and d.split()[-1] not in known:
            descs.append(d)
            counts[d] += n


_MY_KIN = re.compile(r"\b[Mm]y\s+(" + "|".join(sorted(KIN, key=len, reverse=True)) + r")\b")


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
    SENTENCE_OPENING + r"My\s+(" + "|".join(sorted(KIN, key=len, reverse=True)) + r")\s+[a-z]+(?:ed|s)\b"
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
    """`my father`, `My aunt`: the relative of the narrator a tag names, or None."""
    words = subject.split()
    return words[1] if len(words) == 2 and words[0] in ("my", "My") and words[1] in KIN else None


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


_SELF_INTRO = re.compile(
    r"\b(?:I am|I'm|my name is|My name is|I'm called|I am called)\s+"
    r"((?:(?:Mr|Mrs|Miss|Dr|Doctor|Captain|Colonel)\.?\s+)?[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
)


def fold_revealed(
    text: str, characters: list[Character], turns: list[Turn], index: NameIndex, described: set[int]
) -> dict[int, int]:
    """Descriptions whose name the text reveals, as {description: named character}.

    A description speaker who says `I am Dr. Kemp`, or whom the others address by one name
    at least twice in the quotes next to its own (and by no other name as often), is that
    named character."""
    intro: dict[int, Counter[int]] = defaultdict(Counter)
    addressed: dict[int, Counter[int]] = defaultdict(Counter)
    partners: dict[int, Counter[int]] = defaultdict(Counter)
    # per turn, once: whom its quotes address, who speaks in it by a tag (a paragraph may
    # hold thousands of quotes: no pair of quotes is ever compared)
    addr = [
        Counter(st.addressee for st in t.states if st.addressee is not None and st.addressee != st.speaker)
        for t in turns
    ]
    tagged = [
        Counter(st.speaker for st in t.states if st.rule == "explicit-verb" and st.speaker is not None)
        for t in turns
    ]
    for ti, t in enumerate(turns):
        here = {st.speaker for st in t.states if st.speaker in described}
        for st in t.states:
            if st.speaker in here:
                for m in _SELF_INTRO.finditer(text, *st.quote.inner):
                    who = index.lookup(m.group(1))
                    if who is not None and who not in described:
                        intro[st.speaker][who] += 1
        for d in here:
            for tj in range(max(0, ti - 2), min(len(turns), ti + 3)):
                if tj == ti:
                    continue
                if abs(turns[tj].para.index - t.para.index) == 1:
                    addressed[d].update({a: k for a, k in addr[tj].items() if a not in described})
                partners[d].update(tagged[tj])
    out: dict[int, int] = {}
    for d in described:
        if intro[d]:
            out[d] = intro[d].most_common(1)[0][0]
            continue
        # whoever speaks by name in a tag next to the description is someone else
        ranked = [(c, k) for c, k in addressed[d].most_common() if not partners[d][c]][:2]
        if ranked and ranked[0][1] >= 3 and (len(ranked) == 1 or ranked[0][1] >= 3 * ranked[1][1]):
            who = ranked[0][0]
            gd, gw = characters[d].gender, characters[who].gender
            if "unknown" in (gd, gw) or gd == gw:
                out[d] = who
    return out


def is_description(character: Character) -> bool:
    """Whether a discovered character is named by a lowercase description (`the old man`,
    `my father`)."""
    words = character.name.split()
    return len(words) >= 2 and words[0] in ("the", "my") and all(w[:1].islower() for w in words[1:])


def fold(characters: list[Character], turns: list[Turn], into: dict[int, int]) -> list[Character]:
    """The characters without the folded descriptions, each now an alias of its named
    character, and every turn's speaker and addressee renumbered to match."""
    for d, who in into.items():
        named = characters[who]
        named.aliases.extend(n for n in characters[d].all_names() if n not in named.all_names())
        if named.gender not in ("male", "female"):
            named.gender = characters[d].gender
    keep = [i for i in range(len(characters)) if i not in into]
    new = {old: k for k, old in enumerate(keep)}
    for d, who in into.items():
        new[d] = new[who]
    renumber_speakers(turns, new)
    return [characters[i] for i in keep]
