"""Open a production and load its cast script (what `audiodrama parse STORY` does)."""

from __future__ import annotations

from pathlib import Path

from audiodrama.model import Script
from audiodrama.pipeline.parsing import script_for
from audiodrama.project.lock import production_lock
from audiodrama.project.production import Project, init_production


def open_production(root: str | Path = "..") -> Project:
    """The production folder `root` (a folder with audiodrama.toml; created if missing).

    Its folders are made when missing; existing files are kept (project.init_production).
    """
    return init_production(Path(root).expanduser().resolve())


def load_script(story: str | Path, prod: Project) -> Script:
    """script/<slug>.json when it exists (your edits win), else the story parsed and saved.

    Same as `audiodrama parse STORY` the first time; later it loads what you edited.
    """
    with production_lock(prod) as lock:
        script, edits = script_for(Path(story), prod, lock)
    for message in edits:
        print(f"from {prod.script_fountain(script.slug).name}: {message}")
    return script
