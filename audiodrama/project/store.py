"""The content-addressed store under audio_out/.cache: one key scheme, atomic puts, one manifest.

A file's key is a sha256 over its kind and the parts that decide its content (for a line: the
speakable text, the voice profile, the delivery and the engine's name and version; for a
recorded take: its bytes and the processing version). Files live at <root>/<kind>/<key><suffix>
and are written to a temporary name in the same folder, then renamed into place, so a killed
build never leaves a truncated file under a real name. The store is plain picklable data, so
render workers (local processes or Dask) write into it directly.

manifest.json records which files each story uses; `prune` deletes what no current story uses
(and files of the old, flat cache layout). Kinds: "line" (synthesised lines, .wav), "take"
(converted recorded takes, .wav), "scene" (each scene's pre-master mix, raw .pcm: see
project.scenecache); arrays (.npy) fit the same API.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audiodrama.project import fsutil
from audiodrama.project.production import Project

MANIFEST = "manifest.json"
MANAGED_KINDS = ("line", "take", "scene")
"""Kinds whose files the manifest accounts for (and prune may delete)."""


def store_key(kind: str, *parts: str) -> str:
    """The key of a file of `kind` whose content is decided by `parts` (hex, 32 characters)."""
    blob = "\x1f".join([kind, *parts])
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


def is_temporary(path: Path) -> bool:
    """True for the temporary names atomic writes use: .<name>.<random>.tmp[<suffix>], .tmp.<ext>."""
    name = path.name
    return name.startswith(".tmp.") or (name.startswith(".") and (".tmp." in name or name.endswith(".tmp")))


def sweep_temporaries(folder: Path) -> int:
    """Delete temporary files a killed build left anywhere under `folder`; how many.

    Call it only while holding the production lock (no other build is writing).
    """
    gone = 0
    if not folder.is_dir():
        return gone
    for path in list(folder.rglob(".*")):
        if path.is_file() and is_temporary(path):
            path.unlink(missing_ok=True)
            gone += 1
        elif path.is_dir() and is_temporary(path):  # a stems folder not yet swapped into place
            shutil.rmtree(path, ignore_errors=True)
            gone += 1
    return gone


@dataclass(frozen=True)
class Store:
    """Files named by content under `root` (a production's audio_out/.cache)."""

    root: Path

    def key(self, kind: str, *parts: str) -> str:
        """See store_key."""
        return store_key(kind, *parts)

    def path_for(self, kind: str, key: str, suffix: str = ".wav") -> Path:
        """Where the file of `kind` and `key` lives (whether or not it exists)."""
        return self.root / kind / f"{key}{suffix}"

    def has(self, kind: str, key: str, suffix: str = ".wav") -> bool:
        return self.path_for(kind, key, suffix).exists()

    @contextmanager
    def writing(self, kind: str, key: str, suffix: str = ".wav") -> Iterator[Path]:
        """Yield a temporary path in the kind's folder; on success it becomes the file in one rename.

        The temporary name ends in .tmp: a writer that picks the format by suffix must be told it.
        """
        target = self.path_for(kind, key, suffix)
        target.parent.mkdir(parents=True, exist_ok=True)
        # No file suffix on the temporary name: a glob for finished files (*.wav) never sees it.
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            # Created with O_EXCL and mode 0666 (less the umask): the usual permissions, no umask flip.
            os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
            yield tmp
            os.replace(tmp, target)
        except BaseException as exc:
            tmp.unlink(missing_ok=True)
            if fsutil.is_disk_full(exc):
                raise fsutil.write_error(target, exc) from None
            raise

    def put_bytes(self, kind: str, key: str, suffix: str, data: bytes) -> Path:
        """Store `data` atomically; its path."""
        with self.writing(kind, key, suffix) as tmp:
            tmp.write_bytes(data)
        return self.path_for(kind, key, suffix)

    def put_file(self, kind: str, key: str, suffix: str, source: Path) -> Path:
        """Store a copy of the file `source` atomically; its path."""
        with self.writing(kind, key, suffix) as tmp:
            shutil.copyfile(source, tmp)
        return self.path_for(kind, key, suffix)

    def put_array(self, kind: str, key: str, array: np.ndarray) -> Path:
        """Store a numpy array as .npy atomically; its path."""
        with self.writing(kind, key, ".npy") as tmp, open(tmp, "wb") as f:
            np.save(f, array, allow_pickle=False)
        return self.path_for(kind, key, ".npy")

    def get_array(self, kind: str, key: str) -> np.ndarray | None:
        """The stored array, or None when there is none (or it cannot be read)."""
        try:
            return np.load(self.path_for(kind, key, ".npy"), allow_pickle=False)
        except (OSError, ValueError):
            return None

    def files(self, kind: str) -> list[Path]:
        """The finished files of one kind."""
        folder = self.root / kind
        return [p for p in folder.iterdir() if p.is_file() and not is_temporary(p)] if folder.is_dir() else []

    # --- the manifest: which files each story uses -------------------------------------------

    def _manifest(self) -> dict[str, list[str]]:
        try:
            data = json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def record_use(
        self, story: str, paths: Iterable[Path], *, partial: bool, kinds: Iterable[str] = ("line", "take")
    ) -> None:
        """Remember which store files of `kinds` `story` uses (merged with the old list for a
        partial build); its files of other kinds stay recorded as they were."""
        prefix = f"{self.root}{os.sep}"  # string prefixes: a build records hundreds of paths
        names = {str(p)[len(prefix) :] for p in map(str, paths) if p.startswith(prefix)}
        manifest = self._manifest()
        mine = tuple(f"{k}{os.sep}" for k in kinds)
        names |= {n for n in manifest.get(story, []) if partial or not n.startswith(mine)}
        manifest[story] = sorted(names)
        self.root.mkdir(parents=True, exist_ok=True)
        self.put_text(MANIFEST, json.dumps(manifest, indent=0, sort_keys=True))

    def put_text(self, name: str, text: str) -> None:
        """Write a file at the store's top level atomically (the manifest)."""
        target = self.root / name
        tmp = target.with_name(f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)

    def used(self, stories: Iterable[str]) -> set[Path]:
        """The files the manifest lists for `stories`."""
        manifest = self._manifest()
        return {self.root / name for story in stories for name in manifest.get(story, [])}

    def recorded_stories(self) -> list[str]:
        """Stories the manifest knows."""
        return sorted(self._manifest())

    def managed_files(self) -> list[Path]:
        """Every line and take file, plus files of the old flat layout (<root>/*.wav)."""
        old = [p for p in self.root.glob("*.wav") if not is_temporary(p)] if self.root.is_dir() else []
        return [f for kind in MANAGED_KINDS for f in self.files(kind)] + old

    def unused(self, live_stories: Iterable[str]) -> list[Path]:
        """Managed files that no story in `live_stories` uses."""
        used = self.used(live_stories)
        return [f for f in self.managed_files() if f not in used]


def store_for(prod: Project) -> Store:
    """The production's store (audio_out/.cache)."""
    return Store(prod.cache_dir)


# --- `audiodrama cache [--prune]` ------------------------------------------------------------


@dataclass
class CacheReport:
    """Size of the store and how much of it no script uses."""

    files: int
    bytes: int
    unused_files: int
    unused_bytes: int
    stories: list[str]
    mix_files: int = 0
    """Scene mixes kept so an edit re-mixes only its scene (counted in `files` too)."""
    mix_bytes: int = 0

    def __str__(self) -> str:
        def mb(b: int) -> str:
            return f"{b / 2**20:.1f} MB"

        return (
            f"{self.files} rendered lines, {mb(self.bytes)}; used by {', '.join(self.stories) or 'no story'}; "
            f"{self.unused_files} files ({mb(self.unused_bytes)}) used by no current script; "
            f"{self.mix_files} scene mixes, {mb(self.mix_bytes)}"
        )


def _live_stories(prod: Project, store: Store) -> list[str]:
    """Stories the manifest knows whose script is still in script/."""
    return [s for s in store.recorded_stories() if prod.script_json(s).exists()]


def _old_scene_mixes(prod: Project) -> list[Path]:
    """Scene mixes of the old per-story layout (audio_out/.cache/mix/<story>/): no longer read."""
    root = prod.cache_dir / "mix"
    return [f for f in root.rglob("*") if f.is_file()] if root.is_dir() else []


def _size(files: Iterable[Path]) -> int:
    return sum(f.stat().st_size for f in files if f.exists())


def report(prod: Project) -> CacheReport:
    """What the store holds and how much of it no current script uses."""
    store = store_for(prod)
    stories = _live_stories(prod, store)
    files = store.managed_files()
    # No live story known: nothing can be called unused.
    unused = (store.unused(stories) if stories else []) + _old_scene_mixes(prod)
    mixes = store.files("scene")
    return CacheReport(
        len(files), _size(files), len(unused), _size(unused), stories, len(mixes), _size(mixes)
    )


def prune(prod: Project) -> CacheReport:
    """Delete store files no current script uses, and scene mixes of removed stories; what went."""
    store = store_for(prod)
    stories = _live_stories(prod, store)
    gone = (store.unused(stories) if stories else []) + _old_scene_mixes(prod)
    size = _size(gone)
    for f in gone:
        f.unlink(missing_ok=True)
    return CacheReport(len(gone), size, 0, 0, stories)
