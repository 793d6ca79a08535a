"""The features of each candidate speaker of an open quote (see parse.ranker for the model)."""

from __future__ import annotations

import math
import re

from audiodrama.parse.ranker_context import (
    OBJ_BEFORE,
    Context,
    beat_subject,
    consecutive_turns,
    local_top,
    named_after,
    recent_nonobject,
    recent_subject,
)

_DESCRIPTION = re.compile(r"(?:the|a|an)\s", re.IGNORECASE)


_NARR_PRON = re.compile(r"(?:^|[.!?][\"'\u201d]?\s+)(He|She)\b")


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


class Feats:
    """Candidate -> feature -> value. Candidates and features keep the order they were first
    added in: the score sums in that order, so the same order gives the same floats."""

    def __init__(self, f: dict[int, dict[str, float]] | None = None) -> None:
        self.f: dict[int, dict[str, float]] = {} if f is None else f

    def add(self, c: int | None, name: str, value: float = 1.0) -> None:
        if c is None:
            return
        self.f.setdefault(c, {})
        self.f[c][name] = max(self.f[c].get(name, 0.0), value)


def candidates(ctx: Context, ti: int, speakers: list[int | None]) -> dict[int, dict[str, float]]:
    """The candidate speakers of turn `ti` with their features.

    `speakers` holds the speakers decided so far (the history); the features that do not
    depend on it are computed once per turn and cached.
    """
    static = ctx.static.get(ti)
    if static is None:
        static = ctx.static[ti] = _static(ctx, ti)
    fs = Feats({c: dict(v) for c, v in static.items()})
    recent = _recency(ctx, ti, speakers, fs)
    s1 = _conversation(ctx, ti, speakers, fs, recent)
    _replies(ctx, ti, speakers, fs, recent, s1)
    _told_gender(ctx, ti, fs, recent)
    _per_candidate(ctx, ti, speakers, fs)
    return fs.f


def _recency(ctx: Context, ti: int, speakers: list[int | None], fs: Feats) -> list[int]:
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
    recent: list[int] = []
    for _, c in items:
        if c not in recent:
            recent.append(c)
    for r, c in enumerate(recent[:6]):
        fs.add(c, "rec0" if r == 0 else "rec1" if r == 1 else "rec2" if r == 2 else "rec3plus")
    return recent


def _conversation(
    ctx: Context, ti: int, speakers: list[int | None], fs: Feats, recent: list[int]
) -> int | None:
    """The conversation: previous turns (adjacent chain); returns the previous speaker."""
    att = ctx.att
    turn = att.turns[ti]
    add = fs.add
    s1 = speakers[ti - 1] if consecutive_turns(att, ti, ti - 1) else None
    s2 = speakers[ti - 2] if consecutive_turns(att, ti, ti - 2) else None
    s3 = speakers[ti - 3] if consecutive_turns(att, ti, ti - 3) else None
    s4 = speakers[ti - 4] if consecutive_turns(att, ti, ti - 4) else None
    add(s1, "prev1")
    if s1 is None and ti > 0 and turn.para.index - att.turns[ti - 1].para.index <= 3:
        add(speakers[ti - 1], "prev1_gap")
    if s2 is not None:
        add(s2, "prev2_alt" if s2 != s1 else "prev2_same")
    add(s3, "prev3")
    if s4 is not None and s4 != s3:
        add(s4, "prev4_alt")
    chain = ctx.chain[ti]
    for j in range(max(0, ti - 20), ti):
        if speakers[j] is not None and turn.para.index - att.turns[j].para.index <= 60:
            add(speakers[j], "spoke_window")
    in_chain = []
    for j in range(ti - 1, max(-1, ti - 9), -1):
        if ctx.chain[j] != chain:
            break
        in_chain.append(speakers[j])
    for c in in_chain:
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
    ctx: Context, ti: int, speakers: list[int | None], fs: Feats, recent: list[int], s1: int | None
) -> None:
    """Who answers whom: late replies, `I said to her`, `replied he`, `said the young man`."""
    att = ctx.att
    turn = att.turns[ti]
    add = fs.add
    # addressed two turns back and not heard from since: the reply may come late
    # (`"Are you that stupid, Xand?!" she said.` / `"Not fair!" Andrew said.` / `"What I say?"`)
    if consecutive_turns(att, ti, ti - 2):
        for st in att.turns[ti - 2].states:
            a = st.addressee
            if a is not None and a != speakers[ti - 1] and a != speakers[ti - 2]:
                add(a, "voc_prev2")
    # `"..." I said to her.` / `"..."`: the newest other character of that gender replies
    if s1 is not None:
        for st in att.turns[ti - 1].states:
            if st.addr_gender in ("male", "female"):
                who = next(
                    (
                        c
                        for c in recent
                        if c != s1
                        and c != att.narrator
                        and c < len(att.genders)
                        and att.genders[c] == st.addr_gender
                    ),
                    None,
                )
                add(who, "voc_prev_pron")
                break
    # `"..." replied he`: an answer, so not the previous speaker, likely the one addressed
    if any(st.tag is not None and st.tag.verb.lower() in _REPLY for st in turn.states):
        add(s1, "reply_prev1")
        if consecutive_turns(att, ti, ti - 1):
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


def _per_candidate(ctx: Context, ti: int, speakers: list[int | None], fs: Feats) -> None:
    """Features of each candidate found so far: pronoun agreement, standing, having spoken."""
    att = ctx.att
    spoke: dict[int, int] = {}
    for j in range(max(0, ti - 8), ti):
        s = speakers[j]
        if s is not None:
            spoke[s] = spoke.get(s, 0) + 1
    g = att.turns[ti].pron_gender
    ng = ctx.narr_gender.get(ti)
    adjacent = consecutive_turns(att, ti, ti - 1)
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


def _static(ctx: Context, ti: int) -> dict[int, dict[str, float]]:
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
        nm = _NARR_PRON.search(att.text, piece.start, min(piece.end, piece.start + 300))
        if nm:
            ctx.narr_gender[ti] = "male" if nm.group(1) == "He" else "female"
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
