"""Assembly: the audio placed where the timeline says, scene by scene, as pydub AudioSegments.

Every sound is a `pydub.AudioSegment` (32-bit: see `to_segment`): each line (levelled by pydub's
gain, placed in the stereo image by pydub's per-channel gain), each effect and cue, each ambience
bed (set to its level and faded by pydub) and each scene's pre-master mix (its speech track with
the bed overlaid by pydub). A scene cache handed in (`SceneCacheLike`) keeps those segments, so
after an edit only the edited scene is mixed again. Two steps that pydub would make quadratic
use numpy instead (see `_speech_track` and `assemble`).

The stereo stage (`channels=2`): the narrator and every centred sound sit in the middle, each
character where its voice profile's `pan` puts it (constant power), a phone voice in the middle
(it comes out of a handset), effects and cues in the middle (no scene places them elsewhere),
and ambience beds with decorrelated channels (see ambience.ambience). With `channels=1` the mix
is mono, as before the stereo stage.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import soundfile as sf
from pydub import AudioSegment

from audiodrama.audio import ambience, deliveries, effects
from audiodrama.audio.scenekey import file_stamp, scene_key
from audiodrama.audio.segments import add_at, panned, samples_of, silence, to_segment, zeros
from audiodrama.audio.timeline import Item, Timeline
from audiodrama.errors import AudiodramaError
from audiodrama.settings import Settings

#: Speech is levelled to this RMS (dBFS, over its non-silent 20 ms frames) before mixing.
LEVEL_DB = -20.0
#: Level offsets of synthesis deliveries, so that levelling keeps a whisper quiet.
DELIVERY_DB = {"whisper": -6.0, "shout": 3.0}


class VoiceLike(Protocol):
    """What mixing reads of a voice profile (model.VoiceProfile fits)."""

    effects: list[str]
    volume: float
    pan: float


class RenderedLineLike(Protocol):
    """What the render stage gives for each voiced line."""

    path: Path
    source: str


class SceneCacheLike(Protocol):
    """Where scene mixes are kept between builds (project.scenecache.SceneCache fits)."""

    def get(self, key: str) -> np.ndarray | AudioSegment | None: ...
    def put(self, key: str, value: AudioSegment) -> None: ...


def load_line(path: Path, sr: int) -> np.ndarray:
    """A rendered line as mono float32 at `sr` (any channels, any rate)."""
    from scipy import signal  # about a second to import (scipy.signal): on use, so the CLI starts fast

    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except Exception as exc:
        raise AudiodramaError(f"cannot read rendered line audio ({exc}); re-render it", path) from exc
    x = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
    if rate != sr:  # scipy's polyphase resampler: pydub's (audioop.ratecv) aliases audibly
        g = math.gcd(int(rate), int(sr))
        x = signal.resample_poly(x, sr // g, int(rate) // g).astype(np.float32)
    return x


def level_gain_db(x: np.ndarray, sr: int, target_db: float = -20.0, max_gain_db: float = 15.0) -> float:
    """The gain (dB) that brings the RMS of `x`'s active (non-silent) 20 ms frames to `target_db`."""
    w = max(1, int(0.02 * sr))
    n = len(x) // w * w
    if n == 0:
        return 0.0
    frames = np.sqrt(np.mean(np.square(x[:n].reshape(-1, w), dtype=np.float64), axis=1))
    active = frames[frames > 10 ** (-45 / 20)]
    if not len(active):
        return 0.0
    rms = math.sqrt(float(np.mean(active**2)))
    return max(-max_gain_db, min(max_gain_db, target_db - 20 * math.log10(rms)))


def line_durations(rendered: Mapping[str, RenderedLineLike]) -> dict[str, float]:
    """Seconds of audio of each rendered line, from the file headers (no decoding)."""
    out = {}
    for line_id, r in rendered.items():
        try:
            info = sf.info(str(r.path))
        except Exception as exc:
            raise AudiodramaError(f"cannot read rendered line audio ({exc}); re-render it", r.path) from exc
        out[line_id] = info.frames / info.samplerate
    return out


def line_segment(
    item: Item,
    rendered: Mapping[str, RenderedLineLike],
    sr: int,
    voices: Mapping[str, VoiceLike] | None,
    channels: int = 1,
) -> AudioSegment:
    """A voiced line loaded, levelled by pydub's gain (delivery offset and the voice's volume
    included), treated with the voice's effects and its delivery (numpy/scipy filters) and, in
    a stereo mix, placed at the voice's `pan` (a phone voice stays centred)."""
    voice = (voices or {}).get(item.speaker)
    volume_db = 20 * math.log10(max(getattr(voice, "volume", 1.0), 0.01))
    x = load_line(rendered[item.name].path, sr)
    gain_db = level_gain_db(x, sr, LEVEL_DB + DELIVERY_DB.get(item.delivery or "", 0.0) + volume_db)
    seg = to_segment(x[: round((item.end - item.start) * sr)], sr).apply_gain(gain_db)
    treatments = [fx for fx in [*getattr(voice, "effects", ()), item.delivery] if fx]
    if any(deliveries.changes(fx) for fx in treatments):  # scipy filters: samples only when one applies
        y = samples_of(seg)
        for fx in treatments:
            y = deliveries.apply_delivery(y, sr, fx)
        seg = to_segment(y, sr)
    if channels == 2 and "phone" not in treatments:
        seg = panned(seg, float(getattr(voice, "pan", 0.0)))
    return seg


def _load_item(
    item: Item,
    rendered: Mapping[str, RenderedLineLike],
    sr: int,
    voices: Mapping[str, VoiceLike] | None,
    channels: int,
) -> AudioSegment:
    """An item's sound: a voiced line (see line_segment) or a synthesised effect (mono: centred)."""
    if item.kind in ("line", "credits"):
        return line_segment(item, rendered, sr, voices, channels)
    if item.kind == "transition":
        return to_segment(effects.transition(item.name, sr), sr)
    return to_segment(effects.cue(item.name, sr), sr)


def _prepared(
    items: Sequence[Item],
    rendered: Mapping[str, RenderedLineLike],
    sr: int,
    voices: Mapping[str, VoiceLike] | None,
    channels: int,
) -> Iterator[AudioSegment]:
    """The items' sounds in order; voiced lines are loaded, levelled and treated two at a
    time in threads (a bounded window, so memory stays small)."""
    window = 16
    with ThreadPoolExecutor(max_workers=2) as pool:
        pending = []
        for item in items:
            pending.append(pool.submit(_load_item, item, rendered, sr, voices, channels))
            if len(pending) >= window:
                yield pending.pop(0).result()
        for fut in pending:
            yield fut.result()


def stem_of(item: Item) -> str:
    """The stem an item belongs to: the speaker's name for voices, else 'effects'."""
    return item.speaker if item.kind in ("line", "credits") else "effects"


@dataclass(frozen=True)
class Bed:
    """A scene's ambience bed: which, how many samples, its level and how it ducks under speech."""

    name: str
    samples: int
    gain_db: float
    duck_db: float
    speech: tuple[tuple[float, float], ...]
    """Speech intervals in seconds from the scene's start."""


@dataclass
class ScenePlan:
    """What one scene's pre-master mix is made of, in samples from the scene's start."""

    start: int
    """Sample of the episode where the scene (its chapter) starts."""
    items: list[tuple[Item, int]]
    """Items with their sample offset from `start`."""
    bed: Bed | None


def _bed(timeline: Timeline, span_index: int, sr: int, settings: Settings) -> Bed | None:
    span = timeline.scenes[span_index]
    if span.ambience in ("none", "", None):
        return None
    level_db = settings.mix.ambience_db if span.ambience_db is None else span.ambience_db
    duck = settings.mix.duck_db if span.duck_db is None else span.duck_db
    # relative times rounded to the microsecond: the same scene later in the episode gets the same bed
    speech = tuple(
        (round(i.start - span.start, 6), round(i.end - span.start, 6))
        for i in timeline.items
        if i.scene == span.id and i.kind in ("line", "credits")
    )
    overlap = 1.0 if span.end < timeline.duration else 0.0  # crossfade into the next scene's bed
    n = round((span.end - span.start + overlap) * sr)
    return Bed(span.ambience, n, level_db + 45.0, duck, speech)  # beds are made at -45 dBFS RMS


def scene_plans(timeline: Timeline, sr: int, settings: Settings, only: str | None = None) -> list[ScenePlan]:
    """One plan per scene span, plus one (starting at 0) for items of no span, if any."""
    by_scene: dict[str, list[Item]] = {}
    for i in timeline.items:
        if only is None or stem_of(i) == only:
            by_scene.setdefault(i.scene, []).append(i)
    plans = []
    for k, span in enumerate(timeline.scenes):
        start = round(span.start * sr)
        items = [(i, round(i.start * sr) - start) for i in by_scene.pop(span.id, [])]
        bed = _bed(timeline, k, sr, settings) if only in (None, "ambience") else None
        plans.append(ScenePlan(start, items, bed))
    rest = [(i, round(i.start * sr)) for items in by_scene.values() for i in items]
    if rest:
        plans.append(ScenePlan(0, sorted(rest, key=lambda p: p[0].start), None))
    return plans


def plan_key(
    plan: ScenePlan,
    rendered: Mapping[str, RenderedLineLike],
    sr: int,
    voices: Mapping[str, VoiceLike] | None,
    channels: int = 1,
) -> str:
    """The scene cache key of `plan`: a hash of everything its mix is made of (the voices'
    stereo positions and the channel count included)."""
    parts: list[object] = [sr, channels, plan.bed]
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
                    float(getattr(voice, "pan", 0.0)),
                    item.delivery or "",
                )
            )
        else:
            parts.append((item.kind, item.name, rel))
    return scene_key(parts)


def _speech_track(
    plan: ScenePlan,
    rendered: Mapping[str, RenderedLineLike],
    sr: int,
    voices: Mapping[str, VoiceLike] | None,
    channels: int = 1,
    bar: Any = None,
) -> np.ndarray:
    """The scene's lines and effects, each added at its sample, to where the last one ends:
    shape (n,) mono or (n, 2) stereo.

    numpy, not pydub: AudioSegment.overlay copies the whole scene for every line it places
    (quadratic: 1 s per 40-line scene, against 0.06 s here); reverb tails ring into the pause.
    """
    est = max([rel + round((i.end - i.start) * sr) for i, rel in plan.items] + [0])
    seg = silence(est + 4 * sr, channels)  # slack for reverb and echo tails
    used = 0
    items = [i for i, _ in plan.items]
    for sound, (_, rel) in zip(_prepared(items, rendered, sr, voices, channels), plan.items):
        x = samples_of(sound)
        if rel + len(x) > len(seg):  # a tail longer than the slack: grow
            seg = np.concatenate([seg, silence(rel + len(x) - len(seg) + sr, channels)])
        add_at(seg, x, rel)
        used = max(used, rel + len(x))
        if bar is not None:
            bar.update(1)
    return seg[:used]


def _bed_segment(bed: Bed, sr: int, channels: int = 1) -> AudioSegment:
    """The bed ducked under the speech (numpy: pydub has no gain envelope), then set to its
    level and faded in and out by pydub; in stereo, its channels decorrelated (ambience.ambience)."""
    x = ambience.ambience(bed.name, bed.samples / sr, sr, fades=False, channels=channels)[: bed.samples]
    env = ambience.duck_envelope(len(x), sr, list(bed.speech), bed.duck_db)
    x *= env if x.ndim == 1 else env[:, None]
    fade_ms = round(1000 * min(1.0, bed.samples / sr / 4))
    return to_segment(x, sr).apply_gain(bed.gain_db).fade_in(fade_ms).fade_out(fade_ms)


def mix_scene(
    plan: ScenePlan,
    rendered: Mapping[str, RenderedLineLike],
    sr: int,
    voices: Mapping[str, VoiceLike] | None = None,
    bar: Any = None,
    channels: int = 1,
) -> AudioSegment:
    """A scene's pre-master mix, from its start to where its last sound (a reverb tail, the bed)
    ends: mono, or stereo with `channels=2`."""
    speech = to_segment(_speech_track(plan, rendered, sr, voices, channels, bar), sr)
    if plan.bed is None:
        return speech
    bed = _bed_segment(plan.bed, sr, channels)
    longer, shorter = (speech, bed) if len(speech.raw_data) >= len(bed.raw_data) else (bed, speech)
    return longer.overlay(shorter)


def assemble(
    timeline: Timeline,
    rendered: Mapping[str, RenderedLineLike],
    sr: int,
    settings: Settings,
    *,
    only: str | None = None,
    voices: Mapping[str, VoiceLike] | None = None,
    progress: bool = False,
    cache: SceneCacheLike | None = None,
    channels: int = 1,
) -> np.ndarray:
    """The episode's mix as one float32 buffer, every scene added at its planned sample: shape
    (n,) mono, or (n, 2) with `channels=2` (the stereo stage: a mix twice the memory).

    Each scene is mixed on its own (`mix_scene`); with `cache` a scene whose inputs did not
    change is read back instead of mixed again. `only` keeps one stem ('<speaker>', 'effects'
    or 'ambience'; never cached). A line's audio is levelled, its delivery (and the speaker's
    profile effects and volume, from `voices`) applied.

    The scenes overlap (tails, the beds' crossfade), so they are added into one preallocated
    buffer with numpy: pydub's `+=`/overlay over an hour of scenes copies the episode per scene.
    """
    n = round(timeline.duration * sr)
    buf = zeros(n * channels)
    if channels > 1:
        buf = buf.reshape(n, channels)
    plans = scene_plans(timeline, sr, settings, only)
    bar = None
    if progress:
        from tqdm.auto import tqdm  # only for an interactive build

        total = sum(len(p.items) for p in plans)
        bar = tqdm(total=total, desc=f"mix episode {timeline.episode}", unit="item", leave=False)
    try:
        for plan in plans:
            key = (
                plan_key(plan, rendered, sr, voices, channels) if cache is not None and only is None else None
            )
            seg = cache.get(key) if cache is not None and key else None  # one scene in memory at a time
            if seg is None:
                seg = mix_scene(plan, rendered, sr, voices, bar, channels)
                if cache is not None and key:
                    cache.put(key, seg)
            elif bar is not None:
                bar.update(len(plan.items))
            add_at(buf, samples_of(seg), plan.start)
            del seg
    finally:
        if bar is not None:
            bar.close()
    return buf
