"""The learned part of the sieve: rank the candidate speakers of a quote with no tag.

After the precise rules (explicit tags, lead-ins, continued quotes) a quote still open is
decided by a small conditional-logit model over the characters that could speak it:
the people of the conversation, those named around it, the narrator. Each candidate is
described by features that model how dialogue is written (turn-taking A-B-A-B, the
pronoun of a `he said` tag, vocatives, narration naming the actor, recency, prominence).
The weights (a few dozen floats, audiodrama/data/attribution_model.json) are trained by
scripts/train_attribution.py on PDNC; without the file, hand-set weights are used. The same
file holds the confidence calibration (parse.calibration), applied by parse_story.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from audiodrama.parse.calibration import Calibration
from audiodrama.parse.history import History, settle
from audiodrama.parse.ranker_context import Context, gone_at
from audiodrama.parse.ranker_features import candidates
from audiodrama.parse.ranker_search import agreement, search_scores, static_scores
from audiodrama.parse.ranker_search import score as score  # re-exported: the training script's
from audiodrama.parse.turns import CONFIDENCE, Sieve

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
    "voc_prev_pron_only",
    "reply_voc",
    "reply_prev1",
    "ment_obj",
    "beat_i",
    "gnp0",
    "rel_owner",
    "gloc",
    "desc_prev1",
    "beat_alt",
    "beat_other",
    "conv_spoke",
    "gspk0",
    "gspk_other",
    "beat_subj_new",
    "beat_pron",
    "asked_last",
    "par_anchor_even",
    "par_anchor_odd",
    "par_voc_even",
    "par_voc_odd",
    "par_pron_match",
    "par_pron_mismatch",
    "voice",
    "voice_best",
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
    "voc_prev_pron_only": 1.0,
    "reply_voc": 1.0,
    "reply_prev1": -1.0,
    "rel_owner": -1.0,
    "desc_prev1": -1.5,
}


MODEL_FILE = "attribution_model.json"


@dataclass(frozen=True)
class Model:
    """What the model file holds: the ranker's weights and the confidence calibration
    (None: the raw rule and ranker confidences stay)."""

    weights: Mapping[str, float]
    calibration: Calibration | None = None


def as_model(model: Model | Mapping[str, float] | None) -> Model:
    """`model` as a Model: None is the packaged model, bare weights are uncalibrated."""
    if model is None:
        return _packaged_model()
    if isinstance(model, Model):
        return model
    return Model(MappingProxyType(dict(model)))


def load_model(path: str | Path | None = None) -> Model:
    """The model file `path`, else the packaged model; the hand-set weights (uncalibrated)
    when the file cannot be read."""
    if path is None:
        return _packaged_model()
    try:
        return model_from_json(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return Model(MappingProxyType(dict(DEFAULT_WEIGHTS)))


def load_weights(path: str | Path | None = None) -> Mapping[str, float]:
    """The ranker's weights of `load_model(path)`."""
    return load_model(path).weights


@lru_cache(maxsize=1)  # the packaged file never changes: read it once per process, read-only
def _packaged_model() -> Model:
    try:
        return model_from_json(
            resources.files("audiodrama.data").joinpath(MODEL_FILE).read_text(encoding="utf-8")
        )
    except (OSError, ValueError, KeyError, ModuleNotFoundError, TypeError):
        return Model(MappingProxyType(dict(DEFAULT_WEIGHTS)))


def model_from_json(model_json: str) -> Model:
    """A Model from the text of a model file (`weights`, optional `calibration`)."""
    data = json.loads(model_json)
    cal = data.get("calibration")
    calibration = (
        Calibration(
            _floats(cal["cast"]),
            _floats(cal["nocast"]),
            tuple((float(x), float(y)) for x, y in cal.get("cast_knots", ())),
            tuple((float(x), float(y)) for x, y in cal.get("nocast_knots", ())),
        )
        if cal
        else None
    )
    return Model(_floats(data["weights"]), calibration)


def _floats(values: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType({k: float(v) for k, v in values.items()})


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


# how much of a turn's search score is normalised by the history-free scores, so a later tag
# can outweigh a wrong first pick (`ranker_search.search_scores`)
STATIC_SHARE = 0.5


# histories the decoder keeps (with `STATIC_SHARE` 0, beam 2 / 4 / 8 got 7718 / 7695 / 7700 of
# 10108 open PDNC turns right; with 0.5, 7770 / 7793 / 7821)
BEAM = 4


# the features of a turn read the speakers of at most this many turns before it
_MEMORY = 25


def _recent_speakers(hist: History, ti: int, window: list[int | None]) -> Sequence[int | None]:
    """The speakers the features of turn `ti` read (`window`: the `_MEMORY` turns before
    it, the memo's key) by turn index, as a dict: a plain look-up per read instead of a
    History method call (a read outside them is a KeyError, not a silent None)."""
    recent = dict(enumerate(window, max(0, ti - _MEMORY)))
    if ti < _MEMORY:  # speakers[ti - k] below 0 reads from the end, as a list does
        recent.update((j, hist[j]) for j in range(max(ti - _MEMORY, -len(hist)), 0))
    return cast(Sequence[int | None], recent)  # read by index only, like the History


def decode(att: Sieve, weights: Mapping[str, float] | None = None, beam: int | None = None) -> None:
    """Give every still-open turn its speaker: a beam search over each conversation.

    The features of a turn depend on the speakers chosen before it (turn-taking), so a
    greedy choice can derail a whole conversation; the beam keeps the `beam` histories of
    best search score (`ranker_search.search_scores`) and the best one wins when the conversation ends. A
    turn's confidence is its model probability under the winning history times the share
    of the final histories that agree with it (`ranker_search.agreement`).
    """
    w = weights if weights is not None else load_model().weights
    beam = beam or BEAM
    ctx = Context(att)
    fixed: list[int | None] = [
        t.speaker if all(st.speaker is not None for st in t.states) else None for t in att.turns
    ]
    skip = att.skip  # epigraph paragraphs: nobody speaks them
    speakers = History([t.speaker for t in att.turns])
    # a state: (search score, history of speakers, decisions as a linked tuple)
    states: list[tuple[float, History, tuple | None]] = [(0.0, speakers, None)]
    memo: dict[tuple, Any] = {}  # per turn and history window: its choices; per turn: static scores
    agree: dict[int, float] = {}
    opened: list[int] = []  # the open turns of the current conversation
    for ti in range(len(att.turns)):
        if ti > 0 and ctx.chain[ti] != ctx.chain[ti - 1] and len(states) > 1:
            agree.update(agreement(states, opened))
            states = [max(states, key=lambda s: s[0])]  # a conversation ended
        if ti > 0 and ctx.chain[ti] != ctx.chain[ti - 1]:
            opened = []
        if fixed[ti] is not None or att.turns[ti].para.index in skip:
            continue
        opened.append(ti)
        nxt: list[tuple[float, History, tuple | None]] = []
        for sc, hist, dec in states:
            same = _goes_on(att, ti, hist, dec)
            if same is not None:  # the speech the paragraph before left open goes on
                who, prob, rule = same
                nxt.append((sc, hist.choose(ti, who), (dec, ti, who, prob, rule)))
                continue
            ranked = _choices(ctx, ti, hist, w, memo, beam)
            if not ranked:
                nxt.append((sc, hist, dec))
                continue
            for lp, c, rule, prob in ranked:
                nxt.append((sc + lp, hist.choose(ti, c), (dec, ti, c, prob, rule)))
        nxt.sort(key=lambda s: -s[0])
        states = nxt[:beam]
        settle([h for _, h, _ in states])
    agree.update(agreement(states, opened))
    dec = max(states, key=lambda s: s[0])[2]
    while dec is not None:
        dec, ti, who, prob, rule = dec
        for st in att.turns[ti].states:
            if st.speaker is None and st.addressee != who:
                st.speaker, st.rule = who, rule
                st.confidence = round(prob * agree.get(ti, 1.0), 3)


# the fewest characters of a quote a paragraph leaves open for the next to go on with
_SPEECH_GOES_ON = 60


def _goes_on(att: Sieve, ti: int, hist: History, dec: tuple | None) -> tuple[int, float, str] | None:
    """The speaker of the paragraph before, with the probability and rule it was chosen by,
    when turn `ti` opens by going on with its unclosed quote: one speech across paragraphs
    is one speaker's (a tale told at the club fire), whoever the ranker would take the next
    paragraph for alone (the calibration reads the first's rule)."""
    turn = att.turns[ti]
    if ti == 0 or not turn.states[0].quote.continued:
        return None
    if att.turns[ti - 1].para.index != turn.para.index - 1:
        return None
    s, e = att.turns[ti - 1].states[-1].quote.inner
    if e - s < _SPEECH_GOES_ON:
        return None  # `what the Devil he meant by "wanted'?`: a mark lost, no speech left open
    who = hist[ti - 1]
    if who is None:
        return None
    # as sure as the first, times the chance that the paragraph does go on with it (a
    # closing mark may be lost): CONFIDENCE["continued"], the precise rule's
    if dec is not None and dec[1] == ti - 1:
        return who, dec[3] * CONFIDENCE["continued"], dec[4]
    last = att.turns[ti - 1].states[-1]
    return who, last.confidence * CONFIDENCE["continued"], last.rule or "continued"


def _choices(
    ctx: Context, ti: int, hist: History, w: Mapping[str, float], memo: dict[tuple, Any], beam: int
) -> list[tuple[float, int, str, float]]:
    """(search score, candidate, rule, probability) for turn `ti` after history `hist`, the
    best `beam` (all a history can go on with), best first; memoised on the speakers the
    features read."""
    window = hist[max(0, ti - _MEMORY) : ti]
    key = (ti, tuple(window))
    ranked = memo.get(key)
    if ranked is None:
        cands = candidates(ctx, ti, _recent_speakers(hist, ti, window))
        ranked = []
        if cands:
            gone = gone_at(ctx, ti, hist)
            static = static_scores(ctx, ti, w, memo) if STATIC_SHARE else None
            ranked = [
                (sc, c, rule_name(cands[c]), math.exp(lp))
                for sc, lp, c in search_scores(cands, w, gone, static, STATIC_SHARE)[:beam]
            ]
        memo[key] = ranked
    return ranked
