"""Names addressed in a quote (`"Good-night, Jake."`, `"My dear Emma,"`), found fast.

The plain regex (`PLAIN`) opens on `^`, a punctuation mark or `\\b` before Dear/My: a
pattern opening on alternatives like these is tried at every character. `VOCATIVE` finds
the same matches from a regex opening on one character class (punctuation, D, d, M, m),
which the regex engine skips to in C, plus the `^` case tried at the text's start.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

_NAME = r"((?:(?:Mr|Mrs|Miss|Ms|Dr)\.?\s+)?[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)(?=\s*[,.!?])"

PLAIN = re.compile(r"(?:^|[,!?.;]\s+|\b(?:[Dd]ear(?:est)?|[Mm]y)\s+)" + _NAME)

_AT_START = re.compile(r"^" + _NAME)
_AFTER = re.compile(
    r"[,!?.;DdMm](?:(?<=[,!?.;])\s+|(?<!\w[DdMm])(?:(?<=[Dd])ear(?:est)?|(?<=[Mm])y)\s+)" + _NAME
)


class _Vocatives:
    """`finditer` as PLAIN's: the same matches, group 1 the name."""

    pattern = PLAIN.pattern

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        if pos <= 0:
            # `^` is tried first at the text's start (only there, as with PLAIN)
            first = _AT_START.match(text, 0, endpos) or _AFTER.match(text, 0, endpos)
            if first is not None:
                yield first
                pos = first.end()
        yield from _AFTER.finditer(text, pos, endpos)


VOCATIVE = _Vocatives()
