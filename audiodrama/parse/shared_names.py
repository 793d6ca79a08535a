"""A first name two characters share (`Charles` Musgrove and `Charles` Hayter), in the
narration: a mention of the one in the scene; so is `the doctor` beside a cast's generic
`The Doctor` when `Doctor Losberne` was named before it.

The name index keys no name two characters share, so `Charles laughed again and said,`
named nobody and the lead-in rule had no subject. The reader takes the bearer named last
before it, or the one whose family was (his wife Mary Musgrove just spoke of him): the same
test `said Charles` gets in a speech tag (rules_tags).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from audiodrama.parse.kinship import family_names
from audiodrama.parse.names import HONORIFICS, NameIndex, name_key


class SharedNames:
    """The shared first names of a cast and who bears them; the titles cast characters
    hold (`Doctor Losberne`) beside a generic entry named by the title (`The Doctor`)."""

    def __init__(self, index: NameIndex):
        self.bearers: dict[str, set[int]] = {}
        for key, chars in index.shared.items():
            if " " in key:
                continue
            firsts = {c for c in chars if _has_first_name(index, c, key)}
            if len(firsts) >= 2:
                self.bearers[key] = firsts
        self.surnames = [family_names(c)[0] for c in index.characters]
        self.holders = _title_holders(index)
        self.pattern = (
            re.compile(
                r"\b("
                + "|".join(re.escape(k.capitalize()) for k in sorted(self.bearers))
                + r")\b(?!['\u2019]?\s*[A-Z])"
            )
            if self.bearers
            else None
        )

    def holders_of(self, phrase: str, char: int) -> set[int]:
        """For `the doctor` naming `char`, a generic entry: the holders of the title."""
        if phrase[:4] not in ("the ", "The ", "the\n", "The\n"):
            return set()
        words = phrase.lower().split()
        if len(words) != 2:
            return set()
        holders = self.holders.get(words[1].rstrip("."), set())
        return set() if char in holders else holders

    def present(self, bearers: set[int], before: Iterable[int]) -> int | None:
        """The bearer named or heard last (`before`: characters, newest first), or whose
        family was; None when neither is about."""
        for c in before:
            if c in bearers:
                return c
            kin = {b for b in bearers if self.surnames[b] & self.surnames[c]}
            if len(kin) == 1:
                return kin.pop()
        return None


# words opening a description or a title, not a first name (`Little Charles`, `Old Magpie`)
_NOT_FIRST = HONORIFICS | frozenset(
    ["my", "little", "old", "young", "poor", "dear", "big", "first", "second", "third", "fourth", "mail"]
)


def _has_first_name(index: NameIndex, char: int, key: str) -> bool:
    """Whether one of the character's names is `key` + a surname (`Charles Hayter`)."""
    if key in _NOT_FIRST:
        return False
    return any(
        len(words) >= 2 and words[0].lower() == key and not name.startswith(("The ", "A ", "An "))
        for name in index.characters[char].all_names()
        for words in [name.split()]
    )


def _title_holders(index: NameIndex) -> dict[str, set[int]]:
    """Title -> the characters holding it by name (`doctor` -> Doctor Losberne), for the
    titles a cast also lists as a generic entry of their own (`The Doctor`)."""
    generic = {k for k in index.keys if k in HONORIFICS}
    out: dict[str, set[int]] = {}
    for c, ch in enumerate(index.characters):
        for n in ch.all_names():
            words = name_key(n).split()
            if len(words) >= 2 and words[0] in generic and index.keys[words[0]] != c:
                out.setdefault(words[0], set()).add(c)
    return out
