"""The speech tags next to a quote, read off its narration pieces once per parse: character
discovery (`characters.speech_tags`) and the tag rule (`rules_tags`) both look for every
quote's, and the regexes of `tag_after` / `tag_before` are a few per cent of a parse."""

from __future__ import annotations

from collections.abc import Callable

from audiodrama.parse.quotes import Piece
from audiodrama.parse.tags import Tag, tag_after, tag_before


def tag_after_piece(text: str, piece: Piece) -> Tag | None:
    """`tag_after` of the narration piece (right after a quote), found once per piece."""
    return _kept(text, piece, tag_after)


def tag_before_piece(text: str, piece: Piece) -> Tag | None:
    """`tag_before` of the narration piece (right before a quote), found once per piece."""
    return _kept(text, piece, tag_before)


def _kept(text: str, piece: Piece, find: Callable[[str, int, int], Tag | None]) -> Tag | None:
    """`find(text, piece.start, piece.end)`, kept on the piece for that text and span (a
    Tag is never changed once found, so both readers may share it)."""
    key = (find, text, piece.start, piece.end)
    memo: dict[tuple, Tag | None] = piece.__dict__.setdefault("_tags", {})
    if key not in memo:
        memo[key] = find(text, piece.start, piece.end)
    return memo[key]
