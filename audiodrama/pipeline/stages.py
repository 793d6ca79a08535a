"""The stages chained: parse -> cast -> render -> mix. The CLI and notebooks call these."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from audiodrama.audio.credits import credits_to_render
from audiodrama.errors import ScriptError
from audiodrama.model import NARRATOR, Character, Script
from audiodrama.pipeline.mixing import mix_script
from audiodrama.pipeline.voicing import cast_script, record_use, runner_for, tqdm_progress
from audiodrama.project import fsutil
from audiodrama.project.castfile import read_characters
from audiodrama.project.lock import HeldLock, production_lock
from audiodrama.project.production import Project, slugify
from audiodrama.project.scripts import (
    PendingEditsError,
    ScriptFiles,
    apply_pending,
    open_script,
    save_script,
    with_pending_edits,
)
from audiodrama.project.sourcefile import save_source_text
from audiodrama.project.store import store_for, sweep_temporaries
from audiodrama.project.voicefiles import read_lexicon, read_take_index, save_take_index
from audiodrama.render.lines import render_lines
from audiodrama.render.plan import RenderResult, voiced_lines
from audiodrama.render.runners import Runner
from audiodrama.results import EpisodeResult
from audiodrama.script.merge import carry_over_edits
from audiodrama.settings import Settings
from audiodrama.sources.reader import Source, read_source, read_story
from audiodrama.voices.cast import Cast

log = logging.getLogger("audiodrama")


def parse_file(story: Path, *, cast: list[Character] | None = None, lang: str | None = None) -> Script:
    """Parse a story file (.txt, .md, .html, .epub) into a fresh Script (no files written)."""
    return parse_source(read_source(story), story, cast=cast, lang=lang)


def parse_source(
    src: Source, story: Path, *, cast: list[Character] | None = None, lang: str | None = None
) -> Script:
    """Parse an already-read story into a fresh Script."""
    from audiodrama.parse import parse_story

    script = parse_story(
        src,
        title=_title(story) if not src.title else "",
        slug=slugify(story.name),
        source=str(story),
        cast=cast,
        lang=lang,
    )
    script.source_hash = text_hash(src.text)
    return script


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _title(story: Path) -> str:
    return story.stem.replace("_", " ").replace("-", " ").strip().title() or "Story"


def parse_into_production(
    story: Path,
    prod: Project,
    *,
    cast_file: Path | None = None,
    lang: str | None = None,
    lock: HeldLock | None = None,
) -> Script:
    """Parse `story` and write script/<slug>.json and .fountain, keeping edits of an existing script.

    Takes the production lock unless the caller passes the one it holds.
    """
    if lock is None:
        with production_lock(prod) as held:
            return parse_into_production(story, prod, cast_file=cast_file, lang=lang, lock=held)
    cast = read_characters(cast_file) if cast_file else _production_cast(prod)
    src = read_source(story)
    script = parse_source(src, story, cast=cast, lang=lang)
    json_path, fountain_path = prod.script_json(script.slug), prod.script_fountain(script.slug)
    files = ScriptFiles(
        script, json_path, fountain_path, fsutil.read_or_none(json_path), fsutil.read_or_none(fountain_path)
    )
    if files.json_bytes is not None:
        try:
            old = open_script(json_path, fountain_path)
        except ScriptError as exc:
            backup = json_path.with_suffix(".json.bak")
            log.warning("%s; parsing afresh (the old file is kept as %s)", exc, backup.name)
            fsutil.write_bytes(backup, files.json_bytes)
        else:
            # the person's unsaved Fountain edits are carried over too (refused if they lose lines)
            old = with_pending_edits(old, command=str(story))
            carry_over_edits(script, old.script)
            _report_gone(old.script, script, story)
            files.json_bytes, files.fountain_bytes = old.json_bytes, old.fountain_bytes  # as applied
    save_source_text(prod, script.slug, src.text)
    for note in save_script(files, script, lock):
        log.warning("%s", note)
    return script


def _report_gone(old: Script, new: Script, story: Path) -> None:
    gone = {l.id for l in old.lines()} - {l.id for l in new.lines()}
    edited_gone = [l.id for l in old.lines() if l.id in gone and l.rule == "edited"]
    if gone:
        log.warning(
            "%d lines of the old script are no longer in %s%s",
            len(gone),
            story,
            f" (edited by hand: {', '.join(edited_gone[:8])})" if edited_gone else "",
        )


def _production_cast(prod: Project) -> list[Character] | None:
    """The characters listed in voices/cast.toml, so a production's stories share one cast.

    Only names a person confirmed count: an empty or missing cast lets the parser discover.
    """
    if not prod.cast_path.exists():
        return None
    chars = read_characters(prod.cast_path)
    return chars or None


def _script_paths(story_or_slug: str | Path, prod: Project) -> tuple[Path, Path, str]:
    p = Path(story_or_slug)
    if p.suffix == ".json" and p.exists():
        return p, p.with_suffix(".fountain"), p.stem
    slug = slugify(p.name)
    return prod.script_json(slug), prod.script_fountain(slug), slug


def load_script(
    story_or_slug: str | Path, prod: Project, lock: HeldLock | None = None, *, accept: bool = False
) -> tuple[Script, list[str]]:
    """The production's script for a story (its path, its slug or its script JSON) and its Fountain edits.

    Without `lock` nothing is written: pending Fountain edits are applied in memory only, and
    ones that would lose lines are left out with a warning. With the lock held they are saved.
    """
    json_path, fountain_path, slug = _script_paths(story_or_slug, prod)
    if lock is not None and json_path == prod.script_json(slug):
        return apply_pending(prod, slug, lock, accept=accept, command=str(story_or_slug))
    # (a script JSON outside this production is only read: the lock does not cover it)
    files = open_script(json_path, fountain_path)
    try:
        files = with_pending_edits(files, accept=accept, command=str(story_or_slug))
    except PendingEditsError as exc:
        log.warning("%s (showing the script as last saved)", exc)
    return files.script, [f"{c} (not saved yet)" for c in files.changes]


def script_for(
    story: Path, prod: Project, lock: HeldLock, *, lang: str | None = None
) -> tuple[Script, list[str]]:
    """Use script/<slug>.json when it exists (a person's edits win, saved now), else parse the story.

    When the story itself changed since it was parsed, it is parsed again and the person's
    edits are carried over by line id (lines that are gone are reported).
    """
    slug = slugify(story.name)
    if prod.script_json(slug).exists():
        script, edits = apply_pending(prod, slug, lock, command=str(story))
        if story.suffix == ".json" or not story.exists() or not script.source_hash:
            return script, edits
        if text_hash(read_story(story)) == script.source_hash:
            return script, edits
        log.warning("%s changed since it was parsed: parsing again, keeping your edits by line id", story)
    return parse_into_production(story, prod, lang=lang, lock=lock), []


@dataclass
class BuildResult:
    """What a build did: the script, the cast, render counts, the episodes and timings."""

    script: Script
    cast: Any
    rendered: dict[str, Any]
    episodes: list[Any]
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
    store, takes, lexicon = store_for(prod), read_take_index(prod), read_lexicon(prod)
    with tqdm_progress(enabled=progress) as bar:
        partial = lines_for(script, episodes, scenes)
        lines = voiced_lines(script) if partial is None else partial
        rendered = render_lines(
            lines, cast, store=store, runner=runner, lexicon=lexicon, takes=takes, progress=bar
        )
    credits = credits_to_render(script, rendered, settings)
    if credits:
        rendered.merge(render_lines(credits, cast, store=store, runner=runner, lexicon=lexicon, takes=takes))
    save_take_index(takes)
    record_use(prod, script.slug, rendered, partial=bool(episodes or scenes))
    return rendered


def with_summary_cold_open(script: Script) -> Script:
    """A copy of `script` whose summary paragraph is narrated (it is front matter, unvoiced, by default)."""
    import copy

    from audiodrama.parse import summary_line

    found = summary_line(script)
    if found is None:
        log.warning('%s has no summary paragraph ("Summary: ..."); no cold open', script.source)
        return script
    script = copy.deepcopy(script)
    script.line_by_id(found.id).kind = "narration"
    return script


def lines_for(script: Script, episodes: list[int] | None = None, scenes: list[str] | None = None):
    """The lines to render for a partial build (None = every voiced line)."""
    if not episodes and not scenes:
        return None
    from audiodrama.model import VOICED_KINDS

    return [
        l
        for s in script.scenes
        if (not episodes or s.episode in episodes) and (not scenes or s.id in scenes)
        for l in s.lines
        if l.kind in VOICED_KINDS
    ]
