"""The speakers one beam of the ranker's decoder has chosen: shared where the beams agree."""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload


class History(Sequence[int | None]):
    """A beam's speaker per turn: a base list every beam shares, plus this beam's decisions
    the other beams do not share (copying the whole list per decision made decoding a long
    conversation quadratic)."""

    __slots__ = ("base", "own")

    def __init__(self, base: list[int | None], own: dict[int, int | None] | None = None) -> None:
        self.base = base
        self.own: dict[int, int | None] = own if own is not None else {}

    def __len__(self) -> int:
        return len(self.base)

    @overload
    def __getitem__(self, j: int) -> int | None: ...
    @overload
    def __getitem__(self, j: slice) -> list[int | None]: ...
    def __getitem__(self, j: int | slice) -> int | list[int | None] | None:
        own = self.own
        if isinstance(j, slice):
            # the decoder slices 25 speakers per candidate set: slice the base, then lay
            # this beam's own decisions over it (not 25 calls of this method)
            out = self.base[j]
            if own:
                picked = range(*j.indices(len(self.base)))
                for k, v in own.items():
                    if k in picked:
                        out[picked.index(k)] = v
            return out
        if j < 0:
            j += len(self.base)  # speakers[ti - 1] at ti == 0 reads the last, as a list does
        return own[j] if j in own else self.base[j]

    def choose(self, ti: int, who: int) -> History:
        """A copy with `who` speaking turn `ti` (copies only the unshared decisions)."""
        own = dict(self.own)
        own[ti] = who
        return History(self.base, own)


def settle(histories: list[History]) -> None:
    """Move the decisions every history agrees on into their shared base (all share one)."""
    first, rest = histories[0], histories[1:]
    agreed = [(k, v) for k, v in first.own.items() if all(k in h.own and h.own[k] == v for h in rest)]
    for k, v in agreed:
        first.base[k] = v
        for h in histories:
            h.own.pop(k, None)
