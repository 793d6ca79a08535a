"""Story bytes -> text: encoding detection, line endings, and refusing binary files.

Encodings read: UTF-8 (BOM or not), UTF-16/32 with a BOM, UTF-16 without one, Windows-1252
(curly quotes), else charset-normalizer's guess. Binary files (magic numbers, NUL bytes,
control characters) and zip archives that are not EPUBs raise StoryError.
"""

from __future__ import annotations

import re
from pathlib import Path

from charset_normalizer import from_bytes

from audiodrama.errors import StoryError

MAX_BYTES = 32 * 1024 * 1024  # parsing peaks near 95 bytes of memory per byte of dialogue-heavy text
#: HTML, Markdown and EPUB text: the parsed tree takes ~100 bytes of memory per byte of markup.
MAX_MARKUP_BYTES = 16 * 1024 * 1024
#: C0 controls but tab and newline: espeak-ng stops a spoken line at a NUL.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f]")
BINARY_MAGIC = (
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


def decode(data: bytes, path: Path) -> str:
    """Bytes -> text with \\n line endings: UTF-8 (with or without BOM), UTF-16 (with a BOM,
    or without one when every other byte is zero), else the detected encoding (cp1252...)."""
    if data.startswith(b"PK\x03\x04"):
        raise StoryError(
            "is a zip archive (a .docx or .odt?), not a text; save the story as .txt, .html or .epub", path
        )
    if data.startswith(BINARY_MAGIC):
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
        best = from_bytes(data).best()
        if best is None:
            raise StoryError("cannot tell the text encoding; save the story as UTF-8 text", path)
        text = str(best)
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.01 * min(len(text), 20000) + 2:
        raise StoryError("looks like a binary file, not a story; give a .txt, .md, .html or .epub file", path)
    return clean_controls(text.replace("\r\n", "\n").replace("\r", "\n"))


def clean_controls(text: str) -> str:
    """`text` with each control character (but tab and newline) made a space: one character
    for one, so spans into the text do not move."""
    return _CONTROLS.sub(" ", text)


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):  # LookupError: a charset Python does not know
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


def looks_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head


def decode_html(data: bytes, path: Path) -> str:
    m = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", data[:4096], re.IGNORECASE)
    if m and not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        text = _try(data, m.group(1).decode("ascii", "replace").lower())
        if text is not None:
            return clean_controls(text.replace("\r\n", "\n").replace("\r", "\n"))
    return decode(data, path)
