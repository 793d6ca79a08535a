"""Mix: a pure timeline planner (lines + durations + settings -> start/end times) and the assembly.

`plan_episode` decides when everything sounds and touches no audio. `assemble` places the
audio into one preallocated float32 buffer (linear in the episode's length; no repeated
AudioSegment `+=`). `mix_script` runs both for each episode, masters the result and
exports it (WAV, MP3, ..., timeline JSON, WebVTT transcript).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Protocol, Sequence

import numpy as np

from . import effects
from .errors import AudiodramaError
from .export import EpisodeResult
from .ids import base_id
from .model import NARRATOR, Line, Scene, Script
from .settings import Settings

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


def plan_episode(scenes: Sequence[Scene], durations: Mapping[str, float], settings: Settings, *,
                 episode: int = 1, credits: tuple[Sequence[Line], Sequence[Line]] = ((), ()),
                 mode: str | None = None, head: float | None = None, tail: float | None = None) -> Timeline:
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
    spans: list[tuple[str, str, float, str, str]] = []  # id, title, start, transition, ambience
    opening = [c for c in credits[0] if c.id in durations]
    closing = [c for c in credits[1] if c.id in durations]
    voiced_scenes = [(i, s) for i, s in enumerate(scenes, 1)
                     if any(is_heard(l, mode) and l.id in durations for l in s.lines)]
    for n, (index, scene) in enumerate(voiced_scenes):
        trans = scene.transition or settings.mix.transition
        amb = scene.ambience or settings.mix.ambience
        chapter_start = 0.0 if n == 0 else t
        played = trans if n else "none"
        if n == 0 and opening:
            for c in opening:
                items.append(Item("credits", c.id, t, t + durations[c.id], scene.id, NARRATOR, "credits", c.text))
                t += durations[c.id] + p.paragraph_ms / 1000.0
            played = settings.mix.transition if trans in ("none", "crossfade") else trans
            t += p.scene_ms / 1000.0 - p.paragraph_ms / 1000.0
            t = _place_transition(items, played, t, scene.id, p.scene_ms / 1000.0)
        elif n > 0:
            t += p.scene_ms / 1000.0
            t = _place_transition(items, trans, t, scene.id, p.scene_ms / 1000.0)
        spans.append((scene.id, scene_title(scene, index), chapter_start, played, amb))
        prev: Line | None = None
        for line in scene.lines:
            if not is_heard(line, mode) or line.id not in durations:
                continue
            if prev is not None:
                t += pause_between(prev, line, settings)
            if line.kind == "narration" and settings.mix.cues:
                for cue in effects.cues_in(line.text):
                    d = effects.duration(cue)
                    items.append(Item("cue", cue, t, t + d, scene.id))
                    t += d + p.within_turn_ms / 1000.0
            d = durations[line.id]
            items.append(Item("line", line.id, t, t + d, scene.id, speaker_of(line), line.kind, line.text,
                              line.delivery))
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
    scene_spans = [SceneSpan(sid, title, start, spans[k + 1][2] if k + 1 < len(spans) else t, tr, amb)
                   for k, (sid, title, start, tr, amb) in enumerate(spans)]
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
    fields = {"title": title, "author": settings.mix.author, "episode": episode, "cast": cast,
              "by": f" by {settings.mix.author}" if settings.mix.author else ""}
    open_text = "{title}{by}."
    if len(eps) > 1:
        ep_title = next((s.title for s in eps.get(episode, []) if s.title), "")
        open_text += " Episode {episode}" + (f": {ep_title}." if ep_title else ".")
    close_text = "You have been listening to {title}{by}." + (" With the voices of {cast}." if cast else "")
    close_text += " Narration by the narrator. Produced with audiodrama."
    try:
        texts = [(settings.mix.opening_credits or open_text).format(**fields).strip(),
                 (settings.mix.closing_credits or close_text).format(**fields).strip()]
    except (KeyError, IndexError, ValueError) as exc:
        raise AudiodramaError(f"[mix] opening_credits/closing_credits: bad field {exc}; "
                              "use {title} {by} {author} {episode} {cast}") from None
    mk = lambda text: [Line(id="cr-" + base_id(text), kind="narration", text=text, span=(0, 0))] if text else []  # noqa: E731
    return mk(texts[0]), mk(texts[1])


def credits_to_render(script: Script, rendered: Mapping[str, RenderedLineLike], settings: Settings) -> list[Line]:
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


def split_by_length(script: Script, durations: Mapping[str, float], settings: Settings,
                    minutes: float | None = None) -> Script:
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
    except Exception as exc:  # noqa: BLE001 - name the file
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
    rms = math.sqrt(float(np.mean(active ** 2)))
    gain_db = max(-max_gain_db, min(max_gain_db, target_db - 20 * math.log10(rms)))
    return (x * np.float32(10 ** (gain_db / 20))).astype(np.float32)


def line_durations(rendered: Mapping[str, RenderedLineLike]) -> dict[str, float]:
    """Seconds of audio of each rendered line, from the file headers (no decoding)."""
    import soundfile as sf
    out = {}
    for line_id, r in rendered.items():
        try:
            info = sf.info(str(r.path))
        except Exception as exc:  # noqa: BLE001
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


def _prepared(items: Sequence[Item], rendered: Mapping[str, RenderedLineLike], sr: int,
              voices: Mapping[str, VoiceLike] | None) -> Iterable[tuple[Item, np.ndarray]]:
    """(item, samples) in order; voiced lines are loaded, levelled and treated two at a time
    in threads (a bounded window, so memory stays small)."""
    from concurrent.futures import ThreadPoolExecutor

    def load(item: Item) -> np.ndarray:
        if item.kind in ("line", "credits"):
            voice = (voices or {}).get(item.speaker)
            volume_db = 20 * math.log10(max(getattr(voice, "volume", 1.0), 0.01))
            x = level(load_line(rendered[item.name].path, sr), sr,
                      LEVEL_DB + DELIVERY_DB.get(item.delivery or "", 0.0) + volume_db)
            x = x[: int(round((item.end - item.start) * sr))]
            for fx in [*getattr(voice, "effects", ()), item.delivery]:
                if fx:
                    x = effects.apply_delivery(x, sr, fx)
            return x
        if item.kind == "transition":
            return effects.transition(item.name, sr)
        return effects.cue(item.name, sr)

    window = 16
    with ThreadPoolExecutor(max_workers=2) as pool:
        pending = []
        for item in items:
            pending.append((item, pool.submit(load, item)))
            if len(pending) >= window:
                it, fut = pending.pop(0)
                yield it, fut.result()
        for it, fut in pending:
            yield it, fut.result()


def _add(buf: np.ndarray, x: np.ndarray, start: float, sr: int) -> None:
    s = int(round(start * sr))
    if s >= len(buf) or not len(x):
        return
    e = min(len(buf), s + len(x))
    buf[s:e] += x[: e - s]


def stem_of(item: Item) -> str:
    """The stem an item belongs to: the speaker's name for voices, else 'effects'."""
    return item.speaker if item.kind in ("line", "credits") else "effects"


def assemble(timeline: Timeline, rendered: Mapping[str, RenderedLineLike], sr: int, settings: Settings, *,
             only: str | None = None, voices: Mapping[str, VoiceLike] | None = None,
             progress: bool = False) -> np.ndarray:
    """The episode's mono mix as one float32 buffer, every item added at its planned sample.

    `only` keeps one stem ('<speaker>', 'effects' or 'ambience'). A line's audio is levelled,
    its delivery (and the speaker's profile effects and volume, from `voices`) applied; reverb
    tails ring into the pause.
    """
    n = int(round(timeline.duration * sr))
    buf = zeros(n)
    items = [i for i in timeline.items if only is None or stem_of(i) == only]
    placed: Iterable[tuple[Item, np.ndarray]] = _prepared(items, rendered, sr, voices)
    if progress:
        from tqdm import tqdm
        placed = tqdm(placed, total=len(items), desc=f"mix episode {timeline.episode}", unit="item", leave=False)
    for item, x in placed:
        _add(buf, x, item.start, sr)
    if only in (None, "ambience"):
        _add_ambience(buf, timeline, sr, settings)
    return buf


def _add_ambience(buf: np.ndarray, timeline: Timeline, sr: int, settings: Settings) -> None:
    gain = 10 ** ((settings.mix.ambience_db + 45.0) / 20)  # beds are made at -45 dBFS RMS
    for span in timeline.scenes:
        if span.ambience in ("none", "", None):
            continue
        speech = [(i.start - span.start, i.end - span.start) for i in timeline.items
                  if i.scene == span.id and i.kind in ("line", "credits")]
        overlap = 1.0 if span.end < timeline.duration else 0.0  # crossfade into the next scene's bed
        bed = effects.ambience(span.ambience, span.end - span.start + overlap, sr) * np.float32(gain)
        bed *= effects.duck_envelope(len(bed), sr, speech, settings.mix.duck_db)
        _add(buf, bed, span.start, sr)


# ---------------------------------------------------------------- episodes

FORMATS = ("wav", "mp3", "opus", "m4b")


def _check_script(script: Script, settings: Settings, mode: str, formats: Sequence[str]) -> None:
    if mode not in SKIPPED:
        raise AudiodramaError(f"unknown mix mode {mode!r}; use drama or audiobook")
    for f in formats:
        if f not in FORMATS:
            raise AudiodramaError(f"unknown output format {f!r} in [master] formats; use {', '.join(FORMATS)}")
    for s in script.scenes:
        tr = s.transition or settings.mix.transition
        if tr not in effects.TRANSITIONS:
            raise AudiodramaError(f"scene {s.id}: unknown transition {tr!r}; use one of {', '.join(effects.TRANSITIONS)}")
        amb = s.ambience or settings.mix.ambience
        if amb not in effects.AMBIENCES:
            raise AudiodramaError(f"scene {s.id}: unknown ambience {amb!r}; use one of {', '.join(effects.AMBIENCES)}")


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


def mix_script(script: Script, rendered: Mapping[str, RenderedLineLike], prod, settings: Settings, *,
               episodes: list[int] | None = None, scenes: list[str] | None = None, mode: str | None = None,
               profile: str | None = None, formats: Sequence[str] | None = None, stems: bool | None = None,
               voices: Mapping[str, VoiceLike] | None = None, episode_minutes: float | None = None,
               progress: bool = True) -> list[EpisodeResult]:
    """Mix, master and export each episode of `script` into prod.episode_dir(script.slug).

    `rendered` maps line id -> rendered audio (.path, .source); credits (`credits_to_render`)
    are voiced when their lines are in it too. `episodes` / `scenes` (scene ids) limit the
    build (a scene build is written as <slug>-eNN-<scene id>.*). `mode`, `profile`, `formats`,
    `stems` and `episode_minutes` (split by length instead of chapters) override the settings;
    `voices` maps a speaker (or "Narrator") to its VoiceProfile: its `effects` (e.g. "phone")
    are applied to every line of that voice and its `volume` (0..1) after levelling. Writes <slug>-eNN.{wav,mp3,opus}, .timeline.json, .vtt, and with
    stems <slug>-eNN.stems/ and .labels.txt; with m4b, <slug>.m4b of the whole story.
    """
    from . import export, master
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
            raise AudiodramaError(f"no episode {n}; the script has episodes {', '.join(map(str, sorted(all_eps)))}")
    if scenes:
        known = [s.id for s in script.scenes]
        missing = [s for s in scenes if s not in known]
        if missing:
            raise AudiodramaError(f"no scene {', '.join(missing)} in the script; its scenes are "
                                  f"{', '.join(known[:8])}{' ...' if len(known) > 8 else ''}")
        chosen = [n for n in chosen if any(s.id in scenes for s in all_eps[n])]
    job = _Job(script, rendered, settings, durations, mode, prof, formats,
               settings.mix.stems if stems is None else stems,
               prof.sample_rate if prof.name != "none" else settings.master.sample_rate,
               prof.channels or settings.master.channels, prod.episode_dir(script.slug),
               (prod.root / settings.master.cover) if settings.master.cover else None,
               list(scenes) if scenes else None, voices, progress)
    if prof.head and prof.tail:  # ACX: room tone within the allowed range at both ends
        job.head = min(max(settings.pacing.head_ms / 1000, prof.head[0]), prof.head[1])
        job.tail = min(max(settings.pacing.tail_ms / 1000, prof.tail[0]), prof.tail[1])
    job.out_dir.mkdir(parents=True, exist_ok=True)
    results: list[EpisodeResult] = []
    try:
        for n in chosen:
            result = _mix_one(job, n, all_eps)
            if result:
                results.append(result)
        if chosen and not results:
            raise AudiodramaError(f"nothing to mix: no line of {script.slug} (episodes "
                                  f"{', '.join(map(str, chosen))}) has rendered audio; run `audiodrama render` first")
        if "m4b" in formats and not scenes and results and episodes is None:
            m4b = export.write_m4b(results, job.out_dir / f"{script.slug}.m4b", title=script.title or script.slug,
                                   author=settings.mix.author or "audiodrama", cover=job.cover)
            for r in results:
                r.m4b = m4b
    finally:
        for t in job.temp_wavs:
            t.unlink(missing_ok=True)
    return results


def _mix_one(job: _Job, n: int, all_eps: dict[int, list[Scene]]) -> EpisodeResult | None:
    """Plan, assemble, master and export episode `n`; None if nothing in it is voiced."""
    from . import export, fsutil, master
    script, settings, prof, formats = job.script, job.settings, job.profile, job.formats
    ep_scenes = [s for s in all_eps[n] if not job.scenes or s.id in job.scenes]
    credits = credit_lines(script, settings, n) if not job.scenes else ([], [])
    tl = plan_episode(ep_scenes, job.durations, settings, episode=n, credits=credits, mode=job.mode,
                      head=job.head, tail=job.tail)
    if not tl.lines():
        return None
    stem = f"{script.slug}-e{n:02d}" + (f"-{'-'.join(job.scenes)}" if job.scenes else "")
    buf = assemble(tl, job.rendered, job.sr, settings, voices=job.voices, progress=job.progress)
    if prof.name == "acx":  # ACX rejects dead digital silence: a faint room tone (about -75 dBFS) throughout
        buf += effects.ambience("room", tl.duration, job.sr)[: len(buf)] * np.float32(10 ** (-30 / 20))
    wav = job.out_dir / f"{stem}.wav"
    need_wav = "wav" in formats or "opus" in formats or ("m4b" in formats and not job.scenes)
    if need_wav and "wav" not in formats:
        wav = job.out_dir / f".{stem}.tmp.wav"
        job.temp_wavs.append(wav)
    sinks: list = [export.WavSink(wav, job.sr, job.channels)] if need_wav else []
    mp3 = job.out_dir / f"{stem}.mp3" if "mp3" in formats else None
    if mp3:
        bitrate = prof.mp3_bitrate if prof.name == "acx" else settings.master.mp3_bitrate
        sinks.append(export.FfmpegSink(mp3, job.sr, job.channels, export.mp3_args(bitrate)))
    try:
        figures = master.master_stream(buf, job.sr, prof, job.channels, sinks, progress=job.progress)
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise
    del buf  # before the stems: one episode-long buffer at a time
    title = _episode_title(script, n, all_eps)
    chapters = [(s.title, s.start, s.end) for s in tl.scenes]
    artist = settings.mix.author or "audiodrama"
    if mp3:
        export.tag_mp3(mp3, title=title, album=script.title or script.slug, artist=artist, track=n,
                       total=len(all_eps), chapters=chapters, cover=job.cover)
    opus = None
    if "opus" in formats:
        opus = export.encode_with_chapters(wav, job.out_dir / f"{stem}.opus", export.OPUS_ARGS,
                                           export.ffmetadata(title, script.title, artist, n, chapters),
                                           chapters=chapters)
    result = EpisodeResult(n, wav if "wav" in formats else None, mp3, job.out_dir / f"{stem}.timeline.json",
                           job.out_dir / f"{stem}.vtt", tl.duration, figures["lufs"], figures["true_peak"],
                           opus=opus, figures=figures, scenes=job.scenes)
    if job.stems:
        g = np.float32(10 ** (figures["gain_db"] / 20))
        names = list(dict.fromkeys(stem_of(i) for i in tl.items))
        if any(s.ambience not in ("none", "", None) for s in tl.scenes):
            names.append("ambience")
        tracks = ((name, assemble(tl, job.rendered, job.sr, settings, only=name, voices=job.voices) * g)
                  for name in names)
        result.stems = export.write_stems(job.out_dir / f"{stem}.stems", tracks, job.sr)
        result.labels = job.out_dir / f"{stem}.labels.txt"
        fsutil.write_text(result.labels, export.audacity_labels(tl))
    export.write_json(result.timeline, export.timeline_dict(tl, script.slug, job.sr, {
        k: getattr(v, "source", "") for k, v in job.rendered.items()}, {
        "title": title, "profile": prof.name, "lufs": round(figures["lufs"], 2),
        "true_peak": round(figures["true_peak"], 2), "mode": job.mode}))
    fsutil.write_text(result.transcript, export.webvtt(tl, title))
    return result


def _episode_title(script: Script, n: int, all_eps: dict[int, list[Scene]]) -> str:
    base = script.title or script.slug
    if len(all_eps) == 1:
        return base
    first = next((s.title for s in all_eps[n] if s.title), "")
    return f"{base}, episode {n}" + (f": {first}" if first else "")
