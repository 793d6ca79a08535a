"""A woman's titled surname joined to the first name the narration gives her surname.

Speech tags call a heroine by her first name (`said Emma`, `said Harriet`) while others
address her by title (`Miss Woodhouse`, `Miss Smith`): no form the tags use holds both
words, so discovery finds two characters, and a vocative `Miss Woodhouse` then fails to
tell the ranker that Emma is the one addressed. The narration names her in full now and
then (`Emma Woodhouse`, `Harriet Smith`): that run ties `Miss Woodhouse` to `Emma`.

A married woman's title only in a family that has no `Miss`, and when the two never talk
to each other: `Mrs. Dashwood` is the mother of the `Miss Dashwood`s, but Edna Pontellier,
whom nobody calls `Miss Pontellier`, is `Mrs. Pontellier`; a man's never (`Mr. Morland` is
the girls' father). Only when one first name fits: `Miss Bennet` with both `Elizabeth
Bennet` and `Jane Bennet` in the text stays apart; and never a younger sister, whom the
custom calls by title and first name (`Miss Lucy Steele`, `Miss Anne`): plain `Miss Elliot`
is the eldest, Elizabeth, not Anne.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

from audiodrama.model import Character
from audiodrama.parse.first_names import name_genders
from audiodrama.parse.names import HONORIFICS
from audiodrama.parse.titles import MARRIED, UNMARRIED

# `Miss Lucy Steele`, `Miss Marianne`: a title before a first name (what follows, if a name).
# `\b(?:Miss|Mademoiselle|Mlle\.?|Signorina|Senorita|Fraulein)` written from its capital,
# which the regex engine skips to in C (from `\b` it tried every character: 5x slower)
_MISS_FIRST = re.compile(
    r"[MSF](?<!\w.)(?:(?<=M)(?:iss|ademoiselle|lle\.?)|(?<=S)(?:ignorina|enorita)|(?<=F)raulein)"
    r"\s+([A-Z][a-z]+)(?:\s+([A-Z][a-z]+))?"
)


def join_titled_surnames(
    text: str, chars: list[Character], prom: list[float], runs: Counter[str], talk: list[tuple[int, str]]
) -> None:
    """Fold each `Miss Surname` character (`Mrs. Surname`, see above) into the one
    first-name character whose full name (`First Surname`) the narration writes; in place,
    prominence added up. `talk` holds the speech tags' names by paragraph, in order."""
    firsts = _first_names(chars)
    genders = name_genders(firsts)
    younger = _younger_sisters(text, firsts)
    for ci in range(len(chars) - 1, -1, -1):
        surname = _titled_surname(chars[ci], UNMARRIED) or _titled_surname(chars[ci], MARRIED)
        if surname is None or (_titled_surname(chars[ci], MARRIED) and _ever_miss(surname, runs)):
            # (`Mrs. Morland` is Catherine's mother: the text calls Catherine `Miss Morland`;
            # Edna Pontellier, whom nobody calls `Miss Pontellier`, is `Mrs. Pontellier`)
            continue
        owners = {
            firsts[f]
            for f in firsts
            if firsts[f] != ci
            and runs.get(f"{f} {surname}", 0)
            and (f, surname) not in younger
            and (f, "") not in younger
        }
        owners = {
            o
            for o in owners
            if chars[o].gender != "male" and genders.get(chars[o].name.lower()) != ("male", 2)
        }
        if len(owners) != 1:
            continue
        (o,) = owners
        if _titled_surname(chars[ci], MARRIED) and _converse(chars[ci], chars[o], talk):
            continue  # the mother and the daughter talk to each other
        chars[o].aliases.extend(chars[ci].all_names())
        chars[o].gender = "female"
        prom[o] += prom[ci]
        del chars[ci], prom[ci]
        firsts = _first_names(chars)
    order = sorted(range(len(chars)), key=lambda i: -prom[i])  # main characters first, as before
    chars[:], prom[:] = [chars[i] for i in order], [prom[i] for i in order]


def _first_names(chars: list[Character]) -> dict[str, int]:
    """Each single untitled word a character is called by (`Emma`), to its index; a word
    two characters share belongs to neither."""
    out: dict[str, int] = {}
    shared: set[str] = set()
    for i, c in enumerate(chars):
        for n in c.all_names():
            if " " in n or not n[:1].isupper() or n.lower() in HONORIFICS:
                continue
            if n in out and out[n] != i:
                shared.add(n)
            out[n] = i
    return {n: i for n, i in out.items() if n not in shared}


def _titled_surname(char: Character, titles: frozenset[str]) -> str | None:
    """The surname of a character known only as `Miss Surname` (any spelling of one of the
    titles)."""
    surnames = set()
    for n in char.all_names():
        words = n.split()
        if len(words) != 2 or words[0].lower().rstrip(".") not in titles:
            return None
        surnames.add(words[1])
    return surnames.pop() if len(surnames) == 1 else None


def _converse(a: Character, b: Character, talk: list[tuple[int, str]]) -> bool:
    """Whether two characters speak by name within three paragraphs of each other twice or
    more (one person's two names seldom take turns so)."""
    names_a, names_b = set(a.all_names()), set(b.all_names())
    turns = 0
    for (pa, na), (pb, nb) in pairwise(talk):
        if pb - pa <= 3 and ((na in names_a and nb in names_b) or (na in names_b and nb in names_a)):
            turns += 1
    return turns >= 2


def _ever_miss(surname: str, runs: Counter[str]) -> bool:
    """Whether the narration calls anyone `Miss Surname` (a daughter of the family)."""
    return any(runs.get(f"{t} {surname}", 0) for t in ("Miss", "Mademoiselle", "Mlle.", "Mlle"))


def _younger_sisters(text: str, firsts: dict[str, int]) -> set[tuple[str, str]]:
    """(first name, surname) of the younger sisters: the custom calls the eldest daughter
    `Miss Steele`, her younger sisters by title and first name (`Miss Lucy Steele`, `Miss
    Marianne`: any surname then, written "" here), each a few times."""
    seen: Counter[tuple[str, str]] = Counter()
    if firsts:
        for m in _MISS_FIRST.finditer(text):
            if m.group(1) in firsts:
                seen[(m.group(1), m.group(2) or "")] += 1
    # (once or twice is a formal introduction: `Miss Harriet Smith`)
    return {k for k, n in seen.items() if n >= _CUSTOM}


_CUSTOM = 3
