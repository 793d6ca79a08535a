"""A cheap necessary condition for a slow regex: a word every match of it holds.

Regexes that ignore case and open on `\\b(?:many|alternatives)` get no fast scan from `re`
and cost far more than a substring test; a text holding none of a regex's key words needs
no closer look. The test is made on `folded(text)`: lower case, with the letters `re`
matches against i and s when ignoring case although their lower case is no ASCII letter
(ı and İ for i, ſ for s) written as i and s, so a word of lower-case ASCII letters and
spaces is in `folded(text)` wherever a match ignoring case holds it.
"""

from __future__ import annotations

from collections.abc import Iterable

_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def folded(text: str) -> str:
    """`text` in lower case, ı, İ and ſ written as i and s (ASCII text: just lower case)."""
    low = text.lower()
    return low if low.isascii() else text.translate(_FOLD).lower()


def holds_any(low: str, words: Iterable[str]) -> bool:
    """True when the folded text `low` holds one of `words` (lower-case ASCII)."""
    return any(w in low for w in words)
