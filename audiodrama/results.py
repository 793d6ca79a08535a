"""What a build produced: typed results handed from the pipeline to the CLI and notebooks."""

from __future__ import annotations

import html
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
        """A summary table for Jupyter, from the fields only (the notebook's player plays the file)."""
        rows = [
            ("length", f"{self.duration / 60:.1f} min ({self.duration:.1f} s)"),
            ("loudness", f"{self.lufs:.1f} LUFS integrated"),
            ("true peak", f"{self.true_peak:.1f} dBTP"),
            *((name, str(path)) for name, path in self._files()),
        ]
        if self.scenes:
            rows.append(("scenes", ", ".join(self.scenes)))
        if self.scenes_mixed or self.scenes_reused:
            rows.append(("scene mixes", f"{self.scenes_mixed} mixed, {self.scenes_reused} reused"))
        body = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
        return f"<div><b>Episode {self.episode}</b><table>{body}</table></div>"

    def _files(self) -> list[tuple[str, Path]]:
        named = [("wav", self.wav), ("mp3", self.mp3), ("opus", self.opus), ("m4b", self.m4b)]
        named += [("timeline", self.timeline), ("transcript", self.transcript), ("labels", self.labels)]
        return [(name, path) for name, path in named if path is not None]
