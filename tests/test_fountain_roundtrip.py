"""parse -> Fountain -> apply is the identity, for generated stories and for generated scripts."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiodrama.ids import assign_ids, scene_id
from audiodrama.model import DELIVERIES, LINE_KINDS, Character, Line, Scene, Script
from audiodrama.parse import parse_story
from audiodrama.script import apply_fountain, dumps, to_fountain

PDNC = Path(__file__).resolve().parents[2] / "shared" / "pdnc"

# Pieces that are Fountain syntax, or look like it, at the start of or inside a line.
TRICKY = [
    "[[",
    "]]",
    "[[note]]",
    "(sighs)",
    "(",
    ")",
    "/*",
    "*/",
    "*bold*",
    "\\",
    "!",
    "@",
    ".",
    "..",
    ">",
    "<",
    "~",
    "=",
    "#",
    "Title:",
    "INT. HOUSE",
    "ANNA",
    "NARRATOR",
    "ЁЖИК",
    "é",
    "日本",
    "\u00a0",
    "—",
    ":",
]
WORDS = ["Hello", "there", "yes", "no", "the", "house", "Mr.", "Anna", "Ben", "and", "said", "quietly"]
piece = st.sampled_from(TRICKY + WORDS)
phrase = st.lists(piece, min_size=1, max_size=6).map(" ".join)
names = st.sampled_from(["Anna", "Ben", "Renée", "McGonagall", "Mr. Darcy", "Zoë", "Jo"])


@st.composite
def paragraph(draw: st.DrawFn) -> str:
    shape = draw(st.integers(0, 4))
    words, name = draw(phrase), draw(names)
    if shape == 0:
        return words  # narration, possibly ALL-CAPS or starting with . ! @ > ...
    if shape == 1:
        return f'"{words}," {name} said.'
    if shape == 2:
        return f'"{words}" {name} said.'  # e.g. "(sighs)" Anna said.
    if shape == 3:
        return f'{name} asked, "{words}?"'
    return f'"{words}," said {name}. "{draw(phrase)}."'


stories = st.lists(paragraph(), min_size=1, max_size=8).map("\n\n".join)


def assert_identity(script: Script) -> None:
    before = dumps(script)
    after, changes = apply_fountain(script, to_fountain(script), "t.fountain")
    assert changes == []
    assert dumps(after) == before


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stories)
def test_parsed_stories_survive_the_fountain_round_trip(story):
    assert_identity(parse_story(story, title="T", slug="t"))


free_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)
line_text = st.one_of(phrase, free_text, st.text(string.printable, max_size=30)).filter(lambda t: t.strip())
speaker = st.one_of(st.none(), names, st.text(string.ascii_letters + " .'-(é", min_size=1, max_size=12))


@st.composite
def scripts(draw: st.DrawFn) -> Script:
    rows = draw(
        st.lists(
            st.tuples(st.sampled_from(LINE_KINDS), line_text, speaker, st.sampled_from((None, *DELIVERIES))),
            min_size=1,
            max_size=10,
        )
    )
    lines = [
        Line(
            id=line_id,
            kind=kind,  # type: ignore[arg-type]
            text=text,
            span=(i, i + 1),
            speaker=who.strip() or None if kind == "dialogue" and who else None,
            delivery=delivery,
        )
        for i, ((kind, text, who, delivery), line_id) in enumerate(zip(rows, assign_ids(r[1] for r in rows)))
    ]
    cut = draw(st.integers(1, len(lines)))
    scenes = [Scene(id=scene_id(lines[0].id), lines=lines[:cut], title=draw(phrase))]
    if lines[cut:]:
        scenes.append(Scene(id=scene_id(lines[cut].id), lines=lines[cut:], episode=2))
    characters = [Character(name=n) for n in sorted({l.speaker for l in lines if l.speaker})]
    return Script(title=draw(phrase), source="s.txt", slug="t", characters=characters, scenes=scenes)


@settings(max_examples=300, deadline=None)
@given(scripts())
def test_any_script_survives_the_fountain_round_trip(script):
    assert_identity(script)


NOVELS = sorted(p.name for p in PDNC.iterdir() if (p / "novel_text.txt").exists()) if PDNC.is_dir() else []


@pytest.mark.skipif(
    not NOVELS, reason=f"PDNC novels not found at {PDNC} (bench/fountain_roundtrip.py --pdnc DIR)"
)
@pytest.mark.parametrize("novel", NOVELS)
def test_pdnc_novels_survive_the_fountain_round_trip(novel):
    assert_identity(parse_story((PDNC / novel / "novel_text.txt").read_text(encoding="utf-8"), slug="novel"))
