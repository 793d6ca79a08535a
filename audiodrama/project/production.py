"""A production folder: where a story's script, cast, recordings and episodes live."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from audiodrama.project import fsutil
from audiodrama.errors import ProductionError
from audiodrama.settings import DEFAULT_SETTINGS_TOML, Settings, load_settings

SETTINGS_FILE = "audiodrama.toml"


def slugify(name: str) -> str:
    """A file-name-safe stem: 'My Story (v2).txt' -> 'my-story-v2'."""
    stem = re.sub(r"[^\w]+", "-", Path(name).stem.lower(), flags=re.UNICODE).strip("-")
    return stem or "story"


@dataclass(frozen=True)
class Project:
    """Paths of one production (a story or a series sharing a cast)."""

    root: Path

    @property
    def settings_path(self) -> Path:
        return self.root / SETTINGS_FILE

    @property
    def script_dir(self) -> Path:
        return self.root / "script"

    @property
    def voices_dir(self) -> Path:
        return self.root / "voices"

    @property
    def cast_path(self) -> Path:
        return self.voices_dir / "cast.toml"

    @property
    def lexicon_path(self) -> Path:
        return self.voices_dir / "lexicon.toml"

    @property
    def recorded_dir(self) -> Path:
        return self.voices_dir / "recorded"

    @property
    def out_dir(self) -> Path:
        return self.root / "audio_out"

    @property
    def cache_dir(self) -> Path:
        return self.out_dir / ".cache"

    def script_json(self, slug: str) -> Path:
        return self.script_dir / f"{slug}.json"

    def script_fountain(self, slug: str) -> Path:
        return self.script_dir / f"{slug}.fountain"

    def episode_dir(self, slug: str) -> Path:
        return self.out_dir / slug

    def settings(self) -> Settings:
        return load_settings(self.settings_path)


def find_production(start: Path | None = None) -> Project:
    """The production containing `start` (default: cwd): the nearest folder with audiodrama.toml.

    Falls back to `start` itself so that a bare folder works as a production.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).exists():
            return Project(folder)
    return Project(here)


def init_production(root: Path) -> Project:
    """Create an empty production with the standard layout; existing files are kept."""
    if root.exists() and not root.is_dir():
        raise ProductionError("exists and is not a folder; choose another path", root)
    prod = Project(root)
    for d in (prod.script_dir, prod.recorded_dir, prod.out_dir):
        d.mkdir(parents=True, exist_ok=True)
    if not prod.settings_path.exists():
        fsutil.write_text(prod.settings_path, DEFAULT_SETTINGS_TOML)
    gitignore = root / ".gitignore"
    if not gitignore.exists():
        fsutil.write_text(gitignore, "audio_out/\n")
    for keep in (prod.script_dir / ".gitkeep", prod.recorded_dir / ".gitkeep"):
        if not keep.exists():
            keep.touch()
    return prod
