"""Parsing work grows linearly with a paragraph's length (counted in function calls, not timed:
timings are in bench/scaling.py)."""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

from audiodrama.parse import parse_story

EXCHANGE = (
    '"Where are you going?" asked Anna. "To the market," said Ben. '
    '"May I come?" she said. "Of course," he replied. '
)


def _calls(text: str) -> int:
    """How many Python function calls parsing `text` makes (deterministic, unlike time)."""
    count = 0

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal count
        if event == "call":
            count += 1

    sys.setprofile(profile)
    try:
        parse_story(text)
    finally:
        sys.setprofile(None)
    return count


def test_one_long_paragraph_parses_in_linear_work():
    # a four-line exchange pasted on one line: every quote used to rescan the paragraph's
    # quotes (x3.5 the calls per doubling here, x5 in time)
    small, large = _calls(EXCHANGE * 150), _calls(EXCHANGE * 300)
    assert large / small < 2.2, (small, large)
