"""The mix step of a build: the pure mix stage per episode, its outputs written by project.outputs.

For each episode: plan and assemble (audio.episode), master into the WAV sink, write the
timeline and transcript; then stems, the encoders (MP3, Opus, M4B, which read the WAV) and the
build manifests that let an unchanged episode be kept as it is.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from audiodrama.audio import episode, export, feed, master, transcript
from audiodrama.audio.assembly import RenderedLineLike, VoiceLike, line_durations
from audiodrama.audio.captions import line_words
from audiodrama.audio.credits import story_author
from audiodrama.audio.profiles import get_profile
from audiodrama.audio.scenekey import file_stamp
from audiodrama.audio.timeline import Timeline
from audiodrama.errors import AudiodramaError
from audiodrama.model import Scene, Script
from audiodrama.project.feedfiles import refresh_feed
from audiodrama.project.outputs import EpisodeOutputs, episode_stem, variant
from audiodrama.project.production import Project
from audiodrama.project.scenecache import SceneCache
from audiodrama.project.store import store_for
from audiodrama.results import EpisodeResult
from audiodrama.settings import Settings


@dataclass
class _Build:
    """What every episode of one mix_script call shares."""

    spec: episode.MixSpec
    script: Script
    rendered: Mapping[str, RenderedLineLike]
    durations: dict[str, float]
    all_eps: dict[int, list[Scene]]
    out: EpisodeOutputs
    cover: Path | None
    cache: SceneCache | None
    progress: bool
    temp_wavs: list[Path] = field(default_factory=list)


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
    """The episode key (see episode.episode_key), or None without the scene cache."""
    unchanged: bool = False
    """True when the last build's files were kept: nothing was mixed, written or encoded."""


def mix_spec(
    settings: Settings,
    mode: str | None = None,
    profile: str | None = None,
    formats: Sequence[str] | None = None,
    stems: bool | None = None,
    scenes: Sequence[str] | None = None,
    voices: Mapping[str, VoiceLike] | None = None,
) -> episode.MixSpec:
    """How a build mixes: the settings with the call's overrides (None: the setting)."""
    prof = get_profile(profile or settings.master.profile)
    head = tail = None
    if prof.head and prof.tail:  # ACX: room tone within the allowed range at both ends
        head = min(max(settings.pacing.head_ms / 1000, prof.head[0]), prof.head[1])
        tail = min(max(settings.pacing.tail_ms / 1000, prof.tail[0]), prof.tail[1])
    return episode.MixSpec(
        settings,
        mode or settings.mix.mode,
        prof,
        tuple(formats or settings.master.formats),
        settings.mix.stems if stems is None else stems,
        prof.sample_rate if prof.name != "none" else settings.master.sample_rate,
        settings.master.channels,  # 2: the stereo stage; 1: the mono choice (every file mono, 3 LU lower)
        head,
        tail,
        tuple(scenes or ()),
        dict(voices or {}),
    )


def mix_script(
    script: Script,
    rendered: Mapping[str, RenderedLineLike],
    prod: Project,
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
    `stems` and `episode_minutes` override the settings; `voices` maps a speaker (or
    "Narrator") to its VoiceProfile (effects, volume). Writes <slug>-eNN.{wav,mp3,opus},
    .timeline.json, .vtt, .chapters.json, with stems <slug>-eNN.stems/ and .labels.txt, with m4b
    <slug>.m4b (named per mode and profile: outputs.episode_stem; a full build drops the rest).
    With `scene_cache` (default: the setting) scene mixes are kept in the store, so an edit
    re-mixes only its scene; an unchanged episode is kept as it is.
    """
    spec = mix_spec(settings, mode, profile, formats, stems, scenes, voices)
    episode.check_script(script, settings, spec.mode, spec.formats)
    durations = line_durations(rendered)
    script = episode.split_if_asked(script, durations, settings, episode_minutes)
    all_eps, chosen = episode.choose_episodes(script, episodes, scenes)
    use_cache = settings.mix.scene_cache if scene_cache is None else scene_cache
    b = _Build(
        spec,
        script,
        rendered,
        durations,
        all_eps,
        EpisodeOutputs(prod, script.slug),
        (prod.root / settings.master.cover) if settings.master.cover else None,
        SceneCache(store_for(prod), script.slug, spec.sr, spec.channels) if use_cache else None,
        progress,
    )
    try:
        done = [d for d in (_mix_one(b, n) for n in chosen) if d]
        if chosen and not done:
            raise AudiodramaError(
                f"nothing to mix: no line of {script.slug} (episodes "
                f"{', '.join(map(str, chosen))}) has rendered audio; run `audiodrama render` first"
            )
        if b.cache is not None:  # a full build records exactly the mixes in use; prune drops the rest
            b.cache.record(partial=episodes is not None or bool(scenes))
        _finish(b, done, full=episodes is None and not scenes)
    finally:
        for t in b.temp_wavs:
            t.unlink(missing_ok=True)
    return [d.result for d in done]


def _finish(b: _Build, done: list[_Done], full: bool) -> None:
    """Stems, encoders and manifests of the mixed episodes; the M4B of a full build."""
    for d in done:
        if b.spec.stems:
            t = time.perf_counter()
            _write_stems(b, d)
            d.result.seconds["stems"] = time.perf_counter() - t
    _encode_all(b, [d for d in done if not d.unchanged])
    for d in done:
        if not d.unchanged and d.key:
            keys = episode.scene_keys(b.spec, d.timeline, b.rendered)
            b.out.remember(d.stem, d.key, d.result, len(d.timeline.scenes), keys)
    results = [d.result for d in done]
    suffix = variant(b.spec.mode, b.spec.profile.name)
    if full:  # episodes (and an audiobook) of this variant the story no longer has
        b.out.drop_episodes_except(b.script.slug, suffix, [r.episode for r in results])
        if "m4b" not in b.spec.formats:
            b.out.path(f"{b.script.slug}{suffix}.m4b").unlink(missing_ok=True)
    if "m4b" in b.spec.formats and full and results:
        t = time.perf_counter()
        s = b.script
        m4b = b.out.write_m4b(
            s.slug + suffix,
            [d.wav for d in done],
            [r.timeline for r in results],
            title=s.title or s.slug,
            author=story_author(s, b.spec.settings),
            cover=b.cover,
        )
        for r in results:
            r.m4b = m4b
        results[-1].seconds["encode"] = results[-1].seconds.get("encode", 0.0) + time.perf_counter() - t
    refresh_feed(b.out, b.script.slug, suffix)  # a published feed lists the files as they are now


def _key(b: _Build, tl: Timeline, title: str, chapters: list[tuple[str, float, float]]) -> str:
    s = b.script
    tags = [
        title,
        s.title or s.slug,
        story_author(s, b.spec.settings),
        len(b.all_eps),
        chapters,
        file_stamp(b.cover) if b.cover else "",
    ]
    return episode.episode_key(b.spec, tl, b.rendered, tags)


def _mix_one(b: _Build, n: int) -> _Done | None:
    """Plan, assemble, master and write episode `n`'s WAV, timeline and transcript; None if nothing in it is voiced."""
    t0 = time.perf_counter()
    spec = b.spec
    tl = episode.plan(spec, b.script, b.durations, n, b.all_eps, line_words(b.rendered))
    if not tl.lines():
        return None
    stem = episode_stem(b.script.slug, n, spec.mode, spec.profile.name, spec.scenes)
    title = episode.episode_title(b.script, n, b.all_eps)
    chapters = [(s.title, s.start, s.end) for s in tl.scenes]
    key = _key(b, tl, title, chapters) if b.cache is not None else None
    if key and not spec.stems and "m4b" not in spec.formats:
        kept = b.out.kept(stem, key)
        if kept and b.cache is not None:
            result, keys = kept
            b.cache.used.update(keys)  # its scene mixes are still in use
            result.seconds["wav"] = time.perf_counter() - t0
            wav = b.out.path(f"{stem}.wav")
            return _Done(result, wav, stem, title, chapters, tl, result.figures["gain_db"], key, True)
    b.out.forget(stem)
    b.out.drop_stale(stem, spec.formats)
    hits = b.cache.hits if b.cache is not None else 0
    buf = episode.mix_episode(spec, tl, b.rendered, b.cache, b.progress)
    reused = (b.cache.hits - hits) if b.cache is not None else 0
    wav = b.out.path(f"{stem}.wav")
    if "wav" not in spec.formats:  # the encoders read a temporary WAV
        wav = b.out.temp_wav(stem)
        b.temp_wavs.append(wav)
    with b.out.wav_sink(wav, spec.sr, spec.channels) as sink:
        figures = master.master_stream(buf, spec.sr, spec.profile, spec.channels, [sink], progress=b.progress)
    del buf  # before the stems: one episode-long buffer at a time
    result = EpisodeResult(
        n,
        wav if "wav" in spec.formats else None,
        None,
        b.out.path(f"{stem}.timeline.json"),
        b.out.path(f"{stem}.vtt"),
        tl.duration,
        figures["lufs"],
        figures["true_peak"],
        figures=figures,
        scenes=list(spec.scenes) or None,
        scenes_mixed=len(tl.scenes) - reused,
        scenes_reused=reused,
    )
    _write_transcripts(b, stem, tl, title, figures)
    result.seconds["wav"] = time.perf_counter() - t0
    return _Done(result, wav, stem, title, chapters, tl, figures["gain_db"], key)


def _write_transcripts(b: _Build, stem: str, tl: Timeline, title: str, figures: dict[str, float]) -> None:
    extra = {
        "title": title,
        "profile": b.spec.profile.name,
        "lufs": round(figures["lufs"], 2),
        "true_peak": round(figures["true_peak"], 2),
        "mode": b.spec.mode,
    }
    sources = {k: getattr(v, "source", "") for k, v in b.rendered.items()}
    voices = {k: (getattr(v, "engine", ""), getattr(v, "voice_name", "")) for k, v in b.rendered.items()}
    b.out.write_json(
        f"{stem}.timeline.json",
        transcript.timeline_dict(tl, b.script.slug, b.spec.sr, sources, extra, voices),
    )
    timed = transcript.cues(tl)  # cut once: the VTT and the SRT show the same cues
    b.out.write_text(f"{stem}.vtt", transcript.webvtt(tl, title, timed))
    chapters = [(s.title, s.start, s.end) for s in tl.scenes]
    b.out.write_json(f"{stem}.chapters.json", feed.chapters_json(title, chapters))
    b.out.write_text(f"{stem}.srt", transcript.srt(tl, timed))


def _write_stems(b: _Build, d: _Done) -> None:
    tracks = episode.stem_tracks(b.spec, d.timeline, b.rendered, d.gain_db)
    d.result.stems = b.out.write_stems(d.stem, tracks, b.spec.sr)
    d.result.labels = b.out.write_text(f"{d.stem}.labels.txt", transcript.audacity_labels(d.timeline))


def _encode_one(b: _Build, d: _Done) -> None:
    """MP3 (tagged, with chapters) and Opus of one episode, from its finished WAV."""
    t = time.perf_counter()
    s, spec = b.script, b.spec
    artist = story_author(s, spec.settings)  # "" when nobody is named: no artist tag
    n = d.result.episode
    if "mp3" in spec.formats:
        bitrate = spec.profile.mp3_bitrate if spec.profile.name == "acx" else spec.settings.master.mp3_bitrate
        d.result.mp3 = b.out.encode_mp3(
            d.wav,
            d.stem,
            bitrate,
            title=d.title,
            album=s.title or s.slug,
            artist=artist,
            track=n,
            total=len(b.all_eps),
            chapters=d.chapters,
            cover=b.cover,
        )
    if "opus" in spec.formats:
        meta = export.ffmetadata(d.title, s.title, artist, n, d.chapters)
        d.result.opus = b.out.encode_opus(d.wav, d.stem, meta, d.chapters)
    d.result.seconds["encode"] = time.perf_counter() - t


def _encode_all(b: _Build, done: list[_Done]) -> None:
    """Encode every episode, two ffmpeg processes at a time when there are several."""
    if not any(f in b.spec.formats for f in ("mp3", "opus")) or not done:
        return
    workers = min(len(done), 2, os.cpu_count() or 1)
    if workers <= 1:
        for d in done:
            _encode_one(b, d)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:  # owned by this call, gone when it returns
        for fut in [pool.submit(_encode_one, b, d) for d in done]:
            fut.result()
