"""The scene cache: each scene's pre-master mix, kept so that an edit re-mixes only its scene.

A scene's mix (its lines levelled and treated, its transition and cues, its ducked
ambience bed; mono float32, from the sample where its chapter starts) is a pure function of
its inputs. `scene_key` hashes all of them: every item's sample offset within the scene and
length, each line's audio file (path, size, modification time), the voice's effects and
volume, the delivery, the effect names, the ambience settings and the speech it ducks under,
the sample rate, and the source code of the modules that make the sound. A changed input
changes the key, so a stale mix is never served. The mixes live in
audio_out/.cache/mix/<story>/<key>.npy; a full build removes the ones it no longer uses.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

from audiodrama.project import fsutil

#: Bump to drop every cached scene mix (also dropped whenever mix.py, effects.py or this file change).
FORMAT = "scene-mix-1"


def scene_cache_dir(cache_dir: Path, slug: str = "") -> Path:
    """Where a story's scene mixes live (the folder of all stories' mixes with no slug)."""
    return cache_dir / "mix" / slug if slug else cache_dir / "mix"


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the code that makes a scene's sound: a change to it invalidates the cache."""
    h = hashlib.sha256(FORMAT.encode())
    here = Path(__file__).resolve().parent
    for name in ("mix.py", "effects.py", "mixcache.py"):
        try:
            h.update((here / name).read_bytes())
        except OSError:
            h.update(name.encode())
    return h.hexdigest()[:16]


def file_stamp(path: Path) -> str:
    """Identity of an audio file's content for the key: path, size and modification time."""
    try:
        st = os.stat(path)
    except OSError:
        return f"{path}|missing"
    return f"{Path(path).resolve()}|{st.st_size}|{st.st_mtime_ns}"


def scene_key(parts: Iterable[object]) -> str:
    """The cache key of a scene mix: a hash of its inputs (strings, numbers, tuples)."""
    h = hashlib.sha256(code_version().encode())
    for p in parts:
        h.update(repr(p).encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()[:32]


class SceneCache:
    """Scene mixes of one story on disk; `used` collects the keys read or written."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.npy"

    def has(self, key: str) -> bool:
        return self._path(key).exists()

    def get(self, key: str) -> np.ndarray | None:
        """The cached mix for `key`, or None (also when the file is unreadable)."""
        path = self._path(key)
        self.used.add(key)
        try:
            x = np.load(path, mmap_mode="r", allow_pickle=False)  # read straight from the page cache
        except (OSError, ValueError, EOFError):
            self.misses += 1
            return None
        if x.dtype != np.float32 or x.ndim != 1:
            self.misses += 1
            return None
        self.hits += 1
        return x

    def put(self, key: str, x: np.ndarray) -> None:
        """Store a scene mix (atomically; a failure to write only costs speed next time)."""
        self.used.add(key)
        try:
            with fsutil.atomic_path(self._path(key)) as tmp, open(tmp, "wb") as f:
                np.save(f, np.ascontiguousarray(x, np.float32), allow_pickle=False)
        except OSError:
            pass

    def prune(self) -> int:
        """Delete the scene mixes of this story not used since this cache was opened; returns how many."""
        gone = 0
        if not self.folder.exists():
            return 0
        for f in self.folder.glob("*.npy"):
            if f.stem not in self.used:
                f.unlink(missing_ok=True)
                gone += 1
        return gone
