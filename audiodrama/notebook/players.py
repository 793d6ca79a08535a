"""Players: every audio the notebook plays is a pydub AudioSegment, shown with its own `_repr_html_`."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydub import AudioSegment, effects

from audiodrama import procs
from audiodrama.model import NARRATOR, Line, Script, plural
from audiodrama.render.plan import RenderedLine
from audiodrama.results import EpisodeResult

EMBED_LIMIT = 12_000_000
"""Bytes of audio embedded in a notebook as is; longer episodes get a smaller preview."""
PREVIEW_RATE = 22050
"""Sample rate of an episode preview (mono, 16-bit, embedded as 48 kbit/s MP3)."""


class PreviewSegment(AudioSegment):
    """An AudioSegment exported (and so embedded by AudioSegment._repr_html_) as 48 kbit/s MP3."""

    def export(
        self,
        out_f: Any = None,
        format: str = "mp3",
        codec: str | None = None,
        bitrate: str | None = "48k",
        **kw: Any,
    ) -> Any:
        return super().export(out_f, format=format, codec=codec, bitrate=bitrate, **kw)


@dataclass
class Player:
    """A pydub segment with a caption that says what it is and how long, shown above the player."""

    segment: AudioSegment
    caption: str = ""
    note: str = ""
    file: Path | None = None
    """The file `segment` was decoded from, embedded as it is (see `_repr_html_`)."""

    @property
    def seconds(self) -> float:
        return float(self.segment.duration_seconds)

    def header(self) -> str:
        minutes, seconds = divmod(round(self.seconds), 60)
        return " &mdash; ".join(x for x in (self.caption, f"{minutes}:{seconds:02d}") if x) + self.note

    def _repr_html_(self) -> str:
        # pydub's own player would encode the decoded samples to MP3 again: seconds per minute of
        # an episode that is already an MP3 (or a WAV) the browser plays as it is
        try:
            raw = self.file.read_bytes() if self.file is not None else None
        except OSError:  # the file went since: the samples decoded from it still play
            raw = None
        if self.file is None or raw is None:
            return f"<div>{self.header()}<br>{self.segment._repr_html_()}</div>"
        kind = "audio/mpeg" if self.file.suffix.lower() == ".mp3" else "audio/wav"
        data = base64.b64encode(raw).decode("ascii")
        player = f'<audio controls><source src="data:{kind};base64,{data}" type="{kind}"/></audio>'
        return f"<div>{self.header()}<br>{player}</div>"

    def __repr__(self) -> str:
        return f"<Player {html.unescape(re.sub(r'<[^>]+>', '', self.header()))}>"


def join_segments(paths: Iterable[str | Path], gap_ms: int = 350) -> AudioSegment:
    """Audio files joined with short gaps, at the first file's rate, as one mono 16-bit segment."""
    parts: list[AudioSegment] = []
    for p in paths:
        seg = AudioSegment.from_file(str(p)).set_channels(1).set_sample_width(2)
        if parts:
            seg = seg.set_frame_rate(parts[0].frame_rate)
        parts += [seg, AudioSegment.silent(gap_ms, frame_rate=seg.frame_rate).set_sample_width(2)]
    if not parts:
        return AudioSegment.silent(1, frame_rate=22050)
    # one segment from the joined raw data: `+=` in a loop copies everything so far each time (quadratic)
    return parts[0]._spawn(b"".join(s.raw_data for s in parts))


def play(paths: str | Path | Iterable[str | Path], caption: str = "") -> Player:
    """A player for one audio file or several joined (peak-normalised, as the old players were)."""
    if isinstance(paths, str | Path):
        paths = [paths]
    return Player(effects.normalize(join_segments(paths)), caption)


def line_paths(rendered: Mapping[str, RenderedLine], lines: Iterable[Line]) -> list[Path]:
    """The audio files of those lines that were rendered."""
    return [rendered[l.id].path for l in lines if l.id in rendered]


def play_line(script: Script, rendered: Mapping[str, RenderedLine], line_id: str) -> Player:
    """Play one line."""
    line = script.line_by_id(line_id)
    return play(line_paths(rendered, [line]), f"<code>{html.escape(line_id)}</code>")


def play_character(script: Script, rendered: Mapping[str, RenderedLine], name: str, limit: int = 8) -> Player:
    """Play a character's first `limit` lines (Narrator: the lines the narrator voices)."""
    picked = [l for l in script.lines() if l.id in rendered and (rendered[l.id].speaker or NARRATOR) == name]
    if not picked and name != NARRATOR:  # an alias
        picked = [l for l in script.lines() if l.kind == "dialogue" and l.speaker == name]
    lines = line_paths(rendered, picked[:limit])
    return play(lines, f"<b>{html.escape(name)}</b>, {plural(len(lines), 'line')}")


def play_scene(
    script: Script, rendered: Mapping[str, RenderedLine], scene: int | str, limit: int | None = None
) -> Player:
    """Play a scene's voiced lines, by number (from 1) or id (first `limit` lines)."""
    sc = (
        script.scenes[scene - 1]
        if isinstance(scene, int)
        else next(s for s in script.scenes if s.id == scene)
    )
    return play(line_paths(rendered, sc.lines[:limit]), f"scene <b>{html.escape(sc.id)}</b>")


def play_episode(episode: EpisodeResult, max_bytes: int = EMBED_LIMIT) -> Player:
    """A player for a mixed episode that works wherever the notebook is served from.

    The MP3 (or WAV) is embedded when small enough; a longer episode is embedded as a
    48 kbit/s mono preview made in memory; the files stay as they are. The caption gives
    the length, loudness and true peak before it is played.
    """
    audio = Path(str(episode.mp3 or episode.wav))
    caption = (
        f"<b>Episode {episode.episode}</b>: {episode.lufs:.1f} LUFS, {episode.true_peak:.1f} dBTP, "
        f"<code>{html.escape(str(audio))}</code>"
    )
    if audio.stat().st_size <= max_bytes:
        return Player(AudioSegment.from_file(str(audio)), caption, file=audio)
    source = Path(episode.wav) if episode.wav and Path(episode.wav).exists() else audio
    return Player(preview_segment(source), caption, " (48 kbit/s mono preview)")


def preview_segment(source: Path) -> PreviewSegment:
    """`source` decoded by ffmpeg straight to mono 16-bit at PREVIEW_RATE, in memory.

    pydub would read a WAV whole at its own rate and channels first: several times the memory.
    """
    args = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-i", str(source)]
    args += ["-ac", "1", "-ar", str(PREVIEW_RATE), "-f", "s16le", "-"]
    raw = procs.run(args, check=True, capture_output=True).stdout
    return PreviewSegment(data=raw, sample_width=2, frame_rate=PREVIEW_RATE, channels=1)


def audition_row(name: str, profile: Any, player: Player, says: str) -> str:
    """One row of the auditions table: the voice, its profile, a player and what it says."""
    return (
        f"<tr><td><b>{html.escape(name)}</b></td><td><code>{html.escape(profile.voice)}</code> "
        f"rate {profile.rate}, pitch {profile.pitch}</td><td>{player._repr_html_()}</td>"
        f"<td style='text-align:left'>{html.escape(says[:80])}</td></tr>"
    )


def auditions_table(rows: Sequence[str]) -> str:
    head = "<tr><th>voice</th><th>profile</th><th>audition</th><th>says</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"
