"""The small interface every TTS engine implements: text + voice profile -> WAV bytes.

An engine is created inside the process that synthesises (a render worker, or the main
process for cheap engines), so implementations may hold per-instance state such as an
initialised speech library. Engines never write files: the render stage stores the bytes.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from audiodrama.model import VoiceProfile

SAMPLE_RATE = 22050
"""Every engine hands back 22,050 Hz mono 16-bit WAV (espeak-ng's native format)."""


def volume_problems(profile: VoiceProfile) -> list[str]:
    """The volume check every engine shares (0..1), naming the field and the fix."""
    volume = profile.volume
    if isinstance(volume, bool) or not isinstance(volume, (int, float)) or not 0.0 <= float(volume) <= 1.0:
        return [f"volume: {volume!r} must be a number from 0 to 1"]
    return []


def mono_wav(pcm: bytes, sample_rate: int = SAMPLE_RATE) -> bytes:
    """WAV bytes of mono 16-bit little-endian samples: the format every engine hands back."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm)
    return buf.getvalue()


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
    licence: str = ""
    """The voice's licence (and anything a user must know about it), for `audiodrama voices`."""
    usable: bool = True
    """False for a voice the engine knows but cannot use here (e.g. it would be downloaded)."""


class Engine(Protocol):
    """What the render stage needs from a TTS engine."""

    name: str
    """Registry name (the `engine` field of a profile)."""
    parallel: bool
    """True if synthesis is CPU-heavy and should run in worker processes."""
    memory_mb: int
    """Peak resident memory of a process synthesising with it alone, Python included (sizes the
    worker pool; see render.runners.worker_memory_mb)."""
    licence: str
    """The engine's own licence."""

    def version(self) -> str:
        """Engine + backend version; part of the store key of every line it voices."""
        ...

    def model_id(self, voice: str) -> str:
        """What identifies the model file of `voice` (its sha256; '' when there is none); part of
        the store key, so replacing a voice file re-renders its lines."""
        ...

    def validate(self, profile: VoiceProfile) -> list[str]:
        """Problems with `profile` as 'field: message (fix)'; empty when usable."""
        ...

    def voices(self) -> list[VoiceInfo]:
        """Voices and variants the engine offers (its voice inventory)."""
        ...

    def synthesize(self, text: str, profile: VoiceProfile, delivery: str | None = None) -> bytes:
        """The mono 16-bit WAV bytes of `text` spoken with `profile` (delivery: whisper | shout)."""
        ...


Words = list[tuple[str, float]]
"""(word of the engine's input, seconds from the start of the audio) for each word spoken."""


@runtime_checkable
class TimedEngine(Protocol):
    """An engine that also tells when each word starts (espeak-ng does, as it speaks)."""

    def synthesize_timed(
        self, text: str, profile: VoiceProfile, delivery: str | None = None
    ) -> tuple[bytes, Words]:
        """(the WAV bytes of `synthesize`, the start of each word in them)."""
        ...


def synthesize_with_words(
    engine: Engine, text: str, profile: VoiceProfile, delivery: str | None = None
) -> tuple[bytes, Words | None]:
    """(WAV bytes, word starts) from any engine; None for the words when it cannot tell them."""
    if isinstance(engine, TimedEngine):
        return engine.synthesize_timed(text, profile, delivery)
    return engine.synthesize(text, profile, delivery), None
