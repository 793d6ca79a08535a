"""Features of a candidate pooled over the whole exchange around the quote, by the parity of
the turns: in an A-B-A-B exchange the turns an even number of turns away have this turn's
speaker, the odd ones the other one.

The decoder picks the other one of an exchange once, at its first untagged turn, and the
turn-taking features copy that choice to every second turn after it; when it is wrong the
whole exchange is (`"..." / "..." said Frank / "..." / "..."`: every second line given to
someone else). These features read the rule-decided speakers (explicit tags) and the people
addressed by name on every turn of the exchange, before and after, not the decoder's own
choices, so one wrong choice does not spread through them.
"""

from __future__ import annotations

from audiodrama.parse.ranker_context import Context
from audiodrama.parse.ranker_static import Feats

# turns at most this many paragraphs apart are one exchange: consecutive paragraphs only
# (letting a narration beat in, a gap of 3, scored lower in leave-one-novel-out on PDNC)
_GAP = 1
# and at most this many turns away on either side
_REACH = 12


def exchange_turns(ctx: Context, ti: int) -> list[int]:
    """The other turns of the exchange around turn `ti`, before and after it."""
    turns = ctx.att.turns
    out: list[int] = []
    for step in (-1, 1):
        j = ti
        while 0 <= j + step < len(turns) and abs(j + step - ti) <= _REACH:
            a, b = (j + step, j) if step < 0 else (j, j + step)
            if turns[b].para.index - turns[a].para.index > _GAP:
                break
            j += step
            out.append(j)
    return out


def exchange_parity(ctx: Context, ti: int, fs: Feats) -> None:
    """Who the exchange's tags make speak the turns of this turn's parity (`par_anchor_even`)
    or of the other one (`par_anchor_odd`), and whom its turns address by name: addressed
    by the other parity's turns, likely this turn's speaker (`par_voc_odd`); by this
    parity's, likely not (`par_voc_even`)."""
    att = ctx.att
    told: set[str] = set()  # the genders of the `he said` tags of this parity
    for j in exchange_turns(ctx, ti):
        even = (j - ti) % 2 == 0
        fs.add(ctx.anchor[j], "par_anchor_even" if even else "par_anchor_odd")
        if abs(j - ti) > 1:  # the turns next to it: voc_prev and voc_next
            for st in att.turns[j].states:
                fs.add(st.addressee, "par_voc_even" if even else "par_voc_odd")
        g = att.turns[j].pron_gender
        if even and ctx.anchor[j] is None and g in ("male", "female"):
            told.add(g)
    if len(told) == 1:
        ctx.parity_gender[ti] = told.pop()


def parity_gender(fc: dict[str, float], is_narrator: bool, cg: str, g: str) -> None:
    """The untagged turns of this turn's parity say `he said` (or all `she said`): this
    turn's speaker is likely of that gender too."""
    if cg == g and not is_narrator:
        fc["par_pron_match"] = 1.0
    elif cg in ("male", "female"):
        fc["par_pron_mismatch"] = 1.0
