"""Read a story file (.txt, .md, .html/.htm, .epub) into plain text plus its structure.

The plain text is what every span in the cast script refers to; it is saved beside the script
(audiodrama.project.sourcefile) so spans stay checkable. For .txt the text is the file itself (only line
endings normalised), so offsets match the file. For the marked-up formats the text is rebuilt:
one paragraph per block element, paragraphs separated by one blank line, headings as their own
paragraphs, a <hr> (or Markdown `***`) as a "* * *" paragraph, whitespace inside a paragraph
collapsed to single spaces (a <br> kept as a line break). Italics and bold are not written into
the text: they are kept as spans in `Source.emphasis`. So one story gives the same paragraphs,
lines and line ids in every format. HTML extraction lives in audiodrama.sources.markup, EPUB in
.epub, plain text and Markdown (rendered with markdown-it, read as HTML) in .text, decoding in
.decode. `read_source_bytes` reads a story's bytes and file name, so no file is needed.

Bad files raise StoryError naming the file and saying what to do: missing, a folder, empty,
binary (magic numbers, NUL bytes, control characters), a zip that is not an EPUB, an
undecodable encoding. Encodings read: UTF-8 (BOM or not), UTF-16/32 with a BOM, UTF-16
without one, Windows-1252 (curly quotes), else charset-normalizer's guess.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from audiodrama.errors import StoryError
from audiodrama.sources.decode import MAX_BYTES, decode, decode_html, looks_html
from audiodrama.sources.epub import read_epub
from audiodrama.sources.markup import html_to_source
from audiodrama.sources.source import Source
from audiodrama.sources.text import markdown_to_source, text_to_source

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
    return read_source_bytes(p.read_bytes(), p, fmt)


def read_source_bytes(data: bytes, name: str | Path, fmt: str | None = None) -> Source:
    """A story's bytes (`name`: its file name, for the format and for errors) as a Source;
    StoryError if it cannot be used."""
    p = Path(name)
    if len(data) > MAX_BYTES:
        raise StoryError(
            f"is {len(data) // 2**20} MB; stories over {MAX_BYTES // 2**20} MB are not supported; split it", p
        )
    fmt = fmt or FORMATS.get(p.suffix.lower())
    if fmt is None or (fmt == "txt" and data[:15].lstrip().lower().startswith((b"<!doctype html", b"<html"))):
        fmt = "epub" if data.startswith(b"PK\x03\x04") else "html" if looks_html(data) else "txt"
    try:
        if fmt == "epub":
            src = read_epub(data, p)
        elif fmt == "html":
            src = html_to_source(decode_html(data, p))
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
