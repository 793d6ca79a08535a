"""Recorded takes: voices/recorded/<line-id>.wav (.flac .mp3 .ogg .m4a), used instead of TTS.

Naming: `<line-id>.<ext>` is take 1; `<line-id>.take2.wav`, `.take3` ... are further takes.
A line's `take` field (a file name) chooses one; otherwise the first take is used.

Before use a take is converted (any rate, channels, depth, via ffmpeg) to 22,050 Hz mono
16-bit, its leading and trailing silence trimmed, its loudness matched to the TTS lines
(TAKE_TARGET_LUFS, what espeak-ng produces at volume 1.0), and clipping reported. The result
goes into the store (kind "take"), keyed by the take's bytes and the processing version.

The speaker a take was recorded for is remembered in voices/recorded/takes.json (read and
written by project.takesfile): the line's speaker when the take was first seen. If the line is later given to
another character, the take is not used (a warning says so) but kept. A take that cannot be
decoded, is empty or silent, or is far too big or too long for its line (over MAX_TAKE_BYTES,
or longer than max_take_seconds of its text) falls back to TTS with a warning, like a corrupt
one. Takes are never deleted. Decoding stops past the length limit, so memory stays bounded.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from audiodrama import procs
from audiodrama.errors import RecordingError
from audiodrama.model import Line
from audiodrama.render.plan import TAKE_KIND, AudioStore, RenderedLine, wav_duration
from audiodrama.voices.engines.base import SAMPLE_RATE, mono_wav

TAKE_EXTS = (".wav", ".flac", ".mp3", ".ogg", ".m4a")
INDEX_FILE = "takes.json"
TAKE_TARGET_LUFS = -20.5
"""Loudness of espeak-ng lines at volume 1.0 (median over the demo story); takes are matched to it."""
SILENT_DBFS = -50.0
"""A take whose peak is below this is treated as silent."""
CLIP_LEVEL = 0.999
PROCESS_VERSION = "1"
MAX_TAKE_BYTES = 256 * 2**20
"""A take file larger than this is not read at all (minutes of studio audio for one line)."""
TAKE_BASE_SECONDS = 30.0
TAKE_SECONDS_PER_WORD = 3.0
"""A take may last TAKE_BASE_SECONDS + this per word of its line (slow, pausing acting fits)."""
_NAME = re.compile(r"^(?P<id>[^.]+?)(?:\.take(?P<n>\d+))?(?P<ext>\.[A-Za-z0-9]+)$")


@dataclass(frozen=True)
class TakeFile:
    """One file in voices/recorded/."""

    path: Path
    line_id: str
    number: int
    """1 for <id>.wav, N for <id>.takeN.wav."""


def parse_take_name(path: Path) -> TakeFile | None:
    """The line id and take number a file name stands for; None if it is not a take."""
    m = _NAME.match(path.name)
    if not m or m.group("ext").lower() not in TAKE_EXTS or path.name.startswith("."):
        return None
    return TakeFile(path, m.group("id"), int(m.group("n") or 1))


def takes_by_line(files: list[Path]) -> dict[str, list[TakeFile]]:
    """line id -> its takes among `files` (a listing of voices/recorded/), take 1 first."""
    out: dict[str, list[TakeFile]] = {}
    for p in sorted(files):
        t = parse_take_name(p)
        if t:
            out.setdefault(t.line_id, []).append(t)
    for takes in out.values():
        takes.sort(key=lambda t: (t.number, t.path.suffix != ".wav", t.path.name))
    return out


def file_hash(path: Path) -> str:
    """sha1 of a take's file (its store key), read in blocks."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha1").hexdigest()


def max_take_seconds(text: str) -> float:
    """The longest take a line of `text` may have."""
    return TAKE_BASE_SECONDS + TAKE_SECONDS_PER_WORD * len(text.split())


def decode(path: Path, max_seconds: float | None = None, *, native: bool = False) -> np.ndarray:
    """Mono float32 samples at SAMPLE_RATE; RecordingError if the file cannot be decoded.

    With `max_seconds`, ffmpeg stops a second past it: a 2-hour file costs no more memory than
    the limit (the caller sees that the result is too long). `native` keeps the file's own rate
    and channels, one column per channel (frames, channels), for checks on the samples as
    recorded: ffmpeg writes them as a WAV, whose header says how many channels there are.
    """
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RecordingError("ffmpeg is needed to read recordings: sudo apt-get install ffmpeg", path)
    proc = procs.run(
        [
            ffmpeg,
            "-nostdin",
            "-v",
            "error",
            "-i",
            str(path),
            *([] if native else ["-ac", "1", "-ar", str(SAMPLE_RATE)]),
            *(["-t", f"{max_seconds + 1:.3f}"] if max_seconds is not None else []),
            *(["-f", "wav", "-c:a", "pcm_f32le"] if native else ["-f", "f32le"]),
            "-",
        ],
        capture_output=True,
    )
    if proc.returncode == 0 and not native:
        return np.frombuffer(proc.stdout, dtype="<f4").astype(np.float64)
    if proc.returncode == 0:
        try:
            return sf.read(io.BytesIO(proc.stdout), always_2d=True)[0]
        except sf.SoundFileError:
            pass  # reported below, as ffmpeg's own failures are
    msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    raise RecordingError(
        f"cannot be decoded ({msg[-1] if msg else 'ffmpeg failed'}); re-export it as WAV", path
    )


def clipped_samples(path: Path, max_seconds: float | None = None) -> int:
    """How many sample frames of the file as recorded touch full scale (in any channel).

    Counted on the original samples, before any downmix: ffmpeg's mono downmix adds the
    channels at -3 dB each, so a stereo take peaking at -2.6 dBFS would read as clipped.
    soundfile reads WAV, FLAC, OGG and MP3 as they are; other formats (.m4a) are decoded by
    ffmpeg at their own rate and channels.
    """
    try:
        with sf.SoundFile(str(path)) as f:
            frames = -1 if max_seconds is None else int((max_seconds + 1) * f.samplerate)
            blocks = f.blocks(blocksize=1 << 16, frames=frames, dtype="float32", always_2d=True)
            return sum(_clipped_frames(block) for block in blocks)
    except RuntimeError:  # soundfile's LibsndfileError: not a format libsndfile reads
        pass
    return _clipped_frames(decode(path, max_seconds, native=True))


def _clipped_frames(frames: np.ndarray) -> int:
    """How many rows of (frames, channels) samples reach CLIP_LEVEL in any channel."""
    return int(np.count_nonzero(np.max(np.abs(frames), axis=1, initial=0.0) >= CLIP_LEVEL))


def trim_silence(x: np.ndarray, pad_s: float = 0.03) -> np.ndarray:
    """Cut leading/trailing stretches quieter than 40 dB below the peak (and below -50 dBFS)."""
    if not len(x):
        return x
    hop = int(0.01 * SAMPLE_RATE)
    n = len(x) // hop
    if n == 0:
        return x
    rms = np.sqrt(np.mean(x[: n * hop].reshape(n, hop) ** 2, axis=1))
    peak = float(np.max(np.abs(x)))
    threshold = max(10 ** (SILENT_DBFS / 20), peak * 10 ** (-40 / 20))
    loud = np.nonzero(rms > threshold)[0]
    if not len(loud):
        return x[:0]
    pad = int(pad_s * SAMPLE_RATE)
    start = max(0, loud[0] * hop - pad)
    end = min(len(x), (loud[-1] + 1) * hop + pad)
    return x[start:end]


def loudness(x: np.ndarray) -> float:
    """Integrated loudness in LUFS (RMS-based estimate for clips under 0.4 s)."""
    import pyloudnorm  # about a second to import (scipy.signal): on use, so the CLI starts fast

    if len(x) >= int(0.45 * SAMPLE_RATE):
        value = pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(x)
        if np.isfinite(value):
            return float(value)
    rms = float(np.sqrt(np.mean(x**2))) or 1e-9
    return 20 * np.log10(rms) - 0.7


def _too_long(src: Path, seconds: float, limit: float, text: str) -> RecordingError:
    return RecordingError(
        f"lasts {seconds:.0f} s or more, too long for a line of {len(text.split())} word(s) "
        f"(at most {limit:.0f} s); trim it to the line",
        src,
    )


def check_take_size(src: Path) -> None:
    """RecordingError when the file is too big to be a take of one line."""
    size = src.stat().st_size
    if size > MAX_TAKE_BYTES:
        raise RecordingError(
            f"is {size / 2**20:.0f} MB, more than {MAX_TAKE_BYTES // 2**20} MB for one line; "
            "trim it to the line",
            src,
        )


def process_take(src: Path, text: str | None = None) -> tuple[bytes, float, list[str]]:
    """Convert, trim and loudness-match `src`: (WAV bytes, seconds, notes). RecordingError if unusable.

    With the line's `text`, a take longer than max_take_seconds(text) is unusable.
    """
    limit = max_take_seconds(text) if text is not None else None
    x = decode(src, limit)
    if limit is not None and len(x) > limit * SAMPLE_RATE:
        raise _too_long(src, len(x) / SAMPLE_RATE, limit, text or "")
    notes = []
    if len(x) < int(0.05 * SAMPLE_RATE):
        raise RecordingError("is empty (no audio); record it again", src)
    peak = float(np.max(np.abs(x)))
    if peak < 10 ** (SILENT_DBFS / 20):
        raise RecordingError(
            f"is silent (peak {20 * np.log10(peak or 1e-9):.0f} dBFS); check the "
            "microphone and record it again",
            src,
        )
    clipped = clipped_samples(src, limit)
    if clipped:
        notes.append(f"{src.name}: {clipped} clipped sample(s) — record it a little quieter")
    x = trim_silence(x)
    gain_db = TAKE_TARGET_LUFS - loudness(x)
    y = x * 10 ** (gain_db / 20)
    top = float(np.max(np.abs(y)))
    if top > 0.98:  # keep the peaks under full scale after the gain
        y = y * (0.98 / top)
    pcm = np.clip(np.round(y * 32767), -32768, 32767).astype("<i2")
    return mono_wav(pcm.tobytes()), len(pcm) / SAMPLE_RATE, notes


@dataclass
class TakeIndex:
    """voices/recorded/: which takes exist and whom they were recorded for (takes.json entries)."""

    dir: Path
    """The folder of the takes (named in warnings)."""
    entries: dict[str, dict[str, str]]
    """Take file name -> {"line", "speaker", "first_seen"}."""
    takes: dict[str, list[TakeFile]]
    """line id -> its takes, take 1 first."""
    dirty: bool = False
    """True when an entry was learnt and takes.json should be written."""

    def chosen(self, line: Line) -> TakeFile | None:
        """The take a line uses: line.take when it names an existing take, else its first take."""
        takes = self.takes.get(line.id, [])
        if line.take:
            for t in takes:
                if t.path.name == line.take:
                    return t
        return takes[0] if takes else None

    def recorded_speaker(self, take: TakeFile, speaker: str) -> str:
        """The speaker the take was recorded for (learnt now if it is new)."""
        entry = self.entries.get(take.path.name)
        if entry is None or entry.get("line") != take.line_id:
            entry = {
                "line": take.line_id,
                "speaker": speaker,
                "first_seen": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            }
            self.entries[take.path.name] = entry
            self.dirty = True
        return str(entry.get("speaker"))

    def take_for(self, line: Line, speaker: str, warnings: list[str]) -> TakeFile | None:
        """The usable take of a line, or None (with a warning when a take is set aside)."""
        take = self.chosen(line)
        if take is None:
            if line.take:
                warnings.append(f"line {line.id}: take {line.take} is not in {self.dir}; using TTS")
            return None
        meant_for = self.recorded_speaker(take, speaker)
        if meant_for != speaker:
            warnings.append(
                f"line {line.id}: take {take.path.name} was recorded for {meant_for}, but the "
                f"line is now {speaker}'s; using TTS (the take is kept; to use it anyway, "
                f"set its speaker in {self.dir / INDEX_FILE})"
            )
            return None
        return take


def prepare_take(
    take: TakeFile, line: Line, speaker: str, store: AudioStore, warnings: list[str]
) -> RenderedLine | None:
    """The converted take (from the store, or converted into it) as a RenderedLine; None if unusable."""
    try:
        check_take_size(take.path)
        digest = file_hash(take.path)
    except RecordingError as exc:
        warnings.append(f"{exc}; using TTS for line {line.id}")
        return None
    except OSError as exc:
        warnings.append(f"{take.path}: cannot be read ({exc}); using TTS")
        return None
    key = store.key(TAKE_KIND, digest, PROCESS_VERSION, str(TAKE_TARGET_LUFS))
    cached = store.has(TAKE_KIND, key, ".wav")
    if cached:
        out = store.path_for(TAKE_KIND, key, ".wav")
        duration = wav_duration(out)
        limit = max_take_seconds(line.text)
        if duration > limit:  # converted for a longer line, which has since been cut
            warnings.append(
                f"{_too_long(take.path, duration, limit, line.text)}; using TTS for line {line.id}"
            )
            return None
    else:
        try:
            data, duration, notes = process_take(take.path, line.text)
        except RecordingError as exc:
            warnings.append(f"{exc}; using TTS for line {line.id}")
            return None
        out = store.put_bytes(TAKE_KIND, key, ".wav", data)
        warnings.extend(notes)
    return RenderedLine(
        path=out,
        source="recorded",
        cached=cached,
        speaker=speaker,
        voice=take.path.name,
        engine="recorded",
        voice_name=take.path.name,
        duration=duration,
        take=take.path.name,
    )
