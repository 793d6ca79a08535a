"""Calibrated confidence: the probability that a dialogue line's speaker is right.

The sieve's rules and the ranker state a raw confidence (a rule's constant, the ranker's
probability of its choice among the candidates). How often those are right depends on more
than the rule: the length of the conversation, how many people take part, whether the line
breaks the alternation, how short the line is. A small logistic model over such features,
one for stories parsed with a cast and one without (the errors differ: without a cast,
characters are found by the parser), fitted on leave-one-novel-out predictions
(scripts/train_attribution.py) and shipped in the model file, maps them to the probability
that the speaker is right; the lines most likely wrong are then the ones `audiodrama
review` lists first.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

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

    def probability(self, feats: Mapping[str, float], cast_given: bool) -> float:
        weights = self.cast if cast_given else self.nocast
        z = sum(weights.get(k, 0.0) * v for k, v in feats.items())
        p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
        return monotone_map(p, self.cast_knots if cast_given else self.nocast_knots)


# below the first knot (the mean of the least sure twentieth of the lines) the data say
# nothing finer: nearly flat there, as an isotonic fit is beyond its data, with a slight
# slope to keep the order of the lines (towards (0, 0) it stated the least sure lines some
# 0.09 below their observed accuracy)
_LOW_SLOPE = 0.25


def monotone_map(p: float, knots: Sequence[tuple[float, float]]) -> float:
    """`p` through the knots (x and y ascending), linear between them, nearly flat below the
    first (`_LOW_SLOPE`) and towards (1, 1) above the last, so the order of the lines is
    kept; no knots: `p` itself."""
    if not knots:
        return p
    if p < knots[0][0]:
        x0, y0 = knots[0]
        return max(0.0, y0 - _LOW_SLOPE * (x0 - p))
    pts = [(0.0, 0.0), *knots, (1.0, 1.0)]
    i = min(max(1, bisect.bisect_left([x for x, _ in pts], p)), len(pts) - 1)
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
            last = i if t.rule not in RANKED else last
            t.anchor_dist = i - last
        nxt = 10**9
        for i in range(len(conv) - 1, -1, -1):
            nxt = i if conv[i].rule not in RANKED else nxt
            conv[i].anchor_dist = min(conv[i].anchor_dist, nxt - i, len(conv))
    return turns, convs


def line_features(lines: Sequence[Line]) -> list[dict[str, float]]:
    """The calibration features of every line `scored_lines` keeps, in that order.

    `lines` are the story's lines in text order (headings and front matter are skipped, so
    the same features come out of a parse and out of its saved script)."""
    story = [l for l in lines if l.kind in _STORY]
    turns, convs = _turns(story)
    people = [len({t.speaker for t in c if t.speaker}) for c in convs]
    spoken = Counter(l.speaker for l in story if l.kind == "dialogue" and l.speaker)
    out = []
    for l in scored_lines(story):
        t = turns[l.paragraph]
        conv = convs[t.conv]

        def said(
            offset: int, conv: list[_Turn] = conv, pos: int = t.pos, who: str | None = l.speaker
        ) -> float:
            i = pos + offset
            return float(0 <= i < len(conv) and conv[i].speaker == who)

        ranked = 1.0 if l.rule in RANKED else 0.0
        p = min(0.99, max(0.01, l.confidence))
        conv_len = math.log1p(len(conv))
        many = 1.0 if people[t.conv] >= 3 else 0.0
        lines_of = math.log1p(spoken[l.speaker or ""])
        words = math.log1p(len(l.text.split()))
        f = {
            "bias": 1.0,
            "ranked_logit": ranked * math.log(p / (1 - p)),
            "conv_len": conv_len,
            "conv_len_ranked": conv_len * ranked,
            "conv_people3": many,
            "conv_people3_ranked": many * ranked,
            "same_as_prev": said(-1),
            "same_as_next": said(1),
            "first_of_conv": float(t.pos == 0),
            "speaker_lines": lines_of,
            "speaker_lines_ranked": lines_of * ranked,
            "para_lines": float(t.lines > 1),
            # errors of the ranker grow with the distance from a turn the text states
            "anchor_dist_ranked": math.log1p(t.anchor_dist) * ranked,
            "alt_prev2_ranked": said(-2) * ranked,
            "alt_next2_ranked": said(2) * ranked,
            "people_ranked": math.log(max(1, people[t.conv])) * ranked,
            # a short reply (`Yes.`) says little about who says it
            "words": words,
            "words_ranked": words * ranked,
        }
        if l.rule in RULES:
            f[f"rule={l.rule}"] = 1.0
        out.append(f)
    return out


def calibrate(lines: Sequence[Line], cast_given: bool, calibration: Calibration | None) -> None:
    """Set each attributed dialogue line's confidence to the probability that its speaker is
    right (no calibration: the raw confidences stay)."""
    if calibration is None:
        return
    for line, feats in zip(scored_lines(lines), line_features(lines)):
        line.confidence = round(calibration.probability(feats, cast_given), 3)
