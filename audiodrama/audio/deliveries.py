"""Line deliveries applied in the mix: telephone, memory, flashback, dream, thought (reverb, echo, filters).

Pure functions of float32 mono numpy arrays. The telephone band-pass is scipy's, not pydub's
low/high-pass filters: those are sample-by-sample Python loops, far too slow for an hour of lines.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from audiodrama.audio.effects import rng_for


def telephone(x: np.ndarray, sr: int) -> np.ndarray:
    """A telephone voice: a little drive, then a steep 300-3400 Hz band-pass (zero-phase)."""
    from scipy import signal  # about a second to import (scipy.signal): on use, so the CLI starts fast

    y = np.tanh(2.0 * x) / 2.0  # unity gain for quiet parts, peaks softly squashed
    sos = signal.butter(6, [300, min(3400, sr / 2 * 0.95)], "bandpass", fs=sr, output="sos")
    y = signal.sosfiltfilt(sos, y)
    before, after = float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))), float(np.sqrt(np.mean(y * y)))
    return (y * (before / after if after > 0 else 1.0)).astype(np.float32)  # as loud as the voice was


def _impulse(sr: int, rt60: float, predelay: float, tag: str) -> np.ndarray:
    from scipy import signal

    n = int((rt60 + predelay) * sr)
    t = np.arange(n) / sr
    rng = rng_for("ir-" + tag)
    ir = rng.standard_normal(n) * np.exp(-6.91 * np.maximum(t - predelay, 0) / rt60)
    ir[: int(predelay * sr)] = 0
    ir = signal.sosfilt(signal.butter(1, 4500, fs=sr, output="sos"), ir)
    return ir / np.sqrt(np.sum(ir**2))


@lru_cache(maxsize=16)
def _impulse_bytes(sr: int, rt60: float, predelay: float, tag: str) -> bytes:
    return _impulse(sr, rt60, predelay, tag).astype(np.float32).tobytes()


def reverb(
    x: np.ndarray, sr: int, rt60: float = 1.2, wet: float = 0.35, predelay: float = 0.02
) -> np.ndarray:
    """`x` in a synthetic room (exponentially decaying noise impulse); the tail lengthens it."""
    from scipy import signal

    ir = np.frombuffer(_impulse_bytes(sr, rt60, predelay, f"{rt60}"), dtype=np.float32)
    tail = signal.fftconvolve(x.astype(np.float32), ir)
    dry = np.zeros_like(tail)
    dry[: len(x)] = x
    return ((1 - wet) * dry + wet * tail * 0.7).astype(np.float32)


def echo(x: np.ndarray, sr: int, delay: float = 0.22, feedback: float = 0.45, repeats: int = 4) -> np.ndarray:
    """`x` with `repeats` decaying echoes `delay` seconds apart."""
    d = int(delay * sr)
    out = np.zeros(len(x) + d * repeats, np.float32)
    for k in range(repeats + 1):
        out[k * d : k * d + len(x)] += x * (feedback**k)
    return out


def _lowpass(x: np.ndarray, sr: int, fc: float) -> np.ndarray:
    from scipy import signal

    return signal.sosfilt(signal.butter(2, min(fc, sr / 2 * 0.95), fs=sr, output="sos"), x).astype(np.float32)


def _db(x: np.ndarray, db: float) -> np.ndarray:
    return (x * 10 ** (db / 20)).astype(np.float32)


#: Deliveries the mix applies (the others, such as whisper and shout, change the synthesis).
MIX_DELIVERIES = ("phone", "memory", "flashback", "dream", "thought")


def changes(delivery: str | None) -> bool:
    """Whether apply_delivery changes a line's sound for `delivery`."""
    return delivery in MIX_DELIVERIES


def apply_delivery(x: np.ndarray, sr: int, delivery: str | None) -> np.ndarray:
    """A line's samples with its mix delivery applied (phone, memory, flashback, dream, thought).

    Other deliveries (None, whisper, shout: those change the synthesis) return `x` unchanged.
    Reverb and echo make the result longer than `x` (the tail rings into the next pause).
    """
    if delivery == "phone":
        return _db(telephone(x, sr), -1.0)
    if delivery == "memory":
        return _db(reverb(_lowpass(x, sr, 5000), sr, rt60=1.3, wet=0.4), -3.0)
    if delivery == "flashback":
        return _db(reverb(echo(_lowpass(x, sr, 4500), sr, 0.18, 0.35, 3), sr, rt60=1.0, wet=0.3), -3.0)
    if delivery == "dream":
        return _db(reverb(_lowpass(x, sr, 4000), sr, rt60=2.6, wet=0.55), -4.0)
    if delivery == "thought":
        return _db(reverb(x, sr, rt60=0.35, wet=0.25, predelay=0.005), -3.0)
    return x
