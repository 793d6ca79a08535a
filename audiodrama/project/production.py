"""A production folder: where a story's script, cast, recordings and episodes live."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from audiodrama.errors import ProductionError, SettingsError
from audiodrama.project import fsutil
from audiodrama.script.jsonform import is_safe_slug
from audiodrama.settings import Settings, default_settings_toml, settings_from_dict

SETTINGS_FILE = "audiodrama.toml"


def slugify(name: str) -> str:
    """A file-name-safe stem: 'My Story (v2).txt' -> 'my-story-v2'."""
    stem = re.sub(r"[^\w]+", "-", Path(name).stem.lower(), flags=re.UNICODE).strip("-")
    return stem[:100] or "story"


def load_settings(path: Path) -> Settings:
    """Read audiodrama.toml; a missing file means all defaults."""
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(
            f"not valid TOML ({exc}); fix the syntax or delete the file for defaults", path
        ) from None
    return settings_from_dict(data, path)


@dataclass(frozen=True)
class Project:
    """Paths of one production (a story or a series sharing a cast), and its settings."""

    root: Path

    @classmethod
    def open(cls, root: str | Path = ".") -> Project:
        """The production at `root`, created with the standard layout when it has no audiodrama.toml."""
        path = Path(root).expanduser().resolve()
        if not (path / SETTINGS_FILE).exists():
            return init_production(path)
        return cls(path)

    def __str__(self) -> str:
        return f"production {self.root}"

    @cached_property
    def settings(self) -> Settings:
        """audiodrama.toml, read once per Project (a command; a watch makes one per rebuild)."""
        return load_settings(self.settings_path)

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

    def _story_path(self, folder: Path, slug: str, suffix: str = "") -> Path:
        """folder/<slug><suffix>, refused unless the slug is a plain file name inside the production."""
        if not is_safe_slug(slug):
            raise ProductionError(
                f"story name {slug[:40]!r} is not a safe file name (letters, digits, _ and - only); "
                "fix the script's slug",
                self.root,
            )
        return folder / f"{slug}{suffix}"

    def script_json(self, slug: str) -> Path:
        return self._story_path(self.script_dir, slug, ".json")

    def script_fountain(self, slug: str) -> Path:
        return self._story_path(self.script_dir, slug, ".fountain")

    def episode_dir(self, slug: str) -> Path:
        return self._story_path(self.out_dir, slug)


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
        fsutil.write_text(prod.settings_path, default_settings_toml())
    gitignore = root / ".gitignore"
    if not gitignore.exists():
        fsutil.write_text(gitignore, "audio_out/\n")
    for keep in (prod.script_dir / ".gitkeep", prod.recorded_dir / ".gitkeep"):
        if not keep.exists():
            keep.touch()
    return prod
