"""Deliveries the parser proposes: dream, memory (remembered quotations) and phone."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiodrama.model import Character
from audiodrama.parse import parse_story
from audiodrama.sources.markup import html_to_source
from audiodrama.sources.reader import read_source

CAST = [Character("Anna", gender="female"), Character("Ben", gender="male"), Character("Carl", gender="male")]


def _deliveries(text, cast=CAST):
    return [
        (l.speaker, l.text, l.delivery) for l in parse_story(text, cast=cast).lines() if l.kind == "dialogue"
    ]


@pytest.fixture(scope="module")
def demo_script():
    return parse_story(
        (Path(__file__).resolve().parents[1] / "stories" / "demo.txt").read_text(encoding="utf-8")
    )


def test_demo_dream(demo_script):
    dream = [l for l in demo_script.lines() if l.delivery == "dream"]
    assert dream and all(l.kind == "dialogue" for l in dream)
    first_scene = demo_script.scenes[0]
    assert {l.id for l in dream} == {l.id for l in first_scene.lines if l.kind == "dialogue"}
    assert dream[0].text.startswith("I don't like walking")
    assert dream[-1].text.startswith("I miss this")


def test_demo_memories(demo_script):
    memory = [l.text for l in demo_script.lines() if l.delivery == "memory"]
    assert any(t.startswith("No, it doesn't stop. It never stops.") for t in memory)
    assert any(t.startswith("Say it's true. Say I do want to") for t in memory)
    assert any(t.startswith("No you don't") for t in memory)
    assert "But thanks for saying it." in memory
    # nothing from the phone call or the later scenes
    assert not any("Buffy? Are you okay?" in t for t in memory)
    later = [l for s in demo_script.scenes[2:] for l in s.lines]
    assert all(l.delivery is None for l in later)


def test_demo_phone_is_willow_only_during_the_call(demo_script):
    phone = [l for l in demo_script.lines() if l.delivery == "phone"]
    assert phone and {l.speaker for l in phone} == {"Willow"}
    assert phone[0].text == "Buffy? Are you okay?"
    # the call ends with Willow's long speech (two breath-long lines since speeches over 300
    # characters are cut)
    assert phone[-2].text.startswith("What? You're saying you're not happy")
    assert phone[-1].text.endswith("because it will all be mine!")
    scenes = {l.id: s.id for s in demo_script.scenes for l in s.lines}
    assert len({scenes[l.id] for l in phone}) == 1  # the call ends with the scene


PHONE = """Anna was making dinner when her phone rang. She picked up the phone.

"Hello?" Anna said.

"Hi, it's me," Ben said. "I'm running late."

"Again?" Anna asked.

"Sorry," said Ben. "Traffic."

She hung up and went back to the stove.

"Who was that?" Carl asked from the doorway.

"Ben," Anna said.

"Ben?" Carl said. "Figures," Ben said from the hall."""


def test_phone_answered_until_hang_up():
    got = _deliveries(PHONE)
    phone = [t for s, t, d in got if d == "phone"]
    assert phone == ["Hi, it's me,", "I'm running late.", "Sorry,", "Traffic."]
    assert all(d is None for s, t, d in got if s != "Ben")


def test_phone_dialled_until_the_caller_arrives():
    text = (
        'Anna sat at her desk. Carl was reading.\n\n"Tea?" Carl asked.\n\n"Yes please," Anna said.'
        '\n\nShe dialed Ben\'s number and waited.\n\n"Ben here," Ben said.\n\n"It\'s Anna," Anna said.'
        '\n\n"Oh hi," Ben said.\n\nBen arrived at the door ten minutes later.\n\n"Hello," Ben said.'
    )
    got = _deliveries(text)
    assert [(t, d) for s, t, d in got if s == "Ben"] == [
        ("Ben here,", "phone"),
        ("Oh hi,", "phone"),
        ("Hello,", None),
    ]
    assert all(d is None for s, t, d in got if s != "Ben")


def test_no_phone_without_an_absent_party():
    text = (
        'Anna and Ben sat in the kitchen.\n\n"Hi," Ben said.\n\n"Hi," Anna said.\n\n'
        'The phone rang. Anna picked up the phone.\n\n"Yes?" Anna said.\n\n"Who is it?" Ben asked.'
    )
    assert all(d is None for _, _, d in _deliveries(text))


def test_dream_with_an_opener():
    text = (
        'Anna fell asleep on the couch. She dreamt of the sea.\n\n"Come with me," Ben said, holding out '
        'his hand.\n\n"Where?" Anna asked.\n\nAnna woke with a start. The room was dark.\n\n'
        '"Are you okay?" Carl asked.'
    )
    assert [d for _, _, d in _deliveries(text)] == ["dream", "dream", None]


def test_waking_without_a_dream_is_not_a_dream():
    text = (
        '"Good night," Ben said.\n\n"Night," Anna said.\n\nThe next morning Anna woke early and '
        'made coffee.\n\n"Morning," Ben said.'
    )
    assert all(d is None for _, _, d in _deliveries(text))


def test_memory_said_so():
    text = (
        "Anna stood at the window for a long time.\n\nShe remembered what Ben had said on the "
        'bridge that night.\n\n"I will always come back," Ben said.\n\n"Tea?" Carl asked.'
    )
    assert [d for _, _, d in _deliveries(text)] == ["memory", None]


def test_present_conversation_after_musing_is_not_memory():
    musing = (
        "Anna thought about the years she had spent here, and how the house used to look "
        "when her mother still kept the garden, long ago, before everything had changed and "
        "the roses had gone wild and nobody came to visit any more on Sundays or holidays. "
    )
    text = f'{musing}\n\n"Are you coming?" Ben asked from the door.\n\n"Yes," Anna said.\n\n"Good," Ben said.'
    assert all(d is None for _, _, d in _deliveries(text))


def test_italic_dialogue_is_memory_in_marked_up_formats():
    src = html_to_source(
        '<p>Anna looked at the old photograph.</p><p>"<i>Promise me you will '
        'stay</i>," Ben said.</p><p>"Are you okay?" <i>Carl</i> asked.</p>'
    )
    script = parse_story(src, cast=CAST)
    got = [(l.speaker, l.delivery) for l in script.lines() if l.kind == "dialogue"]
    assert got == [("Ben", "memory"), ("Carl", None)]


def test_deliveries_do_not_override_and_skip_narration(demo_script):
    assert all(l.delivery is None for l in demo_script.lines() if l.kind != "dialogue")


@pytest.mark.parametrize("novel", ["AlicesAdventuresInWonderland", "PrideAndPrejudice"])
def test_no_deliveries_proposed_in_classic_novels(novel, pdnc):
    """Conservative cues: nothing in these novels is a call, a dream scene or a quoted memory."""
    script = parse_story(read_source(pdnc / novel / "novel_text.txt"))
    assert [l.text for l in script.lines() if l.delivery] == []
