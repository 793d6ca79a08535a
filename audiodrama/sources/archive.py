"""Bounded reading of an EPUB's zip members: inflation limits, no encryption, no nested zips."""

from __future__ import annotations

import zipfile
from pathlib import Path

from audiodrama.errors import StoryError
from audiodrama.sources.decode import MAX_MARKUP_BYTES

#: Compression methods Python's zipfile inflates without optional modules (EPUB uses these).
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}


class Members:
    """An EPUB's zip members read with one budget of inflated bytes for the whole book, so a
    small archive cannot inflate to gigabytes (a zip bomb) or hide another zip."""

    def __init__(self, z: zipfile.ZipFile, path: Path, budget: int = MAX_MARKUP_BYTES) -> None:
        self.z, self.path, self.left, self.budget = z, path, budget, budget

    def names(self) -> list[str]:
        return self.z.namelist()

    def read(self, name: str) -> bytes:
        """The member's bytes; KeyError if the archive has no such member; StoryError if it is
        encrypted, compressed in an unsupported way, a zip itself, or over the budget."""
        info = self.z.getinfo(name)
        if info.flag_bits & 0x1:
            raise StoryError(f"holds an encrypted file ({name}, DRM?); give a DRM-free EPUB", self.path)
        if info.compress_type not in _METHODS:
            raise StoryError(
                f"holds {name} compressed with zip method {info.compress_type}, which EPUB does not use; "
                "save the EPUB again (e.g. with Calibre) or convert it to .txt",
                self.path,
            )
        if info.file_size > self.left:
            self._over(name)
        # the declared size may lie: stop inflating one byte past what is left
        with self.z.open(info) as f:
            data = f.read(self.left + 1)
        if len(data) > self.left:
            self._over(name)
        self.left -= len(data)
        if data.startswith(b"PK\x03\x04"):
            raise StoryError(f"holds a zip archive inside ({name}); EPUB documents are not zips", self.path)
        return data

    def _over(self, name: str) -> None:
        raise StoryError(
            f"inflates to over {self.budget // 2**20} MB of text (at {name}); "
            "split the book or convert it to .txt",
            self.path,
        )
