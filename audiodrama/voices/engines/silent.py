"""A test engine: no TTS, but deterministic speech-like audio of plausible length and pitch.

Each word lasts 60/rate seconds; the sound is a buzz at the pitch the profile's espeak-ng
voice would have (so pitch-based tests still mean something), shaped into syllables, with
a little seeded noise. Same (text, profile, delivery) -> same samples. Useful to test the
mix and export stages in milliseconds instead of running espeak-ng.
"""

from __future__ import annotations

import hashlib

import numpy as np

from audiodrama.model import VoiceProfile
from audiodrama.voices.engines.base import SAMPLE_RATE, VoiceInfo, mono_wav
from audiodrama.voices.engines.espeak_voices import validate_profile
from audiodrama.voices.pitch import profile_f0


class SilentEngine:
    """Tone/noise stand-in for a TTS engine."""

    name = "silent"
    parallel = False
    memory_mb = 0
    licence = "MIT (part of audiodrama)"

    def version(self) -> str:
        return "silent-1"

    def model_id(self, voice: str) -> str:
        return ""

    def validate(self, profile: VoiceProfile) -> list[str]:
        return [p for p in validate_profile(profile) if "data folder" not in p]

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(id="tone", name="tone", kind="voice")]

    def synthesize(self, text: str, profile: VoiceProfile, delivery: str | None = None) -> bytes:
        """Speech-like WAV bytes for `text`, the same for the same inputs."""
        words = max(1, len(text.split()))
        rate = max(80, int(profile.rate))
        dur = 0.15 + words * 60.0 / rate
        n = int(dur * SAMPLE_RATE)
        seed = int.from_bytes(
            hashlib.sha1(f"{text}|{profile.key()}|{delivery}".encode()).digest()[:4], "little"
        )
        rng = np.random.default_rng(seed)
        t = np.arange(n) / SAMPLE_RATE
        f0 = profile_f0(profile)
        if delivery == "shout":
            f0 *= 1.3
        vibrato = 1 + 0.03 * np.sin(2 * np.pi * 3 * t)
        phase = 2 * np.pi * np.cumsum(f0 * vibrato) / SAMPLE_RATE
        voiced = sum(np.sin(k * phase) / k for k in range(1, 6))
        syll = 0.5 - 0.5 * np.cos(2 * np.pi * t * (rate / 60.0 * 1.4))
        sig = voiced * syll + 0.05 * rng.standard_normal(n)
        if delivery == "whisper":
            sig = 0.4 * rng.standard_normal(n) * syll
        fade = min(n // 2, int(0.02 * SAMPLE_RATE))
        env = np.ones(n)
        env[:fade] = np.linspace(0, 1, fade)
        env[n - fade :] = np.linspace(1, 0, fade)
        sig = sig * env
        peak = float(np.max(np.abs(sig))) or 1.0
        pcm = (sig / peak * 0.5 * float(profile.volume) * 32767).astype("<i2")
        return mono_wav(pcm.tobytes())
