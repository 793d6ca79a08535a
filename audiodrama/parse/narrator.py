"""Naming a first-person narrator: by what the other characters call them.

In first-person stories the narrator's name shows up in the replies to the narrator's
own lines ("Hello, Jake," said Bill. / "Hello," I said.). We count the names addressed
in the quotes right next to the narrator's quotes; the most addressed one is the
narrator's name.
"""

from __future__ import annotations

from audiodrama.model import Character
from audiodrama.parse.attribution import Attributor
from audiodrama.parse.names import NameIndex
from audiodrama.parse.quotes import Paragraph
from audiodrama.parse.turns import Turn


def addressed_in_replies(
    turns: list[Turn], narrator: int | None, i_tagged_only: bool = False
) -> dict[int, int]:
    """How often each character is addressed in a quote adjacent to a narrator's quote."""
    counts: dict[int, int] = {}
    for ti, t in enumerate(turns):
        is_narr = any(
            (st.tag is not None and st.tag.subject == "I") if i_tagged_only else st.speaker == narrator
            for st in t.states
        )
        if not is_narr:
            continue
        for tj in (ti - 1, ti + 1):
            if 0 <= tj < len(turns) and abs(turns[tj].para.index - t.para.index) == 1:
                for st in turns[tj].states:
                    if st.addressee is not None and not (st.tag is not None and st.tag.subject == "I"):
                        counts[st.addressee] = counts.get(st.addressee, 0) + 1
    return counts


def name_narrator(
    text: str,
    paras: list[Paragraph],
    index: NameIndex,
    genders: list[str],
    characters: list[Character],
    cast_mode: bool = True,
) -> int | None:
    """The cast character who is the first-person narrator, or None."""
    att = Attributor(text, paras, index, genders, None)
    turns = att.prepare()
    counts = addressed_in_replies(turns, None, i_tagged_only=True)
    if not counts:
        return None
    best = max(counts, key=lambda c: counts[c])
    return best if counts[best] >= 2 else None
