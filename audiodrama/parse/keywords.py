"""A cheap necessary condition for a slow regex: a word every match of it holds.

Regexes that ignore case and open on `\\b(?:many|alternatives)` get no fast scan from `re`
and cost far more than a substring test; a text holding none of a regex's key words needs
no closer look. The test is made on `folded(text)`: lower case, with the letters `re`
matches against i and s when ignoring case although their lower case is no ASCII letter
(ı and İ for i, ſ for s) written as i and s, so a word of lower-case ASCII letters and
spaces is in `folded(text)` wherever a match ignoring case holds it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def folded(text: str) -> str:
    """`text` in lower case, ı, İ and ſ written as i and s (ASCII text: just lower case)."""
    low = text.lower()
    return low if low.isascii() else text.translate(_FOLD).lower()


def holds_any(low: str, words: Iterable[str]) -> bool:
    """True when the folded text `low` holds one of `words` (lower-case ASCII)."""
    return any(w in low for w in words)


class WordSpots:
    """Where some literal words start in a text, found once (str.find, in C), to tell in
    O(log n) whether a span holds one: a regex every match of which holds one of the words
    needs no scan of a span that holds none."""

    def __init__(self, text: str, words: Iterable[str]) -> None:
        self.text = text
        spots: list[int] = []
        for w in set(words):
            i = text.find(w) if w else -1
            while i >= 0:
                spots.append(i)
                i = text.find(w, i + 1)
        spots.sort()
        self._spots = spots

    def any_in(self, start: int, end: int) -> bool:
        """True when one of the words starts in text[start:end]."""
        i = bisect_left(self._spots, start)
        return i < len(self._spots) and self._spots[i] < end
