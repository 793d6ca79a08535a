"""Story structure: paragraphs, chapter headings, scene breaks and front matter.

Pure functions over the plain text. Each paragraph becomes a Block that knows its
role (body text, heading, scene-break ornament, front matter), its chapter and
its scene.

Rules (each one documented where it is defined):

- Paragraphs are separated by blank lines; a text without blank lines whose lines are
  long (one paragraph per line, as copied from a web page) is split at every line break,
  and a hard-wrapped one whose paragraphs start indented is split before each indent.
  A chapter heading glued to the first lines of its chapter is split off.
- Chapters: a short paragraph that is a chapter heading ("Chapter 12", "CHAPTER XII.",
  "Chapter Twelve: The Ball", "CHAPTER\\n 1", "BOOK I", "VOLUME II", "Prologue", ...) or
  a heading the source marked (HTML <h1>-<h6>, EPUB TOC). Headings are *counted*, never
  read as numbers (Emma and Pride and Prejudice restart the numbering in each volume);
  consecutive headings with no story text between them ("BOOK I" then "CHAPTER 1", or
  "VOL. II." and a title page then "CHAPTER I.") open one chapter. Paragraphs holding only
  a number ("1", "IV.") are headings when they count up from 1. A marked heading deeper
  than the chapter level (an <h3> under <h2> chapters) opens a scene, not a chapter.
- Scenes: a chapter starts a scene; so does an explicit break (***, * * *, ---, ~~~, a
  line holding only #, an ornament, <hr>). When the story has no explicit break at all,
  a conservative cue at the start of a paragraph starts one: see `scene_cue`.
- Front matter (not voiced by default): labelled notes at the top ("Summary:", "A/N:",
  "Disclaimer:", "Author's note:", ...) and any unlabelled paragraph before the last of
  them; a title/byline or dedication before the first of two or more chapter headings;
  an unlabelled opening paragraph that talks about the story ("my first fic", "I don't
  own", "the series"); labelled notes right after a heading; "A/N" paragraphs anywhere;
  sign-offs at the end of a chapter ("Please review", "To be continued"); printers' marks
  ("[Illustration: ...]", "END OF VOL. I.", title pages between volumes); regions the
  format marked (AO3 notes, EPUB title pages, Project Gutenberg header and licence).
  The story summary is the front-matter paragraph that starts with "Summary" (see
  `summary_block`).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from audiodrama.parse.frontmatter import BlockRole, mark_front_matter
from audiodrama.parse.scenecues import scene_cue
from audiodrama.sources.source import is_break_text

_PARA_SPLIT = re.compile(r"\n[ \t\u00a0]*\n")


_NUMBER = (
    r"(?:[0-9]{1,4}|[ivxlcdm]{1,8}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]?(?:one|two|three|"
    r"four|five|six|seven|eight|nine))?|hundred|first|second|third|fourth|fifth|sixth|"
    r"seventh|eighth|ninth|tenth|last|final|the\s+\w+)"
)


_PART_WORDS = (
    r"chapter|chap\.?|ch\.|book|part|volume|vol\.|act|chapitre|kapitel|cap[ií]tulo|capitolo|hoofdstuk|livre|"
    r"teil|parte"
)
_FRAME_WORDS = (
    r"prologue|epilogue|interlude|prolog|epilog|pr[oó]logo|ep[ií]logo|afterword|foreword|preface|introduction"
)
_CHAPTER = re.compile(
    rf"^\s*(?:#{{1,6}}\s*)?(?:{_PART_WORDS})\s*" + _NUMBER + r"\b\.?"
    r"(?:\s*[:.\-\u2013\u2014)|]\s*.{0,100}|\s+\(.{1,100}\))?\s*$"
    rf"|^\s*(?:#{{1,6}}\s*)?(?:{_FRAME_WORDS})\b\.?(?:\s*[:.\-\u2013\u2014]\s*.{{0,100}})?\s*$",
    re.IGNORECASE,
)
# how every _CHAPTER match opens, in a paragraph as written (its words' spaces not yet
# collapsed, which changes no word): most paragraphs open otherwise and need no flattening
_CHAPTER_OPENING = re.compile(rf"\s*(?:#{{1,6}}\s*)?(?:{_PART_WORDS}|{_FRAME_WORDS})", re.IGNORECASE)


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
    """Chapter number from 1, counted (text before the first heading is chapter 1)."""
    scene: int
    """Running scene number from 1 across the whole story."""
    title: str = ""
    """The heading text, for headings."""
    cue: str = ""
    """Why a scene starts at this block (chapter, break, wake, time, arrive, ...), else ''."""


def paragraphs(text: str) -> list[tuple[int, int]]:
    """[start, end) of every paragraph, whitespace trimmed (see the module rules)."""
    out = _split(text, _PARA_SPLIT)
    lines = [l for l in text.split("\n") if l.strip()]  # the non-blank lines, for both tests
    if _one_paragraph_per_line(lines, out):
        out = _split(text, re.compile(r"\n"))
    elif _indented_paragraphs(lines, out):
        out = _split(text, re.compile(r"\n(?=[ \t\u3000]+\S)"))
    return [piece for span in out for piece in _split_glued_heading(text, span)]


def _split(text: str, sep: re.Pattern[str]) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for m in [*sep.finditer(text), None]:
        end = m.start() if m else len(text)
        chunk = text[pos:end]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            out.append((pos + lead, pos + lead + len(stripped)))
        if m:
            pos = m.end()
    return out


def _one_paragraph_per_line(lines: list[str], paras: list[tuple[int, int]]) -> bool:
    """True for texts with (almost) no blank lines whose lines (the non-blank ones) are whole
    paragraphs."""
    if len(lines) < 6 or len(paras) * 3 > len(lines):
        return False
    lengths = sorted(len(l) for l in lines)
    return lengths[len(lengths) // 2] > 110 or lengths[-len(lengths) // 4] > 160


def _indented_paragraphs(lines: list[str], paras: list[tuple[int, int]]) -> bool:
    """True for hard-wrapped texts without blank lines (`lines`: the non-blank ones) whose
    paragraphs start indented."""
    if len(lines) < 10 or len(paras) > max(1, len(lines) // 20):
        return False
    indented = sum(1 for l in lines if l[:1] in (" ", "\t", "\u3000"))
    return 0.05 * len(lines) <= indented <= 0.6 * len(lines)


def _split_glued_heading(text: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """'Chapter 3\\nIt was late...' -> the heading line and the rest."""
    start, end = span
    nl = text.find("\n", start, end)
    if nl < 0 or nl - start > 100:
        return [span]
    first = text[start:nl].strip()
    if not _CHAPTER.match(first) or _CHAPTER.match(" ".join(text[start:end].split())):
        return [span]
    rest = text[nl:end]
    rest_start = nl + len(rest) - len(rest.lstrip())
    return [(start, start + len(text[start:nl].rstrip())), (rest_start, end)]


def is_heading_text(para: str) -> bool:
    """True if a paragraph reads as a chapter heading."""
    if not _CHAPTER_OPENING.match(para):
        return False
    # a paragraph of over 110 words is longer than 110 characters: its words past the
    # 111th are never split off (flattening every long paragraph cost about 1% of a parse)
    words = para.split(None, 110)
    if len(words) > 110:
        return False
    flat = " ".join(words)
    return len(flat) <= 110 and bool(_CHAPTER.match(flat))


def detect_structure(text: str, hints: Any = None) -> list[Block]:
    """Blocks for every paragraph, with headings, scene breaks and front matter marked.

    `hints` (optional, e.g. a sources.Source) may carry offsets the file format marked:
    `.headings` [(start, end, level)], `.breaks` [(start, end)], `.front_matter` [(start, end)].
    """
    paras = paragraphs(text)
    roles = _roles(text, paras, hints)
    mark_front_matter(text, paras, roles)
    explicit_breaks = any(r == "break" for r in roles)
    subheading = _subheadings(text, paras, roles, hints)
    blocks: list[Block] = []
    chapter, scene = 1, 1
    seen_body = False  # body text since the last heading
    scene_paras = 0  # body paragraphs in the current scene
    pending_cue = ""
    prev_end = 0
    for i, (start, end) in enumerate(paras):
        role = roles[i]
        body = text[start:end]
        cue = ""
        if role == "heading" and i in subheading:
            # a heading below the chapter level (an HTML <h3> inside a chapter) opens a scene
            if scene_paras:
                scene += 1
                cue, scene_paras, pending_cue = "heading", 0, ""
        elif role == "heading":
            if seen_body:
                chapter += 1
                scene += 1
                cue = "chapter"
            seen_body = False
            scene_paras = 0
        elif role == "break":
            if scene_paras:
                pending_cue = "break"
        elif role == "body":
            if pending_cue:
                scene += 1
                cue, pending_cue, scene_paras = pending_cue, "", 0
            elif scene_paras and not explicit_breaks:
                blanks = text.count("\n", prev_end, start) - 1
                found = scene_cue(text, paras, i, roles, blanks, scene_paras)
                if found:
                    scene += 1
                    cue, scene_paras = found, 0
            seen_body = True
            scene_paras += 1
        blocks.append(
            Block(start, end, role, chapter, scene, " ".join(body.split()) if role == "heading" else "", cue)
        )
        prev_end = end
    return blocks


def _subheadings(text: str, paras: list[tuple[int, int]], roles: list[BlockRole], hints: Any) -> set[int]:
    """Marked headings deeper than the chapter level (an <h3> under <h2> chapters)."""
    level = getattr(hints, "chapter_level", 1)
    sub_heads = [(s, e) for s, e, lvl in getattr(hints, "headings", None) or [] if lvl > level]
    return {
        i
        for i, (s, e) in enumerate(paras)
        if roles[i] == "heading"
        and not is_heading_text(text[s:e])
        and any(a <= s and e <= b for a, b in sub_heads)
    }


def _roles(text: str, paras: list[tuple[int, int]], hints: Any) -> list[BlockRole]:
    hint_heads = [(s, e) for s, e, *_ in getattr(hints, "headings", None) or []]
    hint_breaks = list(getattr(hints, "breaks", None) or [])
    hint_front = list(getattr(hints, "front_matter", None) or [])

    hint_heads.sort()
    hint_breaks.sort()
    hint_front.sort()

    def inside(span: tuple[int, int], marks: Sequence[tuple[int, int]]) -> bool:
        """The paragraph lies in a mark, or a mark starts inside the paragraph."""
        if not marks:  # a plain text file marks nothing
            return False
        k = bisect.bisect_right(marks, (span[0], float("inf")))
        return any(
            (s <= span[0] and span[1] <= e) or span[0] <= s < span[1] for s, e in marks[max(0, k - 2) : k + 2]
        )

    roles: list[BlockRole] = []
    for span in paras:
        body = text[span[0] : span[1]]
        if inside(span, hint_front):
            roles.append("front_matter")
        elif is_break_text(body) or inside(span, hint_breaks):
            roles.append("break")
        elif is_heading_text(body) or (inside(span, hint_heads) and len(body) <= 200):
            roles.append("heading")
        else:
            roles.append("body")
    for i in _numbered_headings(text, paras, roles):
        roles[i] = "heading"
    return roles


_BARE_NUMBER = re.compile(r"^\s*(?:#{1,6}\s*)?([0-9]{1,3}|[IVXLC]{1,7})\.?\s*$")


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def _roman(s: str) -> int:
    total = 0
    for a, b in zip(s, s[1:] + " "):
        v = _ROMAN[a]
        total += -v if b != " " and _ROMAN[b] > v else v
    return total


def _numbered_headings(text: str, paras: Sequence[tuple[int, int]], roles: Sequence[str]) -> list[int]:
    """Paragraphs holding only a number ("1", "IV.") are headings when there are two or more
    and they count up from 1 or I (a restart at 1 allowed)."""
    found = []
    for i, (s, e) in enumerate(paras):
        m = _BARE_NUMBER.match(text[s:e]) if roles[i] == "body" and e - s <= 12 else None
        if m:
            v = m.group(1)
            found.append((i, int(v) if v.isdigit() else _roman(v)))
    if len(found) < 2 or found[0][1] != 1:
        return []
    good = sum(1 for (_, a), (_, b) in itertools.pairwise(found) if b == a + 1 or b == 1)
    return [i for i, _ in found] if good >= 0.8 * (len(found) - 1) else []


def summary_block(text: str, blocks: Sequence[Block]) -> Block | None:
    """The front-matter block holding the story's summary ("Summary: ..."), if any."""
    for b in blocks:
        if b.role == "front_matter" and re.match(
            r"^\s*[(\[]?\s*(?:summary|synopsis)\b", text[b.start : b.end], re.IGNORECASE
        ):
            return b
    return None
