"""Exports: WAV/MP3 writers fed while mastering, tags and chapters, Opus, M4B, transcript, feed, labels.

Every output is written through fsutil.atomic_path, so a reader never sees a half-written
file. The WAV is written while mastering (WavSink); the encoders (MP3, Opus, M4B) are ffmpeg
processes that read the finished WAV, so the WAV is ready first. FfmpegSink, which encodes
while mastering, is kept for callers that stream to an encoder.
"""

from __future__ import annotations

import base64
import html
import json
import queue
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

import numpy as np

from audiodrama.project import fsutil
from audiodrama.errors import AudiodramaError

if TYPE_CHECKING:
    from audiodrama.audio.mix import Timeline


@dataclass
class EpisodeResult:
    """What mixing one episode wrote, and how it measures."""

    episode: int
    wav: Path | None
    mp3: Path | None
    timeline: Path
    transcript: Path | None
    duration: float
    """Seconds."""
    lufs: float
    """Integrated loudness of the master (LUFS, as played: all channels)."""
    true_peak: float
    """True peak of the master (dBTP, 4x oversampled)."""
    opus: Path | None = None
    m4b: Path | None = None
    """The whole-story audiobook this episode is part of (same path for every episode)."""
    stems: dict[str, Path] = field(default_factory=dict)
    """Stem name (character, Narrator, effects, ambience) -> WAV (32-bit float, pre-limiter)."""
    labels: Path | None = None
    """Audacity label track."""
    figures: dict = field(default_factory=dict)
    """Everything master_stream measured (lufs, true_peak, sample_peak, rms_db, gain_db)."""
    scenes: list[str] | None = None
    """The scene ids mixed when only part of the episode was built."""
    seconds: dict = field(default_factory=dict)
    """Wall-clock seconds: wav (plan, mix, master, WAV + timeline + transcript written), stems, encode."""
    scenes_mixed: int = 0
    """Scenes mixed afresh for this episode (the others came from the scene cache)."""
    scenes_reused: int = 0
    """Scenes whose pre-master mix was read back from the scene cache."""

    def _repr_html_(self) -> str:
        audio = self.mp3 or self.wav
        player = ""
        if audio and audio.exists():
            mime = "audio/mpeg" if audio.suffix == ".mp3" else "audio/wav"
            if audio.stat().st_size <= 12_000_000:
                src = f"data:{mime};base64," + base64.b64encode(audio.read_bytes()).decode()
            else:  # too big to embed: a path relative to the notebook, which JupyterLab serves
                import os

                try:
                    src = html.escape(os.path.relpath(audio))
                except ValueError:
                    src = html.escape(audio.as_uri())
            player = f'<audio controls preload="none" src="{src}"></audio>'
        return (
            f"<div><b>Episode {self.episode}</b> &mdash; {self.duration / 60:.1f} min, "
            f"{self.lufs:.1f} LUFS, {self.true_peak:.1f} dBTP<br>{player}<br>"
            f"<code>{html.escape(str(audio or self.timeline))}</code></div>"
        )


# ---------------------------------------------------------------- sinks fed by master_stream


class WavSink:
    """Writes int16 blocks to a WAV file (atomically: the file appears on close)."""

    def __init__(self, path: Path, sr: int, channels: int):
        import soundfile as sf

        self._ctx = fsutil.atomic_path(path)
        tmp = self._ctx.__enter__()
        self._f = sf.SoundFile(
            str(tmp), "w", samplerate=sr, channels=channels, subtype="PCM_16", format="WAV"
        )

    def write(self, block: np.ndarray) -> None:
        self._f.write(block)

    def close(self) -> None:
        self._f.close()
        self._ctx.__exit__(None, None, None)

    def abort(self) -> None:
        self._f.close()
        self._ctx.__exit__(RuntimeError, RuntimeError("aborted"), None)


class FfmpegSink:
    """Pipes int16 blocks to an ffmpeg encoder running in parallel (a thread feeds its stdin)."""

    def __init__(self, path: Path, sr: int, channels: int, codec_args: Sequence[str]):
        self._ctx = fsutil.atomic_path(path)
        self.tmp = self._ctx.__enter__()
        self.path = path
        cmd = [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "s16le",
            "-ar",
            str(sr),
            "-ac",
            str(channels),
            "-i",
            "-",
            *codec_args,
            str(self.tmp),
        ]
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        self._q: queue.Queue[bytes | None] = queue.Queue(maxsize=8)
        self._err: BaseException | None = None
        self._t = threading.Thread(target=self._feed, daemon=True)
        self._t.start()

    def _feed(self) -> None:
        assert self._proc.stdin
        try:
            while (data := self._q.get()) is not None:
                self._proc.stdin.write(data)
        except BaseException as exc:
            self._err = exc
            while self._q.get() is not None:
                pass
        finally:
            try:
                self._proc.stdin.close()
            except OSError:
                pass

    def write(self, block: np.ndarray) -> None:
        self._q.put(np.ascontiguousarray(block, dtype="<i2").tobytes())

    def abort(self) -> None:
        """Stop the encoder and remove the partial file."""
        self._proc.kill()
        self._q.put(None)
        self._t.join()
        self._proc.wait()
        self._ctx.__exit__(RuntimeError, RuntimeError("aborted"), None)

    def close(self) -> None:
        self._q.put(None)
        self._t.join()
        err = self._proc.stderr.read().decode(errors="replace") if self._proc.stderr else ""
        code = self._proc.wait()
        if code != 0 or self._err:
            failure = RuntimeError("ffmpeg failed")
            self._ctx.__exit__(RuntimeError, failure, None)  # removes the temporary file
            raise AudiodramaError(
                f"ffmpeg could not encode ({err.strip() or self._err}); is ffmpeg installed "
                "with libmp3lame/libopus?",
                self.path,
            )
        self._ctx.__exit__(None, None, None)


def mp3_args(bitrate: str) -> list[str]:
    """ffmpeg arguments for constant-bitrate MP3 (ACX wants CBR)."""
    return [
        "-c:a",
        "libmp3lame",
        "-b:a",
        bitrate,
        "-write_xing",
        "1",
        "-id3v2_version",
        "0",
        "-write_id3v1",
        "0",
        "-f",
        "mp3",
    ]


def encode_mp3(wav: Path, target: Path, bitrate: str) -> Path:
    """Encode a finished WAV to a constant-bitrate MP3 (untagged; see tag_mp3), atomically."""
    with fsutil.atomic_path(target) as tmp:
        proc = subprocess.run(
            [
                "ffmpeg",
                "-hide_banner",
                "-loglevel",
                "error",
                "-y",
                "-i",
                str(wav),
                *mp3_args(bitrate),
                str(tmp),
            ],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise AudiodramaError(
                f"ffmpeg could not encode ({proc.stderr.strip()[-400:]}); is ffmpeg "
                "installed with libmp3lame?",
                target,
            )
    return target


# ---------------------------------------------------------------- timeline, transcript, labels


def timeline_dict(
    tl: Timeline, story: str, sr: int, sources: dict[str, str], extra: dict | None = None
) -> dict:
    """The timeline JSON: story, episode, duration, sample_rate, lines, scenes, effects (seconds)."""
    r = lambda v: round(float(v), 4)
    return {
        "story": story,
        "episode": tl.episode,
        "duration": r(tl.duration),
        "sample_rate": sr,
        "lines": [
            {
                "id": i.name,
                "speaker": i.speaker,
                "kind": i.line_kind,
                "text": i.text,
                "start": r(i.start),
                "end": r(i.end),
                "source": sources.get(i.name, ""),
                "scene": i.scene,
                **({"delivery": i.delivery} if i.delivery else {}),
            }
            for i in tl.lines()
        ],
        "scenes": [
            {
                "id": s.id,
                "title": s.title,
                "start": r(s.start),
                "end": r(s.end),
                "transition": s.transition,
                "ambience": s.ambience,
            }
            for s in tl.scenes
        ],
        "effects": [
            {"kind": i.kind, "name": i.name, "start": r(i.start), "end": r(i.end), "scene": i.scene}
            for i in tl.items
            if i.kind in ("transition", "cue")
        ],
        **(extra or {}),
    }


def write_json(path: Path, data: Any) -> Path:
    fsutil.write_text(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return path


def _vtt_time(t: float) -> str:
    ms = round(t * 1000)
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webvtt(tl: Timeline, title: str = "") -> str:
    """A WebVTT transcript: one cue per voiced line, with a <v Speaker> voice tag."""
    out = ["WEBVTT" + (f" - {title}" if title else ""), ""]
    for k, item in enumerate(tl.lines(), 1):
        speaker = _vtt_escape(item.speaker).replace("\n", " ")
        text = " ".join(item.text.split())
        out += [
            f"{k}-{item.name}",
            f"{_vtt_time(item.start)} --> {_vtt_time(item.end)}",
            f"<v {speaker}>{_vtt_escape(text)}",
            "",
        ]
    return "\n".join(out)


def audacity_labels(tl: Timeline) -> str:
    """An Audacity label track: start, end, 'line id speaker' per voiced line (tab-separated)."""
    return "".join(f"{i.start:.6f}\t{i.end:.6f}\t{i.name} {i.speaker}\n" for i in tl.lines())


def write_stems(folder: Path, tracks, sr: int) -> dict[str, Path]:
    """Write (name, mono samples) tracks as 32-bit float WAVs in `folder`, one at a time.

    Mono because every source is centred (the master plays it on identical channels); float so
    that peaks the master's limiter would have caught do not clip here.
    """
    import re

    import soundfile as sf

    out = {}
    for name, samples in tracks:
        path = folder / (re.sub(r"[^\w.-]+", "_", name) + ".wav")
        with fsutil.atomic_path(path) as tmp:
            sf.write(str(tmp), samples, sr, subtype="FLOAT", format="WAV")
        out[name] = path
        del samples
    return out


# ---------------------------------------------------------------- tags and chapters


def tag_mp3(
    path: Path,
    *,
    title: str,
    album: str,
    artist: str,
    track: int,
    total: int | None,
    chapters: Sequence[tuple[str, float, float]],
    cover: Path | None = None,
    year: str | None = None,
) -> None:
    """ID3v2.4 tags on an MP3: title, album, artist, track, cover, and CHAP/CTOC frames per chapter.

    `chapters` = [(title, start_s, end_s)]. Written to a copy and swapped in atomically.
    """
    import shutil

    from mutagen.id3 import APIC, CHAP, CTOC, TALB, TCON, TDRC, TIT2, TPE1, TRCK, CTOCFlags

    tags = _ChapterOrderID3()
    tags.add(TIT2(encoding=3, text=title))
    tags.add(TALB(encoding=3, text=album))
    tags.add(TPE1(encoding=3, text=artist))
    tags.add(TRCK(encoding=3, text=f"{track}/{total}" if total else str(track)))
    tags.add(TCON(encoding=3, text="Audio Drama"))
    if year:
        tags.add(TDRC(encoding=3, text=year))
    if cover and cover.exists():
        mime = "image/png" if cover.suffix.lower() == ".png" else "image/jpeg"
        tags.add(APIC(encoding=3, mime=mime, type=3, desc="Cover", data=cover.read_bytes()))
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
    with fsutil.atomic_path(path) as tmp:
        shutil.copyfile(path, tmp)
        tags.save(str(tmp), v2_version=4)


def _chapter_order_id3():
    from mutagen.id3 import ID3
    from mutagen.id3._tags import save_frame

    class ChapterOrderID3(ID3):
        """ID3 that writes CHAP frames in time order (mutagen sorts frames by size), so that
        tools listing frames in file order (ffprobe) show the chapters in order."""

        def _write(self, config):  # mirrors mutagen's ID3Tags._write
            order = ["TIT2", "TPE1", "TRCK", "TALB", "TPOS", "TDRC", "TCON", "CTOC", "CHAP"]
            framedata = [(f, save_frame(f, config=config)) for f in self.values()]

            def key(item):
                i, (frame, data) = item
                prio = (
                    order.index(frame.FrameID)
                    if frame.FrameID in order
                    else len(order) + (frame.FrameID == "APIC")
                )
                second = (
                    frame.start_time
                    if frame.FrameID == "CHAP"
                    else (i if frame.FrameID == "APIC" else len(data))
                )
                return prio, second, frame.HashKey

            return bytearray().join(d for _, (_, d) in sorted(enumerate(framedata), key=key))

    return ChapterOrderID3


def _ChapterOrderID3():
    return _chapter_order_id3()()


def ogg_chapters(path: Path, chapters: Sequence[tuple[str, float, float]]) -> None:
    """Write CHAPTERnnn/CHAPTERnnnNAME comments (ffmpeg 5.1 writes wrong times) into an Ogg Opus file."""
    from mutagen.oggopus import OggOpus

    f = OggOpus(str(path))
    for key in [k for k in f.tags.keys() if k.upper().startswith("CHAPTER")]:  # noqa: SIM118 - iterating the tags yields pairs
        del f.tags[key]
    for k, (title, start, _end) in enumerate(chapters):
        ms = round(start * 1000)
        f.tags[f"CHAPTER{k:03d}"] = (
            f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"
        )
        f.tags[f"CHAPTER{k:03d}NAME"] = title
    f.save()


def ffmetadata(
    title: str, album: str, artist: str, track: int | None, chapters: Sequence[tuple[str, float, float]]
) -> str:
    """An ffmpeg metadata file: global tags and [CHAPTER] sections (milliseconds)."""
    esc = lambda s: "".join("\\" + c if c in "=;#\\\n" else c for c in str(s))
    out = [
        ";FFMETADATA1",
        f"title={esc(title)}",
        f"album={esc(album)}",
        f"artist={esc(artist)}",
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


def _run_ffmpeg(args: Sequence[str], target: Path) -> None:
    proc = subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise AudiodramaError(f"ffmpeg failed: {proc.stderr.strip()[-400:]}", target)


def encode_with_chapters(
    src: Path | Sequence[Path],
    target: Path,
    codec_args: Sequence[str],
    meta: str,
    cover: Path | None = None,
    chapters: Sequence[tuple[str, float, float]] | None = None,
) -> Path:
    """Encode WAV file(s) (concatenated in order) to `target` with the tags and chapters in `meta`."""
    import tempfile

    srcs = [src] if isinstance(src, Path) else list(src)
    with tempfile.TemporaryDirectory(prefix="audiodrama-") as d:
        meta_path = Path(d) / "meta.txt"
        meta_path.write_text(meta, encoding="utf-8")
        if len(srcs) == 1:
            inputs = ["-i", str(srcs[0])]
        else:
            lst = Path(d) / "list.txt"
            quote = lambda p: "'" + str(p.resolve()).replace("'", "'\\''") + "'"
            lst.write_text("".join(f"file {quote(p)}\n" for p in srcs), encoding="utf-8")
            inputs = ["-f", "concat", "-safe", "0", "-i", str(lst)]
        args = [*inputs, "-i", str(meta_path)]
        maps = ["-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"]
        if cover and cover.exists() and target.suffix in (".m4b", ".m4a"):
            args += ["-i", str(cover)]
            maps += ["-map", "2:v", "-c:v", "copy", "-disposition:v", "attached_pic"]
        with fsutil.atomic_path(target) as tmp:
            fmt = {".m4b": "ipod", ".m4a": "ipod", ".opus": "ogg", ".mp3": "mp3"}.get(target.suffix, "")
            _run_ffmpeg([*args, *maps, *codec_args, *(["-f", fmt] if fmt else []), str(tmp)], target)
            if fmt == "ogg" and chapters is not None:
                ogg_chapters(tmp, chapters)
    return target


# The mix is centred speech on identical channels, so Opus and M4B are coded mono (no loss,
# half the work) with an explicit 0.5/0.5 downmix: ffmpeg's own -ac 1 sums to +3 dB for float
# encoders. Mono files measure 3 LU lower for the same sound (AES TD1004: -19 LUFS mono plays
# like -16 LUFS stereo). Opus gets 0.5 dB of extra headroom: its decoder overshoots peaks.
_MONO = "pan=mono|c0=0.5*c0+0.5*c1"
OPUS_ARGS = [
    "-af",
    _MONO + ",volume=-0.5dB",
    "-c:a",
    "libopus",
    "-b:a",
    "48k",
    "-application",
    "audio",
    "-compression_level",
    "5",
]
M4B_ARGS = ["-af", _MONO, "-c:a", "aac", "-aac_coder", "fast", "-b:a", "64k", "-movflags", "+faststart"]


# ---------------------------------------------------------------- feed


def rss_feed(
    *,
    title: str,
    description: str,
    base_url: str,
    author: str,
    episodes: Sequence[dict],
    cover_url: str | None = None,
    language: str = "en",
    link: str | None = None,
) -> str:
    """An RSS 2.0 podcast feed with the itunes namespace.

    `episodes`: dicts with title, file (name under base_url), length (bytes), duration (s),
    episode (number), and optionally description, guid, pub_date (datetime).
    """
    itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd"
    ET.register_namespace("itunes", itunes)
    it = lambda tag: f"{{{itunes}}}{tag}"
    base = base_url.rstrip("/") + "/"
    rss = ET.Element("rss", {"version": "2.0"})
    ch = ET.SubElement(rss, "channel")
    for tag, text in (
        ("title", title),
        ("link", link or base),
        ("description", description or title),
        ("language", language),
    ):
        ET.SubElement(ch, tag).text = text
    ET.SubElement(ch, it("author")).text = author or title
    ET.SubElement(ch, it("summary")).text = description or title
    ET.SubElement(ch, it("explicit")).text = "false"
    ET.SubElement(ch, it("type")).text = "serial"
    ET.SubElement(ch, it("category"), {"text": "Fiction"})
    if cover_url:
        ET.SubElement(ch, it("image"), {"href": cover_url})
    now = datetime.now(UTC).replace(microsecond=0)
    for k, ep in enumerate(episodes):
        item = ET.SubElement(ch, "item")
        ET.SubElement(item, "title").text = ep["title"]
        ET.SubElement(item, "description").text = ep.get("description") or ep["title"]
        url = base + ep["file"]
        ET.SubElement(
            item,
            "enclosure",
            {"url": url, "length": str(int(ep["length"])), "type": ep.get("type", "audio/mpeg")},
        )
        ET.SubElement(item, "guid", {"isPermaLink": "false"}).text = ep.get("guid") or url
        pub = ep.get("pub_date") or (now - timedelta(minutes=len(episodes) - k))
        ET.SubElement(item, "pubDate").text = format_datetime(pub)
        secs = round(ep["duration"])
        ET.SubElement(
            item, it("duration")
        ).text = f"{secs // 3600:02d}:{secs % 3600 // 60:02d}:{secs % 60:02d}"
        ET.SubElement(item, it("episode")).text = str(ep["episode"])
        ET.SubElement(item, it("episodeType")).text = "full"
    ET.indent(rss)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="unicode") + "\n"


def write_feed(
    episode_dir: Path,
    slug: str,
    base_url: str,
    *,
    title: str,
    author: str = "",
    description: str = "",
    cover: Path | None = None,
    language: str = "en",
) -> Path:
    """Write <episode_dir>/feed.xml listing every <slug>-eNN.mp3 there (durations from their timelines)."""
    eps = []
    for mp3 in sorted(episode_dir.glob(f"{slug}-e[0-9][0-9].mp3")):
        tl_path = mp3.with_suffix(".timeline.json")
        number = int(mp3.stem.rsplit("-e", 1)[1])
        duration = 0.0
        ep_title = f"{title}, episode {number}"
        if tl_path.exists():
            tl = json.loads(tl_path.read_text(encoding="utf-8"))
            duration = float(tl.get("duration", 0.0))
            if tl.get("title"):
                ep_title = tl["title"]
        eps.append(
            {
                "title": ep_title,
                "file": mp3.name,
                "length": mp3.stat().st_size,
                "duration": duration,
                "episode": number,
                "guid": f"{slug}-e{number:02d}",
                "pub_date": datetime.fromtimestamp(mp3.stat().st_mtime, UTC).replace(microsecond=0),
            }
        )
    if not eps:
        raise AudiodramaError(
            f"no episodes ({slug}-eNN.mp3) to list; run `audiodrama build` first", episode_dir
        )
    cover_url = None
    if cover and cover.exists():
        cover_url = base_url.rstrip("/") + "/" + cover.name
    xml = rss_feed(
        title=title,
        description=description,
        base_url=base_url,
        author=author,
        episodes=eps,
        cover_url=cover_url,
        language=language,
    )
    path = episode_dir / "feed.xml"
    fsutil.write_text(path, xml)
    return path


def write_m4b(
    results: Sequence[EpisodeResult], target: Path, *, title: str, author: str, cover: Path | None = None
) -> Path:
    """One M4B audiobook of the episodes' WAVs, a chapter per scene (offset by the episodes before)."""
    import soundfile as sf

    chapters, wavs, offset = [], [], 0.0
    for r in results:
        wav = r.wav or r.timeline.parent / f".{r.timeline.name.replace('.timeline.json', '')}.tmp.wav"
        wavs.append(wav)
        dur = sf.info(str(wav)).duration
        for s in json.loads(r.timeline.read_text(encoding="utf-8"))["scenes"]:
            chapters.append((s["title"], offset + s["start"], offset + min(s["end"], dur)))
        offset += dur
    meta = ffmetadata(title, title, author, None, chapters)
    return encode_with_chapters(wavs, target, M4B_ARGS, meta, cover)
