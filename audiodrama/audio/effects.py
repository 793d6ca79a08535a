"""Sound synthesised in code: scene-change effects and the cues the text names ("Ring! Ring!").

Everything here is a pure function returning a new float32 mono numpy array at the sample
rate asked for (no downloaded samples, no files; effects are memoised in this process only).
Random parts use a fixed seed, so the same call always gives the same sound. Levels were set
against speech levelled to about -20 LUFS: transitions and cues sit 0-6 LU under it.
Effects are mono and the stereo mix places them centred: a script does not say where a knock or
a ring happens, so the middle (where the narrator is) is the neutral place.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

#: Scene-change effects (the `transition` of a scene); "none" is silence.
TRANSITIONS: tuple[str, ...] = ("sting", "whoosh", "chime", "bridge", "crossfade", "none")
#: Cues the text itself names.
CUES: tuple[str, ...] = ("ring", "knock", "door")

#: Seconds each effect lasts (so the timeline planner needs no audio).
_DURATIONS = {
    "sting": 2.2,
    "whoosh": 1.3,
    "chime": 2.6,
    "bridge": 4.8,
    "crossfade": 0.0,
    "none": 0.0,
    "ring": 3.4,
    "knock": 1.1,
    "door": 1.6,
}


def duration(name: str) -> float:
    """Length in seconds of effect or cue `name` (0 for none/crossfade); ValueError if unknown."""
    if name not in _DURATIONS:
        raise ValueError(f"unknown effect {name!r}; use one of {', '.join(_DURATIONS)}")
    return _DURATIONS[name]


def rng_for(tag: str) -> np.random.Generator:
    return np.random.default_rng(abs(hash_str(tag)))


def hash_str(text: str) -> int:
    """A stable (not per-process salted) integer hash of `text`."""
    h = 0
    for ch in text.encode():
        h = (h * 131 + ch) % (2**61 - 1)
    return h


def _t(seconds: float, sr: int) -> np.ndarray:
    return np.arange(round(seconds * sr), dtype=np.float64) / sr


def _norm(x: np.ndarray, peak_db: float) -> np.ndarray:
    peak = float(np.max(np.abs(x))) if x.size else 0.0
    if peak <= 0:
        return x.astype(np.float32)
    return (x * (10 ** (peak_db / 20) / peak)).astype(np.float32)


def fade(x: np.ndarray, sr: int, fade_in: float = 0.0, fade_out: float = 0.0) -> np.ndarray:
    """A copy of `x` (mono, or (n, channels)) with raised-cosine fades of the given seconds at its ends."""
    y = np.array(x, dtype=np.float32, copy=True)
    for seconds, head in ((fade_in, True), (fade_out, False)):
        n = min(int(seconds * sr), len(y))
        if n <= 0:
            continue
        ramp = (0.5 - 0.5 * np.cos(np.linspace(0, np.pi, n))).astype(np.float32)
        if y.ndim == 2:  # stereo (n, channels): the same ramp on every channel
            ramp = ramp[:, None]
        if head:
            y[:n] *= ramp
        else:
            y[-n:] *= ramp[::-1]
    return y


def _env(n: int, sr: int, attack: float, decay: float) -> np.ndarray:
    t = np.arange(n) / sr
    env = np.exp(-t / max(decay, 1e-4))
    na = max(1, int(attack * sr))
    env[:na] *= np.linspace(0, 1, na)
    return env


def _tone(freq: float, t: np.ndarray, partials: int = 6, bright: float = 0.6) -> np.ndarray:
    """A soft band-limited saw-like tone."""
    out = np.zeros_like(t)
    for k in range(1, partials + 1):
        out += (bright ** (k - 1)) / k * np.sin(2 * np.pi * freq * k * t)
    return out


# ------------------------------------------------------------------ scene changes


def sting(sr: int) -> np.ndarray:
    """A dramatic chord stab: low boom plus a bright minor chord that rings out."""
    t = _t(duration("sting"), sr)
    chord: np.ndarray = np.zeros_like(t)
    for i, f in enumerate((220.0, 261.63, 329.63, 440.0)):
        chord += _tone(f, t, 8, 0.7) * (1.0 + 0.003 * i)
    for f in (220.0, 329.63):
        chord += 0.4 * _tone(f * 1.004, t, 5, 0.6)
    x = chord * _env(len(t), sr, 0.01, 0.55)
    boom = np.sin(2 * np.pi * (55 + 40 * np.exp(-t * 12)) * t) * _env(len(t), sr, 0.005, 0.35)
    return fade(_norm(x + 2.5 * boom, -6.0), sr, 0, 0.3)


def whoosh(sr: int) -> np.ndarray:
    """Air rushing past: noise through a band-pass that sweeps up and back down."""
    from scipy import signal  # about a second to import (scipy.signal): on use, so the CLI starts fast

    n = int(duration("whoosh") * sr)
    noise = rng_for("whoosh").standard_normal(n)
    bands = np.geomspace(250, 5000, 10)
    pos = np.sin(np.linspace(0, np.pi, n)) * (len(bands) - 1)  # sweep position
    out = np.zeros(n)
    for i, fc in enumerate(bands):
        sos = signal.butter(2, [fc / 1.3, min(fc * 1.3, sr / 2 * 0.95)], "bandpass", fs=sr, output="sos")
        weight = np.clip(1 - np.abs(pos - i), 0, 1)
        out += signal.sosfilt(sos, noise) * weight
    env = np.sin(np.linspace(0, np.pi, n)) ** 2
    return _norm(out * env, -10.0)


def chime(sr: int) -> np.ndarray:
    """A bell: inharmonic partials with long, partial-dependent decays."""
    t = _t(duration("chime"), sr)
    base = 660.0
    ratios = (0.56, 0.92, 1.19, 1.71, 2.0, 2.74, 3.0, 3.76, 4.07)
    amps = (1.0, 0.67, 1.0, 1.8, 2.67, 1.67, 1.46, 1.33, 1.33)
    x = np.zeros_like(t)
    for r, a in zip(ratios, amps):
        x += a * np.sin(2 * np.pi * base * r * t) * np.exp(-t * (0.8 + 0.9 * r))
    x[: int(0.003 * sr)] *= np.linspace(0, 1, int(0.003 * sr))
    return fade(_norm(x, -8.0), sr, 0, 0.4)


def bridge(sr: int) -> np.ndarray:
    """A soft musical bridge: a slow pad through four chords (i - VI - III - VII) with a bell line."""
    total = duration("bridge")
    chords = (
        (220.0, 261.63, 329.63),
        (174.61, 220.0, 261.63),
        (130.81, 196.0, 261.63),
        (196.0, 246.94, 293.66),
    )
    step = total / len(chords)
    n = int(total * sr)
    x = np.zeros(n)
    seg = int(step * sr)
    for i, chord in enumerate(chords):
        t = np.arange(int(seg * 1.5)) / sr
        pad = sum(_tone(f, t, 4, 0.45) + _tone(f * 1.005, t, 4, 0.45) for f in chord)
        env = np.minimum(1, t / 0.4) * np.exp(-t / 1.6)
        melody = np.sin(2 * np.pi * chord[-1] * 2 * t) * np.exp(-t * 3.0) * np.minimum(1, t / 0.01) * 0.8
        piece = fade(pad * env + melody, sr, 0, 0.4)  # no clicks where pieces start and stop
        a = i * seg
        b = min(n, a + len(piece))
        x[a:b] += piece[: b - a]
    return fade(_norm(x, -9.0), sr, 0.2, 1.2)


def transition(name: str, sr: int) -> np.ndarray:
    """The scene-change effect `name` (see TRANSITIONS) as samples; none/crossfade give silence."""
    makers = {"sting": sting, "whoosh": whoosh, "chime": chime, "bridge": bridge}
    if name in ("none", "crossfade"):
        return np.zeros(0, np.float32)
    if name not in makers:
        raise ValueError(f"unknown transition {name!r}; use one of {', '.join(TRANSITIONS)}")
    return _cached(name, sr)


@lru_cache(maxsize=32)
def _cached_impl(name: str, sr: int) -> bytes:
    makers = {
        "sting": sting,
        "whoosh": whoosh,
        "chime": chime,
        "bridge": bridge,
        "ring": ring,
        "knock": knock,
        "door": door,
    }
    return makers[name](sr).astype(np.float32).tobytes()  # immutable bytes: callers cannot alter the memo


def _cached(name: str, sr: int) -> np.ndarray:
    return np.frombuffer(_cached_impl(name, sr), dtype=np.float32).copy()


# ------------------------------------------------------------------ cues named by the text


def ring(sr: int) -> np.ndarray:
    """A telephone bell ringing twice ("Ring! Ring!"): a bell tremolo at 20 Hz, 1.2 s on, 0.4 s off."""
    from scipy import signal

    t = _t(duration("ring"), sr)
    tone = (
        np.sin(2 * np.pi * 1100 * t) + 0.6 * np.sin(2 * np.pi * 1375 * t) + 0.3 * np.sin(2 * np.pi * 2310 * t)
    )
    trem = 0.5 + 0.5 * np.sign(np.sin(2 * np.pi * 20 * t))
    trem = signal.sosfilt(signal.butter(2, 200, fs=sr, output="sos"), trem)
    gate = np.zeros_like(t)
    for start in (0.0, 1.7):
        a, b = int(start * sr), int((start + 1.2) * sr)
        gate[a:b] = 1.0
    gate = signal.sosfiltfilt(signal.butter(1, 40, fs=sr, output="sos"), gate)
    return _norm(tone * trem * gate, -11.0)


def knock(sr: int) -> np.ndarray:
    """Three knocks on a wooden door."""
    from scipy import signal

    n = int(duration("knock") * sr)
    x = np.zeros(n)
    rng = rng_for("knock")
    k = int(0.12 * sr)
    t = np.arange(k) / sr
    for i, start in enumerate((0.05, 0.33, 0.58)):
        body = np.sin(2 * np.pi * (180 + 20 * i) * t) * np.exp(-t * 45)
        click = rng.standard_normal(k) * np.exp(-t * 250)
        click = signal.sosfilt(signal.butter(2, [800, 3000], "bandpass", fs=sr, output="sos"), click)
        a = int(start * sr)
        x[a : a + k] += body + 0.6 * click
    return _norm(x, -6.0)


def door(sr: int) -> np.ndarray:
    """A door creaking open and closing with a thud."""
    from scipy import signal

    n = int(duration("door") * sr)
    t = np.arange(n) / sr
    creak_len = int(1.0 * sr)
    tc = t[:creak_len]
    rate = 35 + 25 * np.sin(2 * np.pi * 0.7 * tc)  # stick-slip pulse rate
    phase = np.cumsum(rate) / sr
    pulses = (np.diff(np.floor(phase), prepend=0) > 0).astype(float)
    res = signal.sosfilt(signal.butter(2, [500, 1400], "bandpass", fs=sr, output="sos"), pulses * 30)
    creak = res * np.sin(np.linspace(0, np.pi, creak_len))
    x = np.zeros(n)
    x[:creak_len] += creak
    tt = np.arange(int(0.5 * sr)) / sr
    thud = np.sin(2 * np.pi * 70 * tt) * np.exp(-tt * 18)
    thud += 0.4 * rng_for("door").standard_normal(len(tt)) * np.exp(-tt * 60)
    a = int(1.05 * sr)
    x[a : a + len(tt)] += 3 * thud[: n - a]
    return _norm(x, -3.0)


def cue(name: str, sr: int) -> np.ndarray:
    """The text cue `name` (see CUES) as samples."""
    if name not in CUES:
        raise ValueError(f"unknown cue {name!r}; use one of {', '.join(CUES)}")
    return _cached(name, sr)


_RING_WORD = r"(?:ring|brr+i*ng|ri+i*ng|ring-a-ling)"
_RING = re.compile(
    rf"\b{_RING_WORD}[!,.]*\s+{_RING_WORD}\b"  # Ring! Ring!  / ring, ring
    r"|(?:^|[.!?\"\u201d]\s+)(?:Ring|RING|Brr+i*ng|BRR+I*NG|Ri+ng)!"  # a sentence that is just "Ring!"
    r"|\b(?:tele)?phone\s+(?:rang|rings|ringing|began\s+to\s+ring|was\s+ringing|started\s+ringing)\b",
    re.I | re.M,
)
_KNOCK = re.compile(
    r"\bknock[\s,.!]+knock\b|\b(?:knock(?:ed|ing)?|rapped|bang(?:ed|ing)?)\s+(?:on|at)\s+(?:the|a|her|his|my)\s+door\b|\ba knock\b",
    re.I,
)
_DOOR = re.compile(
    r"\bdoor\s+(?:slam(?:med|s)?|creak(?:ed|s)?|open(?:ed|s)?|close[ds]?|shut|swung)\b"
    r"|\b(?:slammed|opened|closed|shut)\s+the\s+door\b",
    re.I,
)


def cues_in(text: str) -> list[str]:
    """Cues a line of narration names, in the order they occur: 'Ring! Ring!' -> ['ring']."""
    found = []
    for name, rx in (("ring", _RING), ("knock", _KNOCK), ("door", _DOOR)):
        m = rx.search(text)
        if m:
            found.append((m.start(), name))
    return [name for _, name in sorted(found)]
