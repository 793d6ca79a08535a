"""A story's output files under audio_out/<story>/: written atomically, each checked to be inside the production.

The mix stage returns typed values (timelines, samples); this module turns them into the WAV
(fed while mastering), timeline JSON, WebVTT, stems, labels, MP3/Opus/M4B and the build
manifests that let an unchanged episode be kept. Every file goes through fsutil.atomic_path:
a temporary `.<name>.<random>.tmp.<ext>` beside it, renamed once complete.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from audiodrama.audio import export
from audiodrama.audio.scenekey import file_stamp
from audiodrama.errors import ProductionError
from audiodrama.project import fsutil
from audiodrama.project.production import Project
from audiodrama.results import EpisodeResult

#: The mode and profile whose files keep the plain names (<slug>-eNN.mp3): what existing users have.
DEFAULT_MODE, DEFAULT_PROFILE = "drama", "podcast"
#: What a profile adds to a file name ("none" reads badly in one).
_PROFILE_NAMES = {"none": "unmastered"}
#: An episode's files that only some builds write: a re-mix without them drops the old ones.
OPTIONAL_OUTPUTS = ("wav", "mp3", "opus")


def variant(mode: str, profile: str) -> str:
    """What a (mode, profile) adds to its files' names: "" for drama/podcast, else "-audiobook",
    "-acx", "-audiobook-acx", "-unmastered"..."""
    parts = [mode] if mode != DEFAULT_MODE else []
    if profile != DEFAULT_PROFILE:
        parts.append(_PROFILE_NAMES.get(profile, profile))
    return "".join(f"-{p}" for p in parts)


def episode_stem(slug: str, number: int, mode: str, profile: str, scenes: Sequence[str] = ()) -> str:
    """<slug>-eNN<variant>[-<scene ids>]: the name every file of one episode starts with."""
    return f"{slug}-e{number:02d}{variant(mode, profile)}" + (f"-{'-'.join(scenes)}" if scenes else "")


class WavSink:
    """Writes int16 blocks of shape (n, channels) to a WAV file; the file appears on close."""

    def __init__(self, path: Path, sr: int, channels: int):
        self.path = path
        self._ctx = fsutil.atomic_path(path)
        tmp = self._ctx.__enter__()
        try:
            self._f = sf.SoundFile(
                str(tmp), "w", samplerate=sr, channels=channels, subtype="PCM_16", format="WAV"
            )
        except sf.LibsndfileError as exc:
            self._ctx.__exit__(RuntimeError, RuntimeError("aborted"), None)
            raise fsutil.write_error(path, exc) from None

    def write(self, block: np.ndarray) -> None:
        # libsndfile reports a full disk as "System error.", not as an OSError
        try:
            self._f.write(block)
        except sf.LibsndfileError as exc:
            raise fsutil.write_error(self.path, exc) from None

    def close(self) -> None:
        try:
            self._f.close()  # writes the header: may find the disk full too
        except sf.LibsndfileError as exc:
            self._ctx.__exit__(RuntimeError, RuntimeError("aborted"), None)
            raise fsutil.write_error(self.path, exc) from None
        self._ctx.__exit__(None, None, None)

    def abort(self) -> None:
        try:
            self._f.close()
        except (sf.LibsndfileError, OSError):
            pass  # the file is deleted anyway
        finally:
            self._ctx.__exit__(RuntimeError, RuntimeError("aborted"), None)


class EpisodeOutputs:
    """The files of one story's episodes, in prod.episode_dir(slug)."""

    def __init__(self, prod: Project, slug: str):
        self.root = prod.root.resolve()
        self.folder = self.inside(prod.episode_dir(slug))

    def inside(self, path: Path) -> Path:
        """`path`, after checking it lies inside the production (a slug or stem cannot climb out)."""
        full = Path(path).resolve()
        if full != self.root and self.root not in full.parents:
            raise ProductionError("is outside the production folder; use a plain story name", path)
        return Path(path)

    def path(self, name: str) -> Path:
        """The output `name` in this story's folder."""
        return self.inside(self.folder / name)

    def temp_wav(self, stem: str) -> Path:
        """Where a WAV only the encoders read is kept until the build ends (swept as `*.tmp*`)."""
        return self.path(f".{stem}.tmp.wav")

    @contextmanager
    def wav_sink(self, path: Path, sr: int, channels: int) -> Iterator[WavSink]:
        """A WavSink for `path`, removed if the block fails (master_stream closes it on success)."""
        sink = WavSink(self.inside(path), sr, channels)
        try:
            yield sink
        except BaseException:
            sink.abort()
            raise

    def write_text(self, name: str, text: str) -> Path:
        path = self.path(name)
        fsutil.write_text(path, text)
        return path

    def write_json(self, name: str, data: Any) -> Path:
        return self.write_text(name, json.dumps(data, indent=1, ensure_ascii=False) + "\n")

    def write_stems(self, stem: str, tracks: Iterable[tuple[str, np.ndarray]], sr: int) -> dict[str, Path]:
        """Write (name, samples) tracks as 32-bit float WAVs in <stem>.stems/, one at a time.

        Each track has the mix's channels (stereo: panned as in the mix, so the stems add up to
        it); float so that peaks the master's limiter would have caught do not clip here. The tracks go to a
        temporary folder that replaces <stem>.stems/ once complete: no stem of an earlier mix (a
        character since cut) is left among them.
        """
        final = self.path(f"{stem}.stems")
        work = Path(tempfile.mkdtemp(prefix=f".{stem}.stems.", suffix=".tmp", dir=self.folder))
        names = {}
        try:
            for name, samples in tracks:
                file = re.sub(r"[^\w.-]+", "_", name) + ".wav"
                try:
                    sf.write(str(work / file), samples, sr, subtype="FLOAT", format="WAV")
                except sf.LibsndfileError as exc:
                    raise fsutil.write_error(final / file, exc) from None
                names[name] = file
                del samples
            # mkdtemp makes a private folder: give it a folder's usual mode (searchable where readable)
            os.chmod(work, fsutil.FILE_MODE | (fsutil.FILE_MODE & 0o444) >> 2)
            self._replace_dir(work, final)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return {name: final / file for name, file in names.items()}

    def _replace_dir(self, new: Path, final: Path) -> None:
        """Put folder `new` at `final`, the old one moved aside first and deleted after."""
        old = None
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".old.tmp", dir=self.folder))
            os.replace(final, old / final.name)
        os.replace(new, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def drop_stale(self, stem: str, formats: Sequence[str]) -> None:
        """Before <stem> is mixed again: remove its files this build will not write again (a format
        no longer chosen) and its stems and labels (written again after the mix if asked for), so
        none of them is ever left beside a different episode."""
        names = [f"{stem}.{ext}" for ext in OPTIONAL_OUTPUTS if ext not in formats]
        for name in [*names, f"{stem}.labels.txt"]:
            self.path(name).unlink(missing_ok=True)
        shutil.rmtree(self.path(f"{stem}.stems"), ignore_errors=True)

    def drop_episodes_except(self, slug: str, suffix: str, numbers: Iterable[int]) -> list[Path]:
        """After a full build: remove every file of episodes of this variant (`suffix`, see
        variant()) that the story no longer has, so no feed or player finds an old episode."""
        keep = set(numbers)
        pattern = re.compile(rf"\.?{re.escape(slug)}-e(\d+){re.escape(suffix)}\..+")
        gone = []
        for entry in sorted(self.folder.iterdir()) if self.folder.is_dir() else []:
            m = pattern.fullmatch(entry.name)
            if m and int(m.group(1)) not in keep and ".tmp" not in entry.name:
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
                gone.append(entry)
        return gone

    def encode_mp3(self, wav: Path, stem: str, bitrate: str, **tags: Any) -> Path:
        """<stem>.mp3 from `wav`, constant bitrate, tagged (title, album, chapters... see export.tag_mp3)."""
        target = self.path(f"{stem}.mp3")
        cover = tags.pop("cover", None)
        if cover is not None and cover.exists():  # the image handed to the tagger as bytes
            tags["cover"] = (
                cover.read_bytes(),
                "image/png" if cover.suffix.lower() == ".png" else "image/jpeg",
            )
        with fsutil.atomic_path(target) as tmp:
            export.encode_mp3(wav, tmp, bitrate)
            export.tag_mp3(tmp, **tags)
        return target

    def encode_opus(self, wav: Path, stem: str, meta: str, chapters: export.Chapters) -> Path:
        """<stem>.opus from `wav`, with the tags in `meta` and chapter comments."""
        target = self.path(f"{stem}.opus")
        with fsutil.atomic_path(target) as tmp:
            export.encode_with_chapters([wav], tmp, export.OPUS, meta)
            export.ogg_chapters(tmp, chapters)  # ffmpeg 5.1 writes wrong chapter times into Ogg
        return target

    def write_m4b(
        self,
        slug: str,
        wavs: Sequence[Path],
        timelines: Sequence[Path],
        *,
        title: str,
        author: str,
        cover: Path | None,
    ) -> Path:
        """<slug>.m4b of the episodes' WAVs, a chapter per scene (offset by the episodes before)."""
        chapters, offset = [], 0.0
        for wav, timeline in zip(wavs, timelines):
            dur = sf.info(str(wav)).duration
            for s in json.loads(timeline.read_text(encoding="utf-8"))["scenes"]:
                chapters.append((s["title"], offset + s["start"], offset + min(s["end"], dur)))
            offset += dur
        target = self.path(f"{slug}.m4b")
        meta = export.ffmetadata(title, title, author, None, chapters)
        with fsutil.atomic_path(target) as tmp:
            export.encode_with_chapters(
                wavs, tmp, export.M4B, meta, cover if cover and cover.exists() else None
            )
        return target

    # ------------------------------------------------------------ build manifests

    def _manifest(self, stem: str) -> Path:
        return self.path(f".{stem}.build.json")

    def forget(self, stem: str) -> None:
        """Drop <stem>'s manifest: written again once every file of this build is there."""
        self._manifest(stem).unlink(missing_ok=True)

    def kept(self, stem: str, key: str) -> tuple[EpisodeResult, list[str]] | None:
        """The episode as the last build wrote it (and its scene keys), if its key is the same
        and its files are untouched."""
        try:
            data = json.loads(self._manifest(stem).read_text(encoding="utf-8"))
            if data.get("key") != key or any(file_stamp(Path(p)) != st for p, st in data["files"].items()):
                return None
            r = data["result"]
            path = lambda k: Path(r[k]) if r.get(k) else None
            result = EpisodeResult(
                r["episode"],
                path("wav"),
                path("mp3"),
                Path(r["timeline"]),
                path("transcript"),
                r["duration"],
                r["lufs"],
                r["true_peak"],
                opus=path("opus"),
                figures=r["figures"],
                scenes=r.get("scenes"),
                scenes_mixed=0,
                scenes_reused=r.get("n_scenes", 0),
            )
            return result, list(r.get("scene_keys", []))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def remember(self, stem: str, key: str, r: EpisodeResult, n_scenes: int, scene_keys: list[str]) -> None:
        """Record what this build wrote for an episode, so that an unchanged rebuild can keep it."""
        files = [p for p in (r.wav, r.mp3, r.opus, r.timeline, r.transcript) if p]
        result = {
            "episode": r.episode,
            **{k: str(getattr(r, k) or "") for k in ("wav", "mp3", "opus", "timeline", "transcript")},
            "duration": r.duration,
            "lufs": r.lufs,
            "true_peak": r.true_peak,
            "figures": r.figures,
            "scenes": r.scenes,
            "n_scenes": n_scenes,
            "scene_keys": scene_keys,
        }
        data = {"key": key, "files": {str(p): file_stamp(p) for p in files}, "result": result}
        fsutil.write_text(self._manifest(stem), json.dumps(data, indent=1) + "\n")
