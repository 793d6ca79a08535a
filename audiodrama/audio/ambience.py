"""Ambience beds synthesised in code (room, rain, street, wind) and the envelope that ducks them under speech.

Pure functions returning float32 numpy arrays (mono, or stereo when asked); random parts use a
fixed seed, so the same call always gives the same sound. Beds are made at -45 dBFS RMS: the
mixer sets their level.

A stereo bed plays its loop on the left and the same loop about half a tile (5.5 s) later on the
right: the noise is then independent between the channels (correlation near 0, a wide bed
around centred voices), at no extra synthesis or memory for a second tile, and a loop's events
(a passing car, a gust) land on one side at a time.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from audiodrama.audio.effects import fade, rng_for

#: Ambience beds (the `ambience` of a scene); "none" is silence.
AMBIENCES: tuple[str, ...] = ("room", "rain", "street", "wind", "none")


def _pink(n: int, rng: np.random.Generator) -> np.ndarray:
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(len(spec))
    spec[1:] /= np.sqrt(f[1:])
    spec[0] = 0
    return np.fft.irfft(spec, n)


def _bed_tile(name: str, sr: int, seconds: float = 12.0) -> np.ndarray:
    """A loopable tile of ambience `name`, normalised to about -45 dBFS RMS."""
    from scipy import signal  # about a second to import (scipy.signal): on use, so the CLI starts fast

    rng = rng_for("bed-" + name)
    n = int(seconds * sr)
    if name == "room":
        x = signal.sosfilt(signal.butter(2, 900, fs=sr, output="sos"), _pink(n, rng))
        x += 0.01 * np.sin(2 * np.pi * 60 * np.arange(n) / sr)  # a little mains hum
    elif name == "rain":
        hiss = signal.sosfilt(
            signal.butter(2, [1500, min(9000, sr * 0.45)], "bandpass", fs=sr, output="sos"),
            rng.standard_normal(n),
        )
        drops = np.zeros(n)
        idx = rng.integers(0, n, int(seconds * 60))
        drops[idx] = rng.uniform(0.5, 3.0, len(idx))
        drops = signal.sosfilt(
            signal.butter(2, [2000, min(7000, sr * 0.45)], "bandpass", fs=sr, output="sos"), drops
        )
        x = hiss + 2.0 * drops + 0.6 * _pink(n, rng)
    elif name == "street":
        rumble = signal.sosfilt(signal.butter(2, 300, fs=sr, output="sos"), _pink(n, rng))
        t = np.arange(n) / sr
        cars = np.zeros(n)
        for c in rng.uniform(0, seconds, 3):
            cars += np.exp(-(((t - c) / 1.2) ** 2))
        swish = (
            signal.sosfilt(
                signal.butter(2, [200, 2500], "bandpass", fs=sr, output="sos"), rng.standard_normal(n)
            )
            * cars
        )
        x = rumble + 0.5 * swish
    elif name == "wind":
        t = np.arange(n) / sr
        noise = _pink(n, rng)
        low = signal.sosfilt(signal.butter(2, [150, 600], "bandpass", fs=sr, output="sos"), noise)
        high = signal.sosfilt(signal.butter(2, [600, 2000], "bandpass", fs=sr, output="sos"), noise)
        gust = 0.6 + 0.4 * np.sin(2 * np.pi * t / seconds * 2 + 1.0) * np.sin(2 * np.pi * t / seconds * 3)
        x = low * gust + high * gust**3 * 0.5
    else:
        raise ValueError(f"unknown ambience {name!r}; use one of {', '.join(AMBIENCES)}")
    # make the tile loop seamlessly: crossfade its tail into its head
    k = int(1.0 * sr)
    ramp = np.linspace(0, 1, k)
    x[:k] = x[:k] * ramp + x[-k:] * (1 - ramp)
    x = x[:-k]
    rms = np.sqrt(np.mean(x**2)) or 1.0
    return (x * (10 ** (-45 / 20) / rms)).astype(np.float32)


@lru_cache(maxsize=16)
def _bed_tile_bytes(name: str, sr: int) -> bytes:
    """The tile, memoised in this process (immutable bytes: callers cannot alter the memo)."""
    return _bed_tile(name, sr).tobytes()


def ambience(name: str, seconds: float, sr: int, fades: bool = True, channels: int = 1) -> np.ndarray:
    """`seconds` of ambience bed `name` (see AMBIENCES), faded in and out over up to 1 s
    (unless `fades` is false: the caller fades it); cost linear. Shape (n,) mono, or (n, 2)
    with decorrelated channels (the right one about half a tile later) for `channels=2`."""
    n = round(seconds * sr)
    if name == "none" or n <= 0:
        return np.zeros(max(n, 0) if channels == 1 else (max(n, 0), channels), np.float32)
    tile = np.frombuffer(_bed_tile_bytes(name, sr), dtype=np.float32)
    if channels == 1:
        x = np.tile(tile, -(-n // len(tile)))[:n]
    else:
        x = np.empty((n, channels), np.float32)
        for c in range(channels):
            x[:, c] = _looped(tile, n, _shift(c, len(tile), sr))
    if not fades:
        return x
    return fade(x, sr, min(1.0, seconds / 4), min(1.0, seconds / 4))


def _shift(channel: int, tile_len: int, sr: int) -> int:
    """Where channel `channel`'s loop starts in the tile: half a tile later per channel, plus a
    quarter period of the room's 60 Hz hum (half a tile is a whole number of its periods, which
    would leave the hum in phase on both sides and the channels 0.5 correlated)."""
    return (channel * (tile_len // 2 + round(sr / 240))) % tile_len


def _looped(tile: np.ndarray, n: int, start: int) -> np.ndarray:
    """n samples of `tile` played in a loop from sample `start`."""
    rolled = np.concatenate([tile[start:], tile[:start]]) if start else tile
    return np.tile(rolled, -(-n // len(rolled)))[:n]


def add_ambience(out: np.ndarray, name: str, sr: int, gain: float = 1.0) -> None:
    """out += gain * ambience(name, len(out) / sr, sr), tile by tile (no episode-long temporary);
    `out` mono (n,) or (n, channels), whose channels get decorrelated beds as in `ambience`."""
    n = len(out)
    if name == "none" or n <= 0:
        return
    tile = np.frombuffer(_bed_tile_bytes(name, sr), dtype=np.float32) * np.float32(gain)
    if out.ndim == 1:
        _add_looped(out, tile, sr)
        return
    for c in range(out.shape[1]):  # a strided view per channel: added in place
        start = _shift(c, len(tile), sr)
        _add_looped(out[:, c], np.concatenate([tile[start:], tile[:start]]), sr)


def _add_looped(out: np.ndarray, tile: np.ndarray, sr: int) -> None:
    """out += `tile` in a loop, faded in and out over up to 1 s (see add_ambience)."""
    n = len(out)
    seconds = n / sr
    for a in range(0, n, len(tile)):
        b = min(n, a + len(tile))
        out[a:b] += tile[: b - a]
    for secs, head in ((min(1.0, seconds / 4), True), (min(1.0, seconds / 4), False)):
        k = min(int(secs * sr), n)
        if k <= 0:
            continue
        ramp = (0.5 - 0.5 * np.cos(np.linspace(0, np.pi, k))).astype(np.float32)
        part = out[:k] if head else out[n - k :]
        idx = np.arange(k) if head else np.arange(n - k, n)
        bed = tile[idx % len(tile)]
        part -= bed * (1 - (ramp if head else ramp[::-1]))  # take back the unfaded part


def duck_envelope(
    n: int, sr: int, speech: list[tuple[float, float]], depth_db: float = -10.0, ramp: float = 0.3
) -> np.ndarray:
    """A gain curve for an ambience bed of `n` samples: 1.0, dipping by `depth_db` under each
    (start, end) speech interval (seconds, relative to the bed's start) with `ramp`-second slopes."""
    ctl = 100  # control rate, Hz
    m = int(np.ceil(n / sr * ctl)) + 2
    mask = np.zeros(m)
    for a, b in speech:
        mask[max(0, int(a * ctl)) : max(0, int(np.ceil(b * ctl)))] = 1.0
    w = max(1, int(ramp * ctl))
    kernel = np.ones(w) / w
    # widen then smooth, so the dip is fully down while speech sounds
    wide = np.convolve(mask, np.ones(w), mode="same") > 0
    smooth = np.convolve(wide.astype(float), kernel, mode="same")
    gain_ctl = 10 ** (depth_db * np.clip(smooth, 0, 1) / 20)
    return np.interp(np.arange(n) / sr * ctl, np.arange(m), gain_ctl).astype(np.float32)
