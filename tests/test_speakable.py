"""Speakable text: cleaned for TTS without changing the script."""

from __future__ import annotations

import pytest

from audiodrama.voices.engines.pyttsx3_engine import espeak_input
from audiodrama.voices.speakable import emphasised_words, speakable_text, split_run_together

CASES = [
    ("It\u2019s time luv\u2026", "It's time luv..."),
    ("No please\u2026not yet", "No please... not yet"),
    ("Well . . . maybe", "Well... maybe"),
    ("did you have another Sp-", "did you have another Sp\u2014"),
    ("did you have another Sp--", "did you have another Sp\u2014"),
    ("Wait\u2014what are you doing?", "Wait \u2014 what are you doing?"),
    ("Um -- I mean", "Um \u2014 I mean"),
    ("Do-do you think I chose this?", "Do, do you think I chose this?"),
    ("D-d-don\u2019t go", "D- d- don't go"),
    ("I-I can\u2019t", "I, I can't"),
    ("HE would like it", "HE would like it"),
    ("I wouldloveto be upstairs watching TV", "I would love to be upstairs watching TV"),
    ("rock-and-roll is well-known", "rock-and-roll is well-known"),
    ("pseudonymous embarrassingly", "pseudonymous embarrassingly"),
    ("\u201cHello,\u201d", "Hello,"),
    ("Tom & Jerry", "Tom and Jerry"),
    ("\u2026", ""),
]


@pytest.mark.parametrize("raw,clean", CASES)
def test_speakable_text(raw, clean):
    assert speakable_text(raw) == clean


def test_split_only_when_sure():
    assert split_run_together("wouldloveto") == ["would", "love", "to"]
    assert split_run_together("Wouldloveto") is None  # capitalised: maybe a name
    assert split_run_together("understanding") is None  # a word already
    assert split_run_together("xqzvbnmtrw") is None


def test_emphasis_not_acronyms():
    text = "I NEVER said THAT to the FBI on TV, HE did"
    assert [text[a:b] for a, b in emphasised_words(text)] == ["NEVER", "THAT", "HE"]
    assert emphasised_words("YOU CANNOT DO THIS") == []  # a shouted line: no single word stands out


def test_engine_input():
    text, flags = espeak_input(speakable_text("did you have another Sp-"))
    assert text.endswith("[[sp]]") and flags & 0x100 and not flags & 0x1000  # phonemes, no end pause
    text, flags = espeak_input("HE would like it")
    assert "<emphasis>he</emphasis>" in text and flags & 0x10
    assert espeak_input("A & B <c>")[0] == "A & B <c>"  # plain text stays plain


def test_cut_off_and_stutter_are_not_spelled(production):
    """espeak-ng would say 'ess pee' for 'Sp': the fragment must be much shorter than that."""
    from support import make_script

    from audiodrama.model import Line
    from audiodrama.pipeline.voicing import cast_script, render_script

    script = make_script({"Ann": ("female", 1)})
    cast = cast_script(script, production)
    lines = [
        Line(id="a", kind="dialogue", text="another Sp-", span=(0, 1), speaker="Ann"),
        Line(id="b", kind="dialogue", text="another", span=(0, 1), speaker="Ann"),
        Line(id="c", kind="dialogue", text="another S P", span=(0, 1), speaker="Ann"),
    ]
    r = render_script(script, cast, production, lines=lines, progress=False)
    d = {k: v.duration for k, v in r.items()}
    assert d["a"] - d["b"] < 0.5 * (d["c"] - d["b"]), d


def test_demo_words_are_not_split(demo_text):
    import re

    split = {w for w in set(re.findall(r"\b[a-z]{7,}\b", demo_text)) if split_run_together(w)}
    assert "wouldloveto" in split and split <= {"wouldloveto", "belittle"}  # "be little" sounds the same


def test_italic_words_are_stressed_not_long_italic_stretches():
    from audiodrama.voices.engines.pyttsx3_engine import espeak_input
    from audiodrama.voices.speakable import stress_emphasis

    text = "I did say so, and I never take it back."
    spoken = stress_emphasis(text, text, [(2, 5, "italic"), (20, 25, "bold")])
    assert spoken == "I DID say so, and I NEVER take it back."
    ssml, _ = espeak_input(spoken)
    assert "<emphasis>did</emphasis>" in ssml and "<emphasis>never</emphasis>" in ssml
    # a whole italic sentence is a delivery (memory/thought), not stress on every word
    assert stress_emphasis(text, text, [(0, len(text), "italic")]) == text
    # lexicon phonemes are left alone
    assert stress_emphasis("I [[dId]] say so.", "I did say so.", [(2, 5, "italic")]) == "I [[dId]] say so."
