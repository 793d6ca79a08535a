"""Keys of scene mixes: a hash of everything a scene's sound is made of, and the format version."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

#: Bump (by hand) whenever a change to the code changes how a scene sounds (levelling,
#: effects, deliveries, beds, the sample format of the mix) or what an episode's files hold
#: (mastering, encoders, tags, transcripts): every cached scene mix and every kept episode is
#: then made afresh. Keys never hash our own source files.
FORMAT = "scene-mix-3"  # 3: the stereo stage (panned voices, decorrelated beds, stereo encodes)


def file_stamp(path: Path) -> str:
    """Identity of an audio file's content for a key: path, size and modification time."""
    try:
        st = os.stat(path)
    except OSError:
        return f"{path}|missing"
    return f"{Path(path).resolve()}|{st.st_size}|{st.st_mtime_ns}"


def scene_key(parts: Iterable[object]) -> str:
    """A key: a hash of FORMAT and `parts` (strings, numbers, tuples, frozen dataclasses)."""
    h = hashlib.sha256(FORMAT.encode())
    for p in parts:
        h.update(repr(p).encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()[:32]
