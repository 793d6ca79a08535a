"""The data model: lines, characters, scenes, scripts and voice profiles. No I/O here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape
from typing import Literal

LineKind = Literal["narration", "dialogue", "tag", "heading", "front_matter"]
LINE_KINDS: tuple[str, ...] = ("narration", "dialogue", "tag", "heading", "front_matter")

#: Deliveries applied in the mix (work on recorded takes too).
MIX_DELIVERIES: tuple[str, ...] = ("phone", "memory", "flashback", "dream", "thought")
#: Deliveries that change the synthesis (never applied to recorded takes).
SYNTH_DELIVERIES: tuple[str, ...] = ("whisper", "shout")
DELIVERIES: tuple[str, ...] = MIX_DELIVERIES + SYNTH_DELIVERIES

NARRATOR = "Narrator"
#: Kinds of line that are rendered to audio (front matter is not, unless asked).
VOICED_KINDS: tuple[str, ...] = ("narration", "dialogue", "tag", "heading")


def plural(count: int, noun: str) -> str:
    """'1 line', '2 lines'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


@dataclass
class Line:
    """One unit of the script: a stretch of narration, a quoted speech, a speech tag, ..."""

    id: str
    """Stable id derived from the line's own words (see audiodrama.ids)."""
    kind: LineKind
    """narration | dialogue | tag | heading | front_matter."""
    text: str
    """The words as they stand in the story (quote marks stripped for dialogue)."""
    span: tuple[int, int]
    """[start, end) character offsets into the story's plain text."""
    speaker: str | None = None
    """Character name for dialogue; None for narration (read by the narrator)."""
    paragraph: int = 0
    """Index of the paragraph the line sits in (drives pacing)."""
    delivery: str | None = None
    """phone | memory | flashback | dream | thought | whisper | shout, or None."""
    confidence: float = 1.0
    """How sure the attribution is, 0..1 (1 for narration)."""
    rule: str = ""
    """Which parser rule decided the speaker (for review)."""
    addressee: str | None = None
    """Who a dialogue line is spoken to, when the parser can tell (vocatives)."""
    take: str | None = None
    """Chosen recorded take file name (e.g. 'abc123.take2.wav'); None = default/first."""
    emphasis: list[tuple[int, int, str]] = field(default_factory=list)
    """Italic/bold stretches of the story, as (start, end, 'italic' | 'bold') offsets into
    `text`: kept beside the words, not in them, so text and id are the same in every format."""

    @property
    def is_spoken_by_character(self) -> bool:
        """True for dialogue lines with a known speaker."""
        return self.kind == "dialogue" and bool(self.speaker)


@dataclass
class Character:
    """A character of the story, as found by the parser or given in a cast file."""

    name: str
    """Main name, used as the speaker in the script."""
    aliases: list[str] = field(default_factory=list)
    """Other names the story uses for the character (not including `name`)."""
    gender: str = "unknown"
    """female | male | unknown."""
    lines: int = 0
    """Number of dialogue lines attributed to the character (main characters have 5+)."""

    def all_names(self) -> list[str]:
        """The main name followed by the aliases."""
        return [self.name, *[a for a in self.aliases if a != self.name]]


@dataclass
class Scene:
    """A stretch of the story in one place and time; episodes group scenes."""

    id: str
    """Stable id derived from the scene's first line id ('s-<line id>')."""
    lines: list[Line] = field(default_factory=list)
    """The scene's lines in story order."""
    episode: int = 1
    """Episode (chapter) number, from 1."""
    title: str = ""
    """Optional title, e.g. the chapter heading for a chapter's first scene."""
    transition: str | None = None
    """Effect played before this scene (sting, whoosh, chime, bridge, none); None = default."""
    ambience: str | None = None
    """Ambience bed under the scene (room, rain, street, wind); None = default."""
    settings: dict[str, int | float | bool] = field(default_factory=dict)
    """This scene's overrides of [pacing] and [mix] settings, e.g. {"between_speakers_ms": 250}."""


@dataclass
class Script:
    """A story's cast script: its characters and its scenes of lines."""

    title: str
    """Story title (also the folder name under audio_out/ when slugged)."""
    source: str = ""
    """Path of the story file the script was parsed from."""
    characters: list[Character] = field(default_factory=list)
    """Characters, main ones first."""
    scenes: list[Scene] = field(default_factory=list)
    """Scenes in story order."""
    slug: str = ""
    """File-name stem for script/, audio_out/ (e.g. 'demo')."""
    language: str = "en"
    """Language code passed to the voices."""
    source_hash: str = ""
    """SHA-256 of the story's plain text when parsed (tells when the story changed)."""
    author: str = ""
    """Author from the story's metadata (front matter, EPUB dc:creator, HTML meta, a byline)."""
    description: str = ""
    """What the story is about: its metadata's description, else its "Summary:" paragraph."""

    def lines(self) -> Iterator[Line]:
        """Every line in story order."""
        for scene in self.scenes:
            yield from scene.lines

    def line_by_id(self, line_id: str) -> Line:
        """The line with this id; KeyError if none."""
        for line in self.lines():
            if line.id == line_id:
                return line
        raise KeyError(line_id)

    def character(self, name: str) -> Character | None:
        """The character called `name` (main name or alias), or None."""
        for c in self.characters:
            if name == c.name or name in c.aliases:
                return c
        return None

    def episodes(self) -> dict[int, list[Scene]]:
        """Scenes grouped by episode number, in order."""
        out: dict[int, list[Scene]] = {}
        for scene in self.scenes:
            out.setdefault(scene.episode, []).append(scene)
        return out

    def __str__(self) -> str:
        lines = list(self.lines())
        spoken = sum(1 for line in lines if line.is_spoken_by_character)
        return (
            f"{self.title or self.slug}: {plural(len(lines), 'line')} ({spoken} spoken by characters), "
            f"{plural(len(self.characters), 'character')}, {plural(len(self.scenes), 'scene')}, "
            f"{plural(len(self.episodes()), 'episode')}"
        )

    def _repr_html_(self) -> str:
        """A summary for Jupyter: the counts, then who speaks how often and how sure the parser is."""
        rows = []
        for c in sorted(self.characters, key=lambda c: -c.lines):
            conf = [l.confidence for l in self.lines() if l.speaker == c.name and l.kind == "dialogue"]
            mean = f"{sum(conf) / len(conf):.2f}" if conf else ""
            aliases = ", ".join(c.aliases[:4])
            rows.append(
                f"<tr><td>{escape(c.name)}</td><td>{escape(aliases)}</td><td>{c.gender}</td>"
                f"<td>{len(conf)}</td><td>{mean}</td></tr>"
            )
        head = (
            "<tr><th>character</th><th>aliases</th><th>gender</th><th>lines</th><th>mean confidence</th></tr>"
        )
        return f"<p><b>{escape(str(self))}</b></p><table>{head}{''.join(rows)}</table>"


@dataclass
class VoiceProfile:
    """How one character (or the narrator) sounds."""

    engine: str = "pyttsx3"
    """TTS engine name (pyttsx3 | espeak | silent)."""
    voice: str = "en-us"
    """Engine voice id; espeak-ng variants as 'en-us+f3'."""
    rate: int = 175
    """Words per minute."""
    pitch: int = 50
    """espeak-ng pitch 0..99."""
    volume: float = 1.0
    """0..1."""
    effects: list[str] = field(default_factory=list)
    """Mix effects always applied to this voice (e.g. 'phone')."""
    pan: float = 0.0
    """Stereo position in the mix: -1 left .. 0 centre .. 1 right (the cast spreads characters)."""
    performer: str = ""
    """Who performs this voice, named in the closing credits ("" = nobody: an engine's voice)."""

    def key(self) -> str:
        """A canonical string of the fields that change the rendered audio."""
        return f"{self.engine}|{self.voice}|{self.rate}|{self.pitch}|{self.volume:.3f}"
