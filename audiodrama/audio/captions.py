"""Caption-sized cues (pure): a line's text cut at sentence, then clause, then word boundaries
into cues of at most 2 lines of 42 characters, each timed from the line's word start times.

Times come from the engine's word positions when it reports them (espeak-ng does; stored beside
the line's audio), else from a proportional estimate by characters (see `word_starts`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

MAX_CHARS = 42
"""Most characters on one caption line."""
MAX_LINES = 2
"""Most lines in one cue."""

# How strongly a cut after a word is preferred: a sentence end, then a clause mark, then any space.
_SENTENCE = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*$")
_CLAUSE = re.compile(r"(?:[,;:\u2014\u2013]|--)[\"'\u201d\u2019)\]]*$")
_NORMAL = re.compile(r"[^\w]+")
_MARKUP = re.compile(r"<[^<>]*>|\[\[|\]\]")


@dataclass(frozen=True)
class Cue:
    """One caption: words [first, end) of a line's text, laid out in 1 or 2 lines."""

    first: int
    end: int
    lines: tuple[str, ...]


def layout(words: Sequence[str], width: int = MAX_CHARS) -> tuple[str, ...] | None:
    """`words` in at most MAX_LINES lines of at most `width` characters, as balanced as can
    be; None when they do not fit. A single word longer than `width` is laid out alone."""
    one = " ".join(words)
    if len(one) <= width or len(words) == 1:
        return (one,)
    if len(one) > MAX_LINES * width + 1:
        return None
    best: tuple[str, str] | None = None
    for k in range(1, len(words)):
        a, b = " ".join(words[:k]), " ".join(words[k:])
        if (
            len(a) <= width
            and len(b) <= width
            and (best is None or max(len(a), len(b)) < max(map(len, best)))
        ):
            best = (a, b)
    return best


def _strength(word: str, after: str) -> int:
    """A cut between `word` and the word `after` it: 2 at a sentence end, 1 at a clause mark
    (or "..." going on in lower case: "please... not yet"), 0 anywhere else."""
    if _SENTENCE.search(word):
        return 1 if after[:1].islower() else 2
    return 1 if _CLAUSE.search(word) else 0


# Costs of a division into cues: each cue, a cut (by the strength of the boundary: inside a
# clause, after a clause mark, after a sentence) and a cue so short it flashes by. A cut inside
# a clause costs more than two extra cues, so it is made only where nothing else fits.
_CUE, _CUT, _SHORT, _SHORT_CHARS = 4, (13, 5, 0), 6, 16


def split_cues(text: str) -> list[Cue]:
    """The cues of `text`: at most 2 lines of at most 42 characters each (a word longer than
    42 characters stands alone on its line), cut at sentence ends, then at clause marks, then
    between words; never inside a word. The fewest cues with the strongest cuts (dynamic
    programming over the cut points), avoiding tiny cues."""
    words = text.split()
    n = len(words)
    cost = [0.0] + [float("inf")] * n
    back = [0] * (n + 1)
    for e in range(1, n + 1):
        cut = _CUT[_strength(words[e - 1], words[e])] if e < n else 0
        chars = -1
        for s in range(e - 1, -1, -1):
            chars += len(words[s]) + 1
            if s < e - 1 and (chars > MAX_LINES * MAX_CHARS + 1 or layout(words[s:e]) is None):
                break
            c = cost[s] + _CUE + cut + (_SHORT if chars < _SHORT_CHARS and (s, e) != (0, n) else 0)
            if c < cost[e]:
                cost[e], back[e] = c, s
    spans, e = [], n
    while e > 0:
        spans.append((back[e], e))
        e = back[e]
    out = []
    for s, e in reversed(spans):
        lines = layout(words[s:e])
        assert lines is not None  # only runs that fit are chosen
        out.append(Cue(s, e, lines))
    return out


def normal(word: str) -> str:
    """A word compared across texts: markup and punctuation gone, lower case."""
    return _NORMAL.sub("", _MARKUP.sub("", word)).lower()


def word_starts(text: str, duration: float, timed: Sequence[tuple[str, float]] = ()) -> list[float]:
    """Seconds from the line's start at which each word of `text` is heard.

    `timed` = (word, seconds) as the engine spoke them (its input may differ: lexicon
    respellings, numbers read out); words matched between the two take the engine's times.
    Other words, and every word when `timed` is empty (engines without word positions,
    recorded takes), are placed in proportion to the characters before them.
    """
    words = text.split()
    offsets, pos = [], 0
    for w in words:
        offsets.append(pos)
        pos += len(w) + 1
    total = max(1, pos - 1)
    anchors: list[tuple[int, float]] = [(0, 0.0)]
    if timed:
        matcher = SequenceMatcher(
            None, [normal(w) for w in words], [normal(w) for w, _ in timed], autojunk=False
        )
        for block in matcher.get_matching_blocks():
            for k in range(block.size):
                t = timed[block.b + k][1]
                i = block.a + k
                if i == 0:
                    anchors[0] = (0, t)
                elif normal(words[i]) and t >= anchors[-1][1] and offsets[i] > anchors[-1][0]:
                    anchors.append((offsets[i], t))
    anchors.append((total, max(duration, anchors[-1][1])))
    out, j = [], 0
    for off in offsets:
        while j + 1 < len(anchors) - 1 and anchors[j + 1][0] <= off:
            j += 1
        (c0, t0), (c1, t1) = anchors[j], anchors[j + 1]
        out.append(t0 + (t1 - t0) * (off - c0) / (c1 - c0) if c1 > c0 else t0)
    return out


def line_words(rendered: Mapping[str, object]) -> dict[str, list[tuple[str, float]]]:
    """line id -> (word, seconds) of the rendered lines whose engine told its word starts
    (`.words` of a render.plan.RenderedLine; absent or None otherwise)."""
    out = {}
    for line_id, r in rendered.items():
        words = getattr(r, "words", None)
        if words:
            out[line_id] = list(words)
    return out
