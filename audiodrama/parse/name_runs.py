"""Runs of capitalised words (`Mr. Darcy`, `the Mock Turtle`), with lowercase particles inside
(de, of, van) and the article before them, which the name look-ups and character discovery
read off every narration: found fast (tests/test_parse_fastpaths.py holds the plain regex);
and whether a word is ever capitalised mid-sentence, as a name is (`mid_sentence`)."""

from __future__ import annotations

import re
from collections.abc import Iterator

# The runs without the article, starting on their capital: the regex engine skips to the next
# capital in C, where a regex with the optional article in front tries it at every character
# (five times slower over a novel); `runs` puts the article back.
_CORE_RUN = re.compile(
    r"[A-Z](?<!\w[A-Z])[\w'\u2019-]*\.?(?:\s+(?:(?:de|van|von|of|la|le|du|da|di)\s+)?[A-Z][\w'\u2019-]*\.?)*"
)
_ARTICLES = ("the", "The", "an", "An", "a", "A")


def runs(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each run in text[start:end], article included, in order."""
    lo = start
    for m in _CORE_RUN.finditer(text, start, end):
        s, e = m.span()
        yield _article_start(text, lo, s), e
        lo = e


def _article_start(text: str, lo: int, s: int) -> int:
    """Where `the`/`a`/`an` (a whole word, at or after `lo`) and the whitespace after it
    begin right before the capital at `s`; `s` when no article does."""
    i = s
    while i > lo and text[i - 1].isspace():
        i -= 1
    if i in (s, lo) or text[i - 1] not in "enaA":  # no whitespace, or no article's end
        return s
    for art in _ARTICLES:
        a = i - len(art)
        if a >= lo and text.startswith(art, a) and (a == 0 or not _is_word(text[a - 1])):
            return a
    return s


def _is_word(ch: str) -> bool:
    """A `\\w` character of the regex engine."""
    return ch.isalnum() or ch == "_"


def mid_sentence(text: str, name: str) -> bool:
    """Whether the text ever capitalises `name` after a lowercase word (`Hello, Jake`, `Dr.
    Grant`): a word only ever capitalised to begin a sentence (`Moreover, I ...`) is no name."""
    # the name's own occurrences, found fast (a literal), then what stands before each
    for m in re.finditer(re.escape(name) + r"\b", text):
        if _LOWER_BEFORE.search(text, max(0, m.start() - 12), m.start()):
            return True
    return False


_LOWER_BEFORE = re.compile(r"(?:[a-z],?|\b(?:Mr|Mrs|Ms|Dr|Miss|Sir|Lady)\.?)\s+$")
