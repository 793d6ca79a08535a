"""Calibrated confidence: the probability that a dialogue line's speaker is right.

The sieve's rules and the ranker state a raw confidence (a rule's constant, the ranker's
probability of its choice among the candidates). How often those are right depends on more
than the rule: the length of the conversation, how many people take part, whether the line
breaks the alternation, whether alternation from the nearest tagged turns gives it its speaker
or another, how short the line is. A small logistic model over such features and a
monotone correction of its probabilities, one for stories parsed with a cast and one without
(the errors differ: without a cast, characters are found by the parser; the training script
fits one logistic map on the lines of both and the corrections apart), fitted on
leave-one-novel-out predictions (scripts/train_attribution.py) and shipped in the model
file, map them to the probability that the speaker is right; the lines most likely wrong are
then the ones `audiodrama review` lists first.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import mul

from audiodrama.model import Line

# rules decided by the ranker: their raw confidence is a probability among candidates
RANKED = frozenset({"pronoun", "vocative", "narration", "turn-taking", "conversation-fallback"})
RULES = (
    "explicit-verb",
    "lead-in",
    "same-paragraph",
    "continued",
    "kinship",
    "pronoun",
    "vocative",
    "narration",
    "turn-taking",
    "conversation-fallback",
)
# features whose slope differs by ranked rule (a pronoun's margin says more than a fallback's)
_PER_RULE = ("ranked_logit", "conv_len", "words", "anchor_dist_ranked", "speaker_lines")
FEATURES: tuple[str, ...] = (
    "bias",
    *(f"rule={r}" for r in RULES),
    "ranked_logit",
    "conv_len",
    "conv_len_ranked",
    "conv_people3",
    "conv_people3_ranked",
    "same_as_prev",
    "same_as_next",
    "first_of_conv",
    "speaker_lines",
    "speaker_lines_ranked",
    "para_lines",
    "anchor_dist_ranked",
    "alt_prev2_ranked",
    "alt_next2_ranked",
    "people_ranked",
    "words",
    "words_ranked",
    *(f"alt_{side}_{how}" for side in ("prev", "next") for how in ("agree", "conflict")),
    *(f"alt_{side}_{how}_ranked" for side in ("prev", "next") for how in ("agree", "conflict")),
    "alt_both_conflict",
    "prev_anchor_dist",
    "next_anchor_dist",
    "no_anchor_ranked",
    "story_ranked",
    "story_ranked_ranked",
    "question_ranked",
    "exclaim_ranked",
    "first_person_ranked",
    "you_ranked",
    "addressee",
    "addressee_ranked",
    *(f"{r}*{k}" for r in RULES if r in RANKED for k in _PER_RULE),
)
_STORY = ("narration", "dialogue", "tag")
# dialogue paragraphs this many paragraphs apart or closer belong to one conversation
_CONV_GAP = 2


@dataclass(frozen=True)
class Calibration:
    """Logistic weights over FEATURES (by name), with a cast and without, from the model
    file's `calibration` (`{"cast": {...}, "nocast": {...}, "cast_knots": [[p, q], ...],
    "nocast_knots": ...}`). The knots, when given, map the logistic probability p to the
    accuracy q observed at it (monotone, linear between knots): the logistic shape alone
    leaves some deciles off by more than 0.05."""

    cast: Mapping[str, float]
    nocast: Mapping[str, float]
    cast_knots: tuple[tuple[float, float], ...] = ()
    nocast_knots: tuple[tuple[float, float], ...] = ()
    # the weights of the features' names in their order, by (cast given, names): a parse's
    # feature dicts come in a dozen orders, so the names are looked up once per order
    _ordered: dict[tuple[bool | str, ...], list[float]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def probability(self, feats: Mapping[str, float], cast_given: bool) -> float:
        key: tuple[bool | str, ...] = (cast_given, *feats)
        ordered = self._ordered.get(key)
        if ordered is None:
            weights = self.cast if cast_given else self.nocast
            ordered = self._ordered[key] = list(map(weights.get, feats, repeat(0.0)))
        # the same products summed in the same order as a generator would, iterated in C
        z = sum(map(mul, ordered, feats.values()))
        p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
        if cast_given:
            return monotone_map(p, self.cast_knots, LOW_SLOPE_CAST)
        return monotone_map(p, self.nocast_knots, LOW_SLOPE_NOCAST)


# below the first knot (the mean of the least sure twentieth of the lines) the data say
# nothing finer: nearly flat there, as an isotonic fit is beyond its data, with a slight
# slope to keep the order of the lines (towards (0, 0) it stated the least sure lines some
# 0.09 below their observed accuracy). Without a cast the least sure lines are right about
# as often as the first knot's, with one less often (README, "Reliability"): flatter there.
LOW_SLOPE_CAST = 0.25
LOW_SLOPE_NOCAST = 0.1


def monotone_map(p: float, knots: Sequence[tuple[float, float]], low_slope: float = LOW_SLOPE_CAST) -> float:
    """`p` through the knots (x and y ascending), linear between them, nearly flat below the
    first (`low_slope`) and towards (1, 1) above the last, so the order of the lines is
    kept; no knots: `p` itself."""
    if not knots:
        return p
    if p < knots[0][0]:
        x0, y0 = knots[0]
        return max(0.0, y0 - low_slope * (x0 - p))
    pts = [(0.0, 0.0), *knots, (1.0, 1.0)]
    # (p,) sorts right before any (p, y): the first knot at or after p, as on the x's alone
    i = min(max(1, bisect.bisect_left(pts, (p,))), len(pts) - 1)
    (x0, y0), (x1, y1) = pts[i - 1], pts[i]
    return y0 + (y1 - y0) * (p - x0) / (x1 - x0) if x1 > x0 else y1


def scored_lines(lines: Iterable[Line]) -> list[Line]:
    """The lines that carry an attribution to calibrate: attributed dialogue (an epigraph
    is deliberately nobody's, an unattributed line stays at 0)."""
    return [l for l in lines if l.kind == "dialogue" and l.speaker and l.rule != "epigraph"]


@dataclass
class _Turn:
    """A dialogue paragraph as the calibration sees it."""

    speaker: str | None
    rule: str
    lines: int = 1
    conv: int = 0
    pos: int = 0
    anchor_dist: int = 0
    # the nearest turns before and after it in its conversation that a precise rule decided:
    # (distance in turns, speaker)
    prev_anchor: tuple[int, str | None] | None = None
    next_anchor: tuple[int, str | None] | None = None


def _turns(story: Sequence[Line]) -> tuple[dict[int, _Turn], list[list[_Turn]]]:
    """Each dialogue paragraph's turn (its first attributed line's speaker and rule) by
    paragraph, and the conversations: runs of turns at most _CONV_GAP paragraphs apart.
    Linear in the number of lines."""
    rank: dict[int, int] = {}
    turns: dict[int, _Turn] = {}
    for l in story:
        r = rank.setdefault(l.paragraph, len(rank))
        if l.kind != "dialogue" or l.rule == "epigraph":
            continue
        t = turns.get(l.paragraph)
        if t is None:
            turns[l.paragraph] = t = _Turn(l.speaker, l.rule)
            t.pos = r  # the paragraph's rank until the conversations are cut
        else:
            t.lines += 1
            if t.speaker is None:
                t.speaker, t.rule = l.speaker, l.rule
    convs: list[list[_Turn]] = []
    for t in turns.values():
        if not convs or t.pos - convs[-1][-1].pos > _CONV_GAP:
            convs.append([])
        convs[-1].append(t)
    for ci, conv in enumerate(convs):
        last = -(10**9)
        for i, t in enumerate(conv):
            t.conv, t.pos = ci, i
            if last >= 0:
                t.prev_anchor = (i - last, conv[last].speaker)
            last = i if t.rule not in RANKED else last
            t.anchor_dist = i - last
        nxt = 10**9
        for i in range(len(conv) - 1, -1, -1):
            if nxt < len(conv):
                conv[i].next_anchor = (nxt - i, conv[nxt].speaker)
            nxt = i if conv[i].rule not in RANKED else nxt
            conv[i].anchor_dist = min(conv[i].anchor_dist, nxt - i, len(conv))
    return turns, convs


# the share of ranked lines is clipped to this range, a little wider than PDNC's
_SHARE_RANGE = (0.1, 0.8)
# an anchor further than this many turns away says nothing about the alternation here
_ALT_REACH = 4
# the distance stated for a side with no anchor
_NO_ANCHOR = 20


def _alternation(anchor: tuple[int, str | None] | None, who: str | None) -> float:
    """What strict alternation from a tagged turn says of `who` speaking here: 1 agrees (an
    even distance, the same speaker), -1 conflicts (an even distance and another speaker,
    or an odd one and the same), 0.5 fits (an odd distance, another speaker), 0 nothing."""
    if anchor is None or anchor[1] is None or anchor[0] > _ALT_REACH:
        return 0.0
    dist, said = anchor
    if dist % 2 == 0:
        return 1.0 if said == who else -1.0
    return -1.0 if said == who else 0.5


# the names of `_anchor_features`' features per side (built once, not per line)
_ALT_KEYS = {
    side: (
        f"alt_{side}_agree",
        f"alt_{side}_conflict",
        f"alt_{side}_agree_ranked",
        f"alt_{side}_conflict_ranked",
    )
    for side in ("prev", "next")
}


def _anchor_features(f: dict[str, float], t: _Turn, who: str | None, ranked: float) -> None:
    """Agreement of the line's speaker with the alternation the nearest tagged turns imply,
    and how far those are: a ranked turn whose speaker the next tag contradicts is likely
    wrong. Written into `f` (one dict per line, not one per helper merged into it)."""
    prev = _alternation(t.prev_anchor, who)
    nxt = _alternation(t.next_anchor, who)
    for (agree, conflict, agree_ranked, conflict_ranked), v in (
        (_ALT_KEYS["prev"], prev),
        (_ALT_KEYS["next"], nxt),
    ):
        f[agree] = float(v == 1.0)
        f[conflict] = float(v == -1.0)
        f[agree_ranked] = float(v == 1.0) * ranked
        f[conflict_ranked] = float(v == -1.0) * ranked
    f["alt_both_conflict"] = float(prev == nxt == -1.0)
    f["prev_anchor_dist"] = math.log1p(t.prev_anchor[0] if t.prev_anchor else _NO_ANCHOR)
    f["next_anchor_dist"] = math.log1p(t.next_anchor[0] if t.next_anchor else _NO_ANCHOR)
    f["no_anchor_ranked"] = float(t.prev_anchor is None and t.next_anchor is None) * ranked


_QUESTION = re.compile(r"\?\s*$")
_EXCLAIM = re.compile(r"!\s*$")
# `\b(?:I|me|my)\b` and `\byou\b` ignoring case, written from their first letter, which the
# regex engine skips to in C (from `\b` it tried every character of every line: 2.5x slower)
_FIRST_PERSON = re.compile(r"[Im](?<!\w.)(?:(?<=I)|(?<=m)[ey])\b")
_YOU = re.compile(r"[yY](?<!\w.)[oO][uU]\b")  # (no other letter is y, o or u ignoring case)


def _text_features(f: dict[str, float], l: Line, ranked: float) -> None:
    """What the words say of the kind of turn: a question, an exclamation, `I`, `you`,
    someone addressed (replies and questions are where turn-taking goes wrong or right).
    Written into `f`; a line the ranker did not decide skips the searches (0.0 or 1.0 times
    0.0: 0.0 either way)."""
    addressed = float(l.addressee is not None)
    text = l.text
    f["question_ranked"] = float(bool(_QUESTION.search(text))) * ranked if ranked else 0.0
    f["exclaim_ranked"] = float(bool(_EXCLAIM.search(text))) * ranked if ranked else 0.0
    f["first_person_ranked"] = float(bool(_FIRST_PERSON.search(text))) * ranked if ranked else 0.0
    f["you_ranked"] = float(bool(_YOU.search(text))) * ranked if ranked else 0.0
    f["addressee"] = addressed
    f["addressee_ranked"] = addressed * ranked


def _line_base(l: Line, t: _Turn, conv: list[_Turn], people: int, lines_of: float) -> dict[str, float]:
    """The line's rule, raw confidence and place in its conversation."""
    who, pos, n = l.speaker, t.pos, len(conv)
    # whether the turns two and one before it and one and two after it are the same speaker's
    said_prev2 = float(pos >= 2 and conv[pos - 2].speaker == who)
    said_prev = float(pos >= 1 and conv[pos - 1].speaker == who)
    said_next = float(pos + 1 < n and conv[pos + 1].speaker == who)
    said_next2 = float(pos + 2 < n and conv[pos + 2].speaker == who)
    ranked = 1.0 if l.rule in RANKED else 0.0
    p = min(0.99, max(0.01, l.confidence))
    conv_len = math.log1p(n)
    many = 1.0 if people >= 3 else 0.0
    words = math.log1p(len(l.text.split()))
    f = {
        "bias": 1.0,
        "ranked_logit": ranked * math.log(p / (1 - p)),
        "conv_len": conv_len,
        "conv_len_ranked": conv_len * ranked,
        "conv_people3": many,
        "conv_people3_ranked": many * ranked,
        "same_as_prev": said_prev,
        "same_as_next": said_next,
        "first_of_conv": float(pos == 0),
        "speaker_lines": lines_of,
        "speaker_lines_ranked": lines_of * ranked,
        "para_lines": float(t.lines > 1),
        # errors of the ranker grow with the distance from a turn the text states
        "anchor_dist_ranked": math.log1p(t.anchor_dist) * ranked,
        "alt_prev2_ranked": said_prev2 * ranked,
        "alt_next2_ranked": said_next2 * ranked,
        "people_ranked": math.log(max(1, people)) * ranked,
        # a short reply (`Yes.`) says little about who says it
        "words": words,
        "words_ranked": words * ranked,
    }
    rule_key = _RULE_KEYS.get(l.rule)
    if rule_key is not None:
        f[rule_key] = 1.0
    return f


# the names of the rule features and of each ranked rule's own slopes (built once, not per line)
_RULE_KEYS = {r: f"rule={r}" for r in RULES}
_PER_RULE_KEYS = {r: tuple((f"{r}*{k}", k) for k in _PER_RULE) for r in RANKED}


def line_features(lines: Sequence[Line]) -> list[dict[str, float]]:
    """The calibration features of every line `scored_lines` keeps, in that order.

    `lines` are the story's lines in text order (headings and front matter are skipped, so
    the same features come out of a parse and out of its saved script)."""
    story = [l for l in lines if l.kind in _STORY]
    turns, convs = _turns(story)
    people = [len({t.speaker for t in c if t.speaker}) for c in convs]
    spoken = Counter(l.speaker for l in story if l.kind == "dialogue" and l.speaker)
    scored = scored_lines(story)
    # how much of the story the ranker decided tells how it writes dialogue (on PDNC, the
    # stories of long untagged exchanges were the regular ones); beyond the shares the map
    # was fitted on (0.15 to 0.75) it says nothing more
    share = sum(1 for l in scored if l.rule in RANKED) / max(1, len(scored))
    share = min(_SHARE_RANGE[1], max(_SHARE_RANGE[0], share))
    out = []
    for l in scored:
        t = turns[l.paragraph]
        ranked = 1.0 if l.rule in RANKED else 0.0
        f = _line_base(l, t, convs[t.conv], people[t.conv], math.log1p(spoken[l.speaker or ""]))
        _anchor_features(f, t, l.speaker, ranked)
        _text_features(f, l, ranked)
        f["story_ranked"] = share
        f["story_ranked_ranked"] = share * ranked
        if ranked:
            for key, k in _PER_RULE_KEYS[l.rule]:
                f[key] = f[k]
        out.append(f)
    return out


def calibrate(lines: Sequence[Line], cast_given: bool, calibration: Calibration | None) -> None:
    """Set each attributed dialogue line's confidence to the probability that its speaker is
    right (no calibration: the raw confidences stay)."""
    if calibration is None:
        return
    for line, feats in zip(scored_lines(lines), line_features(lines)):
        line.confidence = round(calibration.probability(feats, cast_given), 3)
