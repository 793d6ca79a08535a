"""One episode mixed (pure): the build checked and chosen, the timeline planned, the scenes assembled.

No file is written here: `mix_episode` returns the timeline and the pre-master samples; the
pipeline masters them into sinks the project layer opens (see pipeline.mixing).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from audiodrama.audio import ambience, effects
from audiodrama.audio.assembly import (
    RenderedLineLike,
    SceneCacheLike,
    VoiceLike,
    assemble,
    plan_key,
    scene_plans,
    stem_of,
)
from audiodrama.audio.credits import credit_lines
from audiodrama.audio.profiles import Profile
from audiodrama.audio.scenekey import scene_key
from audiodrama.audio.timeline import SKIPPED, Timeline, plan_episode, split_by_length
from audiodrama.errors import AudiodramaError
from audiodrama.model import Scene, Script
from audiodrama.settings import Settings

FORMATS = ("wav", "mp3", "opus", "m4b")

Chapters = list[tuple[str, float, float]]


@dataclass(frozen=True)
class MixSpec:
    """How every episode of one build is mixed and mastered (the settings with the call's overrides)."""

    settings: Settings
    mode: str
    profile: Profile
    formats: tuple[str, ...]
    stems: bool
    sr: int
    channels: int
    head: float | None = None
    tail: float | None = None
    scenes: tuple[str, ...] = ()
    """Scene ids when only part of the script is built."""
    voices: Mapping[str, VoiceLike] = field(default_factory=dict)


def check_script(script: Script, settings: Settings, mode: str, formats: Sequence[str]) -> None:
    """A one-line error for an unknown mode, format, transition or ambience."""
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
        if amb not in ambience.AMBIENCES:
            raise AudiodramaError(
                f"scene {s.id}: unknown ambience {amb!r}; use one of {', '.join(ambience.AMBIENCES)}"
            )


def choose_episodes(
    script: Script, episodes: Sequence[int] | None, scenes: Sequence[str] | None
) -> tuple[dict[int, list[Scene]], list[int]]:
    """(every episode's scenes, the episode numbers to build); an error naming what exists."""
    all_eps = script.episodes()
    chosen = sorted(all_eps) if episodes is None else list(episodes)
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
    return all_eps, chosen


def split_if_asked(
    script: Script, durations: Mapping[str, float], settings: Settings, minutes: float | None
) -> Script:
    """`script` regrouped into episodes of `minutes` (None: the setting) when that is over 0."""
    if (settings.mix.episode_minutes if minutes is None else minutes) > 0:
        return split_by_length(script, durations, settings, minutes)
    return script


def episode_title(script: Script, n: int, all_eps: Mapping[int, list[Scene]]) -> str:
    """The title of episode `n`: the story's, with the number and first scene title if there are several."""
    base = script.title or script.slug
    if len(all_eps) == 1:
        return base
    first = next((s.title for s in all_eps[n] if s.title), "")
    return f"{base}, episode {n}" + (f": {first}" if first else "")


def plan(
    spec: MixSpec,
    script: Script,
    durations: Mapping[str, float],
    n: int,
    all_eps: Mapping[int, list[Scene]],
    words: Mapping[str, Sequence[tuple[str, float]]] | None = None,
) -> Timeline:
    """Episode `n`'s timeline (only the chosen scenes, and no credits, in a scene build);
    `words` (line id -> word starts) times the transcript's cues."""
    ep_scenes = [s for s in all_eps[n] if not spec.scenes or s.id in spec.scenes]
    credits = credit_lines(script, spec.settings, n, spec.voices) if not spec.scenes else ([], [])
    return plan_episode(
        ep_scenes,
        durations,
        spec.settings,
        episode=n,
        credits=credits,
        mode=spec.mode,
        head=spec.head,
        tail=spec.tail,
        words=words,
    )


def scene_keys(spec: MixSpec, tl: Timeline, rendered: Mapping[str, RenderedLineLike]) -> list[str]:
    """The scene cache key of each scene of `tl`."""
    return [
        plan_key(p, rendered, spec.sr, spec.voices, spec.channels)
        for p in scene_plans(tl, spec.sr, spec.settings, None)
    ]


def episode_key(
    spec: MixSpec,
    tl: Timeline,
    rendered: Mapping[str, RenderedLineLike],
    tags: Sequence[object],
) -> str:
    """A hash of everything an episode's files depend on: every scene's mix inputs, the
    timeline, the mastering profile, the formats and `tags` (titles, author, cover...)."""
    return scene_key(
        [
            scene_keys(spec, tl, rendered),
            [(i, getattr(rendered.get(i.name), "source", "")) for i in tl.items],
            tl.scenes,
            tl.duration,
            spec.profile.name,
            spec.sr,
            spec.channels,
            sorted(spec.formats),
            spec.settings.master.mp3_bitrate,
            spec.mode,
            *tags,
        ]
    )


def mix_episode(
    spec: MixSpec,
    tl: Timeline,
    rendered: Mapping[str, RenderedLineLike],
    cache: SceneCacheLike | None = None,
    progress: bool = False,
) -> np.ndarray:
    """The pre-master mix of timeline `tl` (float32; (n, 2) stereo or (n,) mono, as
    `spec.channels`), scene by scene through `cache`."""
    buf = assemble(
        tl,
        rendered,
        spec.sr,
        spec.settings,
        voices=spec.voices,
        progress=progress,
        cache=cache,
        channels=spec.channels,
    )
    if (
        spec.profile.name == "acx"
    ):  # ACX rejects dead digital silence: a faint room tone (about -75 dBFS) throughout
        ambience.add_ambience(buf, "room", spec.sr, 10 ** (-30 / 20))
    return buf


def stem_tracks(
    spec: MixSpec, tl: Timeline, rendered: Mapping[str, RenderedLineLike], gain_db: float
) -> Iterator[tuple[str, np.ndarray]]:
    """(name, samples) of each stem: one per speaker, effects, ambience; at the master's gain and
    in the mix's channels (a panned voice's stem is panned), so the stems add up to the mix."""
    g = np.float32(10 ** (gain_db / 20))
    names = list(dict.fromkeys(stem_of(i) for i in tl.items))
    if any(s.ambience not in ("none", "", None) for s in tl.scenes):
        names.append("ambience")
    for name in names:  # one at a time: a stem is as long as the episode
        track = assemble(
            tl, rendered, spec.sr, spec.settings, only=name, voices=spec.voices, channels=spec.channels
        )
        track *= g
        yield name, track
