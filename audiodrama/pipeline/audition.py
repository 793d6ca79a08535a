"""Auditions: one sample of a voice profile, rendered like any line of the script.

`audiodrama audition NAME ["TEXT"]` and the notebooks' `audition`/`auditions` both call
`render_audition`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import soundfile as sf

from audiodrama.model import NARRATOR, Line, Script, VoiceProfile
from audiodrama.pipeline.voicing import render_one
from audiodrama.project import fsutil
from audiodrama.project.production import Project
from audiodrama.render.plan import RenderedLine
from audiodrama.voices.cast import Cast
from audiodrama.voices.pitch import measure_f0

SAMPLE_TEXT = "I never thought I would see you again, not after everything that happened here."
"""What a voice says when neither a text nor a line of the character's is at hand."""


@dataclass
class Audition:
    """A rendered sample of one voice."""

    name: str
    """The cast name (a character's main name, or NARRATOR)."""
    profile: VoiceProfile
    """The profile it was rendered with."""
    rendered: RenderedLine
    """The rendered line (in the store): its text, duration and file."""
    path: Path
    """The sample's file: audio_out/auditions/<name>.wav when saved, else the cached render."""

    def samples(self) -> tuple[Any, int]:
        """The sample's audio as (float samples, sample rate)."""
        return sf.read(str(self.path))

    def median_f0(self) -> float:
        """The sample's measured median pitch in Hz (0.0 when nothing is voiced)."""
        return measure_f0(*self.samples())


def audition_text(script: Script | None, cast: Cast, name: str) -> str:
    """What `name` (a cast name) says: its first dialogue line in `script`, else SAMPLE_TEXT."""
    if script is not None:
        for line in script.lines():
            if line.kind == "dialogue" and cast.name_for(line.speaker) == name:
                return line.text or SAMPLE_TEXT
    return SAMPLE_TEXT


def audition_path(prod: Project, name: str) -> Path:
    """Where a saved audition of the cast name `name` goes: audio_out/auditions/<name>.wav."""
    return Path(prod.out_dir) / "auditions" / f"{name.replace('/', '_')}.wav"


def render_audition(
    script: Script | None,
    cast: Cast,
    prod: Project,
    name: str,
    text: str | None = None,
    *,
    save: bool = False,
) -> Audition:
    """Render `text` (default: the character's first line, or SAMPLE_TEXT) in one voice.

    `name` is a character's name or alias, or "Narrator" (CastError listing the cast if it is
    none of these). The sample is rendered through the store with the lexicon applied,
    like a line of `script`; with `save` it is also copied to audio_out/auditions/<name>.wav.
    """
    resolved = cast.resolve(name)
    if text is None:
        text = audition_text(script, cast, resolved)
    line = Line(
        id="audition",
        kind="narration" if resolved == NARRATOR else "dialogue",
        text=text or SAMPLE_TEXT,
        span=(0, 0),
        speaker=None if resolved == NARRATOR else resolved,
    )
    rendered = render_one(script or Script(title="audition"), cast, prod, line)["audition"]
    path = Path(rendered.path)
    if save:
        path = audition_path(prod, resolved)
        fsutil.write_bytes(path, rendered.path.read_bytes())
    return Audition(name=resolved, profile=cast.profile_of(resolved), rendered=rendered, path=path)
