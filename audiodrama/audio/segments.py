"""Sample buffers and pydub AudioSegments: conversion, stereo placement, adding one into another.

Scene mixes are 32-bit AudioSegments (see `to_segment`); a stereo one keeps its channels
interleaved, as pydub does, which is a float32 array of shape (n, 2) once converted. Episode-long
buffers are numpy (see `zeros`, `add_at`): pydub copies the whole segment on every overlay.
"""

from __future__ import annotations

import math
import mmap

import numpy as np
from pydub import AudioSegment

# Scene mixes are 32-bit AudioSegments with full scale (1.0) at 2**23: 24 bits of resolution
# and 48 dB of headroom, so that overlaid sounds never clip before the master's limiter.
_FULL = float(1 << 23)


def to_segment(x: np.ndarray, sr: int) -> AudioSegment:
    """Float samples (1.0 = full scale), shape (n,) or (n, channels), as a 32-bit AudioSegment
    (full scale at 2**23; channels interleaved, as pydub keeps them)."""
    channels = 1 if x.ndim == 1 else x.shape[1]
    flat = np.ascontiguousarray(x).reshape(-1)
    # Converted in cache-sized chunks straight into the segment's buffer: 2x faster than
    # whole-array temporaries (a scene is minutes long). pydub keeps the bytearray as its data.
    data = bytearray(4 * len(flat))
    out = np.frombuffer(data, "<i4")
    step = 1 << 16
    tmp = np.empty(min(step, len(flat)), np.float32)
    for a in range(0, len(flat), step):
        b = min(len(flat), a + step)
        t = tmp[: b - a]
        np.multiply(flat[a:b], np.float32(_FULL), out=t)
        np.clip(t, np.float32(-(2.0**31)), np.float32(2.0**31 - 128), out=t)
        np.copyto(out[a:b], t, casting="unsafe")
    return AudioSegment(data, frame_rate=sr, sample_width=4, channels=channels)


def samples_of(seg: AudioSegment | np.ndarray) -> np.ndarray:
    """A scene mix's samples as float32 (1.0 = full scale): shape (n,) if mono, else (n, channels)."""
    if isinstance(seg, np.ndarray):
        return seg.astype(np.float32, copy=False)
    x = np.multiply(np.frombuffer(seg.raw_data, "<i4"), np.float32(1 / _FULL), dtype=np.float32)
    return x if seg.channels == 1 else x.reshape(-1, seg.channels)


def pan_gains_db(pan: float) -> tuple[float, float]:
    """(left, right) gains in dB that place a mono sound at `pan` (-1 left .. 1 right).

    Constant power (sin/cos law) scaled so that the centre is 0 dB on both channels: a centred
    line is exactly as loud as before the stereo stage, and moving a voice never changes its
    loudness. pydub's own `pan` follows another law (+3 dB on the near side, not constant power).
    """
    theta = (min(1.0, max(-1.0, pan)) + 1.0) * math.pi / 4
    to_db = lambda g: 20 * math.log10(g) if g > 1e-9 else -math.inf
    return to_db(math.sqrt(2) * math.cos(theta)), to_db(math.sqrt(2) * math.sin(theta))


def panned(seg: AudioSegment, pan: float) -> AudioSegment:
    """A mono segment placed at `pan`: stereo by pydub's apply_gain_stereo; a centred one stays
    mono (the speech track adds it to both channels without a copy)."""
    if abs(pan) < 1e-6:
        return seg
    left_db, right_db = pan_gains_db(pan)
    return seg.apply_gain_stereo(left_db, right_db)


def zeros(n: int) -> np.ndarray:
    """A zeroed float32 buffer of `n` samples. Large ones are anonymous memory maps with
    transparent huge pages: first-touch page faults were 4x slower with np.zeros here."""
    if n * 4 < (64 << 20):
        return np.zeros(n, np.float32)
    m = mmap.mmap(-1, n * 4)
    if hasattr(mmap, "MADV_HUGEPAGE"):
        try:
            m.madvise(mmap.MADV_HUGEPAGE)
        except OSError:
            pass
    return np.frombuffer(m, np.float32)


def silence(n: int, channels: int) -> np.ndarray:
    """n samples of float32 silence: shape (n,) mono, else (n, channels)."""
    return np.zeros(n if channels == 1 else (n, channels), np.float32)


def add_at(buf: np.ndarray, x: np.ndarray, s: int) -> None:
    """buf[s:s+len(x)] += x, cut at the end of `buf`; mono `x` goes to every channel of a stereo `buf`."""
    if s >= len(buf) or not len(x):
        return
    if buf.ndim == 2 and x.ndim == 1:
        x = x[:, None]  # broadcast: no stereo copy of a centred sound
    if s < 0:
        x, s = x[-s:], 0
    e = min(len(buf), s + len(x))
    buf[s:e] += x[: e - s]
