"""Recorded takes: voices/recorded/<line-id>.wav (.flac .mp3 .ogg .m4a), used instead of TTS.

Naming: `<line-id>.<ext>` is take 1; `<line-id>.take2.wav`, `.take3` ... are further takes.
A line's `take` field (a file name) chooses one; otherwise the first take is used.

Before use a take is converted (any rate, channels, depth, via ffmpeg) to 22,050 Hz mono
16-bit, its leading and trailing silence trimmed, its loudness matched to the TTS lines
(TAKE_TARGET_LUFS, what espeak-ng produces at volume 1.0), and clipping reported. The result
is cached under audio_out/.cache/take-<hash>.wav, keyed by the take's bytes.

The speaker a take was recorded for is remembered in voices/recorded/takes.json (written
atomically): the line's speaker when the take was first seen. If the line is later given to
another character, the take is not used (a warning says so) but kept. A take that cannot be
decoded, is empty or silent falls back to TTS with a warning. Takes are never deleted.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from audiodrama.project import fsutil
from audiodrama.errors import RecordingError
from audiodrama.voices.engines.base import SAMPLE_RATE

TAKE_EXTS = (".wav", ".flac", ".mp3", ".ogg", ".m4a")
INDEX_FILE = "takes.json"
TAKE_TARGET_LUFS = -20.5
"""Loudness of espeak-ng lines at volume 1.0 (median over the demo story); takes are matched to it."""
SILENT_DBFS = -50.0
"""A take whose peak is below this is treated as silent."""
CLIP_LEVEL = 0.999
PROCESS_VERSION = "1"
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


def list_takes(recorded_dir: Path) -> dict[str, list[TakeFile]]:
    """line id -> its takes, take 1 first."""
    out: dict[str, list[TakeFile]] = {}
    if not recorded_dir.is_dir():
        return out
    for p in sorted(recorded_dir.iterdir()):
        t = parse_take_name(p) if p.is_file() else None
        if t:
            out.setdefault(t.line_id, []).append(t)
    for takes in out.values():
        takes.sort(key=lambda t: (t.number, t.path.suffix != ".wav", t.path.name))
    return out


def file_hash(path: Path) -> str:
    h = hashlib.sha1()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def decode(path: Path) -> np.ndarray:
    """Mono float32 samples at SAMPLE_RATE; RecordingError if the file cannot be decoded."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RecordingError("ffmpeg is needed to read recordings: sudo apt-get install ffmpeg", path)
    proc = subprocess.run(
        [
            ffmpeg,
            "-nostdin",
            "-v",
            "error",
            "-i",
            str(path),
            "-ac",
            "1",
            "-ar",
            str(SAMPLE_RATE),
            "-f",
            "f32le",
            "-",
        ],
        capture_output=True,
    )
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RecordingError(
            f"cannot be decoded ({msg[-1] if msg else 'ffmpeg failed'}); re-export it as WAV", path
        )
    return np.frombuffer(proc.stdout, dtype="<f4").astype(np.float64)


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
    import pyloudnorm

    if len(x) >= int(0.45 * SAMPLE_RATE):
        value = pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(x)
        if np.isfinite(value):
            return float(value)
    rms = float(np.sqrt(np.mean(x**2))) or 1e-9
    return 20 * np.log10(rms) - 0.7


def process_take(src: Path, out: Path) -> tuple[float, list[str]]:
    """Convert, trim and loudness-match `src` into `out`; (seconds, notes). RecordingError if unusable."""
    x = decode(src)
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
    clipped = int(np.sum(np.abs(x) >= CLIP_LEVEL))
    if clipped:
        notes.append(f"{src.name}: {clipped} clipped sample(s) — record it a little quieter")
    x = trim_silence(x)
    gain_db = TAKE_TARGET_LUFS - loudness(x)
    y = x * 10 ** (gain_db / 20)
    top = float(np.max(np.abs(y)))
    if top > 0.98:  # keep the peaks under full scale after the gain
        y = y * (0.98 / top)
    pcm = np.clip(np.round(y * 32767), -32768, 32767).astype("<i2")
    with fsutil.atomic_path(out) as tmp, wave.open(str(tmp), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm.tobytes())
    return len(pcm) / SAMPLE_RATE, notes


class TakeIndex:
    """voices/recorded/: which takes exist and whom they were recorded for (takes.json)."""

    def __init__(self, prod: Any, entries: dict[str, dict[str, Any]]) -> None:
        self.prod = prod
        self.dir = Path(prod.recorded_dir)
        self.entries = entries
        self.takes = list_takes(self.dir)
        self._dirty = False

    @classmethod
    def load(cls, prod: Any) -> TakeIndex:
        path = Path(prod.recorded_dir) / INDEX_FILE
        entries: dict[str, dict[str, Any]] = {}
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                entries = data.get("takes", {}) if isinstance(data, dict) else {}
            except (ValueError, OSError):
                raise RecordingError(
                    "is not valid JSON; fix it or delete it (speakers of takes are "
                    "then learnt again from the current script)",
                    path,
                ) from None
        return cls(prod, entries)

    def chosen(self, line: Any) -> TakeFile | None:
        """The take a line uses: line.take when it names an existing take, else its first take."""
        takes = self.takes.get(line.id, [])
        if getattr(line, "take", None):
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
            self._dirty = True
        return str(entry.get("speaker"))

    def take_for(self, line: Any, speaker: str, warnings: list[str]) -> TakeFile | None:
        """The usable take of a line, or None (with a warning when a take is set aside)."""
        take = self.chosen(line)
        if take is None:
            if getattr(line, "take", None):
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

    def prepare(self, take: TakeFile, line: Any, speaker: str, warnings: list[str]):
        """The converted take as a RenderedLine, or None (warning) if the recording is unusable."""
        from audiodrama.render.lines import RenderedLine, wav_duration

        try:
            digest = file_hash(take.path)
        except OSError as exc:
            warnings.append(f"{take.path}: cannot be read ({exc}); using TTS")
            return None
        key = hashlib.sha1(f"{digest}|{PROCESS_VERSION}|{TAKE_TARGET_LUFS}".encode()).hexdigest()[:24]
        out = Path(self.prod.cache_dir) / f"take-{key}.wav"
        cached = out.exists()
        if cached:
            duration = wav_duration(out)
        else:
            try:
                duration, notes = process_take(take.path, out)
            except RecordingError as exc:
                warnings.append(f"{exc}; using TTS for line {line.id}")
                return None
            warnings.extend(notes)
        return RenderedLine(
            path=out,
            source="recorded",
            cached=cached,
            speaker=speaker,
            voice=take.path.name,
            duration=duration,
            take=take.path.name,
        )

    def save(self) -> None:
        """Write takes.json if something new was learnt (atomically)."""
        if not self._dirty:
            return
        data = {
            "about": "Speaker each recorded take was made for (learnt when first seen). "
            "A take is not used if its line now has another speaker. Edit to re-assign.",
            "takes": dict(sorted(self.entries.items())),
        }
        fsutil.write_text(self.dir / INDEX_FILE, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        self._dirty = False
