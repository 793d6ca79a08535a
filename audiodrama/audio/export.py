"""Encoding: MP3 / Opus / M4B by ffmpeg from a finished WAV, ID3 and Ogg tags, chapters.

Every function writes only the `target` path its caller hands it (the project layer hands a
temporary path beside the output and renames it once complete); every ffmpeg runs through
procs.run, so it dies with the build. Nothing user-controlled reaches an ffmpeg list file:
the M4B joins its WAVs with the concat filter over plain `-i` arguments.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mutagen.id3 import APIC, CHAP, CTOC, ID3, TALB, TCON, TDRC, TIT2, TPE1, TRCK, CTOCFlags
from mutagen.id3._tags import save_frame
from mutagen.oggopus import OggOpus

from audiodrama import procs
from audiodrama.errors import AudiodramaError

Chapters = Sequence[tuple[str, float, float]]
"""(title, start s, end s) per chapter."""


def tag_mp3(
    path: Path,
    *,
    title: str,
    album: str,
    artist: str,
    track: int,
    total: int | None,
    chapters: Chapters,
    cover: tuple[bytes, str] | None = None,
    year: str | None = None,
) -> None:
    """ID3v2.4 tags on an MP3: title, album, artist (none when ""), track, cover, and CHAP/CTOC
    frames per chapter.

    `chapters` = [(title, start_s, end_s)]. Saved into `path` (the caller's temporary file).
    """
    tags = ChapterOrderID3()
    tags.add(TIT2(encoding=3, text=title))
    tags.add(TALB(encoding=3, text=album))
    if artist:  # the story's author; no artist frame rather than a made-up one
        tags.add(TPE1(encoding=3, text=artist))
    tags.add(TRCK(encoding=3, text=f"{track}/{total}" if total else str(track)))
    tags.add(TCON(encoding=3, text="Audio Drama"))
    if year:
        tags.add(TDRC(encoding=3, text=year))
    if cover:
        data, mime = cover
        tags.add(APIC(encoding=3, mime=mime, type=3, desc="Cover", data=data))
    ids = [f"ch{k}" for k in range(len(chapters))]
    if chapters:
        tags.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=3, text=album)],
            )
        )
        for cid, (ctitle, start, end) in zip(ids, chapters):
            tags.add(
                CHAP(
                    element_id=cid,
                    start_time=round(start * 1000),
                    end_time=round(end * 1000),
                    sub_frames=[TIT2(encoding=3, text=ctitle)],
                )
            )
    tags.save(str(path), v2_version=4)


class ChapterOrderID3(ID3):
    """ID3 that writes CHAP frames in time order (mutagen sorts frames by size), so that
    tools listing frames in file order (ffprobe) show the chapters in order."""

    def _write(self, config: Any) -> bytes:  # mirrors mutagen's ID3Tags._write
        order = ["TIT2", "TPE1", "TRCK", "TALB", "TPOS", "TDRC", "TCON", "CTOC", "CHAP"]
        framedata = [(f, save_frame(f, config=config)) for f in self.values()]

        def key(item: tuple[int, tuple[Any, bytes]]) -> tuple[int, Any, Any]:
            i, (frame, data) = item
            prio = (
                order.index(frame.FrameID)
                if frame.FrameID in order
                else len(order) + (frame.FrameID == "APIC")
            )
            second = (
                frame.start_time if frame.FrameID == "CHAP" else (i if frame.FrameID == "APIC" else len(data))
            )
            return prio, second, frame.HashKey

        return bytes(bytearray().join(d for _, (_, d) in sorted(enumerate(framedata), key=key)))


def ogg_chapters(path: Path, chapters: Chapters) -> None:
    """Write CHAPTERnnn/CHAPTERnnnNAME comments (ffmpeg 5.1 writes wrong times) into an Ogg Opus file."""
    f = OggOpus(str(path))
    tags = f.tags
    if tags is None:
        raise AudiodramaError("not an Ogg Opus file with comments; re-encode it", path)
    for key in [k for k in tags.keys() if k.upper().startswith("CHAPTER")]:  # noqa: SIM118 - iterating the tags yields pairs
        del tags[key]
    for k, (title, start, _end) in enumerate(chapters):
        ms = round(start * 1000)
        tags[f"CHAPTER{k:03d}"] = (
            f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"
        )
        tags[f"CHAPTER{k:03d}NAME"] = title
    f.save()


def ffmetadata(title: str, album: str, artist: str, track: int | None, chapters: Chapters) -> str:
    """An ffmpeg metadata file: global tags and [CHAPTER] sections (milliseconds)."""
    esc = lambda s: "".join("\\" + c if c in "=;#\\\n" else c for c in str(s))
    out = [
        ";FFMETADATA1",
        f"title={esc(title)}",
        f"album={esc(album)}",
        *([f"artist={esc(artist)}"] if artist else []),
        "genre=Audio Drama",
    ]
    if track:
        out.append(f"track={track}")
    for ctitle, start, end in chapters:
        out += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={round(start * 1000)}",
            f"END={round(end * 1000)}",
            f"title={esc(ctitle)}",
        ]
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class Encoding:
    """An ffmpeg encoding: the filter before the encoder, the encoder's arguments, the container."""

    audio_filter: str
    args: tuple[str, ...]
    fmt: str


# Every format keeps the WAV's channels (the stereo stage, or the mono choice): no downmix, so
# every file has the WAV's loudness. The bit rates are for stereo speech and a bed (a mono
# WAV gets the same, more than it needs). Opus gets 0.5 dB of extra headroom: its decoder
# overshoots peaks.
OPUS = Encoding(
    "volume=-0.5dB",
    ("-c:a", "libopus", "-b:a", "64k", "-application", "audio", "-compression_level", "5"),
    "ogg",
)
M4B = Encoding("", ("-c:a", "aac", "-aac_coder", "fast", "-b:a", "96k", "-movflags", "+faststart"), "ipod")


def run_ffmpeg(args: Sequence[str], target: Path, stdin: str | None = None) -> None:
    """Run ffmpeg (dies with this process); a one-line error naming `target` if it fails."""
    proc = procs.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args],
        capture_output=True,
        text=True,
        input=stdin,
    )
    if proc.returncode != 0:
        err = " ".join(proc.stderr.split())[-400:]
        raise AudiodramaError(
            f"ffmpeg could not encode ({err}); is ffmpeg installed with libmp3lame/libopus/aac?", target
        )


def _input(path: Path) -> list[str]:
    # "file:" and an absolute path: a name starting with "-" or holding ":" stays a file name
    return ["-i", "file:" + os.path.abspath(path)]


def mp3_args(bitrate: str) -> list[str]:
    """ffmpeg arguments for constant-bitrate MP3 (ACX wants CBR)."""
    return ["-c:a", "libmp3lame", "-b:a", bitrate, "-write_xing", "1", "-id3v2_version", "0"]


def encode_mp3(wav: Path, target: Path, bitrate: str) -> Path:
    """Encode a finished WAV into `target`, a constant-bitrate MP3 (untagged; see tag_mp3)."""
    run_ffmpeg([*_input(wav), *mp3_args(bitrate), "-write_id3v1", "0", "-f", "mp3", str(target)], target)
    return target


def encode_with_chapters(
    srcs: Sequence[Path], target: Path, codec: Encoding, meta: str, cover: Path | None = None
) -> Path:
    """Encode WAV file(s), joined in order, into `target` with the tags and chapters in `meta`.

    The WAVs are joined by the concat filter over `-i` arguments and the metadata is read from
    stdin: no list or metadata file that a path or a title could inject entries into.
    """
    n = len(srcs)
    args = [a for p in srcs for a in _input(p)] + ["-f", "ffmetadata", "-i", "pipe:0"]
    graph = "".join(f"[{k}:a]" for k in range(n)) + (f"concat=n={n}:v=0:a=1" if n > 1 else "anull")
    graph += (f",{codec.audio_filter}" if codec.audio_filter else "") + "[out]"
    maps = ["-map", "[out]", "-map_metadata", str(n), "-map_chapters", str(n)]
    if cover and codec.fmt == "ipod":
        args += _input(cover)
        maps += ["-map", f"{n + 1}:v", "-c:v", "copy", "-disposition:v", "attached_pic"]
    run_ffmpeg(
        [*args, "-filter_complex", graph, *maps, *codec.args, "-f", codec.fmt, str(target)], target, meta
    )
    return target
