"""Sound synthesised in code: scene-change effects, ambience beds, text cues, line deliveries.

Everything here is a pure function returning a new float32 mono numpy array at the sample
rate asked for (no downloaded samples; the only I/O is the optional on-disk memo of
synthesised effects, `use_disk_cache`). Random parts use a fixed seed, so the same
call always gives the same sound. Levels were set against speech levelled to about -20 LUFS:
transitions and cues sit 0-6 LU under it; ambience beds are made at -45 dBFS RMS (the mixer
sets their level and ducks them under speech).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import signal

#: Scene-change effects (the `transition` of a scene); "none" is silence.
TRANSITIONS: tuple[str, ...] = ("sting", "whoosh", "chime", "bridge", "crossfade", "none")
#: Ambience beds (the `ambience` of a scene); "none" is silence.
AMBIENCES: tuple[str, ...] = ("room", "rain", "street", "wind", "none")
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


def _rng(tag: str) -> np.random.Generator:
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
    """A copy of `x` with raised-cosine fades of the given seconds at its ends."""
    y = np.array(x, dtype=np.float32, copy=True)
    for seconds, head in ((fade_in, True), (fade_out, False)):
        n = min(int(seconds * sr), len(y))
        if n <= 0:
            continue
        ramp = (0.5 - 0.5 * np.cos(np.linspace(0, np.pi, n))).astype(np.float32)
        if head:
            y[:n] *= ramp
        else:
            y[-n:] *= ramp[::-1]
    return y


def crossfade(a: np.ndarray, b: np.ndarray, sr: int, seconds: float = 1.0) -> np.ndarray:
    """`a` then `b`, overlapping by `seconds` with equal-power fades."""
    n = min(int(seconds * sr), len(a), len(b))
    if n <= 0:
        return np.concatenate([a, b]).astype(np.float32)
    t = np.linspace(0, np.pi / 2, n, dtype=np.float32)
    mid = a[-n:] * np.cos(t) + b[:n] * np.sin(t)
    return np.concatenate([a[:-n], mid, b[n:]]).astype(np.float32)


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
    chord = sum(_tone(f, t, 8, 0.7) * (1.0 + 0.003 * i) for i, f in enumerate((220.0, 261.63, 329.63, 440.0)))
    chord = chord + 0.4 * sum(_tone(f * 1.004, t, 5, 0.6) for f in (220.0, 329.63))
    x = chord * _env(len(t), sr, 0.01, 0.55)
    boom = np.sin(2 * np.pi * (55 + 40 * np.exp(-t * 12)) * t) * _env(len(t), sr, 0.005, 0.35)
    return fade(_norm(x + 2.5 * boom, -6.0), sr, 0, 0.3)


def whoosh(sr: int) -> np.ndarray:
    """Air rushing past: noise through a band-pass that sweeps up and back down."""
    n = int(duration("whoosh") * sr)
    noise = _rng("whoosh").standard_normal(n)
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


_DISK: Path | None = None


def use_disk_cache(folder: Path | None) -> None:
    """Keep synthesised effects and ambience tiles as files in `folder` too (None: memory only),
    so that a new process (the next `audiodrama build`) reads them instead of synthesising."""
    global _DISK
    _DISK = Path(folder) if folder else None


@lru_cache(maxsize=1)
def _code_version() -> str:
    import hashlib

    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def _memo(kind: str, name: str, sr: int, make) -> bytes:
    """make() (float32 bytes), read from / written to the disk cache when there is one."""
    if _DISK is None:
        return make()
    path = _DISK / f"{kind}-{name}-{sr}-{_code_version()}.f32"
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = make()
    try:
        from audiodrama.project.fsutil import write_bytes

        write_bytes(path, data)
    except OSError:
        pass
    return data


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
    return _memo("fx", name, sr, lambda: makers[name](sr).astype(np.float32).tobytes())


def _cached(name: str, sr: int) -> np.ndarray:
    return np.frombuffer(_cached_impl(name, sr), dtype=np.float32).copy()


# ------------------------------------------------------------------ cues named by the text


def ring(sr: int) -> np.ndarray:
    """A telephone bell ringing twice ("Ring! Ring!"): a bell tremolo at 20 Hz, 1.2 s on, 0.4 s off."""
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
    n = int(duration("knock") * sr)
    x = np.zeros(n)
    rng = _rng("knock")
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
    thud += 0.4 * _rng("door").standard_normal(len(tt)) * np.exp(-tt * 60)
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


# ------------------------------------------------------------------ ambience beds


def _pink(n: int, rng: np.random.Generator) -> np.ndarray:
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(len(spec))
    spec[1:] /= np.sqrt(f[1:])
    spec[0] = 0
    return np.fft.irfft(spec, n)


def _bed_tile(name: str, sr: int, seconds: float = 12.0) -> np.ndarray:
    """A loopable tile of ambience `name`, normalised to about -45 dBFS RMS."""
    rng = _rng("bed-" + name)
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
    return _memo("bed", name, sr, lambda: _bed_tile(name, sr).tobytes())


def ambience(name: str, seconds: float, sr: int) -> np.ndarray:
    """`seconds` of ambience bed `name` (see AMBIENCES), faded in and out over 1 s; cost linear."""
    n = round(seconds * sr)
    if name == "none" or n <= 0:
        return np.zeros(max(n, 0), np.float32)
    tile = np.frombuffer(_bed_tile_bytes(name, sr), dtype=np.float32)
    reps = -(-n // len(tile))
    x = np.tile(tile, reps)[:n]
    return fade(x, sr, min(1.0, seconds / 4), min(1.0, seconds / 4))


def add_ambience(out: np.ndarray, name: str, sr: int, gain: float = 1.0) -> None:
    """out += gain * ambience(name, len(out) / sr, sr), tile by tile (no episode-long temporary)."""
    n = len(out)
    if name == "none" or n <= 0:
        return
    seconds = n / sr
    tile = np.frombuffer(_bed_tile_bytes(name, sr), dtype=np.float32) * np.float32(gain)
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


# ------------------------------------------------------------------ deliveries


def telephone(x: np.ndarray, sr: int) -> np.ndarray:
    """A telephone voice: a little drive, then a steep 300-3400 Hz band-pass (zero-phase)."""
    y = np.tanh(2.0 * x) / 2.0  # unity gain for quiet parts, peaks softly squashed
    sos = signal.butter(6, [300, min(3400, sr / 2 * 0.95)], "bandpass", fs=sr, output="sos")
    y = signal.sosfiltfilt(sos, y)
    before, after = float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))), float(np.sqrt(np.mean(y * y)))
    return (y * (before / after if after > 0 else 1.0)).astype(np.float32)  # as loud as the voice was


def _impulse(sr: int, rt60: float, predelay: float, tag: str) -> np.ndarray:
    n = int((rt60 + predelay) * sr)
    t = np.arange(n) / sr
    rng = _rng("ir-" + tag)
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
    return signal.sosfilt(signal.butter(2, min(fc, sr / 2 * 0.95), fs=sr, output="sos"), x).astype(np.float32)


def _db(x: np.ndarray, db: float) -> np.ndarray:
    return (x * 10 ** (db / 20)).astype(np.float32)


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
