"""Read a story file (.txt, .md, .html/.htm, .epub) into plain text plus its structure.

The plain text is what every span in the cast script refers to; it is saved beside the script
(`source_text_path`) so spans stay checkable. For .txt the text is the file itself (only line
endings normalised), so offsets match the file. For the marked-up formats the text is rebuilt:
one paragraph per block element, paragraphs separated by one blank line, headings as their own
paragraphs, a <hr> (or Markdown `***`) as a "* * *" paragraph, whitespace inside a paragraph
collapsed to single spaces (a <br> kept as a line break). Italics and bold are not written into
the text: they are kept as spans in `Source.emphasis`. So one story gives the same paragraphs,
lines and line ids in every format. HTML and EPUB extraction live in audiodrama.sources.markup;
Markdown is rendered with markdown-it (CommonMark) and read as HTML.

Bad files raise StoryError naming the file and saying what to do: missing, a folder, empty,
binary (magic numbers, NUL bytes, control characters), a zip that is not an EPUB, an
undecodable encoding. Encodings read: UTF-8 (BOM or not), UTF-16/32 with a BOM, UTF-16
without one, Windows-1252 (curly quotes), else charset-normalizer's guess.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from audiodrama.errors import StoryError

MAX_BYTES = 64 * 1024 * 1024
_BINARY_MAGIC = (
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"%PDF",
    b"\x7fELF",
    b"ID3",
    b"RIFF",
    b"OggS",
    b"fLaC",
    b"\x1f\x8b",
    b"BZh",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\xd0\xcf\x11\xe0",
)
FORMATS = {
    ".txt": "txt",
    ".text": "txt",
    "": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".epub": "epub",
}
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


# ----------------------------------------------------------------------------- entry points


def read_story(path: str | Path) -> str:
    """The story's plain text (see the module docstring); StoryError if unusable."""
    return read_source(path).text


def read_source(path: str | Path, fmt: str | None = None) -> Source:
    """Read a .txt/.md/.html/.epub story into a Source; StoryError if it cannot be used."""
    p = Path(path)
    if not p.exists():
        raise StoryError("no such file; check the path", p)
    if p.is_dir():
        raise StoryError("is a folder; give the story file inside it", p)
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise StoryError(
            f"is {size // 2**20} MB; stories over {MAX_BYTES // 2**20} MB are not supported; split it", p
        )
    data = p.read_bytes()
    fmt = fmt or FORMATS.get(p.suffix.lower())
    if fmt is None or (fmt == "txt" and data[:15].lstrip().lower().startswith((b"<!doctype html", b"<html"))):
        fmt = "epub" if data.startswith(b"PK\x03\x04") else "html" if _looks_html(data) else "txt"
    try:
        if fmt == "epub":
            src = _read_epub(data, p)
        elif fmt == "html":
            src = html_to_source(_decode_html(data, p))
        elif fmt == "md":
            src = markdown_to_source(decode(data, p))
        else:
            src = text_to_source(decode(data, p))
    except StoryError:
        raise
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, ValueError) as exc:
        raise StoryError(
            f"cannot read this {fmt} file ({exc}); save it again or convert it to .txt", p
        ) from exc
    src.format, src.path = fmt, str(p)
    if not src.text.strip():
        raise StoryError("is empty; nothing to voice", p)
    if not re.search(r"\w", src.text):
        raise StoryError("is empty: it holds no words; nothing to voice", p)
    return src


def source_text_path(prod: Any, slug: str) -> Path:
    """Where the plain text of a production's story is saved: script/<slug>.txt."""
    return Path(prod.script_dir) / f"{slug}.txt"


def save_source_text(prod: Any, slug: str, text: str) -> Path:
    """Write the plain text beside the script (atomically, only when it changed)."""
    from audiodrama.project import fsutil

    target = source_text_path(prod, slug)
    if not (target.exists() and target.read_text(encoding="utf-8") == text):
        fsutil.write_text(target, text)
    return target


# ----------------------------------------------------------------------------- bytes -> text


def decode(data: bytes, path: Path) -> str:
    """Bytes -> text with \\n line endings: UTF-8 (with or without BOM), UTF-16 (with a BOM,
    or without one when every other byte is zero), else the detected encoding (cp1252...)."""
    if data.startswith(b"PK\x03\x04"):
        raise StoryError(
            "is a zip archive (a .docx or .odt?), not a text; save the story as .txt, .html or .epub", path
        )
    if data.startswith(_BINARY_MAGIC):
        raise StoryError("looks like a binary file, not a story; give a .txt, .md, .html or .epub file", path)
    text: str | None = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _try(data, "utf-16")
    elif data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        text = _try(data, "utf-32")
    elif b"\x00" in data[:4096]:
        head = data[:4096]
        odd, even = head[1::2].count(0), head[0::2].count(0)
        if odd > 0.4 * len(head) / 2 and even == 0:
            text = _try(data, "utf-16-le")
        elif even > 0.4 * len(head) / 2 and odd == 0:
            text = _try(data, "utf-16-be")
        if text is None:
            raise StoryError(
                "looks like a binary file, not a story; give a .txt, .md, .html or .epub file", path
            )
    if text is None:
        text = _try(data, "utf-8-sig")
    if text is None:
        text = _western(data)
    if text is None:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise StoryError("cannot tell the text encoding; save the story as UTF-8 text", path)
        text = str(best)
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.01 * min(len(text), 20000) + 2:
        raise StoryError("looks like a binary file, not a story; give a .txt, .md, .html or .epub file", path)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _western(data: bytes) -> str | None:
    """cp1252 (Windows Western: curly quotes as 0x93/0x94), when the result reads as mostly
    ASCII letters; else None so that the detector decides (Cyrillic, Greek, ...)."""
    text = _try(data, "cp1252")
    if text is None:
        return None
    letters = [ch for ch in text if ch.isalpha()]
    accented = sum(1 for ch in letters if ord(ch) > 127)
    return text if letters and accented <= 0.08 * len(letters) else None


def _looks_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head


def _decode_html(data: bytes, path: Path) -> str:
    m = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", data[:4096], re.IGNORECASE)
    if m and not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        text = _try(data, m.group(1).decode("ascii", "replace").lower())
        if text is not None:
            return text.replace("\r\n", "\n").replace("\r", "\n")
    return decode(data, path)


# ----------------------------------------------------------------------------- plain text

_TXT_MARK = re.compile(r"\*\*|\*|_|\n[ \t]*\n")


def _txt_emphasis(text: str, longest: int = 400) -> list[tuple[int, int, str]]:
    """_italic_, *italic* and **bold** spans (inner offsets), paired in one linear scan: a mark
    opens after a non-word character and before a non-space, closes after a non-space and
    before a non-word character, within one paragraph and 400 characters."""
    out: list[tuple[int, int, str]] = []
    open_at: dict[str, int] = {}
    n = len(text)
    for m in _TXT_MARK.finditer(text):
        mark = m.group(0)
        if mark[0] == "\n":
            open_at.clear()  # a blank line ends the paragraph
            continue
        a, z = m.start(), m.end()
        before = text[a - 1] if a else " "
        after = text[z] if z < n else " "
        can_close = not before.isspace() and not (after.isalnum() or after in "_*")
        can_open = not (before.isalnum() or before in "_*") and not after.isspace()
        start = open_at.get(mark)
        if can_close and start is not None and a - start <= longest:
            out.append((start, a, "bold" if mark == "**" else "italic"))
            del open_at[mark]
        elif can_open:
            open_at[mark] = z
    return sorted(out)


_GUTENBERG_START = re.compile(r"^\*\*\*\s*START OF (?:THE|THIS) PROJECT GUTENBERG.*$", re.M | re.I)
_GUTENBERG_END = re.compile(r"^\*\*\*\s*END OF (?:THE|THIS) PROJECT GUTENBERG", re.M | re.I)


def text_to_source(text: str) -> Source:
    """A .txt story: the text itself; _underscored_ and *starred* words as emphasis spans;
    a Project Gutenberg header and licence as front matter; a 'Title / by Author' top."""
    src = Source(text=text, emphasis=_txt_emphasis(text))
    start, end = _GUTENBERG_START.search(text), _GUTENBERG_END.search(text)
    if start:
        src.front_matter.append((0, start.end()))
    if end:
        src.front_matter.append((end.start(), len(text)))
    body = text[start.end() if start else 0 :]
    paras = [p.strip() for p in re.split(r"\n[ \t]*\n", body[:3000]) if p.strip()]
    if len(paras) >= 2 and len(paras[0]) <= 100 and "\n" not in paras[0]:
        by = re.match(r"^(?:by|written by)\s+(.{2,80})$", paras[1], re.IGNORECASE)
        if by:
            src.title, src.author = paras[0].strip(" *#_"), by.group(1).strip(" *_")
    m = re.search(r"^\s*(?:title)\s*:\s*(.{1,120})$", text[:3000], re.M | re.I)
    if m and not src.title:
        src.title = m.group(1).strip()
    m = re.search(r"^\s*(?:author|written by)\s*:\s*(.{1,80})$", text[:3000], re.M | re.I)
    if m and not src.author:
        src.author = m.group(1).strip()
    return src


def markdown_to_source(md: str) -> Source:
    """A Markdown story, rendered with markdown-it (CommonMark) and read as HTML."""
    try:
        from markdown_it import MarkdownIt
    except ImportError as exc:  # pragma: no cover - markdown-it-py is a dependency
        raise StoryError("reading Markdown needs markdown-it-py: pip install markdown-it-py") from exc
    front = re.match(r"^---\n(.*?)\n---\n", md, re.S)  # YAML front matter: title/author/lang
    meta = {}
    if front:
        for line in front.group(1).splitlines():
            k, _, v = line.partition(":")
            meta[k.strip().lower()] = v.strip().strip("\"'")
        md = md[front.end() :]
    # a '---' or '===' line right under a paragraph is a scene break in fiction, not a
    # setext heading underline: give it its own paragraph
    md = re.sub(r"(?m)^[ \t]*(-{3,}|={3,})[ \t]*$", r"\n\1\n", md)
    html = MarkdownIt("commonmark", {"typographer": False}).render(md)
    src = html_to_source(html)
    src.format = "md"
    src.title = meta.get("title", src.title)
    src.author = meta.get("author", src.author)
    src.language = meta.get("lang", meta.get("language", src.language))
    return src


# ----------------------------------------------------------------------------- HTML, EPUB


def html_to_source(html: str) -> Source:
    """A saved story page or an archive download (see audiodrama.sources.markup)."""
    from audiodrama.sources.markup import html_to_source as convert

    return convert(html)


def _read_epub(data: bytes, path: Path) -> Source:
    from audiodrama.sources.markup import read_epub

    return read_epub(data, path)


def emphasis_in_line(text: str, line: Any, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A line's emphasis `spans` (story offsets, as `emphasis_for_lines` gives them) as offsets
    into `line.text` (the line's words with runs of whitespace collapsed, as the parser writes
    them); [] when the text differs."""
    a, z = line.span
    # map each source offset of the line to its offset in the collapsed text
    where: dict[int, int] = {}
    out_pos, pending_space = 0, False
    for i in range(a, z):
        if text[i].isspace():
            pending_space = out_pos > 0
            continue
        if pending_space:
            out_pos += 1
            pending_space = False
        where[i] = out_pos
        out_pos += 1
    found = []
    for s, e, kind in spans:
        inside = [i for i in range(max(s, a), min(e, z)) if i in where]
        if inside:
            found.append((where[inside[0]], where[inside[-1]] + 1, kind))
    words = line.text
    if not all(0 <= s < e <= len(words) for s, e, _ in found):
        return []
    return found


def emphasis_for_lines(
    lines: Iterable[Any], emphasis: list[tuple[int, int, str]]
) -> dict[str, list[tuple[int, int, str]]]:
    """{line id: [(start, end, kind)]}: the emphasis spans (plain-text offsets) inside each line."""
    import bisect

    emphasis = sorted(emphasis)
    starts = [s for s, _, _ in emphasis]
    reach, furthest = [], -1  # furthest end of the spans up to each index: nested spans
    for _, e, _ in emphasis:  # (bold inside italic) start before the one just before `a`
        furthest = max(furthest, e)
        reach.append(furthest)
    out: dict[str, list[tuple[int, int, str]]] = {}
    for line in lines:
        a, z = line.span
        i = bisect.bisect_left(starts, a)
        while i > 0 and reach[i - 1] > a:
            i -= 1
        found = []
        while i < len(emphasis) and emphasis[i][0] < z:
            s, e, kind = emphasis[i]
            if e > a and s < z:
                found.append((max(s, a), min(e, z), kind))
            i += 1
        if found:
            out[line.id] = found
    return out
