"""Parse a story's plain text into a cast script: lines, characters, scenes, episodes.

The stages are pure functions over the text:
structure (paragraphs, headings, scene breaks, front matter) -> dialogue
(quotes, characters, speaker attribution, speech tags) -> ids and scenes -> deliveries
(phone, dream, memory proposed where the text says so).

Episodes are chapters (counted headings). Scene ids come from the scene's first story line
(narration/dialogue/tag; the first line of any kind if it has none), so a chapter heading or
an author's note added or edited above it does not change the id. Front matter (author's
notes, summary, disclaimer) is kept as `front_matter` lines in the scene it precedes; the
summary is the front_matter line whose text starts with "Summary" (see `summary_line`).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace

from audiodrama.ids import assign_ids, scene_id
from audiodrama.model import Character, Line, Scene, Script
from audiodrama.parse.calibration import calibrate
from audiodrama.parse.deliveries import propose_deliveries
from audiodrama.parse.detokenize import detokenized, forward
from audiodrama.parse.dialogue import segment_and_attribute
from audiodrama.parse.language import detect_language
from audiodrama.parse.ranker import Model, as_model
from audiodrama.parse.structure import Block, detect_structure
from audiodrama.sources.emphasis import emphasis_for_lines, emphasis_in_line
from audiodrama.sources.source import Source

__all__ = ["Block", "detect_structure", "parse_story", "summary_line", "summary_text"]

_STORY_KINDS = ("narration", "dialogue", "tag")


def parse_story(
    text: str | Source,
    *,
    title: str = "",
    slug: str = "",
    source: str = "",
    cast: list[Character] | None = None,
    lang: str | None = None,
    model: Model | Mapping[str, float] | None = None,
) -> Script:
    """Parse `text` into a Script. With `cast`, those characters (and aliases) are used.

    `text` may also be a `sources.Source` (from `read_source`): its marked headings, breaks,
    notes, emphasis, title and language are then used too. `lang` overrides the language
    (else the file's metadata, else detection from the text). `model` is the speaker
    ranker's model (`parse.ranker.load_model`: weights and confidence calibration; bare
    weights leave the confidences uncalibrated); None: the packaged model.
    """
    with _collector_paused():
        return _parse_story(text, title, slug, source, cast, lang, model)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cycle collector off while a story is parsed: parsing builds hundreds of
    thousands of objects that all stay alive until it ends, so the full collections their
    growth triggers find nothing to free and cost a tenth of the parse."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse_story(
    text: str | Source,
    title: str,
    slug: str,
    source: str,
    cast: list[Character] | None,
    lang: str | None,
    model: Model | Mapping[str, float] | None,
) -> Script:
    hints = None
    if not isinstance(text, str):
        hints, text = text, text.text
        title = title or getattr(hints, "title", "")
    prose = detokenized(text)
    if prose is not None:  # text from an NLP corpus: parsed as prose, spans mapped back
        text, back = prose
        hints = _hints_in_prose(hints, text, back) if hints is not None else None
    blocks = detect_structure(text, hints)
    lines, characters = _lines(text, blocks, cast, model)
    if hints is not None and hints.emphasis:
        by_id = {line.id: line for line in lines}
        for line_id, spans in emphasis_for_lines(lines, hints.emphasis).items():
            line = by_id[line_id]
            line.emphasis = emphasis_in_line(text, line, spans)
    scenes = _scenes(lines, blocks)
    counts: dict[str, int] = {}
    for line in lines:
        if line.kind == "dialogue" and line.speaker:
            counts[line.speaker] = counts.get(line.speaker, 0) + 1
    for c in characters:
        c.lines = counts.get(c.name, 0)
    language = lang or _primary(getattr(hints, "language", "")) or detect_language(text)
    script = Script(
        title=title,
        source=source,
        characters=characters,
        scenes=scenes,
        slug=slug,
        language=language,
        author=" ".join(str(getattr(hints, "author", "") or "").split()),
    )
    script.description = getattr(hints, "description", "") or summary_text(script)
    # italics proposed as memory only where the format marks them (not _underscores_ in .txt)
    marked = getattr(hints, "format", "txt") != "txt"
    propose_deliveries(script, text, blocks, emphasis=getattr(hints, "emphasis", None) if marked else None)
    if prose is not None:
        for line in lines:
            s, e = line.span
            line.span = (back[s], back[e - 1] + 1 if e > s else back[s])
    return script


def _hints_in_prose(hints: Source, prose: str, back: list[int]) -> Source:
    """The source's marked spans moved to the detokenized text's offsets."""
    at = forward(back)
    return replace(
        hints,
        text=prose,
        headings=[(at[s], at[e], lvl) for s, e, lvl in hints.headings],
        breaks=[(at[s], at[e]) for s, e in hints.breaks],
        front_matter=[(at[s], at[e]) for s, e in hints.front_matter],
        emphasis=[(at[s], at[e], k) for s, e, k in hints.emphasis],
    )


def _lines(
    text: str, blocks: list[Block], cast: list[Character] | None, model: Model | Mapping[str, float] | None
) -> tuple[list[Line], list[Character]]:
    """Every line of the story in text order, with its id, and the characters."""
    body_index = [i for i, b in enumerate(blocks) if b.role == "body"]
    ranker = as_model(model)
    body_lines, characters = segment_and_attribute(
        text, [(blocks[i].start, blocks[i].end) for i in body_index], cast, ranker.weights
    )
    lines: list[Line] = []
    for line in body_lines:
        line.paragraph = body_index[line.paragraph]
        lines.append(line)
    for i, b in enumerate(blocks):
        if b.role in ("heading", "front_matter"):
            lines.append(
                Line(
                    id="",
                    kind=b.role,
                    text=" ".join(text[b.start : b.end].split()),
                    span=(b.start, b.end),
                    paragraph=i,
                )
            )
    lines.sort(key=lambda l: l.span)
    calibrate(lines, cast is not None, ranker.calibration)
    for line, line_id in zip(lines, assign_ids(l.text for l in lines)):
        line.id = line_id
    return lines, characters


def _scenes(lines: list[Line], blocks: list[Block]) -> list[Scene]:
    scenes: list[Scene] = []
    current: tuple[int, int] | None = None
    for line in lines:
        b = blocks[line.paragraph]
        if (b.chapter, b.scene) != current:
            current = (b.chapter, b.scene)
            scenes.append(Scene(id="", episode=b.chapter))
        scene = scenes[-1]
        scene.lines.append(line)
        if b.role == "heading" and not any(l.kind in _STORY_KINDS for l in scene.lines):
            scene.title = f"{scene.title}, {b.title}" if scene.title else b.title
    for scene in scenes:
        first = next((l for l in scene.lines if l.kind in _STORY_KINDS), scene.lines[0])
        scene.id = scene_id(first.id)
    return scenes


def _primary(code: str) -> str:
    """'en-GB' -> 'en' (metadata codes; a --lang value is passed through as given)."""
    return code.replace("_", "-").split("-")[0].lower().strip()


def summary_text(script: Script) -> str:
    """The summary paragraph without its label ("Summary: Spike is dead..." -> "Spike is dead...")."""
    found = summary_line(script)
    return re.sub(r"^\W*(?:summary|synopsis)\W*", "", found.text, flags=re.IGNORECASE) if found else ""


def summary_line(script: Script) -> Line | None:
    """The story's summary, for a cold open: the front_matter line starting with 'Summary'."""
    for line in script.lines():
        if line.kind == "front_matter" and line.text.lower().startswith(("summary", "synopsis")):
            return line
    return None
