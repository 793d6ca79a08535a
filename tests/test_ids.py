"""Line ids come from a line's words: stable under position, speaker and punctuation changes."""

from hypothesis import given
from hypothesis import strategies as st

from audiodrama.ids import assign_ids, base_id, normalise, scene_id


def test_same_words_same_id_regardless_of_punctuation_case_and_quotes():
    assert base_id("It's time luv\u2026") == base_id("it\u2019s TIME, luv...")
    assert base_id("Buffy? Are you okay?") != base_id("Buffy, are you not okay?")


def test_repeats_are_numbered_in_order_of_occurrence():
    assert assign_ids(["Yes.", "No.", "yes!"]) == [base_id("Yes."), base_id("No."), base_id("Yes.") + "-2"]


def test_inserting_a_line_does_not_change_other_ids():
    before = assign_ids(["a b", "c d", "e f"])
    after = assign_ids(["a b", "new line", "c d", "e f"])
    assert [before[0], before[1], before[2]] == [after[0], after[2], after[3]]


def test_scene_id_derives_from_first_line():
    assert scene_id("abc") == "s-abc"


@given(st.lists(st.text(max_size=30), max_size=30))
def test_ids_are_unique(texts):
    ids = assign_ids(texts)
    assert len(set(ids)) == len(ids)
    assert all(normalise(t) == normalise(normalise(t)) for t in texts)
