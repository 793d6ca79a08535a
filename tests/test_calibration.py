"""Calibrated confidence and the review list: a line's confidence is the probability that its
speaker is right, and review lists the lines most likely wrong."""

from __future__ import annotations

import itertools
import math

from support import python_calls

from audiodrama.model import Character, Line, Scene, Script
from audiodrama.parse import parse_story
from audiodrama.parse.calibration import (
    FEATURES,
    LOW_SLOPE_CAST,
    LOW_SLOPE_NOCAST,
    Calibration,
    line_features,
    monotone_map,
)
from audiodrama.parse.ranker import load_model, load_weights, model_from_json
from audiodrama.parse.review import REVIEW_SHARE, review

CAST = [Character("Ann", [], "female"), Character("Bob", [], "male"), Character("Cal", [], "male")]

# one tagged turn, then untagged turns among three people: the further from the tag, the
# less the text itself says who speaks
EXCHANGE = (
    'Ann, Bob and Cal sat by the fire.\n\n"It is late," said Ann.\n\n"Not yet."\n\n'
    '"Later than you think."\n\n"Who says so?"\n\n"The clock."\n\n"Clocks lie."\n'
)


def _line(paragraph: int, speaker: str | None, rule: str, conf: float, kind: str = "dialogue") -> Line:
    return Line(
        id=f"{paragraph:010x}",
        kind=kind,  # type: ignore[arg-type]
        text="words",
        span=(paragraph * 10, paragraph * 10 + 5),
        speaker=speaker,
        paragraph=paragraph,
        confidence=conf,
        rule=rule,
    )


def test_the_packaged_model_ships_a_calibration_of_every_feature():
    model = load_model()
    assert model.calibration is not None
    assert set(model.calibration.cast) == set(model.calibration.nocast) == set(FEATURES)
    assert model.calibration.cast_knots and model.calibration.nocast_knots
    assert model.weights == load_weights()


def test_calibrated_confidence_falls_with_the_distance_from_the_tag():
    lines = [l for l in parse_story(EXCHANGE, cast=CAST).lines() if l.kind == "dialogue"]
    assert lines[0].rule == "explicit-verb"
    confs = [l.confidence for l in lines]
    assert all(0.0 < c < 1.0 for c in confs)
    # alternation gives the tagged speaker every second turn, and the turns between to
    # another: within each, the further from the tag, the less sure; and the tag's line is
    # surer than every turn of the other parity (a turn the tags' alternation gives back to
    # the tagged speaker may be stated as sure as the tag's own short line)
    assert confs[2] > confs[4]
    assert confs[5] < min(confs[1], confs[3])
    assert confs[0] > max(confs[1], confs[3], confs[5])


def test_bare_weights_leave_the_raw_rule_confidences():
    tagged = parse_story('"It is late," said Ann.', cast=CAST, model=load_weights())
    assert [l.confidence for l in tagged.lines() if l.kind == "dialogue"] == [0.95]
    calibrated = parse_story('"It is late," said Ann.', cast=CAST)
    assert [l.confidence for l in calibrated.lines() if l.kind == "dialogue"] != [0.95]


def test_a_model_file_maps_features_to_a_probability():
    model = model_from_json(
        '{"weights": {"prev1": -1.0}, "calibration": '
        '{"cast": {"bias": 2.0, "words": -1.0}, "nocast": {"bias": 0.5}}}'
    )
    assert model.weights == {"prev1": -1.0}
    assert isinstance(model.calibration, Calibration)
    # with a cast and without, each its own map
    p = model.calibration.probability({"bias": 1.0, "words": 1.0}, cast_given=True)
    assert math.isclose(p, 1 / (1 + math.exp(-1.0)))
    p = model.calibration.probability({"bias": 1.0, "words": 1.0}, cast_given=False)
    assert math.isclose(p, 1 / (1 + math.exp(-0.5)))
    # knots correct the logistic probability where the observed accuracy departs from it
    knotted = model_from_json(
        '{"weights": {}, "calibration": {"cast": {}, "nocast": {}, "cast_knots": [[0.5, 0.4]]}}'
    )
    assert knotted.calibration is not None
    assert knotted.calibration.probability({}, cast_given=True) == 0.4  # logistic of 0: 0.5
    assert knotted.calibration.probability({}, cast_given=False) == 0.5


def test_the_monotone_map_keeps_the_order_of_the_lines():
    knots = [(0.3, 0.4), (0.6, 0.55), (0.9, 0.95)]
    ps = [i / 100 for i in range(101)]
    mapped = [monotone_map(p, knots) for p in ps]
    assert all(a < b for a, b in itertools.pairwise(mapped))
    # nearly flat below the first knot (slope 0.25: 0.4 - 0.25 * 0.3), towards 1 above the last
    assert (
        math.isclose(mapped[0], 0.325) and mapped[-1] == 1.0 and math.isclose(monotone_map(0.6, knots), 0.55)
    )
    assert math.isclose(monotone_map(0.0, knots, 0.1), 0.37)  # flatter: 0.4 - 0.1 * 0.3
    assert monotone_map(0.42, []) == 0.42
    assert model_from_json('{"weights": {}}').calibration is None


def test_features_see_conversations_anchors_and_broken_alternation():
    lines = [
        _line(0, "Ann", "explicit-verb", 0.95),
        _line(1, "Bob", "turn-taking", 0.7),
        _line(2, "Ann", "turn-taking", 0.7),
        _line(3, "Ann", "turn-taking", 0.6),  # the same speaker twice running
        _line(4, None, "", 1.0, kind="narration"),
        _line(5, None, "", 1.0, kind="narration"),
        _line(6, None, "", 1.0, kind="narration"),
        _line(7, "Bob", "explicit-verb", 0.95),  # three narration paragraphs: a new conversation
    ]
    f = line_features(lines)
    assert len(f) == 5
    assert [x["first_of_conv"] for x in f] == [1.0, 0.0, 0.0, 0.0, 1.0]
    assert f[0]["conv_len"] == math.log1p(4) and f[4]["conv_len"] == math.log1p(1)
    # distance to the nearest turn a precise rule decided, for ranked lines only
    assert [round(x["anchor_dist_ranked"], 6) for x in f] == [
        0.0,
        *(round(math.log1p(d), 6) for d in (1, 2, 3)),
        0.0,
    ]
    assert f[3]["same_as_prev"] == 1.0 and f[2]["same_as_prev"] == 0.0
    assert f[2]["alt_prev2_ranked"] == 1.0 and f[1]["alt_prev2_ranked"] == 0.0
    assert f[0]["rule=explicit-verb"] == 1.0 and f[1]["rule=turn-taking"] == 1.0
    assert f[0]["words"] == math.log1p(1) and f[0]["words_ranked"] == 0.0


def test_features_of_a_long_conversation_take_linear_work():
    def conversation(turns: int) -> list[Line]:
        return [_line(i, "Ann" if i % 2 else "Bob", "turn-taking", 0.7) for i in range(turns)]

    small = python_calls(line_features, conversation(400))
    large = python_calls(line_features, conversation(800))
    assert large / small < 2.2, (small, large)


def _script(confs: list[float]) -> Script:
    lines = [_line(i, "Ann", "turn-taking", c) for i, c in enumerate(confs)]
    lines.append(_line(len(confs), None, "unattributed", 0.0))
    return Script(title="t", characters=[Character("Ann")], scenes=[Scene(id="s", lines=lines)])


def test_review_lists_the_least_sure_share_by_default():
    confs = [
        0.9,
        0.2,
        0.8,
        0.5,
        0.95,
        0.99,
        0.7,
        0.3,
        0.85,
        0.6,
        0.97,
        0.9,
        0.4,
        0.92,
        0.88,
        0.91,
        0.93,
        0.94,
        0.96,
    ]
    script = _script(confs)
    listed = review(script)
    assert len(listed) == math.ceil(REVIEW_SHARE * (len(confs) + 1)) == 3
    # the unattributed line counts as 0, then the least sure, in that order
    assert [l.speaker for l in listed] == [None, "Ann", "Ann"]
    assert [l.confidence for l in listed[1:]] == [0.2, 0.3]
    # a threshold lists every line below it instead
    assert [l.confidence for l in review(script, threshold=0.55)] == [0.0, 0.2, 0.3, 0.4, 0.5]


def _between_tags(middle: str, text: str = "words") -> list[Line]:
    """Ann tags a turn, two untagged turns, Ann tags the turn after: strict alternation says
    the middle turn is Ann's."""
    lines = [
        _line(0, "Ann", "explicit-verb", 0.95),
        _line(1, "Bob", "turn-taking", 0.7),
        _line(2, middle, "turn-taking", 0.7),
        _line(3, "Bob", "turn-taking", 0.7),
        _line(4, "Ann", "explicit-verb", 0.95),
    ]
    lines[2].text = text
    return lines


def test_features_see_whether_the_tags_around_a_turn_agree_with_its_speaker():
    agree, conflict = line_features(_between_tags("Ann"))[2], line_features(_between_tags("Cal"))[2]
    assert agree["alt_next_agree_ranked"] == agree["alt_prev_agree_ranked"] == 1.0
    assert agree["alt_next_conflict_ranked"] == 0.0
    assert conflict["alt_next_conflict_ranked"] == conflict["alt_both_conflict"] == 1.0
    assert conflict["alt_next_agree_ranked"] == 0.0
    # an odd distance with another speaker fits the alternation without confirming it
    bob = line_features(_between_tags("Ann"))[1]
    assert bob["alt_next_agree"] == bob["alt_next_conflict"] == 0.0
    assert bob["prev_anchor_dist"] == math.log1p(1) and bob["next_anchor_dist"] == math.log1p(3)
    # no tagged turn before the first: the distance stated for a missing anchor
    assert line_features(_between_tags("Ann"))[0]["prev_anchor_dist"] == math.log1p(20)
    # the ranked rule's own slopes, and the share of the story the ranker decided
    assert (
        agree["turn-taking*words"] == agree["words"]
        and "turn-taking*words" not in line_features(_between_tags("Ann"))[0]
    )
    assert agree["story_ranked"] == 0.6 and agree["story_ranked_ranked"] == 0.6
    # a story (nearly) all tags or all untagged turns: the share as far as PDNC's range
    assert line_features([_line(0, "Ann", "explicit-verb", 0.95)])[0]["story_ranked"] == 0.1


def test_features_read_questions_and_addressees():
    asked = line_features(_between_tags("Ann", "Did you see me?"))[2]
    assert asked["question_ranked"] == asked["you_ranked"] == asked["first_person_ranked"] == 1.0
    assert asked["exclaim_ranked"] == 0.0 and asked["addressee"] == 0.0


def test_a_turn_the_next_tag_contradicts_is_stated_less_sure():
    model = load_model()
    assert model.calibration is not None
    for given in (True, False):
        agree = model.calibration.probability(line_features(_between_tags("Ann"))[2], given)
        conflict = model.calibration.probability(line_features(_between_tags("Cal"))[2], given)
        assert conflict < agree, (given, agree, conflict)


def test_probability_sums_what_the_plain_weighted_sum_sums():
    # the weights are looked up once per order of feature names: the same products in the
    # same order, so the same floats as the plain sum, whatever order or names come
    model = load_model()
    assert model.calibration is not None
    feats = line_features([l for l in parse_story(EXCHANGE, cast=CAST).lines()])
    feats += [dict(reversed(f.items())) for f in feats] + [{"unknown": 1.0, "bias": 1.0}]
    for given in (True, False):
        weights = model.calibration.cast if given else model.calibration.nocast
        for f in feats * 2:
            z = sum(weights.get(k, 0.0) * v for k, v in f.items())
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            knots = model.calibration.cast_knots if given else model.calibration.nocast_knots
            slope = LOW_SLOPE_CAST if given else LOW_SLOPE_NOCAST
            assert model.calibration.probability(f, given) == monotone_map(p, knots, slope)
