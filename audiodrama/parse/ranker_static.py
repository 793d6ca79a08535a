"""The features of a candidate speaker that do not depend on the speakers decided before it:
anchors, vocatives and names in quotes, narration around the quote, standing, relatives."""

from __future__ import annotations

import re

from audiodrama.parse.person_words import KIN, ROLES
from audiodrama.parse.ranker_context import (
    OBJ_BEFORE,
    Context,
    beat_subject,
    consecutive_turns,
    local_top,
    recent_nonobject,
    recent_subject,
)
from audiodrama.parse.turns import GENDERED_NOUNS

# `He`/`She` opening a sentence of the narration, or `His`/`Her` and what is theirs (`Her eyes
# closed.`; `Her mother came in` is someone else): the piece's first one (`_PIECE_PRON`, matched
# at the piece; a `^` in a search from `pos` matches only at the start of the story) or a later one
_OTHERS = "|".join(map(re.escape, sorted(GENDERED_NOUNS.keys() | KIN | ROLES, key=len, reverse=True)))
_PRON = rf"(He|She|(?:His|Her)(?=\s+(?!(?:{_OTHERS})\b)[a-z]))\b"
_PIECE_PRON = re.compile(r"\s*" + _PRON)
_NARR_PRON = re.compile(r"[.!?][\"'\u201d]?\s+" + _PRON)


class Feats:
    """Candidate -> feature -> value. Candidates and features keep the order they were first
    added in: the score sums in that order, so the same order gives the same floats."""

    def __init__(self, f: dict[int, dict[str, float]] | None = None) -> None:
        self.f: dict[int, dict[str, float]] = {} if f is None else f

    def add(self, c: int | None, name: str, value: float = 1.0) -> None:
        if c is None:
            return
        fc = self.f.get(c)
        if fc is None:
            fc = self.f[c] = {}
        old = fc.get(name, 0.0)
        fc[name] = value if value > old else old  # max(old, value), without the call


def static_features(ctx: Context, ti: int) -> dict[int, dict[str, float]]:
    """The features of turn `ti` that do not depend on earlier decisions."""
    att = ctx.att
    turn = att.turns[ti]
    fs = Feats()
    # mention recency (speakers are merged in per history)
    items: list[tuple[int, int]] = []
    first_q = turn.para.quotes[0].start
    for p in range(turn.para.index - 1, max(-1, turn.para.index - 9), -1):
        items.extend((m.start, m.char) for m in att.para_mentions[p])
    items.extend((m.start, m.char) for m in turn.mentions if m.start < first_q)
    ctx.mention_items[ti] = items
    _anchors(ctx, ti, fs)
    _named_in_quotes(ctx, ti, fs)
    _narration(ctx, ti, fs)
    # standing of the character in the story
    for c in ctx.top:
        fs.add(c, "top1" if c == ctx.top[0] else "top2")
    if att.narrator is not None:
        fs.add(att.narrator, "narrator")
    _narration_pronoun(ctx, ti)
    _relatives(ctx, ti, fs)
    return fs.f


def _anchors(ctx: Context, ti: int, fs: Feats) -> None:
    """Anchors after, and the A-B-A-B parity of the nearest anchors."""
    att = ctx.att
    n1 = ctx.anchor[ti + 1] if consecutive_turns(att, ti, ti + 1) else None
    n2 = ctx.anchor[ti + 2] if consecutive_turns(att, ti, ti + 2) else None
    fs.add(n1, "next1_anchor")
    if n2 is not None:
        fs.add(n2, "next2_anchor")
        if n1 is not None and n1 != n2:
            fs.add(n2, "next2_alt")
    chain = ctx.chain[ti]
    for step, even, odd in ((-1, "anc_back_even", "anc_back_odd"), (1, "anc_fwd_even", "anc_fwd_odd")):
        j = ti + step
        while 0 <= j < len(att.turns) and ctx.chain[j] == chain and abs(j - ti) <= 12:
            if ctx.anchor[j] is not None:
                fs.add(ctx.anchor[j], even if (j - ti) % 2 == 0 else odd)
                break
            j += step


def _named_in_quotes(ctx: Context, ti: int, fs: Feats) -> None:
    """Vocatives and names inside quotes (this turn's and its neighbours')."""
    att = ctx.att
    turn = att.turns[ti]
    if consecutive_turns(att, ti, ti - 1):
        prev = att.turns[ti - 1]
        for st in prev.states:
            # `"I am afraid, Mr. Darcy," observed Miss Bingley, "that ..."`: any addressee
            fs.add(st.addressee, "voc_prev")
        for st in prev.states:
            for m in st.mentions:
                fs.add(m.char, "named_in_prev_quote")
    for st in turn.states:
        for c in st.kin:
            fs.add(c, "kin")
        fs.add(st.addressee, "voc_here")
        for m in st.mentions:
            fs.add(m.char, "named_in_quote")
    if consecutive_turns(att, ti, ti + 1):
        fs.add(att.turns[ti + 1].states[0].addressee, "voc_next")


def _narration(ctx: Context, ti: int, fs: Feats) -> None:
    """Narration of this paragraph and of the paragraph before."""
    att = ctx.att
    turn = att.turns[ti]
    text = att.text
    add = fs.add
    first_q = turn.para.quotes[0].start
    # `She turned to Mike. "This is Bill."`: a name after `to`/`at` is spoken to, not speaking
    objs = {m.char for m in turn.mentions if OBJ_BEFORE.search(text, max(0, m.start - 12), m.start)}
    chars = {m.char for m in turn.mentions} - objs
    for m in turn.mentions:
        if m.char in objs:
            add(m.char, "ment_obj")
        else:
            add(m.char, "ment_before" if m.start < first_q else "ment_after")
    if len(chars) == 1:
        add(next(iter(chars)), "ment_only")
    if turn.para.pieces[0].kind == "n" and turn.mentions:
        m0 = turn.mentions[0]
        if m0.start < turn.para.pieces[0].end and not text.startswith(("'s", "\u2019s"), m0.end):
            add(m0.char, "ment_subj")
    add(turn.leadin, "leadin")
    beat = beat_subject(att, ti)
    if beat is not None and beat == att.narrator:
        add(beat, "beat_i")  # `I said nothing.` / `"..."`: the other one may answer
    else:
        add(beat, "beat_subj")
    p = turn.para.index - 1
    if p >= 0 and not att.paras[p].quotes and att.para_mentions[p]:
        pm = att.para_mentions[p]
        for m in pm:
            add(m.char, "prevpara_ment")
        add(pm[-1].char, "prevpara_last")
        add(pm[0].char, "prevpara_subj")


def _narration_pronoun(ctx: Context, ti: int) -> None:
    """The paragraph's narration names its actor by pronoun: `He put his finger ...`."""
    att = ctx.att
    turn = att.turns[ti]
    for piece in turn.para.narration[:2]:
        if turn.pron_gender is not None:
            break  # the tag's pronoun names the speaker; `She looked up at him` is the other
        end = min(piece.end, piece.start + 300)
        nm = _PIECE_PRON.match(att.text, piece.start, end) or _NARR_PRON.search(att.text, piece.start, end)
        if nm:
            ctx.narr_gender[ti] = "male" if nm.group(1) in ("He", "His") else "female"
            break


def _relatives(ctx: Context, ti: int, fs: Feats) -> None:
    """`said her aunt` and `he said`: who the possessive or the pronoun points at."""
    att = ctx.att
    turn = att.turns[ti]
    # `said her aunt`: told relative to someone else -- the one `her` means (the
    # story's point-of-view woman, the last one named) is not the speaker
    for st in turn.states:
        if st.speaker is None and st.tag is not None:
            words = st.tag.subject.lower().split()
            if len(words) == 2 and words[0] in ("his", "her"):
                og = "male" if words[0] == "his" else "female"
                fs.add(recent_nonobject(att, ti, og), "rel_owner")
                fs.add(ctx.top_by_gender.get(og), "rel_owner")
                break
    g = turn.pron_gender
    if g in ("male", "female"):
        fs.add(recent_subject(att, ti, g), "gsubj0")
        fs.add(recent_nonobject(att, ti, g), "gnp0")
        fs.add(ctx.top_by_gender.get(g), "gtop")
        fs.add(local_top(att, ti, g), "gloc")
