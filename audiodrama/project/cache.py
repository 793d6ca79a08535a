"""The render cache: which files each story's script uses, its size, and pruning what none uses.

Each build records the cache files its story's lines were voiced from in
audio_out/.cache/used/<slug>.json. Pruning deletes cache WAVs that no manifest of a story
still in script/ names, and the scene mixes (audio_out/.cache/mix/<slug>/, see project.scenecache) of
stories no longer in script/ (a full build already drops a live story's stale scene mixes).
Recorded takes live in voices/recorded/ and are never touched.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from audiodrama.project import fsutil
from audiodrama.project.production import Project


def _manifest(prod: Project, slug: str) -> Path:
    return prod.cache_dir / "used" / f"{slug}.json"


def record_use(prod: Project, slug: str, rendered: Mapping[str, object], *, partial: bool) -> None:
    """Remember which cache files `slug` uses (merged with the old list for a partial build)."""
    names = {
        Path(r.path).name
        for r in rendered.values()  # type: ignore[attr-defined]
        if Path(r.path).parent == prod.cache_dir
    }  # type: ignore[attr-defined]
    path = _manifest(prod, slug)
    if partial and path.exists():
        try:
            names |= set(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            pass
    fsutil.write_text(path, json.dumps(sorted(names), indent=0))


@dataclass
class CacheReport:
    """Size of the cache and how much of it no script uses."""

    files: int
    bytes: int
    unused_files: int
    unused_bytes: int
    stories: list[str]
    mix_files: int = 0
    """Scene mixes kept so an edit re-mixes only its scene."""
    mix_bytes: int = 0

    def __str__(self) -> str:
        mb = lambda b: f"{b / 2**20:.1f} MB"
        return (
            f"{self.files} rendered lines, {mb(self.bytes)}; used by {', '.join(self.stories) or 'no story'}; "
            f"{self.unused_files} files ({mb(self.unused_bytes)}) used by no current script; "
            f"{self.mix_files} scene mixes, {mb(self.mix_bytes)}"
        )


def _used(prod: Project) -> tuple[set[str], list[str]]:
    used: set[str] = set()
    stories = []
    for manifest in sorted((prod.cache_dir / "used").glob("*.json")):
        if not prod.script_json(manifest.stem).exists():
            continue  # the story's script was removed: its lines are no longer needed
        try:
            used |= set(json.loads(manifest.read_text(encoding="utf-8")))
            stories.append(manifest.stem)
        except (OSError, ValueError):
            return set(), []  # cannot tell what is used: report everything as used
    return used, stories


def _wavs(prod: Project) -> Iterable[Path]:
    return prod.cache_dir.glob("*.wav") if prod.cache_dir.exists() else []


def _scene_mixes(prod: Project, orphans_only: bool) -> list[Path]:
    """Scene-mix files; with `orphans_only`, those of stories whose script is gone."""
    from audiodrama.project.scenecache import scene_cache_dir  # pydub: not needed by the rest of this module

    root = scene_cache_dir(prod.cache_dir)
    if not root.is_dir():
        return []
    return [
        f
        for folder in root.iterdir()
        if folder.is_dir() and not (orphans_only and prod.script_json(folder.name).exists())
        for f in [*folder.glob("*.pcm"), *folder.glob("*.npy")]
    ]


def report(prod: Project) -> CacheReport:
    used, stories = _used(prod)
    files = list(_wavs(prod))
    unused = [f for f in files if stories and f.name not in used]
    mixes = _scene_mixes(prod, orphans_only=False)
    return CacheReport(
        len(files),
        sum(f.stat().st_size for f in files),
        len(unused),
        sum(f.stat().st_size for f in unused),
        stories,
        len(mixes),
        sum(f.stat().st_size for f in mixes),
    )


def prune(prod: Project) -> CacheReport:
    """Delete cache files that no current script uses; returns what was deleted."""
    used, stories = _used(prod)
    gone = [f for f in _wavs(prod) if stories and f.name not in used]
    gone += _scene_mixes(prod, orphans_only=True)
    size = 0
    for f in gone:
        size += f.stat().st_size
        f.unlink(missing_ok=True)
    return CacheReport(len(gone), size, 0, 0, stories)
