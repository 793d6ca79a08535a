"""Mix: a pure timeline planner (lines + durations + settings -> start/end times) and the assembly.

`plan_episode` decides when everything sounds and touches no audio. `assemble` places the
audio into one preallocated float32 buffer (linear in the episode's length; no repeated
AudioSegment `+=`), one scene at a time: each scene's pre-master mix can be kept in the
scene cache (audiodrama.audio.mixcache), so after an edit only the edited scene is mixed again.
`mix_script` runs both for each episode, masters the result and writes the WAV, timeline
JSON and WebVTT transcript; then, as a separate step, encodes MP3 / Opus / M4B from the WAV.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from audiodrama.audio import effects
from audiodrama.errors import AudiodramaError
from audiodrama.audio.export import EpisodeResult
from audiodrama.ids import base_id
from audiodrama.model import NARRATOR, Line, Scene, Script
from audiodrama.settings import Settings, for_scene

#: Line kinds never heard, by mode.
SKIPPED = {"drama": ("front_matter", "tag"), "audiobook": ("front_matter",)}
_CUTOFF = re.compile(r"(?:\u2014|\u2013|\u2015|--|-)[\s\"'\u201d\u2019]*$")


#: Speech is levelled to this RMS (dBFS, over its non-silent 20 ms frames) before mixing.
LEVEL_DB = -20.0
#: Level offsets of synthesis deliveries, so that levelling keeps a whisper quiet.
DELIVERY_DB = {"whisper": -6.0, "shout": 3.0}


class VoiceLike(Protocol):
    """What mixing reads of a voice profile (model.VoiceProfile fits)."""

    effects: list[str]
    volume: float


class RenderedLineLike(Protocol):
    """What the render stage gives for each voiced line."""

    path: Path
    source: str


# ---------------------------------------------------------------- the timeline (pure)


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


def speaker_of(line: Line) -> str:
    """Who is heard: the character for dialogue with a speaker, else the narrator."""
    return line.speaker if line.kind == "dialogue" and line.speaker else NARRATOR


def is_heard(line: Line, mode: str) -> bool:
    """Whether a line is voiced in `mode` (drama leaves out speech tags and front matter)."""
    return line.kind not in SKIPPED.get(mode, SKIPPED["drama"])


def is_cut_off(text: str) -> bool:
    """True for a line ending in a dash cut-off ("Sp-", "I was--", "But\u2014")."""
    return bool(_CUTOFF.search(text.rstrip()))


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
) -> Timeline:
    """Plan one episode: where each heard line, effect and cue starts and ends (seconds).

    `durations` maps line id -> seconds of audio; lines without one are not voiced. Scenes
    with no voiced line are left out. Between scenes: `scene_ms` of silence, the scene's
    transition effect, `scene_ms` again. Narration naming a sound ("Ring! Ring!") gets the
    cue just before it. `credits` = (opening, closing) narrator lines, voiced if in `durations`.
    """
    mode = mode or settings.mix.mode
    p = settings.pacing
    t = (p.head_ms / 1000.0) if head is None else head
    items: list[Item] = []
    spans: list[
        tuple[str, str, float, str, str, dict]
    ] = []  # id, title, start, transition, ambience, scene settings
    opening = [c for c in credits[0] if c.id in durations]
    closing = [c for c in credits[1] if c.id in durations]
    voiced_scenes = [
        (i, s)
        for i, s in enumerate(scenes, 1)
        if any(is_heard(l, mode) and l.id in durations for l in s.lines)
    ]
    for n, (index, scene) in enumerate(voiced_scenes):
        here = for_scene(settings, scene.settings)  # the scene's own pacing, if it sets any
        trans = scene.transition or settings.mix.transition
        amb = scene.ambience or settings.mix.ambience
        chapter_start = 0.0 if n == 0 else t
        played = trans if n else "none"
        if n == 0 and opening:
            for c in opening:
                items.append(
                    Item("credits", c.id, t, t + durations[c.id], scene.id, NARRATOR, "credits", c.text)
                )
                t += durations[c.id] + p.paragraph_ms / 1000.0
            played = settings.mix.transition if trans in ("none", "crossfade") else trans
            t += p.scene_ms / 1000.0 - p.paragraph_ms / 1000.0
            t = _place_transition(items, played, t, scene.id, p.scene_ms / 1000.0)
        elif n > 0:
            t += here.pacing.scene_ms / 1000.0
            t = _place_transition(items, trans, t, scene.id, here.pacing.scene_ms / 1000.0)
        spans.append((scene.id, scene_title(scene, index), chapter_start, played, amb, scene.settings))
        prev: Line | None = None
        for line in scene.lines:
            if not is_heard(line, mode) or line.id not in durations:
                continue
            if prev is not None:
                t += pause_between(prev, line, here)
            if line.kind == "narration" and here.mix.cues:
                for cue in effects.cues_in(line.text):
                    d = effects.duration(cue)
                    items.append(Item("cue", cue, t, t + d, scene.id))
                    t += d + here.pacing.within_turn_ms / 1000.0
            d = durations[line.id]
            items.append(
                Item(
                    "line", line.id, t, t + d, scene.id, speaker_of(line), line.kind, line.text, line.delivery
                )
            )
            t += d
            prev = line
    if closing and voiced_scenes:
        last = voiced_scenes[-1][1].id
        t += p.scene_ms / 1000.0
        for k, c in enumerate(closing):
            if k:
                t += p.paragraph_ms / 1000.0
            items.append(Item("credits", c.id, t, t + durations[c.id], last, NARRATOR, "credits", c.text))
            t += durations[c.id]
    t += (p.tail_ms / 1000.0) if tail is None else tail
    scene_spans = [
        SceneSpan(
            sid,
            title,
            start,
            spans[k + 1][2] if k + 1 < len(spans) else t,
            tr,
            amb,
            own.get("ambience_db"),
            own.get("duck_db"),
        )
        for k, (sid, title, start, tr, amb, own) in enumerate(spans)
    ]
    return Timeline(episode, t, items, scene_spans)


def _place_transition(items: list[Item], name: str, t: float, scene: str, gap: float) -> float:
    d = effects.duration(name)
    if name in ("none", "crossfade") or d <= 0:
        return t + gap
    items.append(Item("transition", name, t, t + d, scene))
    return t + d + gap


# ---------------------------------------------------------------- credits


def credit_lines(script: Script, settings: Settings, episode: int = 1) -> tuple[list[Line], list[Line]]:
    """(opening, closing) credits of an episode, as narrator lines for the render stage to voice.

    Empty when settings.mix.credits is false. The texts come from settings.mix.opening_credits /
    closing_credits (fields {title} {by} {author} {episode} {cast}) or the defaults. Ids are
    'cr-' + the text's id, so they never collide with the story's lines; render them like any
    other line and pass them to mix_script in `rendered`.
    """
    if not settings.mix.credits:
        return [], []
    title = script.title or script.slug or "Untitled"
    eps = script.episodes()
    speakers: dict[str, int] = {}
    for scene in eps.get(episode, []):
        for line in scene.lines:
            if line.is_spoken_by_character:
                speakers[line.speaker] = speakers.get(line.speaker, 0) + 1  # type: ignore[index]
    # Order of first appearance: re-attributing one line must not re-render the credits.
    names = list(speakers)
    cast = (", ".join(names[:-1]) + " and " + names[-1]) if len(names) > 1 else "".join(names)
    fields = {
        "title": title,
        "author": settings.mix.author,
        "episode": episode,
        "cast": cast,
        "by": f" by {settings.mix.author}" if settings.mix.author else "",
    }
    open_text = "{title}{by}."
    if len(eps) > 1:
        ep_title = next((s.title for s in eps.get(episode, []) if s.title), "")
        open_text += " Episode {episode}" + (f": {ep_title}." if ep_title else ".")
    close_text = "You have been listening to {title}{by}." + (" With the voices of {cast}." if cast else "")
    close_text += " Narration by the narrator. Produced with audiodrama."
    try:
        texts = [
            (settings.mix.opening_credits or open_text).format(**fields).strip(),
            (settings.mix.closing_credits or close_text).format(**fields).strip(),
        ]
    except (KeyError, IndexError, ValueError) as exc:
        raise AudiodramaError(
            f"[mix] opening_credits/closing_credits: bad field {exc}; "
            "use {title} {by} {author} {episode} {cast}"
        ) from None
    mk = lambda text: (
        [Line(id="cr-" + base_id(text), kind="narration", text=text, span=(0, 0))] if text else []
    )
    return mk(texts[0]), mk(texts[1])


def credits_to_render(
    script: Script, rendered: Mapping[str, RenderedLineLike], settings: Settings
) -> list[Line]:
    """Every credit line mix_script will look for, for the render stage to voice (narrator).

    Call it after rendering the story's lines: when settings.mix.episode_minutes splits the
    story by length, the episodes (and so the credits) depend on the lines' durations.
    """
    if settings.mix.episode_minutes > 0:
        script = split_by_length(script, line_durations(rendered), settings)
    out: dict[str, Line] = {}
    for n in script.episodes():
        for part in credit_lines(script, settings, n):
            out.update({l.id: l for l in part})
    return list(out.values())


def split_by_length(
    script: Script, durations: Mapping[str, float], settings: Settings, minutes: float | None = None
) -> Script:
    """A copy of `script` whose scenes are regrouped into episodes of about `minutes` each.

    Cuts fall only between scenes: a scene joins the current episode unless the episode is
    already closer to the target without it. minutes=None uses settings.mix.episode_minutes.
    """
    from dataclasses import replace

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


# ---------------------------------------------------------------- assembly


def load_line(path: Path, sr: int) -> np.ndarray:
    """A rendered line as mono float32 at `sr` (any channels, any rate)."""
    import soundfile as sf
    from scipy import signal

    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except Exception as exc:
        raise AudiodramaError(f"cannot read rendered line audio ({exc}); re-render it", path) from exc
    x = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
    if rate != sr:
        g = math.gcd(int(rate), int(sr))
        x = signal.resample_poly(x, sr // g, int(rate) // g).astype(np.float32)
    return x


def level(x: np.ndarray, sr: int, target_db: float = -20.0, max_gain_db: float = 15.0) -> np.ndarray:
    """`x` scaled so the RMS of its active (non-silent) 20 ms frames is `target_db`."""
    w = max(1, int(0.02 * sr))
    n = len(x) // w * w
    if n == 0:
        return x
    frames = np.sqrt(np.mean(np.square(x[:n].reshape(-1, w), dtype=np.float64), axis=1))
    active = frames[frames > 10 ** (-45 / 20)]
    if not len(active):
        return x
    rms = math.sqrt(float(np.mean(active**2)))
    gain_db = max(-max_gain_db, min(max_gain_db, target_db - 20 * math.log10(rms)))
    return (x * np.float32(10 ** (gain_db / 20))).astype(np.float32)


def line_durations(rendered: Mapping[str, RenderedLineLike]) -> dict[str, float]:
    """Seconds of audio of each rendered line, from the file headers (no decoding)."""
    import soundfile as sf

    out = {}
    for line_id, r in rendered.items():
        try:
            info = sf.info(str(r.path))
        except Exception as exc:
            raise AudiodramaError(f"cannot read rendered line audio ({exc}); re-render it", r.path) from exc
        out[line_id] = info.frames / info.samplerate
    return out


def zeros(n: int) -> np.ndarray:
    """A zeroed float32 buffer of `n` samples. Large ones are anonymous memory maps with
    transparent huge pages: first-touch page faults were 4x slower with np.zeros here."""
    if n * 4 < (64 << 20):
        return np.zeros(n, np.float32)
    import mmap

    m = mmap.mmap(-1, n * 4)
    if hasattr(mmap, "MADV_HUGEPAGE"):
        try:
            m.madvise(mmap.MADV_HUGEPAGE)
        except OSError:
            pass
    return np.frombuffer(m, np.float32)


def _load_item(
    item: Item, rendered: Mapping[str, RenderedLineLike], sr: int, voices: Mapping[str, VoiceLike] | None
) -> np.ndarray:
    """An item's samples: a line loaded, levelled and treated; an effect synthesised."""
    if item.kind in ("line", "credits"):
        voice = (voices or {}).get(item.speaker)
        volume_db = 20 * math.log10(max(getattr(voice, "volume", 1.0), 0.01))
        x = level(
            load_line(rendered[item.name].path, sr),
            sr,
            LEVEL_DB + DELIVERY_DB.get(item.delivery or "", 0.0) + volume_db,
        )
        x = x[: round((item.end - item.start) * sr)]
        for fx in [*getattr(voice, "effects", ()), item.delivery]:
            if fx:
                x = effects.apply_delivery(x, sr, fx)
        return x
    if item.kind == "transition":
        return effects.transition(item.name, sr)
    return effects.cue(item.name, sr)


def _prepared(
    items: Sequence[Item],
    rendered: Mapping[str, RenderedLineLike],
    sr: int,
    voices: Mapping[str, VoiceLike] | None,
) -> Iterable[tuple[Item, np.ndarray]]:
    """(item, samples) in order; voiced lines are loaded, levelled and treated two at a time
    in threads (a bounded window, so memory stays small)."""
    from concurrent.futures import ThreadPoolExecutor

    window = 16
    with ThreadPoolExecutor(max_workers=2) as pool:
        pending = []
        for item in items:
            pending.append((item, pool.submit(_load_item, item, rendered, sr, voices)))
            if len(pending) >= window:
                it, fut = pending.pop(0)
                yield it, fut.result()
        for it, fut in pending:
            yield it, fut.result()


def _add_at(buf: np.ndarray, x: np.ndarray, s: int) -> None:
    """buf[s:s+len(x)] += x, cut at the end of `buf`."""
    if s >= len(buf) or not len(x):
        return
    if s < 0:
        x, s = x[-s:], 0
    e = min(len(buf), s + len(x))
    buf[s:e] += x[: e - s]


def stem_of(item: Item) -> str:
    """The stem an item belongs to: the speaker's name for voices, else 'effects'."""
    return item.speaker if item.kind in ("line", "credits") else "effects"


@dataclass
class _ScenePlan:
    """What one scene's pre-master mix is made of, in samples from the scene's start."""

    start: int
    """Sample of the episode where the scene (its chapter) starts."""
    items: list[tuple[Item, int]]
    """Items with their sample offset from `start`."""
    bed: tuple | None
    """(ambience, samples, gain, duck_db, speech intervals in s) or None."""


def _scene_plans(timeline: Timeline, sr: int, settings: Settings, only: str | None) -> list[_ScenePlan]:
    """One plan per scene span, plus one (starting at 0) for items of no span, if any."""
    keep = [i for i in timeline.items if only is None or stem_of(i) == only]
    by_scene: dict[str, list[Item]] = {}
    for i in keep:
        by_scene.setdefault(i.scene, []).append(i)
    plans = []
    for span in timeline.scenes:
        start = round(span.start * sr)
        items = [(i, round(i.start * sr) - start) for i in by_scene.pop(span.id, [])]
        bed = None
        if only in (None, "ambience") and span.ambience not in ("none", "", None):
            level = settings.mix.ambience_db if span.ambience_db is None else span.ambience_db
            duck = settings.mix.duck_db if span.duck_db is None else span.duck_db
            gain = 10 ** ((level + 45.0) / 20)  # beds are made at -45 dBFS RMS
            # relative times rounded to the microsecond: the same scene later in the episode gets the same bed
            speech = tuple(
                (round(i.start - span.start, 6), round(i.end - span.start, 6))
                for i in timeline.items
                if i.scene == span.id and i.kind in ("line", "credits")
            )
            overlap = 1.0 if span.end < timeline.duration else 0.0  # crossfade into the next scene's bed
            n = round((span.end - span.start + overlap) * sr)
            bed = (span.ambience, n, gain, duck, speech)
        plans.append(_ScenePlan(start, items, bed))
    rest = [(i, round(i.start * sr)) for items in by_scene.values() for i in items]
    if rest:
        plans.append(_ScenePlan(0, sorted(rest, key=lambda p: p[0].start), None))
    return plans


def _plan_key(
    plan: _ScenePlan,
    rendered: Mapping[str, RenderedLineLike],
    sr: int,
    voices: Mapping[str, VoiceLike] | None,
) -> str:
    from audiodrama.audio.mixcache import file_stamp, scene_key

    parts: list[object] = [sr, plan.bed]
    for item, rel in plan.items:
        if item.kind in ("line", "credits"):
            voice = (voices or {}).get(item.speaker)
            parts.append(
                (
                    item.kind,
                    rel,
                    round((item.end - item.start) * sr),
                    file_stamp(rendered[item.name].path),
                    tuple(getattr(voice, "effects", ()) or ()),
                    float(getattr(voice, "volume", 1.0)),
                    item.delivery or "",
                )
            )
        else:
            parts.append((item.kind, item.name, rel))
    return scene_key(parts)


def _mix_scene(
    plan: _ScenePlan,
    rendered: Mapping[str, RenderedLineLike],
    sr: int,
    voices: Mapping[str, VoiceLike] | None,
    bar=None,
) -> np.ndarray:
    """A scene's pre-master mix, from its start to where its last sound (a reverb tail, the bed) ends."""
    est = max(
        [rel + round((i.end - i.start) * sr) for i, rel in plan.items] + [plan.bed[1] if plan.bed else 0]
    )
    seg = np.zeros(est + 4 * sr, np.float32)  # slack for reverb and echo tails
    used = 0

    def add(x: np.ndarray, rel: int) -> None:
        nonlocal seg, used
        if rel + len(x) > len(seg):  # a tail longer than the slack: grow
            seg = np.concatenate([seg, np.zeros(rel + len(x) - len(seg) + sr, np.float32)])
        _add_at(seg, x, rel)
        used = max(used, rel + len(x))

    for (_item, x), (_, rel) in zip(_prepared([i for i, _ in plan.items], rendered, sr, voices), plan.items):
        add(x, rel)
        if bar is not None:
            bar.update(1)
    if plan.bed:
        name, n, gain, duck_db, speech = plan.bed
        bed = effects.ambience(name, n / sr, sr)[:n] * np.float32(gain)
        bed *= effects.duck_envelope(len(bed), sr, list(speech), duck_db)
        add(bed, 0)
    return seg[:used].copy() if used < len(seg) else seg


def assemble(
    timeline: Timeline,
    rendered: Mapping[str, RenderedLineLike],
    sr: int,
    settings: Settings,
    *,
    only: str | None = None,
    voices: Mapping[str, VoiceLike] | None = None,
    progress: bool = False,
    cache=None,
) -> np.ndarray:
    """The episode's mono mix as one float32 buffer, every item added at its planned sample.

    Each scene is mixed on its own (from the sample where its chapter starts) and added in;
    with `cache` (a mixcache.SceneCache) a scene whose inputs did not change is read back
    instead of mixed again. `only` keeps one stem ('<speaker>', 'effects' or 'ambience';
    never cached). A line's audio is levelled, its delivery (and the speaker's profile effects
    and volume, from `voices`) applied; reverb tails ring into the pause.
    """
    n = round(timeline.duration * sr)
    buf = zeros(n)
    plans = _scene_plans(timeline, sr, settings, only)
    keys = [_plan_key(p, rendered, sr, voices) if cache is not None and only is None else None for p in plans]
    todo = sum(len(p.items) for p, k in zip(plans, keys) if not (k and cache.has(k)))
    bar = None
    if progress and todo:
        from tqdm.auto import tqdm

        bar = tqdm(total=todo, desc=f"mix episode {timeline.episode}", unit="item", leave=False)
    try:
        for plan, key in zip(plans, keys):
            seg = cache.get(key) if key else None  # one scene in memory at a time
            if seg is None:
                seg = _mix_scene(plan, rendered, sr, voices, bar)
                if key:
                    cache.put(key, seg)
            _add_at(buf, seg, plan.start)
            del seg
    finally:
        if bar is not None:
            bar.close()
    return buf


# ---------------------------------------------------------------- episodes

FORMATS = ("wav", "mp3", "opus", "m4b")


def _check_script(script: Script, settings: Settings, mode: str, formats: Sequence[str]) -> None:
    if mode not in SKIPPED:
        raise AudiodramaError(f"unknown mix mode {mode!r}; use drama or audiobook")
    for f in formats:
        if f not in FORMATS:
            raise AudiodramaError(
                f"unknown output format {f!r} in [master] formats; use {', '.join(FORMATS)}"
            )
    for s in script.scenes:
        tr = s.transition or settings.mix.transition
        if tr not in effects.TRANSITIONS:
            raise AudiodramaError(
                f"scene {s.id}: unknown transition {tr!r}; use one of {', '.join(effects.TRANSITIONS)}"
            )
        amb = s.ambience or settings.mix.ambience
        if amb not in effects.AMBIENCES:
            raise AudiodramaError(
                f"scene {s.id}: unknown ambience {amb!r}; use one of {', '.join(effects.AMBIENCES)}"
            )


@dataclass
class _Job:
    """What every episode of one mix_script call shares."""

    script: Script
    rendered: Mapping[str, RenderedLineLike]
    settings: Settings
    durations: dict[str, float]
    mode: str
    profile: object
    formats: list[str]
    stems: bool
    sr: int
    channels: int
    out_dir: Path
    cover: Path | None
    scenes: list[str] | None
    voices: Mapping[str, VoiceLike] | None
    progress: bool
    head: float | None = None
    tail: float | None = None
    temp_wavs: list[Path] = field(default_factory=list)
    cache: object = None
    """A mixcache.SceneCache, or None to mix every scene afresh."""


@dataclass
class _Done:
    """An episode whose WAV is written, with what its encoders and stems need."""

    result: EpisodeResult
    wav: Path
    stem: str
    title: str
    chapters: list[tuple[str, float, float]]
    timeline: Timeline
    gain_db: float
    key: str | None = None
    """The episode key (see _episode_key), or None without the scene cache."""
    unchanged: bool = False
    """True when the last build's files were kept: nothing was mixed, written or encoded."""


def mix_script(
    script: Script,
    rendered: Mapping[str, RenderedLineLike],
    prod,
    settings: Settings,
    *,
    episodes: list[int] | None = None,
    scenes: list[str] | None = None,
    mode: str | None = None,
    profile: str | None = None,
    formats: Sequence[str] | None = None,
    stems: bool | None = None,
    voices: Mapping[str, VoiceLike] | None = None,
    episode_minutes: float | None = None,
    progress: bool = True,
    scene_cache: bool | None = None,
) -> list[EpisodeResult]:
    """Mix, master and export each episode of `script` into prod.episode_dir(script.slug).

    `rendered` maps line id -> rendered audio (.path, .source); credits (`credits_to_render`)
    are voiced when their lines are in it too. `episodes` / `scenes` (scene ids) limit the
    build (a scene build is written as <slug>-eNN-<scene id>.*). `mode`, `profile`, `formats`,
    `stems` and `episode_minutes` (split by length instead of chapters) override the settings;
    `voices` maps a speaker (or "Narrator") to its VoiceProfile: its `effects` (e.g. "phone")
    are applied to every line of that voice and its `volume` (0..1) after levelling. Writes <slug>-eNN.{wav,mp3,opus}, .timeline.json, .vtt, and with
    stems <slug>-eNN.stems/ and .labels.txt; with m4b, <slug>.m4b of the whole story.

    Every episode's WAV (with its timeline and transcript) is finished first; the stems and
    the encoders (MP3, Opus, M4B, which read the WAV) run after. Each result's `seconds` says
    how long its WAV took and how long its encoding took. With `scene_cache` (default: the
    [mix] scene_cache setting), each scene's
    pre-master mix is kept in audio_out/.cache/mix/<slug>/ and reused while its inputs are
    unchanged, so an edit re-mixes only its own scene (a full build forgets the unused ones);
    an episode none of whose inputs changed since the last build (and whose files are as that
    build left them; see .<stem>.build.json) is kept as it is: nothing is mixed or encoded.
    """
    import time

    from audiodrama.audio import export

    from audiodrama.audio import master
    from audiodrama.audio.mixcache import SceneCache, scene_cache_dir

    mode = mode or settings.mix.mode
    prof = master.get_profile(profile or settings.master.profile)
    formats = list(formats or settings.master.formats)
    _check_script(script, settings, mode, formats)
    durations = line_durations(rendered)
    if (settings.mix.episode_minutes if episode_minutes is None else episode_minutes) > 0:
        script = split_by_length(script, durations, settings, episode_minutes)
    all_eps = script.episodes()
    chosen = sorted(all_eps) if episodes is None else episodes
    for n in chosen:
        if n not in all_eps:
            raise AudiodramaError(
                f"no episode {n}; the script has episodes {', '.join(map(str, sorted(all_eps)))}"
            )
    if scenes:
        known = [s.id for s in script.scenes]
        missing = [s for s in scenes if s not in known]
        if missing:
            raise AudiodramaError(
                f"no scene {', '.join(missing)} in the script; its scenes are "
                f"{', '.join(known[:8])}{' ...' if len(known) > 8 else ''}"
            )
        chosen = [n for n in chosen if any(s.id in scenes for s in all_eps[n])]
    job = _Job(
        script,
        rendered,
        settings,
        durations,
        mode,
        prof,
        formats,
        settings.mix.stems if stems is None else stems,
        prof.sample_rate if prof.name != "none" else settings.master.sample_rate,
        prof.channels or settings.master.channels,
        prod.episode_dir(script.slug),
        (prod.root / settings.master.cover) if settings.master.cover else None,
        list(scenes) if scenes else None,
        voices,
        progress,
    )
    if scene_cache is None:
        scene_cache = settings.mix.scene_cache
    if scene_cache:
        job.cache = SceneCache(scene_cache_dir(prod.cache_dir, script.slug))
    effects.use_disk_cache(prod.cache_dir / "effects" if scene_cache else None)
    if prof.head and prof.tail:  # ACX: room tone within the allowed range at both ends
        job.head = min(max(settings.pacing.head_ms / 1000, prof.head[0]), prof.head[1])
        job.tail = min(max(settings.pacing.tail_ms / 1000, prof.tail[0]), prof.tail[1])
    job.out_dir.mkdir(parents=True, exist_ok=True)
    done: list[_Done] = []
    try:
        for n in chosen:
            d = _mix_one(job, n, all_eps)
            if d:
                done.append(d)
        if chosen and not done:
            raise AudiodramaError(
                f"nothing to mix: no line of {script.slug} (episodes "
                f"{', '.join(map(str, chosen))}) has rendered audio; run `audiodrama render` first"
            )
        if job.cache is not None and episodes is None and not scenes:
            job.cache.prune()  # a full build: scene mixes no episode uses are stale
        for d in done:
            if job.stems:
                t = time.perf_counter()
                _write_stems(job, d)
                d.result.seconds["stems"] = time.perf_counter() - t
        _encode_all(job, [d for d in done if not d.unchanged], all_eps)
        for d in done:
            if not d.unchanged:
                _write_manifest(job, d)
        results = [d.result for d in done]
        if "m4b" in formats and not scenes and results and episodes is None:
            t = time.perf_counter()
            m4b = export.write_m4b(
                results,
                job.out_dir / f"{script.slug}.m4b",
                title=script.title or script.slug,
                author=settings.mix.author or "audiodrama",
                cover=job.cover,
            )
            for r in results:
                r.m4b = m4b
            results[-1].seconds["encode"] = results[-1].seconds.get("encode", 0.0) + time.perf_counter() - t
    finally:
        for t in job.temp_wavs:
            t.unlink(missing_ok=True)
    return results


def _mix_one(job: _Job, n: int, all_eps: dict[int, list[Scene]]) -> _Done | None:
    """Plan, assemble, master and write episode `n`'s WAV, timeline and transcript; None if nothing in it is voiced."""
    import time

    from audiodrama.audio import export

    from audiodrama.project import fsutil

    from audiodrama.audio import master

    t0 = time.perf_counter()
    script, settings, prof, formats = job.script, job.settings, job.profile, job.formats
    ep_scenes = [s for s in all_eps[n] if not job.scenes or s.id in job.scenes]
    credits = credit_lines(script, settings, n) if not job.scenes else ([], [])
    tl = plan_episode(
        ep_scenes,
        job.durations,
        settings,
        episode=n,
        credits=credits,
        mode=job.mode,
        head=job.head,
        tail=job.tail,
    )
    if not tl.lines():
        return None
    stem = f"{script.slug}-e{n:02d}" + (f"-{'-'.join(job.scenes)}" if job.scenes else "")
    title = _episode_title(script, n, all_eps)
    chapters = [(s.title, s.start, s.end) for s in tl.scenes]
    key = _episode_key(job, tl, title, chapters, len(all_eps)) if job.cache is not None else None
    if key and not job.stems and "m4b" not in formats:
        kept = _unchanged_episode(job, stem, key)
        if kept:
            kept.seconds["wav"] = time.perf_counter() - t0
            return _Done(
                kept,
                job.out_dir / f"{stem}.wav",
                stem,
                title,
                chapters,
                tl,
                kept.figures["gain_db"],
                key,
                unchanged=True,
            )
    _manifest(job, stem).unlink(missing_ok=True)  # written again once every file of this build is there
    hits = job.cache.hits if job.cache is not None else 0
    buf = assemble(
        tl, job.rendered, job.sr, settings, voices=job.voices, progress=job.progress, cache=job.cache
    )
    reused = (job.cache.hits - hits) if job.cache is not None else 0
    if prof.name == "acx":  # ACX rejects dead digital silence: a faint room tone (about -75 dBFS) throughout
        effects.add_ambience(buf, "room", job.sr, 10 ** (-30 / 20))
    wav = job.out_dir / f"{stem}.wav"
    if "wav" not in formats:  # the encoders read a temporary WAV
        wav = job.out_dir / f".{stem}.tmp.wav"
        job.temp_wavs.append(wav)
    sink = export.WavSink(wav, job.sr, job.channels)
    try:
        figures = master.master_stream(buf, job.sr, prof, job.channels, [sink], progress=job.progress)
    except BaseException:
        sink.abort()
        raise
    del buf  # before the stems: one episode-long buffer at a time
    result = EpisodeResult(
        n,
        wav if "wav" in formats else None,
        None,
        job.out_dir / f"{stem}.timeline.json",
        job.out_dir / f"{stem}.vtt",
        tl.duration,
        figures["lufs"],
        figures["true_peak"],
        figures=figures,
        scenes=job.scenes,
        scenes_mixed=len(tl.scenes) - reused,
        scenes_reused=reused,
    )
    export.write_json(
        result.timeline,
        export.timeline_dict(
            tl,
            script.slug,
            job.sr,
            {k: getattr(v, "source", "") for k, v in job.rendered.items()},
            {
                "title": title,
                "profile": prof.name,
                "lufs": round(figures["lufs"], 2),
                "true_peak": round(figures["true_peak"], 2),
                "mode": job.mode,
            },
        ),
    )
    fsutil.write_text(result.transcript, export.webvtt(tl, title))
    result.seconds["wav"] = time.perf_counter() - t0
    return _Done(result, wav, stem, title, chapters, tl, figures["gain_db"], key)


def _episode_key(job: _Job, tl: Timeline, title: str, chapters: list, n_episodes: int) -> str:
    """A hash of everything an episode's files depend on: every scene's mix inputs, the
    timeline, the mastering profile, the formats, the tags and the code that makes them."""
    import hashlib

    from audiodrama.audio.mixcache import file_stamp, scene_key

    here = Path(__file__).resolve().parent
    code = hashlib.sha256(b"".join((here / f).read_bytes() for f in ("master.py", "export.py"))).hexdigest()
    plans = _scene_plans(tl, job.sr, job.settings, None)
    s, prof = job.script, job.profile
    return scene_key(
        [
            code,
            [_plan_key(p, job.rendered, job.sr, job.voices) for p in plans],
            [(i, getattr(job.rendered.get(i.name), "source", "")) for i in tl.items],
            tl.scenes,
            tl.duration,
            getattr(prof, "name", ""),
            job.sr,
            job.channels,
            sorted(job.formats),
            job.settings.master.mp3_bitrate,
            title,
            s.title or s.slug,
            job.settings.mix.author,
            n_episodes,
            chapters,
            file_stamp(job.cover) if job.cover else "",
            job.mode,
        ]
    )


def _manifest(job: _Job, stem: str) -> Path:
    return job.out_dir / f".{stem}.build.json"


def _unchanged_episode(job: _Job, stem: str, key: str) -> EpisodeResult | None:
    """The episode as the last build wrote it, if its key is the same and its files are untouched."""
    import json

    from audiodrama.audio.mixcache import file_stamp

    try:
        data = json.loads(_manifest(job, stem).read_text(encoding="utf-8"))
        if data.get("key") != key or any(file_stamp(Path(p)) != st for p, st in data["files"].items()):
            return None
        r = data["result"]
        path = lambda k: Path(r[k]) if r.get(k) else None
        result = EpisodeResult(
            r["episode"],
            path("wav"),
            path("mp3"),
            Path(r["timeline"]),
            path("transcript"),
            r["duration"],
            r["lufs"],
            r["true_peak"],
            opus=path("opus"),
            figures=r["figures"],
            scenes=r.get("scenes"),
            scenes_mixed=0,
            scenes_reused=r.get("n_scenes", 0),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if job.cache is not None:  # its scene mixes are still in use
        job.cache.used.update(r.get("scene_keys", []))
    return result


def _write_manifest(job: _Job, d: _Done) -> None:
    """Remember what this build wrote for `d`, so that an unchanged rebuild can keep it."""
    import json

    from audiodrama.project import fsutil
    from audiodrama.audio.mixcache import file_stamp

    if not d.key:
        return
    r = d.result
    files = [p for p in (r.wav, r.mp3, r.opus, r.timeline, r.transcript) if p]
    keys = [
        _plan_key(p, job.rendered, job.sr, job.voices)
        for p in _scene_plans(d.timeline, job.sr, job.settings, None)
    ]
    data = {
        "key": d.key,
        "files": {str(p): file_stamp(p) for p in files},
        "result": {
            "episode": r.episode,
            "wav": str(r.wav or ""),
            "mp3": str(r.mp3 or ""),
            "opus": str(r.opus or ""),
            "timeline": str(r.timeline),
            "transcript": str(r.transcript or ""),
            "duration": r.duration,
            "lufs": r.lufs,
            "true_peak": r.true_peak,
            "figures": r.figures,
            "scenes": r.scenes,
            "n_scenes": len(d.timeline.scenes),
            "scene_keys": keys,
        },
    }
    fsutil.write_text(_manifest(job, d.stem), json.dumps(data, indent=1) + "\n")


def _write_stems(job: _Job, d: _Done) -> None:
    from audiodrama.audio import export
    from audiodrama.project import fsutil

    tl = d.timeline
    g = np.float32(10 ** (d.gain_db / 20))
    names = list(dict.fromkeys(stem_of(i) for i in tl.items))
    if any(s.ambience not in ("none", "", None) for s in tl.scenes):
        names.append("ambience")
    tracks = (
        (name, assemble(tl, job.rendered, job.sr, job.settings, only=name, voices=job.voices) * g)
        for name in names
    )
    d.result.stems = export.write_stems(job.out_dir / f"{d.stem}.stems", tracks, job.sr)
    d.result.labels = job.out_dir / f"{d.stem}.labels.txt"
    fsutil.write_text(d.result.labels, export.audacity_labels(tl))


def _encode_one(job: _Job, d: _Done, n_episodes: int) -> None:
    """MP3 (tagged, with chapters) and Opus of one episode, from its finished WAV."""
    import time

    from audiodrama.audio import export

    t = time.perf_counter()
    script, settings, prof = job.script, job.settings, job.profile
    artist = settings.mix.author or "audiodrama"
    n = d.result.episode
    if "mp3" in job.formats:
        bitrate = prof.mp3_bitrate if prof.name == "acx" else settings.master.mp3_bitrate
        mp3 = export.encode_mp3(d.wav, job.out_dir / f"{d.stem}.mp3", bitrate)
        export.tag_mp3(
            mp3,
            title=d.title,
            album=script.title or script.slug,
            artist=artist,
            track=n,
            total=n_episodes,
            chapters=d.chapters,
            cover=job.cover,
        )
        d.result.mp3 = mp3
    if "opus" in job.formats:
        d.result.opus = export.encode_with_chapters(
            d.wav,
            job.out_dir / f"{d.stem}.opus",
            export.OPUS_ARGS,
            export.ffmetadata(d.title, script.title, artist, n, d.chapters),
            chapters=d.chapters,
        )
    d.result.seconds["encode"] = time.perf_counter() - t


def _encode_all(job: _Job, done: list[_Done], all_eps: dict[int, list[Scene]]) -> None:
    """Encode every episode, two ffmpeg processes at a time when there are several."""
    if not any(f in job.formats for f in ("mp3", "opus")) or not done:
        return
    workers = min(len(done), 2, os.cpu_count() or 1)
    if workers <= 1:
        for d in done:
            _encode_one(job, d, len(all_eps))
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for fut in [pool.submit(_encode_one, job, d, len(all_eps)) for d in done]:
            fut.result()


def _episode_title(script: Script, n: int, all_eps: dict[int, list[Scene]]) -> str:
    base = script.title or script.slug
    if len(all_eps) == 1:
        return base
    first = next((s.title for s in all_eps[n] if s.title), "")
    return f"{base}, episode {n}" + (f": {first}" if first else "")
