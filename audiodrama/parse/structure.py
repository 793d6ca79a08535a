"""Story structure: paragraphs, chapter headings, scene breaks and front matter.

Pure functions over the plain text. Each paragraph becomes a Block that knows its
role (body text, heading, scene-break ornament, front matter), its chapter and
its scene.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

BlockRole = Literal["body", "heading", "break", "front_matter"]

_PARA_SPLIT = re.compile(r"\n[ \t]*\n")
_BREAK = re.compile(r"^\s*(?:[*#~=_\-\u2022\u00b7]\s*){3,}$|^\s*#\s*$|^\s*[\u2042\u2766\u2767\u00a7]+\s*$")
_CHAPTER = re.compile(
    r"^\s*(?:chapter|chap\.|book|part|volume|prologue|epilogue)\b[\s.:]*"
    r"(?:[0-9]+|[ivxlcdm]+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty[\w-]*|thirty[\w-]*|"
    r"forty[\w-]*|fifty[\w-]*|the\s+\w+)?\b[.:]?(?:\s*[:.\-\u2014]\s*.{0,80})?\s*$",
    re.IGNORECASE)
_FRONT = re.compile(r"^\s*(?:summary|a/n|author'?s'? note|authors? note|disclaimer|note|warnings?|"
                    r"rating|pairings?|notes?)\s*[:\-]", re.IGNORECASE)


@dataclass
class Block:
    """One paragraph of the story and its place in the structure."""

    start: int
    """Offset of the paragraph's first non-space character."""
    end: int
    """Offset just past its last non-space character."""
    role: BlockRole
    """body | heading | break | front_matter."""
    chapter: int
    """Chapter number from 1 (text before the first heading is chapter 1)."""
    scene: int
    """Running scene number from 1 across the whole story."""
    title: str = ""
    """The heading text, for headings."""


def paragraphs(text: str) -> list[tuple[int, int]]:
    """[start, end) of every paragraph (blank-line separated), whitespace trimmed."""
    out = []
    pos = 0
    for m in [*_PARA_SPLIT.finditer(text), None]:
        end = m.start() if m else len(text)
        chunk = text[pos:end]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            out.append((pos + lead, pos + lead + len(stripped)))
        if m:
            pos = m.end()
    return out


def _blank_lines_before(text: str, start: int, prev_end: int) -> int:
    return text.count("\n", prev_end, start) - 1


def detect_structure(text: str) -> list[Block]:
    """Blocks for every paragraph, with headings, scene breaks and front matter marked."""
    blocks: list[Block] = []
    chapter, scene = 1, 1
    seen_heading = False
    seen_body = False
    prev_end = 0
    paras = paragraphs(text)
    front_until = _front_matter_end(text, paras)
    for i, (start, end) in enumerate(paras):
        body = text[start:end]
        if i < front_until:
            role: BlockRole = "front_matter"
        elif _BREAK.match(body):
            role = "break"
        elif len(body) < 120 and _CHAPTER.match(" ".join(body.split())):
            role = "heading"
        else:
            role = "body"
        if role == "heading":
            if seen_body or seen_heading:
                chapter += 1 if seen_body else 0
                scene += 1 if seen_body else 0
            seen_heading, seen_body = True, False
        elif role == "break":
            if seen_body:
                scene += 1
                seen_body = False
        elif role == "body":
            if seen_body and blocks and _blank_lines_before(text, start, prev_end) >= 2:
                scene += 1
            seen_body = True
        blocks.append(Block(start, end, role, chapter, scene,
                            " ".join(body.split()) if role == "heading" else ""))
        prev_end = end
    return blocks


def _front_matter_end(text: str, paras: list[tuple[int, int]]) -> int:
    """Index of the first story paragraph: labelled notes (Summary:, A/N:, Disclaimer:) at the
    top, and any untitled author's remarks before them, are front matter."""
    last = -1
    for i, (start, end) in enumerate(paras[:8]):
        if _FRONT.match(text[start:end]):
            last = i
    return last + 1
