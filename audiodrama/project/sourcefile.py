"""The plain text of a production's story, saved beside its script (script/<slug>.txt)."""

from __future__ import annotations

from pathlib import Path

from audiodrama.project import fsutil
from audiodrama.project.production import Project


def source_text_path(prod: Project, slug: str) -> Path:
    """Where the plain text of a production's story is saved: script/<slug>.txt."""
    return Path(prod.script_dir) / f"{slug}.txt"


def save_source_text(prod: Project, slug: str, text: str) -> Path:
    """Write the plain text beside the script (atomically, only when it changed)."""
    target = source_text_path(prod, slug)
    if not (target.exists() and target.read_text(encoding="utf-8") == text):
        fsutil.write_text(target, text)
    return target
