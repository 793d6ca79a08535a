"""What a build produced: typed results handed from the pipeline to the CLI and notebooks."""

from __future__ import annotations

import base64
import html
import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class EpisodeResult:
    """What mixing one episode wrote, and how it measures."""

    episode: int
    wav: Path | None
    mp3: Path | None
    timeline: Path
    transcript: Path | None
    duration: float
    """Seconds."""
    lufs: float
    """Integrated loudness of the master (LUFS, as played: all channels)."""
    true_peak: float
    """True peak of the master (dBTP, 4x oversampled)."""
    opus: Path | None = None
    m4b: Path | None = None
    """The whole-story audiobook this episode is part of (same path for every episode)."""
    stems: dict[str, Path] = field(default_factory=dict)
    """Stem name (character, Narrator, effects, ambience) -> WAV (32-bit float, pre-limiter)."""
    labels: Path | None = None
    """Audacity label track."""
    figures: dict[str, float] = field(default_factory=dict)
    """Everything master_stream measured (lufs, true_peak, sample_peak, rms_db, gain_db)."""
    scenes: list[str] | None = None
    """The scene ids mixed when only part of the episode was built."""
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall-clock seconds: wav (plan, mix, master, WAV + timeline + transcript written), stems, encode."""
    scenes_mixed: int = 0
    """Scenes mixed afresh for this episode (the others came from the scene cache)."""
    scenes_reused: int = 0
    """Scenes whose pre-master mix was read back from the scene cache."""

    def _repr_html_(self) -> str:
        audio = self.mp3 or self.wav
        player = ""
        if audio and audio.exists():
            mime = "audio/mpeg" if audio.suffix == ".mp3" else "audio/wav"
            if audio.stat().st_size <= 12_000_000:
                src = f"data:{mime};base64," + base64.b64encode(audio.read_bytes()).decode()
            else:  # too big to embed: a path relative to the notebook, which JupyterLab serves
                try:
                    src = html.escape(os.path.relpath(audio))
                except ValueError:
                    src = html.escape(audio.as_uri())
            player = f'<audio controls preload="none" src="{src}"></audio>'
        return (
            f"<div><b>Episode {self.episode}</b> &mdash; {self.duration / 60:.1f} min, "
            f"{self.lufs:.1f} LUFS, {self.true_peak:.1f} dBTP<br>{player}<br>"
            f"<code>{html.escape(str(audio or self.timeline))}</code></div>"
        )
