"""The scene cache on disk: each scene's pre-master mix, so that an edit re-mixes only its scene.

A scene's mix is a pure function of its inputs, which its key (audio.assembly.plan_key) hashes:
a changed input changes the key, so a stale mix is never served. The mixes live in
audio_out/.cache/mix/<story>/<key>.pcm (raw mono 32-bit samples, the AudioSegment's data);
a full build removes the ones it no longer uses.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pydub import AudioSegment

from audiodrama.errors import ProductionError
from audiodrama.project import fsutil


def scene_cache_dir(cache_dir: Path, slug: str = "") -> Path:
    """Where a story's scene mixes live (the folder of all stories' mixes with no slug)."""
    return cache_dir / "mix" / slug if slug else cache_dir / "mix"


class SceneCache:
    """Scene mixes of one story at one sample rate; `used` collects the keys read or written."""

    def __init__(self, folder: Path, sr: int):
        self.folder = folder
        self.sr = sr
        self.used: set[str] = set()
        self.hits = 0

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.pcm"

    def get(self, key: str) -> np.ndarray | AudioSegment | None:
        """The cached mix for `key`, or None (also when the file is unreadable)."""
        self.used.add(key)
        try:
            data = self._path(key).read_bytes()
        except OSError:
            return None
        if len(data) % 4:
            return None
        self.hits += 1
        return AudioSegment(data, frame_rate=self.sr, sample_width=4, channels=1)

    def put(self, key: str, value: AudioSegment) -> None:
        """Store a scene mix (atomically; a failure to write only costs speed next time)."""
        self.used.add(key)
        if value.sample_width != 4 or value.channels != 1 or value.frame_rate != self.sr:
            raise ValueError("scene mixes are mono 32-bit AudioSegments at the cache's rate")
        try:
            fsutil.write_bytes(self._path(key), value.raw_data)
        except (OSError, ProductionError):  # ProductionError: the disk is full
            pass

    def prune(self) -> int:
        """Delete the scene mixes of this story not used since this cache was opened; returns how many."""
        gone = 0
        if not self.folder.exists():
            return 0
        for f in [*self.folder.glob("*.pcm"), *self.folder.glob("*.npy")]:  # .npy: the old format
            if f.stem not in self.used:
                f.unlink(missing_ok=True)
                gone += 1
        return gone
