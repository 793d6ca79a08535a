"""The only orchestrator: load from the project -> run a pure stage -> save to the project.

The five calls a notebook or the CLI makes, each of which writes under the production lock:

    script = parse(story, project)                 script/<slug>.json + .fountain
    cast_ = cast(script, project)                  voices/cast.toml (auto-cast; a person's edits win)
    rendered = render(script, cast_, project)      every line's audio, into the store
    episodes = mix(script, rendered, project)      audio_out/<slug>/ episodes, timeline, transcript
    result = build(story, project)                 all of the above, reusing what is there
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from audiodrama.model import NARRATOR, Line, Script
from audiodrama.pipeline.build import BuildResult, build, lines_for
from audiodrama.pipeline.mixing import mix_script
from audiodrama.pipeline.parsing import parse_into_production
from audiodrama.pipeline.voicing import cast_script, render_script
from audiodrama.project.lock import production_lock
from audiodrama.project.production import Project
from audiodrama.render.plan import RenderResult
from audiodrama.results import EpisodeResult
from audiodrama.voices.cast import Cast

__all__ = ["BuildResult", "build", "cast", "mix", "parse", "render"]


def parse(
    story: str | Path, project: Project, *, cast_file: Path | None = None, lang: str | None = None
) -> Script:
    """Parse a story into the production's script (a person's edits of an earlier parse are kept)."""
    return parse_into_production(Path(story), project, cast_file=cast_file, lang=lang)


def cast(script: Script, project: Project) -> Cast:
    """Voice profiles for every character of `script`: voices/cast.toml read, completed, saved."""
    with production_lock(project):
        return cast_script(script, project)


def render(
    script: Script,
    cast: Cast,
    project: Project,
    *,
    lines: list[Line] | None = None,
    episodes: list[int] | None = None,
    **options: Any,
) -> RenderResult:
    """Every voiced line (or `lines`, or those of `episodes`) rendered into the store, reusing it.

    Options: workers, scheduler, progress (a callback or a bool), engine.
    """
    with production_lock(project):
        chosen = lines if lines is not None else lines_for(script, episodes)
        return render_script(script, cast, project, lines=chosen, **options)


def mix(
    script: Script, rendered: Mapping[str, Any], project: Project, cast: Cast | None = None, **options: Any
) -> list[EpisodeResult]:
    """Mix, master and export the episodes of `script` from its rendered lines.

    Options: episodes, scenes, mode, profile, formats, stems, episode_minutes, progress.
    """
    voices = {NARRATOR: cast.narrator, **cast.characters} if cast is not None else None
    with production_lock(project):
        return mix_script(script, rendered, project, project.settings, voices=voices, **options)
