"""Fuzzing in CI: hostile stories and story files give a script or a one-line error, never a crash."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiodrama.errors import AudiodramaError
from audiodrama.model import LINE_KINDS
from audiodrama.parse import parse_story
from audiodrama.sources.reader import read_source

FUZZ = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of fiction and of everything that breaks naive parsers: quotes of every convention,
# unbalanced ones, speech tags, headings, scene breaks, markup, control characters.
PIECES = [
    '"Hello," said Anna.',
    "\u201cWhere?\u201d he asked.",
    "'Single,' she said, 'quotes.'",
    "\u00ab Oui, \u00bb dit-il.",
    "\u2014Hola \u2014dijo \u00e9l\u2014.",
    '"(sighs)" Anna said.',
    '"[[not a note]]" Bob said.',
    "Chapter 1",
    "CHAPTER XII.",
    "* * *",
    "---",
    "Summary: a story.",
    "Willow laughed. Xander didn't.",
    "Ring! Ring!",
    '"Unclosed quote',
    "close only\u201d",
    "@ALLCAPS CUE",
    "(parenthetical)",
    ".SCENE 9",
    "/* comment */",
    "\x00",
    "\ufeff",
    "\u200b",
    "\r",
    "\t",
    "<b>bold</b>",
    "*em*",
    "_under_",
    "Mr. Darcy",
    "\U0001f600",
]


@st.composite
def stories(draw: st.DrawFn) -> str:
    paragraphs = draw(
        st.lists(
            st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=20)), min_size=1, max_size=6),
            max_size=12,
        )
    )
    joiner = draw(st.sampled_from(["\n\n", "\n", "\r\n\r\n", "\n\n\n"]))
    return joiner.join(" ".join(p) for p in paragraphs)


@FUZZ
@given(stories())
def test_any_story_parses_into_a_well_formed_script(text: str) -> None:
    script = parse_story(text, title="Fuzz", slug="fuzz")
    ids = [line.id for line in script.lines()]
    assert len(ids) == len(set(ids))
    names = {n for c in script.characters for n in c.all_names()}
    for line in script.lines():
        assert line.kind in LINE_KINDS
        assert 0 <= line.span[0] <= line.span[1] <= len(text)
        assert line.speaker is None or line.speaker in names


@FUZZ
@given(st.binary(max_size=400), st.sampled_from([".txt", ".md", ".html", ".epub"]))
def test_any_story_file_reads_or_gives_a_one_line_error(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"story{suffix}"
        path.write_bytes(data)
        try:
            source = read_source(path)
        except AudiodramaError as exc:
            assert "\n" not in str(exc) and str(path) in str(exc)
        else:
            assert isinstance(source.text, str)
