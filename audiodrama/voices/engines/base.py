"""The small interface every TTS engine implements, and the registry that finds one by name.

An engine turns (text, VoiceProfile, synthesis delivery) into a mono 16-bit WAV file.
It is created inside the process that synthesises (a render worker, or the main
process for cheap engines), so implementations may hold per-process state such as an
initialised speech library. Everything an engine needs travels in `SynthJob`s, which
are plain picklable data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from audiodrama.model import VoiceProfile

SAMPLE_RATE = 22050
"""Every engine writes 22,050 Hz mono 16-bit WAV (espeak-ng's native format)."""


@dataclass(frozen=True)
class SynthJob:
    """One line to synthesise: what to say, how, and where the WAV goes."""

    text: str
    """Speakable text (already cleaned and with the lexicon applied)."""
    profile: VoiceProfile
    """The voice to use."""
    delivery: str | None
    """A synthesis delivery (whisper | shout) or None."""
    out: str
    """Final path of the WAV; the engine writes it atomically (temp file + os.replace)."""


@dataclass(frozen=True)
class VoiceInfo:
    """A voice or a variant an engine offers."""

    id: str
    """What goes in a profile's `voice` field (a variant as '+name', e.g. '+f3')."""
    name: str
    """Human-readable name."""
    kind: str
    """'voice' (a language/accent) or 'variant' (a timbre added with '+')."""
    gender: str = "unknown"
    """female | male | unknown, as declared by the voice file (espeak-ng's own lists lie)."""


class Engine(Protocol):
    """What render.py needs from a TTS engine."""

    name: str
    """Registry name (the `engine` field of a profile)."""
    parallel: bool
    """True if synthesis is CPU-heavy and should run in worker processes."""

    def version(self) -> str:
        """Engine + backend version; part of the render cache key."""

    def validate(self, profile: VoiceProfile) -> list[str]:
        """Problems with `profile` as 'field: message (fix)'; empty when usable."""

    def voices(self) -> list[VoiceInfo]:
        """Voices and variants the engine offers."""

    def synthesize(self, job: SynthJob) -> float:
        """Write job.out (atomically); return its duration in seconds."""


def write_wav_atomic(path: str | Path, data: bytes) -> None:
    """Write finished WAV bytes so that a reader never sees a partial file."""
    from audiodrama.project import fsutil

    fsutil.write_bytes(path, data)


_ENGINES: dict[str, Engine] = {}


def engine_names() -> tuple[str, ...]:
    """Engines a profile may name."""
    return ("pyttsx3", "espeak", "silent")


def get_engine(name: str) -> Engine:
    """The engine called `name` (one instance per process). KeyError if unknown.

    The environment variable AUDIODRAMA_ENGINE, when set, replaces every TTS engine
    (e.g. AUDIODRAMA_ENGINE=silent for fast tests of later stages).
    """
    name = os.environ.get("AUDIODRAMA_ENGINE") or name
    if name == "espeak":
        name = "pyttsx3"
    if name not in _ENGINES:
        if name == "pyttsx3":
            from audiodrama.voices.engines.pyttsx3_engine import Pyttsx3Engine

            _ENGINES[name] = Pyttsx3Engine()
        elif name == "silent":
            from audiodrama.voices.engines.silent import SilentEngine

            _ENGINES[name] = SilentEngine()
        else:
            raise KeyError(name)
    return _ENGINES[name]
