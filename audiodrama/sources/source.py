"""A story's plain text and the structure its file format marked (the sources stage's value)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

BREAK_TEXT = "* * *"

Span = tuple[int, int]


@dataclass
class Source:
    """A story's plain text and the structure its file format marked."""

    text: str
    """The plain text every span refers to."""
    format: str = "txt"
    """txt | md | html | epub."""
    path: str = ""
    """The file it was read from."""
    title: str = ""
    """Title from the file's metadata (HTML <title>/<h1>, EPUB dc:title, a txt title line)."""
    author: str = ""
    """Author from the metadata (or a 'by ...' line at the top of a txt)."""
    language: str = ""
    """Language code from the metadata (html lang, dc:language); '' if the file does not say."""
    description: str = ""
    """Description from the metadata (EPUB dc:description, HTML meta description, front matter)."""
    headings: list[tuple[int, int, int]] = field(default_factory=list)
    """(start, end, level) of headings the format marked (HTML h1-h6, EPUB TOC entries)."""
    chapter_level: int = 1
    """Heading level that opens chapters; deeper headings only open scenes."""
    breaks: list[Span] = field(default_factory=list)
    """(start, end) of explicit scene breaks (<hr>, ornaments)."""
    front_matter: list[Span] = field(default_factory=list)
    """(start, end) of regions the format marked as notes (AO3 preface/notes, EPUB front matter)."""
    emphasis: list[tuple[int, int, str]] = field(default_factory=list)
    """(start, end, 'italic' | 'bold') spans of emphasised text."""

    @property
    def chapters(self) -> list[Span]:
        """Spans of the marked headings that open chapters."""
        return [(s, e) for s, e, lvl in self.headings if lvl <= self.chapter_level]


_BREAK = re.compile(
    r"^\s*(?:[*#~=_\-\u2013\u2014\u2022\u00b7+.oO\u2055\u273b\u2726\u2727\u2605\u2606\u25c6\u25c7\u2666]\s*){3,}$"
    r"|^\s*#\s*$"
    r"|^\s*[\u2042\u2766\u2767\u00a7\u2055\u2619\u2767\u269c\u2740\u273f\u2748\u2749\u274a\u274b]+\s*$"
    r"|^\s*(?i:x\s*){3,}$"
)


def is_break_text(para: str) -> bool:
    """True if a paragraph is a scene-break ornament."""
    return len(para) <= 40 and "\n" not in para.strip() and bool(_BREAK.match(para))


# ----------------------------------------------------------------------------- structure
