"""Parse a story's plain text into a cast script: lines, characters, scenes, episodes.

The stages are pure functions over the text:
structure (paragraphs, headings, scene breaks, front matter) -> dialogue
(quotes, characters, speaker attribution, speech tags) -> ids and scenes.
"""
from __future__ import annotations

from ..ids import assign_ids, scene_id
from ..model import Character, Line, Scene, Script
from .dialogue import segment_and_attribute
from .structure import Block, detect_structure

__all__ = ["parse_story", "detect_structure", "Block"]


def parse_story(text: str, *, title: str = "", slug: str = "", source: str = "",
                cast: list[Character] | None = None) -> Script:
    """Parse `text` into a Script. With `cast`, those characters (and aliases) are used."""
    blocks = detect_structure(text)
    body_index = [i for i, b in enumerate(blocks) if b.role == "body"]
    body_lines, characters = segment_and_attribute(
        text, [(blocks[i].start, blocks[i].end) for i in body_index], cast)
    lines: list[Line] = []
    for line in body_lines:
        line.paragraph = body_index[line.paragraph]
        lines.append(line)
    for i, b in enumerate(blocks):
        if b.role in ("heading", "front_matter"):
            lines.append(Line(id="", kind=b.role, text=" ".join(text[b.start:b.end].split()),
                              span=(b.start, b.end), paragraph=i))
    lines.sort(key=lambda l: l.span)
    for line, line_id in zip(lines, assign_ids(l.text for l in lines)):
        line.id = line_id
    scenes: list[Scene] = []
    current: tuple[int, int] | None = None
    for line in lines:
        b = blocks[line.paragraph]
        if (b.chapter, b.scene) != current:
            current = (b.chapter, b.scene)
            scenes.append(Scene(id=scene_id(line.id), episode=b.chapter,
                                title=b.title if b.role == "heading" else ""))
        scenes[-1].lines.append(line)
    counts: dict[str, int] = {}
    for line in lines:
        if line.kind == "dialogue" and line.speaker:
            counts[line.speaker] = counts.get(line.speaker, 0) + 1
    for c in characters:
        c.lines = counts.get(c.name, 0)
    return Script(title=title, source=source, characters=characters, scenes=scenes, slug=slug)
