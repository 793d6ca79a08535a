"""What is read off a narration piece once per parse and kept on it: its speech tags
(`tag_after` / `tag_before`) and its runs of capitalised words (`name_runs.runs`).
Without a cast, character discovery (`characters`) reads them off every piece first, then
the rules (`rules_tags`, the mentions of `attribution.prepare`) read the same pieces
again: the regexes behind them are some 5% of a parse."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from audiodrama.parse.name_runs import runs
from audiodrama.parse.quotes import Piece
from audiodrama.parse.tags import Tag, tag_after, tag_before

T = TypeVar("T")


def tag_after_piece(text: str, piece: Piece) -> Tag | None:
    """`tag_after` of the narration piece (right after a quote), found once per piece."""
    return _kept(text, piece, tag_after)


def tag_before_piece(text: str, piece: Piece) -> Tag | None:
    """`tag_before` of the narration piece (right before a quote), found once per piece."""
    return _kept(text, piece, tag_before)


def runs_of_piece(text: str, piece: Piece) -> list[tuple[int, int]]:
    """`name_runs.runs` of the narration piece, found once per piece."""
    return _kept(text, piece, _run_list)


def _run_list(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return list(runs(text, start, end))


def _kept(text: str, piece: Piece, find: Callable[[str, int, int], T]) -> T:
    """`find(text, piece.start, piece.end)`, kept on the piece for that text and span (what
    is kept is never changed once found, so every reader may share it)."""
    key = (find, text, piece.start, piece.end)
    memo: dict[tuple, T] = piece.__dict__.setdefault("_memo", {})
    if key not in memo:
        memo[key] = find(text, piece.start, piece.end)
    return memo[key]
