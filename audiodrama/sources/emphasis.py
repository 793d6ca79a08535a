"""Emphasis spans (italic, bold) of a Source mapped onto the parsed lines."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any


def emphasis_in_line(text: str, line: Any, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A line's emphasis `spans` (story offsets, as `emphasis_for_lines` gives them) as offsets
    into `line.text` (the line's words with runs of whitespace collapsed, as the parser writes
    them); [] when the text differs."""
    a, z = line.span
    # map each source offset of the line to its offset in the collapsed text
    where: dict[int, int] = {}
    out_pos, pending_space = 0, False
    for i in range(a, z):
        if text[i].isspace():
            pending_space = out_pos > 0
            continue
        if pending_space:
            out_pos += 1
            pending_space = False
        where[i] = out_pos
        out_pos += 1
    found = []
    for s, e, kind in spans:
        inside = [i for i in range(max(s, a), min(e, z)) if i in where]
        if inside:
            found.append((where[inside[0]], where[inside[-1]] + 1, kind))
    words = line.text
    if not all(0 <= s < e <= len(words) for s, e, _ in found):
        return []
    return found


def emphasis_for_lines(
    lines: Iterable[Any], emphasis: list[tuple[int, int, str]]
) -> dict[str, list[tuple[int, int, str]]]:
    """{line id: [(start, end, kind)]}: the emphasis spans (plain-text offsets) inside each line."""
    emphasis = sorted(emphasis)
    starts = [s for s, _, _ in emphasis]
    reach, furthest = [], -1  # furthest end of the spans up to each index: nested spans
    for _, e, _ in emphasis:  # (bold inside italic) start before the one just before `a`
        furthest = max(furthest, e)
        reach.append(furthest)
    out: dict[str, list[tuple[int, int, str]]] = {}
    for line in lines:
        a, z = line.span
        i = bisect.bisect_left(starts, a)
        while i > 0 and reach[i - 1] > a:
            i -= 1
        found = []
        while i < len(emphasis) and emphasis[i][0] < z:
            s, e, kind = emphasis[i]
            if e > a and s < z:
                found.append((max(s, a), min(e, z), kind))
            i += 1
        if found:
            out[line.id] = found
    return out
