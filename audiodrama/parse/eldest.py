"""`Miss Bertram` and `said Bertram` in a family with several daughters or sons: the eldest.

The period's convention names the eldest unmarried daughter `Miss Surname` and the
younger ones `Miss Firstname Surname` (`Miss Julia Bertram`); likewise the eldest son is
`Mr. Surname` beside `Mr. Edmund Bertram`. So when a cast lists several sisters, the text
telling all but one of them apart by first name makes that one the `Miss Surname` of the
story, whatever entry the cast hung that form on (a bare `Miss Bertram` entry of its own, or
a `Miss Steele` alias on the sister the text calls `Miss Lucy Steele`). A cast's bare
surname of no gender (`Bertram`) is the eldest son the same way (names.py keys it for the
one man of the family when there is only one). Sons are only read off a bare surname: a
`Mr. Surname` entry of its own is as likely the father -- unless the cast itself calls one
man of the family by the bare surname (`Henry Crawford`, alias `Crawford`): then `Mr.
Crawford` is him (key_surname_bearer).
"""

from __future__ import annotations

import re

from audiodrama.model import Character
from audiodrama.parse.names import HONORIFICS, NameIndex, name_key

# `Miss Julia Bertram`, `Mr. Edmund Bertram`: a title, a first name and a surname
_TITLED_FULL = re.compile(r"(?<![\w.])(Miss|Mr)\.?\s+([A-Z][a-z]+)\s+([A-Z][a-z]+)\b")


def _family_members(characters: list[Character], gender: str) -> dict[str, list[tuple[int, str]]]:
    """(index, first name) of every character of `gender` with a `First Surname` name
    (or `Miss First Surname` / `Mr. First Surname`), by surname."""
    out: dict[str, list[tuple[int, str]]] = {}
    title = "miss" if gender == "female" else "mr"
    for i, c in enumerate(characters):
        if c.gender != gender:
            continue
        seen: set[str] = set()
        for n in c.all_names():
            words = name_key(n).split()
            if words and words[0] == title:
                words = words[1:]
            if len(words) != 2 or words[0] in HONORIFICS or words[1] in seen:
                continue
            seen.add(words[1])
            out.setdefault(words[1], []).append((i, words[0]))
    return out


def _bare_surname_entries(characters: list[Character]) -> dict[str, int]:
    """Entries of no gender whose one name is a surname (`Bertram`), by surname."""
    out = {}
    for i, c in enumerate(characters):
        keys = {name_key(n) for n in c.all_names()}
        if c.gender == "unknown" and len(keys) == 1:
            k = next(iter(keys))
            if k and len(k.split()) == 1 and k[:1].isalpha():
                out[k] = i
    return out


def _listed_by_a_member(index: NameIndex, key: str) -> bool:
    """Whether the cast gives `key` to a character with other names too: the user's
    word (`Miss Barry` on Aunt Josephine, whom the text introduces as `Miss Josephine
    Barry`), kept."""
    owner = index.keys.get(key)
    if owner is None:
        return False
    return len({name_key(n) for n in index.characters[owner].all_names()}) > 1


def key_eldest(index: NameIndex, text: str) -> None:
    """Key `miss surname` (and a bare-surname entry's name) to the one sister (brother)
    the text never names with title and first name, when the cast lists several."""
    bare = _bare_surname_entries(index.characters)
    families = {
        (title, surname): members
        for gender, title in (("female", "miss"), ("male", "mr"))
        for surname, members in _family_members(index.characters, gender).items()
        if len(members) >= 2 and (title == "miss" or surname in bare)
    }
    if not families:
        return
    named = {(t.lower(), f.lower(), s.lower()) for t, f, s in _TITLED_FULL.findall(text)}
    for (title, surname), members in families.items():
        rest = [i for i, first in members if (title, first, surname) not in named]
        key = f"{title} {surname}"
        if len(rest) != 1 or _listed_by_a_member(index, key):
            continue
        index.keys[key] = rest[0]
        if title == "mr":
            index.keys[surname] = rest[0]


def key_surname_bearer(index: NameIndex) -> None:
    """A cast entry whose one name is `Mr. Surname`, beside a man the cast itself calls
    by the bare surname (`Henry Crawford`, alias `Crawford`): the story's `Mr. Crawford`
    is that man, the user's own word for whom the bare surname names."""
    bearers: dict[str, list[int]] = {}
    for i, c in enumerate(index.characters):
        if c.gender == "female":
            continue
        keys = {name_key(n) for n in c.all_names()}
        for k in keys:
            if len(k.split()) == 1 and len(keys) > 1:
                bearers.setdefault(k, []).append(i)
    for k, owner in list(index.keys.items()):
        words = k.split()
        if len(words) != 2 or words[0] != "mr" or len(bearers.get(words[1], [])) != 1:
            continue
        if {name_key(n) for n in index.characters[owner].all_names()} == {k}:
            index.keys[k] = bearers[words[1]][0]
