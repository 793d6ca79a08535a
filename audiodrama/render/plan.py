"""The render plan: which lines need audio, what each says, and the store key of its audio.

A synthesised line's key covers the speakable text (cleaned, lexicon applied), the voice
profile, the synthesis delivery (whisper/shout) and the engine's name and version (and, for a
neural voice, the sha256 of its model file), so a second
render with nothing changed synthesises nothing and an edit re-renders only the lines whose
key changed. The store is handed in (typed by AudioStore); this module never builds a path.
"""

from __future__ import annotations

import json
import wave
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from typing import Protocol

from audiodrama.model import NARRATOR, SYNTH_DELIVERIES, VOICED_KINDS, Line, Script, VoiceProfile
from audiodrama.voices.cast import Cast
from audiodrama.voices.engines.base import TimedEngine
from audiodrama.voices.engines.registry import engine_name, make_engine
from audiodrama.voices.lexicon import Lexicon
from audiodrama.voices.speakable import speakable_text, stress_emphasis

LINE_KIND = "line"
"""Store kind of synthesised lines."""
TAKE_KIND = "take"
"""Store kind of converted recorded takes."""
WORDS_SUFFIX = ".words.json"
"""Beside a synthesised line's WAV (same kind and key): when each word starts, for engines
that tell (espeak-ng); written before the WAV, so a stored WAV has its words."""


class AudioStore(Protocol):
    """What the render stage needs from the content-addressed store (project.store.Store)."""

    def key(self, kind: str, *parts: str) -> str: ...

    def path_for(self, kind: str, key: str, suffix: str = ".wav") -> Path: ...

    def has(self, kind: str, key: str, suffix: str = ".wav") -> bool: ...

    def writing(self, kind: str, key: str, suffix: str = ".wav") -> AbstractContextManager[Path]: ...

    def put_bytes(self, kind: str, key: str, suffix: str, data: bytes) -> Path: ...


@dataclass(frozen=True)
class SynthJob:
    """One line to synthesise: what to say, how, and its store key. Plain picklable data."""

    text: str
    """Speakable text (already cleaned and with the lexicon applied)."""
    profile: VoiceProfile
    """The voice to use."""
    delivery: str | None
    """A synthesis delivery (whisper | shout) or None."""
    key: str
    """Store key (kind LINE_KIND, suffix .wav) the WAV goes under."""


@dataclass
class RenderedLine:
    """One line's audio."""

    path: Path
    """Mono 16-bit WAV (22,050 Hz for TTS and converted takes)."""
    source: str
    """'tts' or 'recorded'."""
    cached: bool
    """True when nothing was synthesised or converted for it in this call."""
    speaker: str = NARRATOR
    """Cast name whose voice speaks it (the narrator for narration)."""
    voice: str = ""
    """The profile key (engine|voice|rate|pitch|volume) or the take's file name."""
    engine: str = ""
    """The engine that spoke it ('hibari', 'pyttsx3', ...), or 'recorded' for a take."""
    voice_name: str = ""
    """The engine's voice that spoke it ('heart', 'en-us+f3', a .onnx path) or the take's file name."""
    text: str = ""
    """The speakable text that was voiced (what the transcript should show)."""
    duration: float = 0.0
    """Seconds."""
    take: str | None = None
    """File name of the recorded take used, if any."""
    effects: list[str] = field(default_factory=list)
    """Mix effects from the profile (the line's own delivery is on the Line)."""
    words: list[tuple[str, float]] | None = None
    """(word, seconds) where the engine started each word it spoke; None when it does not say
    (the transcript then estimates by characters)."""
    words_path: Path | None = None
    """Where the store keeps them (beside `path`), for engines that tell them."""


class RenderResult(dict[str, RenderedLine]):
    """line id -> RenderedLine, plus counts of what this call did."""

    synthesised: int = 0
    """Lines synthesised now (store misses)."""
    cached: int = 0
    """Lines whose audio was already in the store."""
    recorded: int = 0
    """Lines voiced by a recorded take."""
    warnings: list[str]
    """Things a person should know (unused takes, clipping, bad recordings)."""

    def __init__(self) -> None:
        super().__init__()
        self.warnings = []

    def summary(self) -> str:
        """'rendered N, cached M, recorded K'."""
        return f"rendered {self.synthesised}, cached {self.cached}, recorded {self.recorded}"

    def _repr_html_(self) -> str:
        """A summary for Jupyter: the counts, lines and seconds per voice, and the warnings."""
        lines: dict[str, int] = {}
        seconds: dict[str, float] = {}
        for r in self.values():
            lines[r.speaker] = lines.get(r.speaker, 0) + 1
            seconds[r.speaker] = seconds.get(r.speaker, 0.0) + r.duration
        rows = "".join(
            f"<tr><td>{escape(name)}</td><td>{n}</td><td>{seconds[name]:.1f}</td></tr>"
            for name, n in lines.items()
        )
        warnings = "".join(f"<li>{escape(w)}</li>" for w in self.warnings)
        return (
            f"<p><b>{escape(self.summary())}</b></p>"
            f"<table><tr><th>voice</th><th>lines</th><th>seconds</th></tr>{rows}</table>"
            + (f"<ul>{warnings}</ul>" if warnings else "")
        )

    def merge(self, other: RenderResult) -> None:
        """Add another result's lines and counts (e.g. the credits after the story)."""
        self.update(other)
        self.synthesised += other.synthesised
        self.cached += other.cached
        self.recorded += other.recorded
        self.warnings += other.warnings


def voiced_lines(script: Script) -> list[Line]:
    """The lines rendered by default (narration, dialogue, tags, headings; not front matter)."""
    return [line for line in script.lines() if line.kind in VOICED_KINDS]


def line_key_parts(text: str, profile_key: str, delivery: str | None, engine_id: str) -> tuple[str, ...]:
    """What decides a synthesised line's audio: its store key is made from these."""
    return (text, profile_key, delivery or "", engine_id)


def words_json(words: list[tuple[str, float]]) -> bytes:
    """The stored form of a line's word starts: a JSON list of [word, seconds]."""
    return json.dumps([[w, round(t, 4)] for w, t in words], ensure_ascii=False).encode("utf-8")


def read_words(path: Path) -> list[tuple[str, float]] | None:
    """The word starts stored at `path`, or None when there are none (or they are unreadable)."""
    try:
        data = json.loads(path.read_bytes())
        return [(str(w), float(t)) for w, t in data]
    except (OSError, ValueError, TypeError):
        return None


def wav_duration(path: Path) -> float:
    """Seconds of audio in a WAV file (0 if unreadable)."""
    try:
        with wave.open(str(path)) as w:
            return w.getnframes() / float(w.getframerate())
    except (OSError, EOFError, wave.Error):
        return 0.0


def speakable(line: Line, speaker: str, lexicon: Lexicon | None) -> tuple[str, str]:
    """(clean text for the transcript, text handed to the engine with the lexicon applied)."""
    clean = speakable_text(line.text)
    spoken = lexicon.apply(clean, speaker) if lexicon is not None else clean
    if line.emphasis:
        spoken = stress_emphasis(spoken, line.text, line.emphasis)
    return clean, spoken


@dataclass
class TtsPlan:
    """Lines voiced by TTS: their RenderedLine (path in the store) and the jobs still to run."""

    lines: list[RenderedLine] = field(default_factory=list)
    jobs: dict[str, SynthJob] = field(default_factory=dict)
    """Store key -> job, one per distinct missing audio."""
    silent: list[str] = field(default_factory=list)
    """Store keys of missing lines with nothing speakable (stored as a short silence)."""


class Planner:
    """Decides, line by line, the TTS audio a line needs and whether the store has it."""

    def __init__(self, cast: Cast, lexicon: Lexicon | None, store: AudioStore, engine: str | None) -> None:
        self.cast, self.lexicon, self.store, self.engine = cast, lexicon, store, engine
        self.plan = TtsPlan()
        self._engine_ids: dict[tuple[str, str], str] = {}
        self._timed: dict[str, bool] = {}

    def speaker_of(self, line: Line) -> str:
        return self.cast.name_for(line.speaker if line.kind == "dialogue" else None)

    def profile_of(self, line: Line) -> VoiceProfile:
        profile = self.cast.profile_for(line)
        return replace(profile, engine=self.engine) if self.engine else profile

    def speakable_of(self, line: Line, speaker: str) -> tuple[str, str]:
        """(transcript text, engine text) of a line."""
        return speakable(line, speaker, self.lexicon)

    def _engine_id(self, profile: VoiceProfile) -> str:
        """'name:version' of the engine that voices `profile` (test hook applied), plus ':' and
        the model file's sha256 for an engine with model files (the neural ones)."""
        real = engine_name(profile.engine)
        if (real, profile.voice) not in self._engine_ids:
            engine = make_engine(real)
            model = engine.model_id(profile.voice)
            self._engine_ids[real, profile.voice] = f"{real}:{engine.version()}" + (
                f":{model}" if model else ""
            )
            self._timed[real] = isinstance(engine, TimedEngine)
        return self._engine_ids[real, profile.voice]

    def add(self, line: Line) -> RenderedLine:
        """Plan one line's TTS audio; its RenderedLine (cached when the store has it)."""
        profile = self.profile_of(line)
        speaker = self.speaker_of(line)
        clean, text = speakable(line, speaker, self.lexicon)
        delivery = line.delivery if line.delivery in SYNTH_DELIVERIES else None
        parts = line_key_parts(text, profile.key(), delivery, self._engine_id(profile))
        key = self.store.key(LINE_KIND, *parts)
        path = self.store.path_for(LINE_KIND, key, ".wav")
        # A line stored before word starts were kept is voiced again by an engine that tells them.
        timed = self._timed[engine_name(profile.engine)]
        rendered = RenderedLine(
            path=path,
            source="tts",
            cached=path.exists() and (not timed or self.store.has(LINE_KIND, key, WORDS_SUFFIX)),
            speaker=speaker,
            voice=profile.key(),
            engine=engine_name(profile.engine),
            voice_name=profile.voice,
            text=clean,
            effects=list(profile.effects),
            words_path=self.store.path_for(LINE_KIND, key, WORDS_SUFFIX) if timed else None,
        )
        if not rendered.cached:
            if not text.strip():
                self.plan.silent.append(key)
            elif key not in self.plan.jobs:
                self.plan.jobs[key] = SynthJob(text=text, profile=profile, delivery=delivery, key=key)
        self.plan.lines.append(rendered)
        return rendered
