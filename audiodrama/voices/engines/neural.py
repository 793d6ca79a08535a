"""What the neural engines (hibari, piper) share: profile checks, lexicon phonemes, the WAV format.

A profile keeps its espeak-ng meaning where a neural engine allows: `rate` in words per
minute (175 is the voice's own pace, mapped to a speed factor), `pitch` 0..99 (50 is the
voice's own pitch; every 20 steps scale it by PITCH_STEP, as espeak-ng does), `volume` 0..1.
Lexicon phonemes are espeak-ng's ([[z'and]]); `espeak-ng -q --ipa` turns them into IPA, which
each engine takes in its own inline form.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np

from audiodrama import procs
from audiodrama.errors import RenderError
from audiodrama.model import VoiceProfile
from audiodrama.voices.engines.base import SAMPLE_RATE, mono_wav, volume_problems
from audiodrama.voices.engines.pyttsx3_engine import fragments_as_phonemes
from audiodrama.voices.pitch import PITCH_STEP
from audiodrama.voices.speakable import emphasised_words

NORMAL_RATE = 175
"""Words per minute that mean the voice's own pace (speed 1.0)."""
SPEED_RANGE = (0.5, 2.0)
"""Speed factors the neural engines accept."""
RATE_RANGE = (round(NORMAL_RATE * SPEED_RANGE[0]), round(NORMAL_RATE * SPEED_RANGE[1]))
PITCH_RANGE = (0, 99)
PHONEMES = re.compile(r"\[\[(.*?)\]\]", re.DOTALL)
"""Lexicon phonemes in speakable text."""


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_rate_volume(profile: VoiceProfile) -> list[str]:
    """Problems with a profile's rate and volume for a neural engine."""
    problems = []
    if not _whole(profile.rate) or not (RATE_RANGE[0] <= profile.rate <= RATE_RANGE[1]):
        problems.append(
            f"rate: {profile.rate!r} must be a whole number of words per minute from {RATE_RANGE[0]} "
            f"to {RATE_RANGE[1]} for this engine ({NORMAL_RATE} is the voice's own pace)"
        )
    return problems + volume_problems(profile)


def check_pitch(profile: VoiceProfile) -> list[str]:
    """Problems with a profile's pitch for an engine that can scale pitch."""
    if not _whole(profile.pitch) or not (PITCH_RANGE[0] <= profile.pitch <= PITCH_RANGE[1]):
        return [
            f"pitch: {profile.pitch!r} must be a whole number from {PITCH_RANGE[0]} to "
            f"{PITCH_RANGE[1]} (50 is the voice's own pitch)"
        ]
    return []


def speed_of(rate: int) -> float:
    """The engine speed factor of a rate in words per minute."""
    return min(SPEED_RANGE[1], max(SPEED_RANGE[0], rate / NORMAL_RATE))


def pitch_factor(pitch: int) -> float:
    """F0 multiplier of a pitch setting (50 -> 1.0), espeak-ng's scale."""
    return float(PITCH_STEP ** ((int(pitch) - 50) / 20))


def file_sha256(path: Path) -> str:
    """sha256 of a file (a voice model), read in blocks."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def espeak_ipa(phonemes: str, language: str = "en-us") -> str:
    """IPA of espeak-ng phoneme mnemonics ("z'and" -> "zˈand"), by `espeak-ng -q --ipa`."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise RenderError(
            "the lexicon gives phonemes, and converting them needs espeak-ng: sudo apt-get install espeak-ng"
        )
    try:
        out = procs.run(
            [exe, "-q", "--ipa", "-v", language, f"[[{phonemes}]]"],
            capture_output=True,
            text=True,
            timeout=20,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise RenderError(f"espeak-ng could not convert the phonemes [[{phonemes}]] ({exc})") from None
    ipa = " ".join(out.stdout.split())
    if out.returncode != 0 or not ipa:
        raise RenderError(f"espeak-ng could not convert the phonemes [[{phonemes}]]: fix them in the lexicon")
    return ipa


def plain_text(text: str) -> str:
    """Speakable text for an engine that reads text, not markup: ALL-CAPS emphasis in lower case
    (the stress is left to the engine; capitals would be spelt out), a broken-off fragment as
    espeak-ng phonemes (as for espeak-ng: "Sp-" is a sound, not "ess pee"), other broken-off
    words without their dash."""
    text = fragments_as_phonemes(text)
    spans = emphasised_words(text)
    if spans:
        parts, pos = [], 0
        for a, b in spans:
            parts += [text[pos:a], text[a:b].lower()]
            pos = b
        text = "".join([*parts, text[pos:]])
    return text


def to_project_wav(samples: Any, rate: int, volume: float = 1.0) -> bytes:
    """Float samples in [-1, 1] at `rate` -> mono 16-bit WAV bytes at SAMPLE_RATE."""
    from scipy.signal import resample_poly  # scipy is a dependency; loaded only by neural workers

    x = np.asarray(samples, dtype=np.float32)
    if rate != SAMPLE_RATE and len(x):
        g = np.gcd(int(rate), SAMPLE_RATE)
        x = resample_poly(x, SAMPLE_RATE // g, int(rate) // g).astype(np.float32)
    pcm = (np.clip(x * float(volume), -1.0, 1.0) * 32767.0).astype("<i2")
    if not len(pcm):
        raise RenderError("the engine produced no audio (nothing speakable in the line?)")
    return mono_wav(pcm.tobytes())
