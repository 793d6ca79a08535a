"""Speakers known by a description whose name the text reveals (`the stranger` who says `I
am Dr. Kemp`, `our aunt` the others call `Margery`), folded into the named character after
attribution; the description stays as an alias."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from audiodrama.model import Character
from audiodrama.parse.names import NameIndex
from audiodrama.parse.turns import Turn, renumber_speakers

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
    `my father`, `our aunt`)."""
    words = character.name.split()
    return len(words) >= 2 and words[0] in ("the", "my", "our") and all(w[:1].islower() for w in words[1:])


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
