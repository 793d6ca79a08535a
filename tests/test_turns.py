"""Turn-taking and pronoun tags decided by the ranker, each on a small hand-written passage:
a same-gender pronoun exchange, turn-taking across narration beats, a third speaker."""

from __future__ import annotations

import math

from audiodrama.model import Character
from audiodrama.parse import ranker_voice
from audiodrama.parse.dialogue import segment_and_attribute
from audiodrama.parse.structure import paragraphs

TOM_WILL = [Character("Tom", [], "male"), Character("Will", [], "male")]
ANN_BOB_CARL = [Character("Ann", [], "female"), Character("Bob", [], "male"), Character("Carl", [], "male")]


def speakers(text: str, cast: list[Character] | None) -> list[str | None]:
    lines, _ = segment_and_attribute(text, paragraphs(text), cast)
    return [l.speaker for l in lines if l.kind == "dialogue"]


def test_same_gender_pronoun_exchange():
    # two men talk: `he said` after a line of the other one is the first one, and the
    # `he answered` after it the other one again
    text = (
        "Tom found Will at the harbour wall, mending a net.\n\n"
        '"Is the boat ready?" asked Tom.\n\n'
        '"Nearly," said Will.\n\n'
        '"Then we sail at dawn," he said.\n\n'
        '"At dawn," he answered, "if the wind holds."\n\n'
        '"It will hold," he said.'
    )
    assert speakers(text, TOM_WILL) == ["Tom", "Will", "Tom", "Will", "Will", "Tom"]


def test_turn_taking_across_a_narration_beat():
    # a beat that names nobody: its `She` is the woman of the conversation, who speaks
    # next, and the untagged lines after it alternate from her
    text = (
        '"Where were you last night?" asked Ann.\n\n'
        '"Out," said Bob.\n\n'
        "She folded her arms and waited.\n\n"
        '"Out where?"\n\n'
        '"Just out. With friends."\n\n'
        '"Which friends?"\n\n'
        '"You don\'t know them."'
    )
    assert speakers(text, ANN_BOB_CARL) == ["Ann", "Bob", "Ann", "Bob", "Ann", "Bob"]


def test_a_third_speaker_restarts_the_alternation():
    # Ann and Bob alternate; Carl breaks in and Bob answers him: the untagged lines after
    # that go Carl, Bob (not back to Ann and Bob)
    text = (
        '"Where were you last night?" asked Ann.\n\n'
        '"Out," said Bob.\n\n'
        '"Out where?"\n\n'
        '"Just out."\n\n'
        '"Supper is on the table," said Carl from the doorway.\n\n'
        '"In a minute," said Bob.\n\n'
        '"It will be cold in a minute."\n\n'
        '"Then it will be cold."'
    )
    assert speakers(text, ANN_BOB_CARL) == ["Ann", "Bob", "Ann", "Bob", "Carl", "Bob", "Carl", "Bob"]


def _features(text: str, cast: list[Character], ti: int) -> dict[str, dict[str, float]]:
    """The ranker's candidate features of turn `ti` (speakers: the rules' only), by name."""
    from audiodrama.parse.dialogue import setup
    from audiodrama.parse.ranker_context import Context
    from audiodrama.parse.ranker_features import candidates

    _, chars, att = setup(text, paragraphs(text), cast)
    att.run_precise()
    f = candidates(Context(att), ti, [t.speaker for t in att.turns])
    return {chars[c].name: v for c, v in f.items()}


def test_the_exchange_tags_and_vocatives_by_parity():
    # Ann asks, then four untagged lines, then Carl's tag: Carl speaks every second line
    # from the untagged second one, whoever the decoder thought spoke the ones before;
    # the line calling Ann by name is of the same parity, so Ann does not speak it
    text = (
        "Ann and Bob sat by the fire; Carl read in the corner.\n\n"
        '"Did you lock the gate?" asked Ann.\n\n'
        '"I did."\n\n'
        '"And the shed?"\n\n'
        '"That too, Ann."\n\n'
        '"Good."\n\n'
        '"Do stop fussing," said Carl.'
    )
    f = _features(text, ANN_BOB_CARL, 1)
    assert "par_anchor_even" in f["Carl"] and "par_anchor_odd" not in f["Carl"]
    assert "par_anchor_odd" in f["Ann"]
    assert "par_voc_even" in f["Ann"] and "par_voc_odd" not in f.get("Bob", {})


def test_the_untagged_she_said_turns_of_a_parity_tell_its_gender():
    # Bob asks; the lines of the other parity are told `she said` and `she answered`: the
    # untagged one between them is a woman's too (Ann's, not Carl's)
    text = (
        "Ann, Bob and Carl waited on the platform.\n\n"
        '"Is it late?" asked Bob.\n\n'
        '"Ten minutes," she said.\n\n'
        '"Again?"\n\n'
        '"Again."\n\n'
        '"Then we walk."\n\n'
        '"In this rain?" she answered.'
    )
    f = _features(text, ANN_BOB_CARL, 3)
    assert "par_pron_match" in f["Ann"] and "par_pron_mismatch" not in f["Ann"]
    assert "par_pron_mismatch" in f["Carl"]


def test_a_later_tag_fixes_the_parity_of_an_untagged_exchange():
    # nobody is tagged until Ann thanks Carl on the fifth line: she speaks every second
    # line back to the first, and Carl the others (not Bob, who was named last before it:
    # a decoder summing fully normalised turn scores lets the Bob history switch partners
    # cheaply at the tag, and keeps Bob on the first and third lines; the search score
    # half-normalised by the history-free scores does not, ranker.STATIC_SHARE)
    text = (
        "Ann met Carl on the road. Bob was with them.\n\n"
        '"Where are you going?"\n\n'
        '"To the mill."\n\n'
        '"May I come?"\n\n'
        '"If you like."\n\n'
        '"Thank you, Carl," said Ann.\n\n'
        '"Keep up, then."'
    )
    assert speakers(text, ANN_BOB_CARL) == ["Ann", "Carl", "Ann", "Carl", "Ann", "Carl"]


def test_a_pronoun_opening_the_quotes_own_paragraph_tells_the_speakers_gender():
    # `She folded her arms. "..."`: the `She` opening the quote's paragraph (not only one
    # after a full stop inside it) tells the speaker's gender, the woman's, not the man's
    text = (
        "I went in with Ann and Bob.\n\n"
        '"Is it late?" asked Bob.\n\n'
        '"Not yet," I said.\n\n'
        'She folded her arms. "Then we wait."'
    )
    f = _features(text, [Character("Ann", [], "female"), Character("Bob", [], "male")], 2)
    assert "npron_match" in f["Ann"] and "npron_mismatch" in f["Bob"]


def test_the_search_score_is_normalised_half_by_the_history_free_scores():
    # two candidates: the history features (prev2_alt) favour 1; the search score divides
    # by the mean of the two log-partition functions, the probability by the full one
    from audiodrama.parse.ranker_search import search_scores

    cands = {0: {"prom": 1.0}, 1: {"prom": 1.0, "prev2_alt": 1.0}}
    static = {0: 0.0, 1: 0.0}  # the history-free scores
    (s1, lp1, c1), (s0, lp0, c0) = search_scores(
        cands, {"prom": 0.0, "prev2_alt": 2.0}, static=static, share=0.5
    )
    full = math.log(1 + math.exp(2.0))
    assert (c1, c0) == (1, 0)
    assert math.isclose(lp1, 2.0 - full) and math.isclose(lp0, -full)
    assert math.isclose(s1, 2.0 - (full + math.log(2)) / 2)
    assert math.isclose(s0 - lp0, (full - math.log(2)) / 2)


def test_a_turn_the_final_beams_disagree_on_is_less_sure():
    # three final histories: the best two give turn 0 to speaker 5, the third to 6; all
    # agree on turn 1
    from audiodrama.parse.history import History
    from audiodrama.parse.ranker_search import agreement

    base: list[int | None] = [None, None]
    states = [
        (0.0, History(base, {0: 5, 1: 7}), None),
        (math.log(0.5), History(base, {0: 5, 1: 7}), None),
        (math.log(0.5), History(base, {0: 6, 1: 7}), None),
    ]
    share = agreement(states, [0, 1])
    assert math.isclose(share[0], 1.5 / 2.0) and share[1] == 1.0


def test_he_said_after_narration_about_one_of_two_men():
    # two men talk; then the narration makes Will its subject (`Will climbed ... Then he
    # coiled`) and names Tom only as an object (`to Tom`): the `he said` after it is Will,
    # though turn-taking and the last man named point at Tom
    text = (
        '"Is the boat ready?" asked Tom.\n\n'
        '"Nearly," said Will.\n\n'
        "Will climbed down into the boat and looked at the sail for a long time. "
        "Then he coiled a rope and threw the end of it to Tom.\n\n"
        '"We sail at dawn," he said.'
    )
    assert speakers(text, TOM_WILL) == ["Tom", "Will", "Will"]
    f = _features(text, TOM_WILL, 2)
    assert "gsubj0" in f["Will"] and "gsubj0" not in f["Tom"]  # the subject of that gender
    assert "grec0" in f["Tom"]  # the last man named


def test_a_quote_in_a_characters_own_words_sounds_like_them(monkeypatch):
    # Carl's tagged lines say `aye` and `thee`: the untagged line in his words sounds like
    # him (voice_best), not like Bob, whose tagged line is in other words; Ann, whom no rule
    # gave a line, has no voice at all (the smoothing is lowered: a novel's characters have
    # thousands of tagged words, this passage a dozen)
    monkeypatch.setattr(ranker_voice, "_MU", 2.0)
    text = (
        "Ann, Bob and Carl sat by the fire.\n\n"
        '"Well, I suppose we ought to be going soon," said Bob.\n\n'
        '"Aye, lad, if thee likes. Thee knows best," said Carl.\n\n'
        '"It is late, I suppose."\n\n'
        '"Aye, lad, thee knows best."'
    )
    f = _features(text, ANN_BOB_CARL, 3)
    assert "voice_best" in f["Carl"] and f["Carl"]["voice"] > 0
    assert "voice_best" not in f.get("Bob", {})
    assert "voice" not in f.get("Ann", {})


def test_a_quote_in_nobodys_words_has_no_best_voice(monkeypatch):
    # the untagged line shares no word with either tagged one: no candidate sounds like it
    monkeypatch.setattr(ranker_voice, "_MU", 2.0)
    text = (
        "Ann, Bob and Carl sat by the fire.\n\n"
        '"Well, I suppose we ought to be going soon," said Bob.\n\n'
        '"Aye, lad, if thee likes," said Carl.\n\n'
        '"Snow tonight."'
    )
    f = _features(text, ANN_BOB_CARL, 2)
    assert not any("voice_best" in v for v in f.values())
