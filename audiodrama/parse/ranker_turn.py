"""Which earlier turns the history-dependent features of a turn read (parse.ranker_features):
those in consecutive paragraphs, in its chain, within reach. They depend on the turn alone,
so they are found once per turn, not once per beam history."""

from __future__ import annotations

from typing import NamedTuple, cast

from audiodrama.parse.ranker_context import Context

# the turns before a turn that belong to its conversation though narration beats come
# between (at most this many paragraphs apart): `"..." / She looked away. / "..."`
BEAT_GAP = 3


class TurnFrame(NamedTuple):
    """The turns before a turn that its history-dependent features read the speakers of."""

    adjacent: tuple[bool, ...]
    """`consecutive_turns(ti, ti - k)` for k = 0 ... 4."""
    gap1: bool
    """The turn before sits at most 3 paragraphs back."""
    window: tuple[int, ...]
    """The turns of the 20 before within 60 paragraphs, oldest first (`spoke_window`)."""
    chain: tuple[int, ...]
    """The turns of the 8 before in the turn's chain, newest first (`spoke_in_chain`)."""
    conversation: tuple[int, ...]
    """The 12 turns before in its conversation, newest first: each at most `BEAT_GAP`
    paragraphs before the next (narration beats do not end a conversation)."""


def turn_frame(ctx: Context, ti: int) -> TurnFrame:
    """Turn `ti`'s frame, kept in `ctx.frames`."""
    found = ctx.frames.get(ti)
    if found is None:
        found = ctx.frames[ti] = _frame(ctx, ti)
    return cast(TurnFrame, found)


def _frame(ctx: Context, ti: int) -> TurnFrame:
    para, chain_of = ctx.para_of, ctx.chain
    p = para[ti]
    chain: list[int] = []
    for j in range(ti - 1, max(-1, ti - 9), -1):
        if chain_of[j] != chain_of[ti]:
            break
        chain.append(j)
    conversation: list[int] = []
    j = ti - 1
    while j >= 0 and len(conversation) < 12 and para[j + 1] - para[j] <= BEAT_GAP:
        conversation.append(j)
        j -= 1
    return TurnFrame(
        # consecutive_turns(ti, ti - k): turns ti - k ... ti in consecutive paragraphs
        adjacent=tuple(ti - k >= 0 and abs(p - para[ti - k]) == k for k in range(5)),
        gap1=ti > 0 and p - para[ti - 1] <= 3,
        window=tuple(j for j in range(max(0, ti - 20), ti) if p - para[j] <= 60),
        chain=tuple(chain),
        conversation=tuple(conversation),
    )
