"""Parsing work grows linearly with a paragraph's length (counted in function calls, not timed:
timings are in bench/scaling.py)."""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

from support import python_calls

from audiodrama.parse import parse_story
from audiodrama.parse.history import History, settle

EXCHANGE = (
    '"Where are you going?" asked Anna. "To the market," said Ben. '
    '"May I come?" she said. "Of course," he replied. '
)


def test_one_long_paragraph_parses_in_linear_work():
    # a four-line exchange pasted on one line: every quote used to rescan the paragraph's
    # quotes (x3.5 the calls per doubling here, x5 in time)
    small, large = python_calls(parse_story, EXCHANGE * 150), python_calls(parse_story, EXCHANGE * 300)
    assert large / small < 2.2, (small, large)


def _history_copied(text: str) -> int:
    """How many speaker entries the ranker's beams copy while decoding `text`."""
    copied = 0

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal copied
        if event == "call" and frame.f_code is History.choose.__code__:
            copied += len(frame.f_locals["self"].own) + 1

    sys.setprofile(profile)
    try:
        parse_story(text)
    finally:
        sys.setprofile(None)
    return copied


def test_the_ranker_decodes_a_long_conversation_in_linear_work():
    # untagged turns, one conversation: each beam step used to copy every turn's speaker
    def story(turns: int) -> str:
        lines = ['"Are you well, Ben?"', '"Quite well, Anna."'] * (turns // 2)
        return "Anna met Ben at the gate.\n\n" + "\n\n".join(lines) + "\n"

    small, large = _history_copied(story(200)), _history_copied(story(400))
    assert small > 0 and large / small < 2.2, (small, large)


def test_history_reads_as_the_list_it_replaces():
    base: list[int | None] = [0, None, 1, None]
    a = History(base).choose(1, 2)
    b = a.choose(3, 0)
    c = a.choose(3, 1)
    assert list(b) == [0, 2, 1, 0] and list(c) == [0, 2, 1, 1] and list(a) == [0, 2, 1, None]
    assert b[-1] == 0 and c[1:4] == [2, 1, 1] and len(b) == 4
    settle([b, c])  # both chose turn 1: shared now; turn 3 still differs
    assert base == [0, 2, 1, None] and b.own == {3: 0} and c.own == {3: 1}
    assert list(b) == [0, 2, 1, 0] and list(c) == [0, 2, 1, 1]
