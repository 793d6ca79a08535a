"""Building a story: parse (or the saved script) -> cast -> render -> mix, under the production lock."""

from __future__ import annotations

import copy
import logging
import time
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from typing import Any

from audiodrama.audio.credits import credits_to_render
from audiodrama.model import NARRATOR, VOICED_KINDS, Line, Script
from audiodrama.parse import summary_line
from audiodrama.pipeline.mixing import mix_script
from audiodrama.pipeline.parsing import script_for
from audiodrama.pipeline.voicing import cast_script, record_use, runner_for, tqdm_progress, voice_files
from audiodrama.project.lock import production_lock
from audiodrama.project.production import Project
from audiodrama.project.store import sweep_temporaries
from audiodrama.render.lines import render_lines
from audiodrama.render.plan import RenderResult, voiced_lines
from audiodrama.render.runners import Runner
from audiodrama.results import EpisodeResult
from audiodrama.settings import Settings
from audiodrama.voices.cast import Cast

log = logging.getLogger("audiodrama")


@dataclass
class BuildResult:
    """What a build did: the script, the cast, render counts, the episodes and timings."""

    script: Script
    cast: Cast
    rendered: RenderResult
    episodes: list[EpisodeResult]
    synthesised: int = 0
    reused: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    edits: list[str] = field(default_factory=list)

    def summary(self) -> str:
        eps = ", ".join(f"{Path(str(e.wav or e.mp3)).name} {e.duration:.1f} s" for e in self.episodes)
        after = ("stems", "encode")  # work done once the WAVs are written
        times = ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items() if k not in after)
        ready = sum(v for k, v in self.seconds.items() if k not in after)
        later = "".join(f"; {k} {self.seconds[k]:.1f} s" for k in after if k in self.seconds)
        return (
            f"{self.script.slug}: {sum(1 for _ in self.script.lines())} lines, "
            f"{len(self.script.characters)} characters; rendered {self.synthesised}, "
            f"reused {self.reused}; episodes: {eps}; WAV ready in {ready:.1f} s ({times}){later}"
        )

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        """The summary, then one row per episode (its files, length and loudness)."""
        rows = "".join(
            f"<tr><td>{e.episode}</td><td>{escape(Path(str(e.wav or e.mp3)).name)}</td>"
            f"<td>{e.duration:.1f} s</td><td>{e.lufs:.1f} LUFS</td><td>{e.true_peak:.1f} dBTP</td></tr>"
            for e in self.episodes
        )
        head = "<tr><th>episode</th><th>file</th><th>length</th><th>loudness</th><th>true peak</th></tr>"
        return f"<p>{escape(self.summary())}</p><table>{head}{rows}</table>"


def build(
    story: Path,
    prod: Project,
    *,
    episodes: list[int] | None = None,
    scenes: list[str] | None = None,
    mode: str | None = None,
    workers: int | None = None,
    lang: str | None = None,
    scheduler: str | None = None,
    intro: str | None = None,
    progress: bool = True,
    runner: Runner | None = None,
    **mix_options: Any,
) -> BuildResult:
    """Run every stage for `story` in production `prod`, reusing what is already there.

    `runner`: a render runner the caller owns across builds (e.g. `with WorkerPool(2) as pool`
    in a long-lived process keeps its workers warm); by default one is started per build.
    """
    with production_lock(prod) as lock:
        sweep_temporaries(prod.out_dir)  # what a killed build left half-written
        t = time.perf_counter()
        script, edits = script_for(story, prod, lock, lang=lang)
        parse_s = time.perf_counter() - t
        result = voice_and_mix(
            script,
            prod,
            episodes=episodes,
            scenes=scenes,
            mode=mode,
            workers=workers,
            scheduler=scheduler,
            intro=intro,
            progress=progress,
            runner=runner,
            **mix_options,
        )
        result.seconds = {"parse": parse_s, **result.seconds}
        result.edits = edits
        return result


def voice_and_mix(
    script: Script,
    prod: Project,
    *,
    episodes: list[int] | None = None,
    scenes: list[str] | None = None,
    mode: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    intro: str | None = None,
    progress: bool = True,
    runner: Runner | None = None,
    **mix_options: Any,
) -> BuildResult:
    """Cast, render (story lines, then the credits) and mix a parsed script.

    `intro="summary"` reads the story's summary (front matter) as a cold open.
    """

    settings = prod.settings
    if mode:
        settings = replace(settings, mix=replace(settings.mix, mode=mode))
    if intro == "summary":
        script = with_summary_cold_open(script)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    cast = cast_script(script, prod)
    timings["cast"] = time.perf_counter() - t
    t = time.perf_counter()
    if runner is None:
        with runner_for(prod, workers, scheduler) as own:
            rendered = render_story(script, cast, prod, settings, episodes, scenes, own, progress)
    else:
        rendered = render_story(script, cast, prod, settings, episodes, scenes, runner, progress)
    timings["render"] = time.perf_counter() - t
    results, mixing = _mix(script, rendered, cast, prod, settings, episodes, scenes, progress, mix_options)
    timings.update(mixing)
    return BuildResult(
        script, cast, rendered, results, rendered.synthesised, rendered.cached + rendered.recorded, timings
    )


def _mix(
    script: Script,
    rendered: Any,
    cast: Any,
    prod: Project,
    settings: Settings,
    episodes: list[int] | None,
    scenes: list[str] | None,
    progress: bool,
    mix_options: dict[str, Any],
) -> tuple[list[EpisodeResult], dict[str, float]]:
    """Mix the rendered script: (the episodes, seconds of mix, stems and encode)."""
    t = time.perf_counter()
    voices = {NARRATOR: cast.narrator, **cast.characters}
    results = mix_script(
        script,
        rendered,
        prod,
        settings,
        episodes=episodes,
        scenes=scenes,
        voices=voices,
        progress=progress,
        **mix_options,
    )
    total = time.perf_counter() - t
    # mix = until every WAV is written; stems and encoding (MP3, Opus, M4B) come after, reported apart
    timings = {"mix": sum(r.seconds.get("wav", 0.0) for r in results) or total}
    if any("stems" in r.seconds for r in results):
        timings["stems"] = sum(r.seconds.get("stems", 0.0) for r in results)
    timings["encode"] = max(0.0, total - timings["mix"] - timings.get("stems", 0.0))
    return results, timings


def render_story(
    script: Script,
    cast: Cast,
    prod: Project,
    settings: Settings,
    episodes: list[int] | None,
    scenes: list[str] | None,
    runner: Runner,
    progress: bool,
) -> RenderResult:
    """Render the story's lines, then its credits, with one runner; record what the story uses.

    The lexicon and the takes index are read once for both.
    """
    with voice_files(prod) as (store, takes, lexicon):
        with tqdm_progress(enabled=progress) as bar:
            partial = lines_for(script, episodes, scenes)
            lines = voiced_lines(script) if partial is None else partial
            rendered = render_lines(
                lines, cast, store=store, runner=runner, lexicon=lexicon, takes=takes, progress=bar
            )
        voices = {NARRATOR: cast.narrator, **cast.characters}
        credits = credits_to_render(script, rendered, settings, voices)
        if credits:
            more = render_lines(credits, cast, store=store, runner=runner, lexicon=lexicon, takes=takes)
            rendered.merge(more)
    record_use(prod, script.slug, rendered, partial=bool(episodes or scenes))
    return rendered


def with_summary_cold_open(script: Script) -> Script:
    """A copy of `script` whose summary paragraph is narrated (it is front matter, unvoiced, by default)."""
    found = summary_line(script)
    if found is None:
        log.warning('%s has no summary paragraph ("Summary: ..."); no cold open', script.source)
        return script
    script = copy.deepcopy(script)
    script.line_by_id(found.id).kind = "narration"
    return script


def lines_for(
    script: Script, episodes: list[int] | None = None, scenes: list[str] | None = None
) -> list[Line] | None:
    """The lines to render for a partial build (None = every voiced line)."""
    if not episodes and not scenes:
        return None
    return [
        l
        for s in script.scenes
        if (not episodes or s.episode in episodes) and (not scenes or s.id in scenes)
        for l in s.lines
        if l.kind in VOICED_KINDS
    ]
