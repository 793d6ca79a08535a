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

Bad files raise StoryError naming the file and saying what to do: missing, a folder, not a
regular file (a FIFO or a device would block or never end), over the size limit (32 MB; 16 MB
for HTML and Markdown, whose parsed tree is far bigger than the file), empty, binary (magic
numbers, NUL bytes, control characters), a zip that is not an EPUB, an EPUB that inflates past
16 MB or holds encrypted, oddly compressed, zipped or missing documents, HTML nested deeper
than 1000 elements, an undecodable encoding. A stray control character (but tab and newline)
becomes a space, one for one, in every format: espeak-ng would stop a line at a NUL.
Encodings read: UTF-8 (BOM or not), UTF-16/32 with a BOM, UTF-16 without one, Windows-1252
(curly quotes), else charset-normalizer's guess (an unknown HTML charset: the same guess).
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

from audiodrama.errors import StoryError
from audiodrama.sources.decode import (
    MAX_BYTES,
    MAX_MARKUP_BYTES,
    clean_controls,
    decode,
    decode_html,
    looks_html,
)
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
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        raise StoryError("no such file; check the path", p) from None
    if stat.S_ISDIR(mode):
        raise StoryError("is a folder; give the story file inside it", p)
    if not stat.S_ISREG(mode):
        # a FIFO or a device (/dev/zero) would block or never end
        raise StoryError("is not a regular file (a pipe or a device?); give the story file itself", p)
    limit = _limit(p, fmt)
    with p.open("rb") as f:
        data = f.read(limit + 1)  # the file may grow after stat(): read no more than the limit
    return read_source_bytes(data, p, fmt)


def _limit(p: Path, fmt: str | None) -> int:
    """The size limit of the story's format (as its name says): HTML and Markdown parse into
    a tree far bigger than the file (an EPUB's text is bounded as it is inflated)."""
    fmt = fmt or FORMATS.get(p.suffix.lower())
    return MAX_MARKUP_BYTES if fmt in ("html", "md") else MAX_BYTES


def _too_big(limit: int, p: Path) -> StoryError:
    return StoryError(
        f"is over {limit // 2**20} MB, the limit for this format; split the story into parts", p
    )


def read_source_bytes(data: bytes, name: str | Path, fmt: str | None = None) -> Source:
    """A story's bytes (`name`: its file name, for the format and for errors) as a Source;
    StoryError if it cannot be used."""
    p = Path(name)
    fmt = fmt or FORMATS.get(p.suffix.lower())
    if fmt is None or (fmt == "txt" and data[:15].lstrip().lower().startswith((b"<!doctype html", b"<html"))):
        fmt = "epub" if data.startswith(b"PK\x03\x04") else "html" if looks_html(data) else "txt"
    limit = MAX_MARKUP_BYTES if fmt in ("html", "md") else MAX_BYTES
    if len(data) > limit:
        raise _too_big(limit, p)
    try:
        if fmt == "epub":
            src = read_epub(data, p)
        elif fmt == "html":
            src = html_to_source(decode_html(data, p))
        elif fmt == "md":
            src = markdown_to_source(decode(data, p))
        else:
            src = text_to_source(decode(data, p))
    except StoryError as exc:
        if exc.path is None:  # raised by a stage that only had the contents
            raise StoryError(str(exc), p) from exc
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, ElementTree.ParseError, KeyError, ValueError) as exc:
        raise StoryError(
            f"cannot read this {fmt} file ({exc}); save it again or convert it to .txt", p
        ) from exc
    src.format, src.path = fmt, str(p)
    src.text = clean_controls(src.text)  # every format (EPUB TOC labels too): none reaches TTS
    if not src.text.strip():
        raise StoryError("is empty; nothing to voice", p)
    if not re.search(r"\w", src.text):
        raise StoryError("is empty: it holds no words; nothing to voice", p)
    return src
