"""The features of each candidate speaker of an open quote (see parse.ranker for the model)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from audiodrama.parse.ranker_context import (
    Context,
    named_after,
)
from audiodrama.parse.ranker_exchange import exchange_parity, parity_gender
from audiodrama.parse.ranker_static import Feats, static_features
from audiodrama.parse.ranker_turn import turn_frame
from audiodrama.parse.ranker_voice import voice_features

_DESCRIPTION = re.compile(r"(?:the|a|an)\s", re.IGNORECASE)


_REPLY = frozenset(
    [
        "replied",
        "replies",
        "answered",
        "answers",
        "returned",
        "returns",
        "rejoined",
        "retorted",
        "retorts",
        "responded",
        "responds",
    ]
)


_STANDING = frozenset(
    (
        "top1",
        "top2",
        "gtop",
        "prom",
        "narrator",
        "pron_match",
        "pron_mismatch",
        "pron_unknown",
        "npron_match",
        "npron_mismatch",
    )
)


def candidates(ctx: Context, ti: int, speakers: Sequence[int | None]) -> dict[int, dict[str, float]]:
    """The candidate speakers of turn `ti` with their features.

    `speakers` holds the speakers decided so far (the history); the features that do not
    depend on it are computed once per turn and cached.
    """
    static = ctx.static.get(ti)
    if static is None:
        static = ctx.static[ti] = static_features(ctx, ti)
        exchange_parity(ctx, ti, Feats(static))
    fs = Feats({c: dict(v) for c, v in static.items()})
    recent = _recency(ctx, ti, speakers, fs)
    s1 = _conversation(ctx, ti, speakers, fs, recent)
    _replies(ctx, ti, speakers, fs, recent, s1)
    _told_gender(ctx, ti, fs, recent)
    _across_beats(ctx, ti, speakers, fs)
    _same_gender_speakers(ctx, ti, speakers, fs)
    _per_candidate(ctx, ti, speakers, fs)
    voice_features(ctx.voices, ti, fs.f)
    return fs.f


def _recency(ctx: Context, ti: int, speakers: Sequence[int | None], fs: Feats) -> list[int]:
    """Distinct characters from mentions and earlier speakers, newest first (rec0...)."""
    att = ctx.att
    turn = att.turns[ti]
    items = list(ctx.mention_items[ti])
    lo_para = turn.para.index - 8
    for j in range(ti - 1, max(-1, ti - 25), -1):
        tj = att.turns[j]
        if tj.para.index < lo_para:
            break
        if speakers[j] is not None:
            items.append((tj.states[0].quote.start, speakers[j]))  # type: ignore[arg-type]
    items.sort(reverse=True)
    recent = list(dict.fromkeys(c for _, c in items))  # distinct, newest first
    for r, c in enumerate(recent[:6]):
        fs.add(c, "rec0" if r == 0 else "rec1" if r == 1 else "rec2" if r == 2 else "rec3plus")
    return recent


def _conversation(
    ctx: Context, ti: int, speakers: Sequence[int | None], fs: Feats, recent: list[int]
) -> int | None:
    """The conversation: previous turns (adjacent chain); returns the previous speaker."""
    frame = turn_frame(ctx, ti)
    adjacent = frame.adjacent
    add = fs.add
    s1 = speakers[ti - 1] if adjacent[1] else None
    s2 = speakers[ti - 2] if adjacent[2] else None
    s3 = speakers[ti - 3] if adjacent[3] else None
    s4 = speakers[ti - 4] if adjacent[4] else None
    add(s1, "prev1")
    if s1 is None and frame.gap1:
        add(speakers[ti - 1], "prev1_gap")
    if s2 is not None:
        add(s2, "prev2_alt" if s2 != s1 else "prev2_same")
    add(s3, "prev3")
    if s4 is not None and s4 != s3:
        add(s4, "prev4_alt")
    # each speaker once: adding a feature again changes nothing (same value, same order)
    window: set[int] = set()
    for j in frame.window:
        c = speakers[j]
        if c is not None and c not in window:
            window.add(c)
            add(c, "spoke_window")
    in_chain = [speakers[j] for j in frame.chain]
    for c in dict.fromkeys(in_chain):
        add(c, "spoke_in_chain")
    if s1 is not None:
        others = [c for c in in_chain if c is not None and c != s1]
        if others:
            add(others[0], "chain_other")
        else:
            _one_anchor_other(ctx, ti, fs, recent, s1)
    return s1


def _one_anchor_other(ctx: Context, ti: int, fs: Feats, recent: list[int], s1: int) -> None:
    """The one-anchor conversation: the other participant is the one the previous quote
    spoke to (by name, or `to her`), else the most recent other character named before
    the chain."""
    att = ctx.att
    prev_states = att.turns[ti - 1].states
    told = next((st.addressee for st in prev_states if st.addressee is not None and st.addressee != s1), None)
    g_told = next((st.addr_gender for st in prev_states if st.addr_gender), None)
    for c in recent:
        if told is not None and c != told:
            continue
        if c != s1 and (g_told is None or (c < len(att.genders) and att.genders[c] == g_told)):
            fs.add(c, "chain_other")
            break


def _replies(
    ctx: Context, ti: int, speakers: Sequence[int | None], fs: Feats, recent: list[int], s1: int | None
) -> None:
    """Who answers whom: late replies, `I said to her`, `replied he`, `said the young man`."""
    att = ctx.att
    turn = att.turns[ti]
    add = fs.add
    # addressed two turns back and not heard from since: the reply may come late
    # (`"Are you that stupid, Xand?!" she said.` / `"Not fair!" Andrew said.` / `"What I say?"`)
    adjacent = turn_frame(ctx, ti).adjacent
    if adjacent[2]:
        for st in att.turns[ti - 2].states:
            a = st.addressee
            if a is not None and a != speakers[ti - 1] and a != speakers[ti - 2]:
                add(a, "voc_prev2")
    # `"..." I said to her.` / `"..."`: the newest other character of that gender replies
    if s1 is not None:
        for st in att.turns[ti - 1].states:
            if st.addr_gender in ("male", "female"):
                told = [
                    c
                    for c in recent
                    if c != s1
                    and c != att.narrator
                    and c < len(att.genders)
                    and att.genders[c] == st.addr_gender
                ]
                add(told[0] if told else None, "voc_prev_pron")
                if len(told) == 1:
                    add(told[0], "voc_prev_pron_only")  # nobody else of that gender is around
                break
    # `"..." replied he`: an answer, so not the previous speaker, likely the one addressed
    if any(st.tag is not None and st.tag.verb.lower() in _REPLY for st in turn.states):
        add(s1, "reply_prev1")
        if adjacent[1]:
            for st in att.turns[ti - 1].states:
                add(st.addressee, "reply_voc")
    # `said the young man` after someone spoke: a description, not the name or pronoun
    # the story would use for the one just heard, so most likely someone else
    if any(st.tag is not None and _DESCRIPTION.match(st.tag.subject) for st in turn.states):
        add(s1, "desc_prev1")


def _told_gender(ctx: Context, ti: int, fs: Feats, recent: list[int]) -> None:
    """A `he said` tag: the told gender's most recent characters, or, when nobody of that
    gender is around, the first one named after, else the most prominent one."""
    att = ctx.att
    g = att.turns[ti].pron_gender
    if g not in ("male", "female"):
        return
    n_seen = 0
    for c in recent:
        if c < len(att.genders) and att.genders[c] == g and c != att.narrator:
            fs.add(c, "grec0" if n_seen == 0 else "grec1")
            n_seen += 1
            if n_seen == 2:
                break
    f = fs.f
    around = [
        c for c in f if c < len(att.genders) and att.genders[c] == g and any(k not in _STANDING for k in f[c])
    ]
    if not around:
        # nobody of the told gender is around: the first one named in the narration
        # that follows (a scene opening on `"It's time," he said.` names him later),
        # else the most prominent one of that gender
        best = named_after(att, ti, g)
        if best is None:
            best = max(
                (c for c in range(len(att.genders)) if att.genders[c] == g),
                key=lambda c: ctx.prom.get(c, 0.0),
                default=None,
            )
        fs.add(best, "gender_only")


def _per_candidate(ctx: Context, ti: int, speakers: Sequence[int | None], fs: Feats) -> None:
    """Features of each candidate found so far: pronoun agreement, standing, having spoken."""
    att = ctx.att
    spoke: dict[int, int] = {}
    for j in range(max(0, ti - 8), ti):
        s = speakers[j]
        if s is not None:
            spoke[s] = spoke.get(s, 0) + 1
    g = att.turns[ti].pron_gender
    ng = ctx.narr_gender.get(ti)
    pg = ctx.parity_gender.get(ti)
    adjacent = turn_frame(ctx, ti).adjacent[1]
    for c in list(fs.f):
        fc = fs.f[c]
        cg = att.genders[c] if c < len(att.genders) else "unknown"
        if ng is not None:
            if cg == ng and c != att.narrator:
                fc["npron_match"] = 1.0
            elif cg != "unknown":
                fc["npron_mismatch"] = 1.0
        if spoke.get(c):
            fc["spoke_recent"] = math.log(1 + spoke[c])
        fc["prom"] = ctx.prom.get(c, 0.0)
        if not adjacent and "rec0" in fc:
            fc["nochain_rec0"] = 1.0
        if g in ("male", "female"):
            _pronoun_agreement(fc, c == att.narrator, cg, g)
        if pg is not None:
            parity_gender(fc, c == att.narrator, cg, pg)


def _pronoun_agreement(fc: dict[str, float], is_narrator: bool, cg: str, g: str) -> None:
    """The tag's pronoun against the candidate's gender; with the conjunctions that say the
    pronoun agrees AND the turn-taking points here."""
    if is_narrator:
        fc["pron_mismatch"] = 1.0
    elif cg == g:
        fc["pron_match"] = 1.0
        if "prev2_alt" in fc or "anc_back_even" in fc:
            fc["pm_alt"] = 1.0
        if "prev1" in fc:
            fc["pm_prev1"] = 1.0
        if "chain_other" in fc:
            fc["pm_chain_other"] = 1.0
        if "voc_prev" in fc:
            fc["pm_voc_prev"] = 1.0
    elif cg == "unknown":
        fc["pron_unknown"] = 1.0
    else:
        fc["pron_mismatch"] = 1.0


def _across_beats(ctx: Context, ti: int, speakers: Sequence[int | None], fs: Feats) -> None:
    """Turn-taking that survives narration beats: the speaker two turns back when a beat
    broke the strict chain (A, beat, B, beat, A), the other one of the conversation, who
    spoke in it, who just asked a question, and the actor of the beat."""
    frame = turn_frame(ctx, ti)
    conv = frame.conversation[:8]
    if not conv:
        return
    att = ctx.att
    add = fs.add
    s1 = speakers[conv[0]]
    _beat_actor(ctx, ti, speakers, fs, conv)
    # who just asked a question waits for the answer, beat or no beat
    qs, qe = att.turns[conv[0]].states[-1].quote.inner
    if qe > qs and att.text[qe - 1] == "?":
        add(s1, "asked_last")
    strict = frame.adjacent[2]
    if len(conv) >= 2 and not strict:
        s2 = speakers[conv[1]]
        if s2 is not None and s2 != s1:
            add(s2, "beat_alt")
    if s1 is not None and not frame.adjacent[1]:
        others = [speakers[j] for j in conv[1:] if speakers[j] is not None and speakers[j] != s1]
        if others:
            add(others[0], "beat_other")
    for j in conv:
        add(speakers[j], "conv_spoke")


_BEAT_PRON = re.compile(r"(He|She)\b")


def _beat_actor(
    ctx: Context, ti: int, speakers: Sequence[int | None], fs: Feats, conv: Sequence[int]
) -> None:
    """The actor of a narration beat just before the quote: named (`beat_subj`) and not the
    one who spoke last, or, in a beat that names nobody, `He`/`She` opening it meant as the
    last speaker of the conversation of that gender (`She folded her arms.` / `"..."`)."""
    att = ctx.att
    p = att.turns[ti].para.index - 1
    if p < 0 or att.paras[p].quotes:
        return
    s1 = speakers[conv[0]]
    for c, fc in fs.f.items():
        if "beat_subj" in fc and c != s1:
            fc["beat_subj_new"] = 1.0
    if att.para_mentions[p]:
        return
    pm = _BEAT_PRON.match(att.text, att.paras[p].start)
    if pm is None:
        return
    g = "male" if pm.group(1) == "He" else "female"
    for j in conv:
        who = speakers[j]
        if who is not None and who < len(att.genders) and att.genders[who] == g and who != att.narrator:
            fs.add(who, "beat_pron")
            return


def _same_gender_speakers(ctx: Context, ti: int, speakers: Sequence[int | None], fs: Feats) -> None:
    """A `he said` tag: the last speaker of that gender in the conversation, and the last
    one who is not the previous speaker (two men talking: `he said` after one of them is
    the other)."""
    att = ctx.att
    g = att.turns[ti].pron_gender
    if g not in ("male", "female"):
        return
    conv = turn_frame(ctx, ti).conversation
    if not conv:
        return
    s1 = speakers[conv[0]]
    first = True
    for j in conv:
        c = speakers[j]
        if c is None or c >= len(att.genders) or att.genders[c] != g or c == att.narrator:
            continue
        if first:
            fs.add(c, "gspk0")
            first = False
        if c != s1:
            fs.add(c, "gspk_other")
            break
