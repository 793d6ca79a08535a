"""The learned part of the sieve: rank the candidate speakers of a quote with no tag.

After the precise rules (explicit tags, lead-ins, continued quotes) a quote still open is
decided by a small conditional-logit model over the characters that could speak it:
the people of the conversation, those named around it, the narrator. Each candidate is
described by features that model how dialogue is written (turn-taking A-B-A-B, the
pronoun of a `he said` tag, vocatives, narration naming the actor, recency, prominence).
The weights (a few dozen floats, audiodrama/data/attribution_model.json) are trained by
scripts/train_attribution.py on PDNC; without the file, hand-set weights are used.

Turns are decided left to right, so the features of a turn see the speakers chosen for
the turns before it, and the rule-decided turns (anchors) after it.

A character the narration sends out of the scene (`She snapped her fingers and disappeared
into thin air.`, `He walked out the door.`, `Cohn was gone.`) is no candidate until the
narration names or means them again or they are heard (`_exits`, `_gone`). That is a hard
constraint applied when decoding, like dropping whoever a quote addresses; the model is
trained on the full candidate sets (training under the constraint too scored lower in
leave-one-novel-out on PDNC: 5197 vs 5203 quotes).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Set
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from audiodrama.parse.turns import Sieve

FEATURES: tuple[str, ...] = (
    "pron_match",
    "pron_mismatch",
    "pron_unknown",
    "prev1",
    "prev1_gap",
    "prev2_alt",
    "prev2_same",
    "prev3",
    "prev4_alt",
    "next1_anchor",
    "next2_anchor",
    "next2_alt",
    "voc_prev",
    "voc_here",
    "voc_next",
    "named_in_quote",
    "named_in_prev_quote",
    "ment_before",
    "ment_subj",
    "ment_after",
    "ment_only",
    "leadin",
    "prevpara_ment",
    "prevpara_last",
    "prevpara_subj",
    "rec0",
    "rec1",
    "rec2",
    "rec3plus",
    "spoke_recent",
    "prom",
    "top1",
    "top2",
    "narrator",
    "nochain_rec0",
    "chain_other",
    "spoke_in_chain",
    "anc_back_even",
    "anc_back_odd",
    "anc_fwd_even",
    "anc_fwd_odd",
    "spoke_window",
    "npron_match",
    "npron_mismatch",
    "gender_only",
    "grec0",
    "grec1",
    "gsubj0",
    "gtop",
    "pm_alt",
    "pm_prev1",
    "pm_chain_other",
    "pm_voc_prev",
    "voc_prev2",
    "beat_subj",
    "kin",
    "voc_prev_pron",
    "reply_voc",
    "reply_prev1",
    "ment_obj",
    "beat_i",
    "gnp0",
    "rel_owner",
    "gloc",
    "desc_prev1",
)

# Hand-set weights: the rule order of the sieve, used when no trained file is shipped, and
# the prior mean the training script regularises towards (scripts/train_attribution.py).
DEFAULT_WEIGHTS: dict[str, float] = {
    "pron_match": 2.0,
    "pron_mismatch": -4.0,
    "prev1": -2.5,
    "prev1_gap": 0.5,
    "prev2_alt": 2.0,
    "next2_alt": 1.5,
    "next1_anchor": -1.5,
    "voc_prev": 2.5,
    "voc_here": -4.0,
    "voc_next": 1.0,
    "named_in_quote": -1.0,
    "ment_before": 1.5,
    "ment_subj": 1.0,
    "ment_only": 1.0,
    "leadin": 2.0,
    "prevpara_last": 0.5,
    "rec0": 0.8,
    "rec1": 0.5,
    "rec2": 0.2,
    "spoke_recent": 0.5,
    "prom": 0.3,
    "narrator": 0.3,
    "chain_other": 1.0,
    "spoke_in_chain": 0.5,
    "gender_only": 1.5,
    "voc_prev2": 1.0,
    "beat_subj": 1.0,
    "kin": 2.0,
    "voc_prev_pron": 1.0,
    "reply_voc": 1.0,
    "reply_prev1": -1.0,
    "rel_owner": -1.0,
    "desc_prev1": -1.5,
}

_DESCRIPTION = re.compile(r"(?:the|a|an)\s", re.IGNORECASE)
_NARR_PRON = re.compile(r"(?:^|[.!?][\"'\u201d]?\s+)(He|She)\b")

MODEL_FILE = "attribution_model.json"
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


def load_weights(path: str | Path | None = None) -> Mapping[str, float]:
    """The ranker's weights: from the model file `path`, else the packaged model; the
    hand-set defaults when the file cannot be read."""
    if path is None:
        return _packaged_weights()
    try:
        return _weights(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return MappingProxyType(dict(DEFAULT_WEIGHTS))


@lru_cache(maxsize=1)  # the packaged file never changes: read it once per process, read-only
def _packaged_weights() -> Mapping[str, float]:
    try:
        return _weights(resources.files("audiodrama.data").joinpath(MODEL_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, ModuleNotFoundError, TypeError):
        return MappingProxyType(dict(DEFAULT_WEIGHTS))


def _weights(model_json: str) -> Mapping[str, float]:
    return MappingProxyType({k: float(v) for k, v in json.loads(model_json)["weights"].items()})


class Context:
    """Per-story values the features need, computed once."""

    def __init__(self, att: Sieve):
        self.att = att
        counts: dict[int, int] = {}
        for ments in att.para_mentions:
            for m in ments:
                counts[m.char] = counts.get(m.char, 0) + 1
        for t in att.turns:
            for st in t.states:
                if st.speaker is not None:
                    counts[st.speaker] = counts.get(st.speaker, 0) + 2
        total = sum(counts.values()) or 1
        self.prom = {c: math.log(1 + 100 * n / total) for c, n in counts.items()}
        ranked = sorted(counts, key=lambda c: -counts[c])
        self.top = ranked[:2]
        self.top_by_gender: dict[str, int] = {}
        for c in ranked:
            g = att.genders[c] if c < len(att.genders) else "unknown"
            if c != att.narrator:
                self.top_by_gender.setdefault(g, c)
        # Anchors: speakers the precise rules decided, fixed before ranking.
        self.anchor = [t.speaker for t in att.turns]
        self.static: dict[int, dict[int, dict[str, float]]] = {}
        self.mention_items: dict[int, list[tuple[int, int]]] = {}
        self.narr_gender: dict[int, str] = {}
        # who left the scene where: (position, sentence end, character), in text order
        self.exits: list[tuple[int, int, int]] = _exits(att)
        self.gone: dict[int, dict[int, int]] = {}
        # chain id of each turn: consecutive paragraphs with quotes
        self.chain: list[int] = []
        cid = -1
        for i, t in enumerate(att.turns):
            if i == 0 or t.para.index - att.turns[i - 1].para.index > 1:
                cid += 1
            self.chain.append(cid)


def _adj(att: Sieve, ti: int, tj: int) -> bool:
    """Turns ti and tj exist and sit in consecutive paragraphs."""
    if tj < 0 or tj >= len(att.turns) or ti < 0 or ti >= len(att.turns):
        return False
    return abs(att.turns[ti].para.index - att.turns[tj].para.index) == abs(ti - tj)


def candidates(ctx: Context, ti: int, speakers: list[int | None]) -> dict[int, dict[str, float]]:
    """The candidate speakers of turn `ti` with their features.

    `speakers` holds the speakers decided so far (the history); the features that do not
    depend on it are computed once per turn and cached.
    """
    att = ctx.att
    turn = att.turns[ti]
    static = ctx.static.get(ti)
    if static is None:
        static = ctx.static[ti] = _static(ctx, ti)
    f: dict[int, dict[str, float]] = {c: dict(v) for c, v in static.items()}

    def add(c: int | None, name: str, value: float = 1.0) -> None:
        if c is None:
            return
        f.setdefault(c, {})
        f[c][name] = max(f[c].get(name, 0.0), value)

    # recency: distinct characters from mentions and earlier speakers, newest first
    items = list(ctx.mention_items[ti])
    lo_para = turn.para.index - 8
    for j in range(ti - 1, max(-1, ti - 25), -1):
        tj = att.turns[j]
        if tj.para.index < lo_para:
            break
        if speakers[j] is not None:
            items.append((tj.states[0].quote.start, speakers[j]))
    items.sort(reverse=True)
    recent: list[int] = []
    for _, c in items:
        if c not in recent:
            recent.append(c)
    for r, c in enumerate(recent[:6]):
        add(c, "rec0" if r == 0 else "rec1" if r == 1 else "rec2" if r == 2 else "rec3plus")
    # the conversation: previous turns (adjacent chain)
    s1 = speakers[ti - 1] if _adj(att, ti, ti - 1) else None
    s2 = speakers[ti - 2] if _adj(att, ti, ti - 2) else None
    s3 = speakers[ti - 3] if _adj(att, ti, ti - 3) else None
    s4 = speakers[ti - 4] if _adj(att, ti, ti - 4) else None
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
            # the one-anchor conversation: the other participant is the one the previous
            # quote spoke to (by name, or `to her`), else the most recent other character
            # named before the chain
            prev_states = att.turns[ti - 1].states
            told = next(
                (st.addressee for st in prev_states if st.addressee is not None and st.addressee != s1), None
            )
            g_told = next((st.addr_gender for st in prev_states if st.addr_gender), None)
            for c in recent:
                if told is not None and c != told:
                    continue
                if c != s1 and (g_told is None or (c < len(att.genders) and att.genders[c] == g_told)):
                    add(c, "chain_other")
                    break
    # addressed two turns back and not heard from since: the reply may come late
    # (`"Are you that stupid, Xand?!" she said.` / `"Not fair!" Andrew said.` / `"What I say?"`)
    if _adj(att, ti, ti - 2):
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
        if _adj(att, ti, ti - 1):
            for st in att.turns[ti - 1].states:
                add(st.addressee, "reply_voc")
    # `said the young man` after someone spoke: a description, not the name or pronoun
    # the story would use for the one just heard, so most likely someone else
    if any(st.tag is not None and _DESCRIPTION.match(st.tag.subject) for st in turn.states):
        add(s1, "desc_prev1")
    spoke: dict[int, int] = {}
    for j in range(max(0, ti - 8), ti):
        if speakers[j] is not None:
            spoke[speakers[j]] = spoke.get(speakers[j], 0) + 1
    g = turn.pron_gender
    if g in ("male", "female"):
        # the told gender's most recent characters
        n_seen = 0
        for c in recent:
            if c < len(att.genders) and att.genders[c] == g and c != att.narrator:
                add(c, "grec0" if n_seen == 0 else "grec1")
                n_seen += 1
                if n_seen == 2:
                    break
        around = [
            c
            for c in f
            if c < len(att.genders) and att.genders[c] == g and any(k not in _STANDING for k in f[c])
        ]
        if not around:
            # nobody of the told gender is around: the first one named in the narration
            # that follows (a scene opening on `"It's time," he said.` names him later),
            # else the most prominent one of that gender
            best = _named_after(att, ti, g)
            if best is None:
                best = max(
                    (c for c in range(len(att.genders)) if att.genders[c] == g),
                    key=lambda c: ctx.prom.get(c, 0.0),
                    default=None,
                )
            add(best, "gender_only")
    ng = ctx.narr_gender.get(ti)
    adjacent = _adj(att, ti, ti - 1)
    for c in list(f):
        fc = f[c]
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
            if c == att.narrator:
                fc["pron_mismatch"] = 1.0
            elif cg == g:
                fc["pron_match"] = 1.0
                # conjunctions: the pronoun agrees AND the turn-taking points here
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
    return f


def _static(ctx: Context, ti: int) -> dict[int, dict[str, float]]:
    """The features of turn `ti` that do not depend on earlier decisions."""
    att = ctx.att
    turn = att.turns[ti]
    text = att.text
    f: dict[int, dict[str, float]] = {}

    def add(c: int | None, name: str, value: float = 1.0) -> None:
        if c is None:
            return
        f.setdefault(c, {})
        f[c][name] = max(f[c].get(name, 0.0), value)

    # mention recency (speakers are merged in per history)
    items: list[tuple[int, int]] = []
    first_q = turn.para.quotes[0].start
    for p in range(turn.para.index - 1, max(-1, turn.para.index - 9), -1):
        items.extend((m.start, m.char) for m in att.para_mentions[p])
    items.extend((m.start, m.char) for m in turn.mentions if m.start < first_q)
    ctx.mention_items[ti] = items
    # anchors after, and the A-B-A-B parity of the nearest anchors
    n1 = ctx.anchor[ti + 1] if _adj(att, ti, ti + 1) else None
    n2 = ctx.anchor[ti + 2] if _adj(att, ti, ti + 2) else None
    add(n1, "next1_anchor")
    if n2 is not None:
        add(n2, "next2_anchor")
        if n1 is not None and n1 != n2:
            add(n2, "next2_alt")
    chain = ctx.chain[ti]
    for step, even, odd in ((-1, "anc_back_even", "anc_back_odd"), (1, "anc_fwd_even", "anc_fwd_odd")):
        j = ti + step
        while 0 <= j < len(att.turns) and ctx.chain[j] == chain and abs(j - ti) <= 12:
            if ctx.anchor[j] is not None:
                add(ctx.anchor[j], even if (j - ti) % 2 == 0 else odd)
                break
            j += step
    # vocatives and names inside quotes
    if _adj(att, ti, ti - 1):
        prev = att.turns[ti - 1]
        for st in prev.states:
            # `"I am afraid, Mr. Darcy," observed Miss Bingley, "that ..."`: any addressee
            add(st.addressee, "voc_prev")
        for st in prev.states:
            for m in st.mentions:
                add(m.char, "named_in_prev_quote")
    for st in turn.states:
        for c in st.kin:
            add(c, "kin")
        add(st.addressee, "voc_here")
        for m in st.mentions:
            add(m.char, "named_in_quote")
    if _adj(att, ti, ti + 1):
        add(att.turns[ti + 1].states[0].addressee, "voc_next")
    # narration of this paragraph and of the paragraph before
    # `She turned to Mike. "This is Bill."`: a name after `to`/`at` is spoken to, not speaking
    objs = {m.char for m in turn.mentions if _OBJ_BEFORE.search(text, max(0, m.start - 12), m.start)}
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
    beat = _beat_subject(att, ti)
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
    # standing of the character in the story
    for c in ctx.top:
        add(c, "top1" if c == ctx.top[0] else "top2")
    if att.narrator is not None:
        add(att.narrator, "narrator")
    # the paragraph's narration names its actor by pronoun: `He put his finger ...`
    for piece in turn.para.narration[:2]:
        if turn.pron_gender is not None:
            break  # the tag's pronoun names the speaker; `She looked up at him` is the other
        nm = _NARR_PRON.search(text, piece.start, min(piece.end, piece.start + 300))
        if nm:
            ctx.narr_gender[ti] = "male" if nm.group(1) == "He" else "female"
            break
    # `said her aunt`: told relative to someone else -- the one `her` means (the
    # story's point-of-view woman, the last one named) is not the speaker
    for st in turn.states:
        if st.speaker is None and st.tag is not None:
            words = st.tag.subject.lower().split()
            if len(words) == 2 and words[0] in ("his", "her"):
                og = "male" if words[0] == "his" else "female"
                add(_recent_nonobject(att, ti, og), "rel_owner")
                add(ctx.top_by_gender.get(og), "rel_owner")
                break
    g = turn.pron_gender
    if g in ("male", "female"):
        add(_recent_subject(att, ti, g), "gsubj0")
        add(_recent_nonobject(att, ti, g), "gnp0")
        add(ctx.top_by_gender.get(g), "gtop")
        add(_local_top(att, ti, g), "gloc")
    return f


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
_LAST_SENT = re.compile(r"(?:^|[.!?][\"'\u201d]?\s+)(?=[A-Z])")
_PRON_SUBJ = re.compile(r"(He|She)\b")


def _local_top(att: Sieve, ti: int, gender: str, window: int = 60) -> int | None:
    """The character of `gender` the narration of the last `window` paragraphs names most
    (the scene's man or woman of the moment: whom a long run of `he` / `she` is about)."""
    p0 = att.turns[ti].para.index
    counts: dict[int, int] = {}
    text = att.text
    for p in range(max(0, p0 - window), p0 + 1):
        for m in att.para_mentions[p]:
            c = m.char
            if (
                c < len(att.genders)
                and att.genders[c] == gender
                and c != att.narrator
                and not text.startswith(("'s", "\u2019s"), m.end)
            ):
                counts[c] = counts.get(c, 0) + 1
    return max(counts, key=lambda c: counts[c]) if counts else None


def _named_after(att: Sieve, ti: int, gender: str) -> int | None:
    """The first character of `gender` named in the narration of the next five paragraphs."""
    p0 = att.turns[ti].para.index
    for p in range(p0, min(len(att.paras), p0 + 6)):
        for m in att.para_mentions[p]:
            if m.char < len(att.genders) and att.genders[m.char] == gender and m.char != att.narrator:
                return m.char
    return None


def _beat_subject(att: Sieve, ti: int) -> int | None:
    """The subject of the last sentence of a narration paragraph just before the quote's
    paragraph (`She got up and walked over to Buffy.` / `"This will help."`): a name, or
    `He`/`She` resolved to the last character of that gender named as a subject there."""
    turn = att.turns[ti]
    p = turn.para.index - 1
    if p < 0 or att.paras[p].quotes or not att.para_mentions[p]:
        return None
    text = att.text
    s, e = att.paras[p].start, att.paras[p].end
    last = s
    for m in _LAST_SENT.finditer(text, s, e):
        if m.end() < e - 3:
            last = m.end()
    ments = att.para_mentions[p]
    first = next((m for m in ments if m.start == last), None)
    if first is not None and not text.startswith(("'s", "\u2019s"), first.end):
        return first.char
    if text.startswith("I ", last) and att.narrator is not None:
        return att.narrator
    pm = _PRON_SUBJ.match(text, last)
    if pm is None:
        return None
    g = "male" if pm.group(1) == "He" else "female"
    for m in reversed(ments):
        if (
            m.start < last
            and m.char < len(att.genders)
            and att.genders[m.char] == g
            and _SUBJ_BEFORE.search(text[max(0, m.start - 12) : m.start])
        ) or (m.start == s and m.char < len(att.genders) and att.genders[m.char] == g):
            return m.char
    # `"Who's she?" Georgette turned to me.` / `She turned to Frances.`: the speaker of
    # the quote before, when of that gender and not the one the sentence turns to
    if ti > 0 and att.turns[ti - 1].para.index == p - 1:
        sp = att.turns[ti - 1].speaker
        named_here = {m.char for m in ments if m.start >= last}
        if sp is not None and sp < len(att.genders) and att.genders[sp] == g and sp not in named_here:
            return sp
    return None


_OBJ_BEFORE = re.compile(r"\b(?:to|at|towards?|with|for|of|from|by|on)\s+$")
_SUBJ_BEFORE = re.compile(r"(?:^|[.!?;:][\"'\u201d]?\s+|\b(?:and|but|then|when|while)\s+)$")


def _recent_subject(att: Sieve, ti: int, gender: str) -> int | None:
    """The last character of `gender` named as the subject of a clause, in the narration
    of this paragraph (before its first quote) and the three before it."""
    text = att.text
    for p, m in _gendered_mentions_before(att, ti, gender, 4):
        if _SUBJ_BEFORE.search(text[max(0, m.start - 12) : m.start]) or m.start == att.paras[p].start:
            return m.char
    return None


def _gendered_mentions_before(att: Sieve, ti: int, gender: str, n_paras: int):
    """(paragraph, mention) of the non-possessive mentions of characters of `gender` other
    than the narrator, latest first, in the narration of turn `ti`'s paragraph before its
    first quote and the `n_paras` - 1 paragraphs before it."""
    turn = att.turns[ti]
    first_q = turn.para.quotes[0].start
    for p in range(turn.para.index, max(-1, turn.para.index - n_paras), -1):
        for m in reversed(att.para_mentions[p]):
            if p == turn.para.index and m.start >= first_q:
                continue
            if m.char >= len(att.genders) or att.genders[m.char] != gender or m.char == att.narrator:
                continue
            if att.text.startswith(("'s", "\u2019s"), m.end):
                continue
            yield p, m


_PREP_BEFORE = re.compile(r"\b(?:to|at|towards?|with|for|from|into|upon|on|of|about)\s+$")


def _recent_nonobject(att: Sieve, ti: int, gender: str) -> int | None:
    """The last character of `gender` named before the quote, not as the object of a
    preposition (`towards Bingley`) nor as a possessive (`Sir William's`): whom `he` most
    likely means (`...was scarcely heard by Darcy; ... he turned to his partner, and said,`)."""
    for _, m in _gendered_mentions_before(att, ti, gender, 3):
        if not _PREP_BEFORE.search(att.text, max(0, m.start - 12), m.start):
            return m.char
    return None


# `walked out the door`, `left the room`, `disappeared into thin air`, `was gone`, `hung up`
_EXIT = re.compile(
    r"\b(?:(?:walked|stormed|ran|rushed|hurried|stalked|marched|strode|stepped|slipped|went|"
    r"got|stumbled|flounced|swept|dashed|raced|crept|backed)\s+(?:out|away|off)\b"
    r"|(?:left|quitted|quit|fled)\s+(?:the|this|that|her|his)\s+(?:room|house|apartment|office|"
    r"kitchen|parlou?r|hall|table|building|shop|store|bar|party|scene|place|flat|cottage|"
    r"drawing-room|library|study)\b"
    r"|disappeared|vanished|departed|was\s+gone|hung\s+up)"
)
_EXIT_SUBJ = re.compile(
    r"(?:(?:So|Then|And|But|Finally|Suddenly|Now|At last),?\s+(?:then\s+)?)?"
    r"(?:([Hh]e|[Ss]he)\b|(?=[A-Z]))"
)
# between the subject and the exit verb: another clause or actor means someone else may leave
_EXIT_BLOCK = re.compile(
    r"\b(?:he|she|they|we|I|you|him|them|who|which|that|as|when|while|"
    r"until|till|before|after|if|would|could|should|might|must|to|not|"
    r"never|cannot|can|will|shall|have|almost|nearly)\b|n't|[;:]",
    re.IGNORECASE,
)
# `Jane declined it, and the husband and wife walked off`: a new subject
_NEW_SUBJ = re.compile(r"\b(?:and|but)\s+(?:(?:the|a|an|his|her|their|my|our)\b|[A-Z])")
_SENT_END = re.compile(r"[.!?]+")
# `walked away to another part of the room`: still in the scene
_NOT_OUT = re.compile(
    r"\s+(?:to|towards?|across|into)\s+"
    r"(?:another|the other|the window|the fire)"
)
_BACK = re.compile(r"\b(?:came|come|coming|got|went|walked)\s+back\b|\breturned\b")


def _exits(att: Sieve) -> list[tuple[int, int, int]]:
    """(position, sentence end, character) of the narration sentences telling a character
    leaves the scene: `She snapped her fingers and disappeared into thin air.` / `So she
    turned around and walked out the door.` The subject is a name at the sentence's start,
    or `He`/`She` resolved to the last character of that gender named (not as an object)
    before it."""
    text = att.text
    out: list[tuple[int, int, int]] = []
    for para in att.paras:
        ments = att.para_mentions[para.index]
        for piece in para.narration:
            for ex in _EXIT.finditer(text, piece.start, piece.end):
                st = max(text.rfind(c, piece.start, ex.start()) for c in ".!?") + 1
                st = max(st, piece.start)
                while st < ex.start() and text[st].isspace():
                    st += 1
                se = _SENT_END.search(text, ex.end(), piece.end)
                se_end = se.end() if se else piece.end
                sub = _EXIT_SUBJ.match(text, st, se_end)
                if sub is None:
                    continue
                who = None
                if sub.group(1):
                    g = "male" if sub.group(1).lower() == "he" else "female"
                    subj_end = sub.end()
                    who = _last_of_gender(att, para.index, sub.start(), g)
                else:
                    m = next((m for m in ments if m.start == sub.end()), None)
                    if m is None or text.startswith(("'s", "\u2019s"), m.end):
                        continue
                    who, subj_end = m.char, m.end
                if who is None or who == att.narrator:
                    continue
                between = text[subj_end : ex.start()]
                if (
                    _EXIT_BLOCK.search(between)
                    or _NEW_SUBJ.search(between)
                    or any(subj_end <= m.start < ex.start() for m in ments)
                ):
                    continue
                if _BACK.search(text, ex.end(), se_end) or _NOT_OUT.match(text, ex.end()):
                    continue  # `He went away and came back with ...`
                out.append((ex.start(), se_end, who))
    return out


def _last_of_gender(att: Sieve, p0: int, pos: int, gender: str) -> int | None:
    """Whom `he`/`she` at `pos` means: the last character of `gender` named before it in
    narration (not as a possessive or a preposition's object), or a speaker of that gender
    decided by the rules, in this paragraph and the two before."""
    text = att.text
    for p in range(p0, max(-1, p0 - 3), -1):
        found: list[tuple[int, int]] = []
        for m in att.para_mentions[p]:
            if (
                m.start < pos
                and m.char < len(att.genders)
                and att.genders[m.char] == gender
                and m.char != att.narrator
                and not text.startswith(("'s", "\u2019s"), m.end)
                and not _PREP_BEFORE.search(text, max(0, m.start - 12), m.start)
            ):
                found.append((m.start, m.char))
        ti = att.turn_of_para.get(p)
        if ti is not None:
            for st in att.turns[ti].states:
                c = st.speaker
                if (
                    c is not None
                    and st.quote.start < pos
                    and c < len(att.genders)
                    and att.genders[c] == gender
                ):
                    found.append((st.quote.start, c))
        if found:
            return max(found)[1]
    return None


def _gone(ctx: Context, ti: int, speakers: list[int | None], window: int = 12) -> set[int]:
    """The characters who left the scene in the last `window` paragraphs before turn `ti`
    and have not come back since: named in narration, meant by a later `he`/`him`/`she`/`her`
    of the narration, or heard speaking."""
    att = ctx.att
    gone = ctx.gone.get(ti)
    if gone is None:
        gone = ctx.gone[ti] = _gone_static(att, ctx.exits, ti, window)
    if not gone:
        return set()
    gone = dict(gone)
    for j in range(ti - 1, -1, -1):
        tj = att.turns[j]
        if tj.states[-1].quote.end < min(gone.values()):
            break
        c = speakers[j]
        if c in gone and tj.states[0].quote.start > gone[c]:
            del gone[c]
            if not gone:
                break
    return set(gone)


_PRON = re.compile(r"\b(?:(he|him|his)|(she|her))\b", re.IGNORECASE)


def _gone_static(att: Sieve, exits: list[tuple[int, int, int]], ti: int, window: int) -> dict[int, int]:
    """Character -> end of the sentence telling it left, for those not named nor meant by a
    narration pronoun since (the part of `_gone` that does not depend on the decoding)."""
    turn = att.turns[ti]
    first_q = turn.para.quotes[0].start
    lo = att.paras[max(0, turn.para.index - window)].start
    gone: dict[int, int] = {}
    for pos, end, c in exits:
        if pos >= first_q:
            break
        if pos >= lo:
            gone[c] = end
    if not gone:
        return gone
    text = att.text
    for p in range(max(0, turn.para.index - window), turn.para.index + 1):
        for m in att.para_mentions[p]:
            if m.char in gone and gone[m.char] <= m.start < first_q:
                del gone[m.char]
        if not gone:
            return gone
        for piece in att.paras[p].narration:
            if piece.end <= min(gone.values()) or piece.start >= first_q:
                continue
            for pm in _PRON.finditer(text, piece.start, min(piece.end, first_q)):
                g = "male" if pm.group(1) else "female"
                if not any(att.genders[c] == g and end <= pm.start() for c, end in gone.items()):
                    continue
                c = _last_of_gender(att, p, pm.start(), g)
                if c in gone and gone[c] <= pm.start():
                    del gone[c]
                    if not gone:
                        return gone
    return gone


def score(feats: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """The linear score of one candidate."""
    return sum(weights.get(k, 0.0) * v for k, v in feats.items())


def rule_name(feats: dict[str, float]) -> str:
    """The rule that best explains the choice, for review."""
    if feats.get("pron_match"):
        return "pronoun"
    if feats.get("voc_prev"):
        return "vocative"
    if feats.get("leadin") or feats.get("ment_subj") or feats.get("ment_only"):
        return "narration"
    if feats.get("prev2_alt") or feats.get("next2_alt") or feats.get("chain_other"):
        return "turn-taking"
    return "conversation-fallback"


def _ranked(
    cands: dict[int, dict[str, float]], w: Mapping[str, float], gone: Set[int] = frozenset()
) -> list[tuple[float, int]]:
    """(log-probability, candidate), best first; whoever the quote addresses is out, and
    so is whoever left the scene (`_gone`), unless nobody would be left."""
    allowed = {c: v for c, v in cands.items() if not v.get("voc_here")} or cands
    allowed = {c: v for c, v in allowed.items() if c not in gone} or allowed
    scored = {c: score(fe, w) for c, fe in allowed.items()}
    top = max(scored.values())
    logz = top + math.log(sum(math.exp(v - top) for v in scored.values()))
    return sorted(((v - logz, c) for c, v in scored.items()), reverse=True)


def decode(att: Sieve, weights: Mapping[str, float] | None = None, beam: int = 2) -> None:
    """Give every still-open turn its speaker: a beam search over each conversation.

    The features of a turn depend on the speakers chosen before it (turn-taking), so a
    greedy choice can derail a whole conversation; the beam keeps the `beam` best
    histories and the best one wins when the conversation ends.
    """
    w = weights if weights is not None else load_weights()
    ctx = Context(att)
    fixed: list[int | None] = [
        t.speaker if all(st.speaker is not None for st in t.states) else None for t in att.turns
    ]
    skip = getattr(att, "skip", set())  # epigraph paragraphs: nobody speaks them
    speakers: list[int | None] = [t.speaker for t in att.turns]
    # a state: (log-probability, history of speakers, decisions as a linked tuple)
    states: list[tuple[float, list[int | None], tuple | None]] = [(0.0, speakers, None)]
    memo: dict[tuple, list[tuple[float, int, str]]] = {}
    for ti in range(len(att.turns)):
        if ti > 0 and ctx.chain[ti] != ctx.chain[ti - 1] and len(states) > 1:
            states = [max(states, key=lambda s: s[0])]  # a conversation ended
        if fixed[ti] is not None or att.turns[ti].para.index in skip:
            continue
        nxt = []
        for sc, hist, dec in states:
            key = (ti, tuple(hist[max(0, ti - 25) : ti]))
            ranked = memo.get(key)
            if ranked is None:
                cands = candidates(ctx, ti, hist)
                gone = _gone(ctx, ti, hist) if cands else set()
                ranked = [(lp, c, rule_name(cands[c])) for lp, c in _ranked(cands, w, gone)] if cands else []
                memo[key] = ranked
            if not ranked:
                nxt.append((sc, hist, dec))
                continue
            for lp, c, rule in ranked[:beam]:
                h = list(hist) if len(states) > 1 or beam > 1 else hist
                h[ti] = c
                nxt.append((sc + lp, h, (dec, ti, c, math.exp(lp), rule)))
        nxt.sort(key=lambda s: -s[0])
        states = nxt[:beam]
    dec = max(states, key=lambda s: s[0])[2]
    while dec is not None:
        dec, ti, who, prob, rule = dec
        for st in att.turns[ti].states:
            if st.speaker is None and st.addressee != who:
                st.speaker, st.rule, st.confidence = who, rule, round(prob, 3)
