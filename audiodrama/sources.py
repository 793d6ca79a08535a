"""Read a story file into plain text (the text every span in the cast script refers to)."""
from __future__ import annotations

from pathlib import Path

from .errors import StoryError

MAX_BYTES = 64 * 1024 * 1024
_BINARY_MAGIC = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04", b"\x7fELF", b"ID3",
                 b"RIFF", b"OggS", b"fLaC")


def decode(data: bytes, path: Path) -> str:
    """Bytes -> text: UTF-8 (with or without BOM), UTF-16 with BOM, else the detected encoding."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data.startswith(_BINARY_MAGIC) or b"\x00" in data[:4096]:
        raise StoryError("looks like a binary file, not a story; give a .txt, .md, .html or .epub file", path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise StoryError("cannot tell the text encoding; save the story as UTF-8 text", path)
    return str(best)


def read_story(path: str | Path) -> str:
    """The story's plain text with line endings normalised to \\n; StoryError if unusable."""
    p = Path(path)
    if not p.exists():
        raise StoryError("no such file; check the path", p)
    if p.is_dir():
        raise StoryError("is a folder; give the story file inside it", p)
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise StoryError(f"is {size // 2**20} MB; stories over {MAX_BYTES // 2**20} MB are not supported; split it", p)
    text = decode(p.read_bytes(), p).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise StoryError("is empty; nothing to voice", p)
    return text
