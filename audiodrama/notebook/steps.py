"""The pipeline's steps as a notebook calls them: cast, audition, render and mix (one call each)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from audiodrama.model import NARRATOR, Script
from audiodrama.notebook.players import audition_row, auditions_table, play
from audiodrama.notebook.progress import widget_progress
from audiodrama.pipeline.audition import render_audition
from audiodrama.pipeline.build import BuildResult, voice_and_mix
from audiodrama.pipeline.voicing import cast_script, render_script
from audiodrama.project.production import Project
from audiodrama.render.plan import RenderedLine, RenderResult
from audiodrama.voices.alternatives import cast_with, engine_alternatives
from audiodrama.voices.cast import Cast
from audiodrama.voices.casting import main_characters
from audiodrama.voices.engines.registry import installed_neural


def cast_voices(script: Script, prod: Project) -> Cast:
    """voices/cast.toml for the script: existing profiles kept, new characters auto-cast.

    Same as `audiodrama cast STORY`; prints the casting warnings.
    """
    cast = cast_script(script, prod)
    for w in cast.warnings:
        print("warning:", w)
    return cast


def audition(
    script: Script | None, cast: Cast, prod: Project, name: str, text: str | None = None
) -> RenderedLine:
    """Render a sample of one voice (the character's first line, or `text`); the RenderedLine.

    What `audiodrama audition NAME ["TEXT"]` renders (it also copies it to audio_out/auditions/).
    """
    return render_audition(script, cast, prod, name, text).rendered


def auditions(
    script: Script, cast: Cast, prod: Project, names: Iterable[str] | None = None, text: str | None = None
):
    """An HTML table with an audition player for each name (default: narrator + main characters)."""
    # IPython is there in a notebook only
    from IPython.display import HTML

    rows = []
    for name in list(names) if names is not None else [NARRATOR, *main_characters(script)]:
        sample = render_audition(script, cast, prod, name, text)
        rows.append(audition_row(name, sample.profile, play(sample.path), sample.rendered.text))
    return HTML(auditions_table(rows))


def engine_auditions(
    script: Script, cast: Cast, prod: Project, name: str = NARRATOR, text: str | None = None
):
    """An HTML table playing one voice's line by each installed engine (espeak-ng, hibari, piper).

    The cast file is not changed; `audiodrama audition NAME` after setting `engine` and `voice`
    in voices/cast.toml renders the same.
    """
    # IPython is there in a notebook only
    from IPython.display import HTML

    resolved = cast.resolve(name)
    rows = []
    for engine, profile in engine_alternatives(cast.profile_of(resolved), installed_neural()).items():
        sample = render_audition(script, cast_with(cast, resolved, profile), prod, resolved, text)
        rows.append(audition_row(f"{resolved} ({engine})", profile, play(sample.path), sample.rendered.text))
    return HTML(auditions_table(rows))


def render_lines(script: Script, cast: Cast, prod: Project, **options: Any) -> RenderResult:
    """render_script with a notebook progress bar; prints and returns the RenderResult.

    Same as `audiodrama render STORY`: only lines whose text, voice or delivery changed are synthesised.
    """
    if options.pop("progress", True):
        with widget_progress() as progress:
            result = render_script(script, cast, prod, progress=progress, **options)
    else:
        result = render_script(script, cast, prod, progress=False, **options)
    for w in result.warnings:
        print("warning:", w)
    return result


def mix_episode(script: Script, prod: Project, **options: Any) -> BuildResult:
    """voice_and_mix (cast, render what is missing, mix, master, export) with a notebook bar.

    Same as `audiodrama mix STORY` after `audiodrama render STORY`; returns the BuildResult.
    The mix stage takes no progress callback (yet): its own bars are off, and one widget bar
    moves when the build is done.
    """
    if not options.pop("progress", True):
        return voice_and_mix(script, prod, progress=False, **options)
    with widget_progress("mix") as progress:
        progress(0, 1)
        result = voice_and_mix(script, prod, progress=False, **options)
        progress(1, 1)
    return result
