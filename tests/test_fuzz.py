"""Fuzzing in CI: hostile stories and story files give a script or a one-line error, never a crash."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiodrama.errors import AudiodramaError
from audiodrama.model import LINE_KINDS, Script
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


SUFFIXES = st.sampled_from([".txt", ".md", ".html", ".epub"])


@FUZZ
@given(st.binary(max_size=400), SUFFIXES)
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


SECTIONS = {
    "pacing": ["within_turn_ms", "between_speakers_ms", "paragraph_ms", "scene_ms", "cutoff_ms", "head_ms"],
    "mix": ["mode", "transition", "ambience", "credits", "ambience_db", "duck_db", "episode_minutes", "cues"],
    "master": ["profile", "sample_rate", "channels", "formats", "mp3_bitrate", "cover"],
    "render": ["workers"],
    "nonsense": ["x"],
}
VALUES = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=12),
    st.lists(st.sampled_from(["wav", "mp3", "opus", "m4b", "flac", ""]), max_size=4),
    st.sampled_from(["drama", "audiobook", "podcast", "acx", "none", "rain", "sting"]),
)


@st.composite
def settings_files(draw: st.DrawFn) -> str:
    """A TOML audiodrama.toml with hostile values (or plain garbage)."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=80))
    out = []
    for section in draw(st.lists(st.sampled_from(sorted(SECTIONS)), max_size=4, unique=True)):
        out.append(f"[{section}]")
        for key in draw(st.lists(st.sampled_from(SECTIONS[section]), max_size=4, unique=True)):
            value = draw(VALUES)
            out.append(f"{key} = {_toml(value)}")
    return "\n".join(out) + "\n"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(repr(value), repr(value))
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return str(value)


@FUZZ
@given(settings_files())
def test_any_settings_file_loads_or_gives_a_one_line_error(text: str) -> None:
    from audiodrama.project.production import load_settings

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "audiodrama.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            settings = load_settings(path)
        except AudiodramaError as exc:
            assert "\n" not in str(exc).strip() and str(path) in str(exc)
        else:
            assert 8000 <= settings.master.sample_rate <= 192000
            assert settings.pacing.paragraph_ms >= 0
            assert -90 <= settings.mix.ambience_db <= 0


FOUNTAIN_STORY = (
    '"Where were you?" Willow asked.\n\n"Out," said Buffy. "Patrolling."\n\n'
    "Xander sighed. The phone rang.\n\n* * *\n\n"
    '"(sighs) Fine," Willow said. "[[Not]] a note."\n\nThey walked home in silence.\n'
)
EDIT_PIECES = [
    "",
    "\n",
    "\n\n",
    "WILLOW",
    "@narrator",
    "(phone)",
    "(sighs)",
    "[[",
    "]]",
    "[[x]]",
    ".SCENE 9 [[s-x]]",
    "!",
    "/*",
    "*/",
    "Title: x",
    "\\",
    "\x00",
    "BUFFY\n(whisper)\nHi [[",
    ")",
]


@functools.cache
def _parsed() -> tuple[Script, str]:
    """The small story parsed once, and the Fountain written for it (apply never changes its input)."""
    from audiodrama.script import to_fountain

    script = parse_story(FOUNTAIN_STORY, title="T", slug="t")
    return script, to_fountain(script)


@st.composite
def fountain_edits(draw: st.DrawFn) -> str:
    """The Fountain a parse wrote, then cut, spliced, duplicated and scribbled on."""
    lines = _parsed()[1].split("\n")
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(lines)))
        action = draw(st.sampled_from(["delete", "insert", "duplicate", "replace", "truncate"]))
        if action == "delete" and lines:
            del lines[min(at, len(lines) - 1)]
        elif action == "insert":
            lines.insert(at, draw(st.one_of(st.sampled_from(EDIT_PIECES), st.text(max_size=15))))
        elif action == "duplicate" and lines:
            lines[at:at] = lines[max(0, at - 3) : at]
        elif action == "replace" and lines:
            lines[min(at, len(lines) - 1)] = draw(st.sampled_from(EDIT_PIECES))
        elif action == "truncate":
            lines = lines[:at]
    return "\n".join(lines)


@FUZZ
@given(fountain_edits(), st.booleans())
def test_any_fountain_edit_applies_or_gives_a_one_line_error(fountain: str, accept: bool) -> None:
    from audiodrama.script import apply_fountain

    script = _parsed()[0]
    before = {line.id: line.text for line in script.lines()}
    try:
        edited, _changes = apply_fountain(script, fountain, "t.fountain", accept=accept)
    except AudiodramaError as exc:
        assert "\n" not in str(exc).strip() and "t.fountain" in str(exc)
        return
    ids = [line.id for line in edited.lines()]
    assert len(ids) == len(set(ids))
    assert {line.id: line.text for line in script.lines()} == before  # the input is not changed
