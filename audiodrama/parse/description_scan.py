"""The descriptions `NameIndex.mentions` finds in narration: a lower-case one after `the`,
`his` or `her` (`the beadle`) and a cast's own `a`/`an` one (`an old Crab`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise

# a hit: (start, end, where the description starts, the description, whether the text must
# write it with a capital: `a man` is anyone, `a Man` the cast's)
Hit = tuple[int, int, int, str, bool]


def _alternation(phrases: Iterable[str]) -> str:
    """The phrases, longest first (the regex takes the first that matches), any whitespace
    between their words."""
    return "|".join(re.escape(d).replace("\\ ", r"\s+") for d in sorted(phrases, key=len, reverse=True))


class DescriptionScan:
    """Both kinds of description, each found by its own regex: one regex holding both would
    try every position of the text (the `\\b` before `a`/`an` leaves the engine no first
    letters to skip to), three times slower over a novel; the two scans' hits, merged,
    are those the one regex would find unless two of them overlap, when it is run instead."""

    def __init__(self, desc: Iterable[str], indef: Iterable[str]) -> None:
        alts, ind = _alternation(desc), _alternation(set(indef))
        # `\b` told after the word: the scan skips to a t or h in C
        the = r"(?:the|The|his|His|her|Her)(?<!\w[\s\S]{3})\s+(" + alts + r")\b"
        # `\b(?:an|An|a|A)` told after the first letter, for the same reason
        a = r"[aA](?<!\w[aA])n?\s+((?i:" + ind + r"))\b"
        self._the = re.compile(the) if alts else None
        self._a = re.compile(a) if ind else None
        self._both = re.compile(
            (the if alts else "(?!)") + (r"|\b(?:an|An|a|A)\s+((?i:" + ind + r"))\b" if ind else "")
        )

    def hits(self, text: str, start: int, end: int) -> list[Hit]:
        """The descriptions in text[start:end], in order."""
        the = [
            (m.start(), m.end(), m.start(1), m.group(1), False)
            for m in self._scan(self._the, text, start, end)
        ]
        # (with no `the` descriptions the one regex numbered the `a` group 1, as if a `the`
        # one: no capital asked, kept so)
        cap = self._the is not None
        a = [(m.start(), m.end(), m.start(1), m.group(1), cap) for m in self._scan(self._a, text, start, end)]
        if not a or not the:
            return the or a
        out = sorted(the + a)
        if any(h[0] < prev[1] for prev, h in pairwise(out)):
            # overlapping hits: the one regex decides which one it finds
            return [
                (m.start(), m.end(), m.start(g), m.group(g), g == 2)
                for m in self._both.finditer(text, start, end)
                for g in (1 if m.group(1) else 2,)
            ]
        return out

    @staticmethod
    def _scan(rx: re.Pattern[str] | None, text: str, start: int, end: int) -> Iterable[re.Match[str]]:
        return rx.finditer(text, start, end) if rx is not None else ()
