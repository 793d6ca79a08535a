"""The timeline planner (pure): lines + durations + settings -> when everything in an episode sounds."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from html import escape
from typing import Any

from audiodrama.audio import effects
from audiodrama.model import NARRATOR, Line, Scene, Script
from audiodrama.settings import Settings, for_scene

#: Line kinds never heard, by mode.
SKIPPED = {"drama": ("front_matter", "tag"), "audiobook": ("front_matter",)}
_CUTOFF = re.compile(r"(?:\u2014|\u2013|\u2015|--|-)[\s\"'\u201d\u2019]*$")


@dataclass(frozen=True)
class Item:
    """One thing placed on an episode's timeline."""

    kind: str
    """line | credits | transition | cue."""
    name: str
    """The line id for lines and credits; the effect's name otherwise."""
    start: float
    """Seconds from the start of the episode."""
    end: float
    scene: str
    """Id of the scene the item belongs to."""
    speaker: str = ""
    line_kind: str = ""
    text: str = ""
    delivery: str | None = None
    words: tuple[tuple[str, float], ...] = ()
    """(word, seconds from the line's start) as the engine spoke them; () when it does not say."""


@dataclass(frozen=True)
class SceneSpan:
    """A scene's place in the episode (a chapter): from its transition to the next scene's."""

    id: str
    title: str
    start: float
    end: float
    transition: str
    ambience: str
    ambience_db: float | None = None
    """This scene's own ambience level (a scene setting); None = the episode's."""
    duck_db: float | None = None
    """This scene's own ducking depth (a scene setting); None = the episode's."""


@dataclass
class Timeline:
    """When everything in one episode sounds."""

    episode: int
    duration: float
    items: list[Item] = field(default_factory=list)
    scenes: list[SceneSpan] = field(default_factory=list)

    def lines(self) -> list[Item]:
        """The voiced items (story lines and credits), in order."""
        return [i for i in self.items if i.kind in ("line", "credits")]

    def _repr_html_(self) -> str:
        """A summary for Jupyter: length, then each scene's span and how many lines it holds."""
        counts: dict[str, int] = {}
        for item in self.lines():
            counts[item.scene] = counts.get(item.scene, 0) + 1
        rows = "".join(
            f"<tr><td>{escape(s.id)}</td><td>{escape(s.title)}</td><td>{s.start:.1f}</td>"
            f"<td>{s.end:.1f}</td><td>{counts.get(s.id, 0)}</td></tr>"
            for s in self.scenes
        )
        head = "<tr><th>scene</th><th>title</th><th>start (s)</th><th>end (s)</th><th>lines</th></tr>"
        return (
            f"<p><b>Episode {self.episode}</b>: {self.duration:.1f} s, {len(self.lines())} lines, "
            f"{len(self.scenes)} scenes</p><table>{head}{rows}</table>"
        )


def speaker_of(line: Line) -> str:
    """Who is heard: the character for dialogue with a speaker, else the narrator."""
    return line.speaker if line.kind == "dialogue" and line.speaker else NARRATOR


def is_heard(line: Line, mode: str) -> bool:
    """Whether a line is voiced in `mode` (drama leaves out speech tags and front matter)."""
    return line.kind not in SKIPPED.get(mode, SKIPPED["drama"])


def _words(text: str) -> str:
    """Text compared for repetition: lower-case words, no punctuation."""
    return " ".join(re.findall(r"\w+", text.lower()))


def is_cut_off(text: str) -> bool:
    """True for a line ending in a dash cut-off ("Sp-", "I was--", "But\u2014")."""
    return bool(_CUTOFF.search(text.rstrip()))


def shown_text(lines: Sequence[Line], k: int, mode: str) -> str:
    """The words of heard line `lines[k]` as the transcript shows them. Where a speech tag is
    left out (drama mode), what it leaves reads as a sentence: a speech that ended on a comma
    before the tag ends on a full stop (unless the same speaker goes on in lower case), and
    narration that went on after the tag ("[he said,] his voice heavy") starts in capitals."""
    line = lines[k]
    text = line.text
    if "tag" not in SKIPPED.get(mode, SKIPPED["drama"]):
        return text

    def goes_on(a: Line | None, b: Line | None) -> bool:  # one speech cut by its tag
        return (
            a is not None
            and b is not None
            and speaker_of(a) == speaker_of(b)
            and a.text.rstrip().endswith(",")
            and b.text[:1].islower()
        )

    if k > 0 and lines[k - 1].kind == "tag" and text[:1].islower():
        before = next((l for l in reversed(lines[:k]) if is_heard(l, mode)), None)
        if not goes_on(before, line):
            text = text[0].upper() + text[1:]
    if k + 1 < len(lines) and lines[k + 1].kind == "tag" and text.rstrip().endswith(","):
        after = next((l for l in lines[k + 1 :] if is_heard(l, mode)), None)
        if not goes_on(line, after):
            text = text.rstrip()[:-1].rstrip() + "."
    return text


def pause_between(a: Line, b: Line, settings: Settings) -> float:
    """Seconds of silence between consecutive heard lines `a` and `b` of one scene."""
    p = settings.pacing
    if is_cut_off(a.text):
        ms = p.cutoff_ms
    elif a.kind == "heading":
        ms = p.paragraph_ms + p.between_speakers_ms
    elif a.paragraph != b.paragraph:
        ms = max(p.paragraph_ms, p.between_speakers_ms) if speaker_of(a) != speaker_of(b) else p.paragraph_ms
    elif speaker_of(a) == speaker_of(b):
        ms = p.within_turn_ms
    else:
        ms = p.between_speakers_ms
    return ms / 1000.0


def scene_title(scene: Scene, index: int) -> str:
    """A chapter title: the scene's title, else its heading, else 'Scene N'."""
    if scene.title:
        return scene.title
    for line in scene.lines:
        if line.kind == "heading":
            return line.text.strip()
    return f"Scene {index}"


@dataclass
class _Planner:
    """The running state of plan_episode: the time reached and what is placed so far."""

    durations: Mapping[str, float]
    settings: Settings
    mode: str
    t: float
    words: Mapping[str, Sequence[tuple[str, float]]]
    said: str = ""
    """The opening credits' words (see _words): a heading before the story that repeats them
    (the title) is not read again."""
    items: list[Item] = field(default_factory=list)
    spans: list[tuple[str, str, float, str, str, dict[str, Any]]] = field(default_factory=list)
    """id, title, chapter start, transition played, ambience, the scene's own settings."""

    def transition(self, name: str, scene: str, gap: float) -> None:
        d = effects.duration(name)
        if name not in ("none", "crossfade") and d > 0:
            self.items.append(Item("transition", name, self.t, self.t + d, scene))
            self.t += d
        self.t += gap

    def credits(self, lines: Sequence[Line], scene: str, gap: float) -> None:
        for k, c in enumerate(lines):
            if k:
                self.t += gap
            d = self.durations[c.id]
            words = tuple(self.words.get(c.id, ()))
            self.items.append(
                Item("credits", c.id, self.t, self.t + d, scene, NARRATOR, "credits", c.text, None, words)
            )
            self.t += d

    def repeats_opening(self, heading: Line) -> bool:
        """True for a heading before the story's first line whose words the opening credits said."""
        said = f" {self.said} "
        return (
            bool(self.said)
            and f" {_words(heading.text)} " in said
            and not any(i.kind == "line" for i in self.items)
        )

    def scene_lines(self, scene: Scene, here: Settings) -> None:
        """Every heard line of `scene`, with the pauses between them and the cues the narration names."""
        prev: Line | None = None
        for k, line in enumerate(scene.lines):
            if not is_heard(line, self.mode) or line.id not in self.durations:
                continue
            if line.kind == "heading" and self.repeats_opening(line):
                continue
            if prev is not None:
                self.t += pause_between(prev, line, here)
            if line.kind == "narration" and here.mix.cues:
                for cue in effects.cues_in(line.text):  # the ring before "Ring! Ring!"
                    d = effects.duration(cue)
                    self.items.append(Item("cue", cue, self.t, self.t + d, scene.id))
                    self.t += d + here.pacing.within_turn_ms / 1000.0
            d = self.durations[line.id]
            self.items.append(
                Item(
                    "line",
                    line.id,
                    self.t,
                    self.t + d,
                    scene.id,
                    speaker_of(line),
                    line.kind,
                    shown_text(scene.lines, k, self.mode),
                    line.delivery,
                    tuple(self.words.get(line.id, ())),
                )
            )
            self.t += d
            prev = line

    def scene(self, n: int, index: int, scene: Scene, opening: Sequence[Line]) -> None:
        """Scene number `n` (0-based) of the episode: its transition (or the opening credits), then its lines."""
        p, mix = self.settings.pacing, self.settings.mix
        here = for_scene(self.settings, scene.settings)  # the scene's own pacing, if it sets any
        trans = scene.transition or mix.transition
        chapter_start = 0.0 if n == 0 else self.t
        played = trans if n else "none"
        if n == 0 and opening:
            self.credits(opening, scene.id, p.paragraph_ms / 1000.0)
            played = mix.transition if trans in ("none", "crossfade") else trans
            self.t += p.scene_ms / 1000.0
            self.transition(played, scene.id, p.scene_ms / 1000.0)
        elif n > 0:
            self.t += here.pacing.scene_ms / 1000.0
            self.transition(trans, scene.id, here.pacing.scene_ms / 1000.0)
        amb = scene.ambience or mix.ambience
        self.spans.append((scene.id, scene_title(scene, index), chapter_start, played, amb, scene.settings))
        self.scene_lines(scene, here)

    def scene_spans(self) -> list[SceneSpan]:
        spans = self.spans
        return [
            SceneSpan(
                sid,
                title,
                start,
                spans[k + 1][2] if k + 1 < len(spans) else self.t,
                tr,
                amb,
                own.get("ambience_db"),
                own.get("duck_db"),
            )
            for k, (sid, title, start, tr, amb, own) in enumerate(spans)
        ]


def plan_episode(
    scenes: Sequence[Scene],
    durations: Mapping[str, float],
    settings: Settings,
    *,
    episode: int = 1,
    credits: tuple[Sequence[Line], Sequence[Line]] = ((), ()),
    mode: str | None = None,
    head: float | None = None,
    tail: float | None = None,
    words: Mapping[str, Sequence[tuple[str, float]]] | None = None,
) -> Timeline:
    """Plan one episode: where each heard line, effect and cue starts and ends (seconds).

    `durations` maps line id -> seconds of audio; lines without one are not voiced. Scenes
    with no voiced line are left out. Between scenes: `scene_ms` of silence, the scene's
    transition effect, `scene_ms` again. Narration naming a sound ("Ring! Ring!") gets the
    cue just before it. `credits` = (opening, closing) narrator lines, voiced if in `durations`.
    `words` maps line id -> (word, seconds) as the engine spoke them, kept on the items for
    the transcript's cue times.
    """
    mode = mode or settings.mix.mode
    p = settings.pacing
    plan = _Planner(durations, settings, mode, (p.head_ms / 1000.0) if head is None else head, words or {})
    opening = [c for c in credits[0] if c.id in durations]
    closing = [c for c in credits[1] if c.id in durations]
    plan.said = " ".join(_words(c.text) for c in opening)
    voiced = [
        (i, s)
        for i, s in enumerate(scenes, 1)
        if any(is_heard(l, mode) and l.id in durations for l in s.lines)
    ]
    for n, (index, scene) in enumerate(voiced):
        plan.scene(n, index, scene, opening)
    if closing and voiced:
        plan.t += p.scene_ms / 1000.0
        plan.credits(closing, voiced[-1][1].id, p.paragraph_ms / 1000.0)
    plan.t += (p.tail_ms / 1000.0) if tail is None else tail
    return Timeline(episode, plan.t, plan.items, plan.scene_spans())


def split_by_length(
    script: Script, durations: Mapping[str, float], settings: Settings, minutes: float | None = None
) -> Script:
    """A copy of `script` whose scenes are regrouped into episodes of about `minutes` each.

    Cuts fall only between scenes: a scene joins the current episode unless the episode is
    already closer to the target without it. minutes=None uses settings.mix.episode_minutes.
    """
    target = 60.0 * (settings.mix.episode_minutes if minutes is None else minutes)
    if target <= 0:
        return script
    scenes, episode, length = [], 1, 0.0
    for scene in script.scenes:
        d = plan_episode([scene], durations, settings, head=0.0, tail=0.0).duration
        if length > 0 and abs(length + d - target) > abs(length - target):
            episode, length = episode + 1, 0.0
        scenes.append(replace(scene, episode=episode))
        length += d
    return replace(script, scenes=scenes)
