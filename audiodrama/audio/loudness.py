"""Loudness (ITU-R BS.1770): a chunked meter, file measurement, and checks against a publishing profile.

Loudness uses pyloudnorm's K-weighting filters and its gating (400 ms blocks, 75 % overlap,
-70 LUFS absolute and -10 LU relative gates), computed over 100 ms sub-blocks so that a long
file is measured in chunks; the K-weighting runs in float32. Measuring is separate from
changing (like pyloudnorm): `measure` reports a file's figures, `check` compares them with a profile.
"""

from __future__ import annotations

import math
import os
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from audiodrama import procs
from audiodrama.audio.profiles import Profile, db, get_profile
from audiodrama.audio.truepeak import TP_MARGIN, chunks, true_peak_per_sample
from audiodrama.errors import AudiodramaError

CHUNK_SECONDS = 10.0
#: A mono file is mastered and checked this much under a profile's (stereo) loudness: AES
#: TD1004, -19 LUFS mono plays like -16 LUFS stereo.
MONO_OFFSET_LU = 3.0


def target_lufs(lufs: float, channels: int) -> float:
    """The integrated loudness a file of `channels` channels should have for a profile's `lufs`."""
    return lufs - (MONO_OFFSET_LU if channels == 1 else 0.0)


@lru_cache(maxsize=8)
def _k_weighting(sr: int) -> np.ndarray:
    import pyloudnorm  # about a second to import (scipy.signal): on use, so the CLI starts fast

    meter = pyloudnorm.Meter(sr)
    return np.vstack([np.concatenate([f.b, f.a]) for f in meter._filters.values()])


def k_weighting(sr: int) -> np.ndarray:
    """BS.1770 K-weighting as second-order sections (pyloudnorm's coefficients)."""
    return _k_weighting(sr).copy()


@lru_cache(maxsize=1)
def _nyquist_tone(n: int) -> np.ndarray:
    tone = np.float32(1e-15) * np.where(np.arange(n) % 2, -1.0, 1.0).astype(np.float32)
    tone.flags.writeable = False  # shared by every caller
    return tone


def _anti_denormal(n: int) -> np.ndarray:
    """A -300 dB Nyquist tone (float32): keeps IIR states out of denormals after silence (10x faster)."""
    size = max(1 << 20, 1 << max(0, n - 1).bit_length())  # powers of two: few sizes memoised
    return _nyquist_tone(size)[:n]


class LoudnessMeter:
    """Integrated loudness fed chunk by chunk; same gating as pyloudnorm.Meter.integrated_loudness.

    `weight` multiplies channel energy: 2 for a mono signal played as identical stereo channels.
    The K-weighting filter runs in float32 (4x faster than float64 and within 0.001 LU of
    pyloudnorm); energies are summed in float64.
    """

    def __init__(self, sr: int, channels: int = 1, weight: float = 1.0):
        self.sr, self.channels, self.weight = sr, channels, weight
        self.sos = _k_weighting(sr).astype(np.float32)
        self.zi = np.zeros((channels, self.sos.shape[0], 2), np.float32)
        self.step = round(0.1 * sr)
        self._carry = np.zeros((0, channels), np.float32)
        self._sub: list[np.ndarray] = []  # sum of squares per 100 ms sub-block (summed over channels)

    def feed(self, x: np.ndarray) -> None:
        """Add samples: shape (n,) or (n, channels)."""
        from scipy import signal

        x = np.asarray(x, np.float32).reshape(len(x), -1)
        if self.channels == 1:
            y1, self.zi[0] = signal.sosfilt(self.sos, x[:, 0] + _anti_denormal(len(x)), zi=self.zi[0])
            y = y1.astype(np.float32, copy=False)[:, None]
        else:
            y = np.empty(x.shape, np.float32)
            for c in range(self.channels):
                y[:, c], self.zi[c] = signal.sosfilt(
                    self.sos, x[:, c] + _anti_denormal(len(x)), zi=self.zi[c]
                )
        y = np.concatenate([self._carry, y]) if len(self._carry) else y
        full = len(y) // self.step * self.step
        if full:
            sq = np.square(y[:full])
            e = np.add.reduce(sq.reshape(-1, self.step * self.channels), axis=1, dtype=np.float64)
            self._sub.append(e)
        self._carry = y[full:]

    def energies(self) -> np.ndarray:
        """K-weighted energy (sum of squares) of each complete 100 ms sub-block fed so far."""
        return np.concatenate(self._sub) if self._sub else np.zeros(0)

    def integrated(self) -> float:
        """Integrated loudness (LUFS) of everything fed so far; -inf if silent or shorter than 0.4 s."""
        return gated_loudness(self.energies(), self.step, self.weight)


def gated_loudness(sub: np.ndarray, step: int, weight: float = 1.0) -> float:
    """Integrated loudness (LUFS) from 100 ms sub-block energies (`step` samples each), BS.1770 gating."""
    if len(sub) < 4:
        return -math.inf
    block = (sub[:-3] + sub[1:-2] + sub[2:-1] + sub[3:]) / (4 * step) * weight
    with np.errstate(divide="ignore"):
        loud = -0.691 + 10 * np.log10(block)
    gated = block[loud >= -70.0]
    if not len(gated):
        return -math.inf
    rel = -0.691 + 10 * math.log10(gated.mean()) - 10.0
    final = block[(loud > rel) & (loud > -70.0)]
    if not len(final):
        return -math.inf
    return -0.691 + 10 * math.log10(final.mean())


# ---------------------------------------------------------------- measuring files


def _probe_stream(path: Path, entries: str, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """ffprobe's comma-separated `entries` (e.g. "sample_rate,channels") of the first audio stream."""
    args = ["-v", "error", "-select_streams", "a:0", "-show_entries", f"stream={entries}", "-of", "csv=p=0"]
    return procs.run(
        ["ffprobe", *args, "file:" + os.path.abspath(path)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _read_blocks(path: Path, block: int) -> tuple[int, int, Iterator[np.ndarray]]:
    """(sample_rate, channels, blocks of float32 (n, ch)) of an audio file, decoded in chunks."""
    try:
        info = sf.info(str(path))
        blocks = sf.blocks(str(path), blocksize=block, dtype="float32", always_2d=True)
        return info.samplerate, info.channels, blocks
    except Exception:  # formats libsndfile cannot read: let ffmpeg decode
        pass
    probe = _probe_stream(path, "sample_rate,channels")
    if probe.returncode != 0 or not probe.stdout.strip():
        raise AudiodramaError("cannot read this audio file; is it a WAV/MP3/Opus/M4B?", path)
    sr, ch = (int(v) for v in probe.stdout.strip().split("\n")[0].split(",")[:2])

    def gen() -> Iterator[np.ndarray]:
        proc = procs.popen(
            ["ffmpeg", "-v", "error", "-i", "file:" + os.path.abspath(path), "-f", "f32le", "-"],
            stdout=subprocess.PIPE,
        )
        assert proc.stdout
        try:
            while True:
                data = proc.stdout.read(block * ch * 4)
                if not data:
                    break
                yield np.frombuffer(data[: len(data) // (4 * ch) * 4 * ch], np.float32).reshape(-1, ch)
        finally:
            proc.stdout.close()
            proc.wait()

    return sr, ch, gen()


def _edge_silence(win_db: np.ndarray, win: float, threshold: float = -50.0) -> tuple[float, float]:
    loud = np.nonzero(win_db > threshold)[0]
    if not len(loud):
        return len(win_db) * win, len(win_db) * win
    return loud[0] * win, (len(win_db) - 1 - loud[-1]) * win


def measure(source: str | Path | np.ndarray, sr: int | None = None) -> dict:
    """Figures of an audio file or of samples ((n,) or (n, channels) with `sr`).

    Returns integrated_lufs, true_peak (dBTP, 4x oversampled), sample_peak (dBFS), rms_db
    (unweighted, all channels), noise_floor (dB RMS of the quietest 500 ms), head/tail
    (seconds below -50 dBFS at the start/end), duration, sample_rate, channels.
    """
    if isinstance(source, np.ndarray):
        if sr is None:
            raise ValueError("measure(samples, sr): give the sample rate")
        arr = source.reshape(len(source), -1).astype(np.float32)
        ch = arr.shape[1]
        blocks: Iterable[np.ndarray] = (arr[a:b] for a, b, _, _ in chunks(len(arr), int(CHUNK_SECONDS * sr)))
    else:
        sr, ch, blocks = _read_blocks(Path(source), int(CHUNK_SECONDS * 44100))
    figures = _measure_blocks(blocks, sr, ch)
    if not isinstance(source, np.ndarray):
        figures.update(_codec(Path(source)))
    return figures


def _measure_blocks(blocks: Iterable[np.ndarray], sr: int, ch: int) -> dict[str, Any]:
    """The figures of `measure`, from blocks of shape (n, ch)."""
    meter = LoudnessMeter(sr, ch)
    win = int(0.05 * sr)
    tail = np.zeros((0, ch), np.float32)
    prev = np.zeros((0, ch), np.float32)
    tpk = spk = ss = 0.0
    n = 0
    win_ss: list[np.ndarray] = []
    for blk in blocks:
        meter.feed(blk)
        n += len(blk)
        spk = max(spk, float(np.abs(blk).max(initial=0.0)))
        ss += float(np.sum(np.square(blk, dtype=np.float64)))
        # true peak with a little context from the previous block
        ctx = np.concatenate([prev[-TP_MARGIN:], blk])
        for c in range(ch):
            tpk = max(tpk, float(true_peak_per_sample(ctx[:, c]).max(initial=0.0)))
        prev = blk
        both = np.concatenate([tail, blk])
        full = len(both) // win * win
        if full:
            win_ss.append(np.square(both[:full], dtype=np.float64).reshape(-1, win, ch).mean(axis=(1, 2)))
        tail = both[full:]
    ws = np.concatenate(win_ss) if win_ss else np.zeros(0)
    with np.errstate(divide="ignore"):
        win_db = 10 * np.log10(ws)
    head, tail_s = _edge_silence(win_db, 0.05)
    return {
        "integrated_lufs": meter.integrated(),
        "true_peak": db(tpk),
        "sample_peak": db(spk),
        "rms_db": db(math.sqrt(ss / max(1, n * ch))),
        "noise_floor": _noise_floor(ws),
        "head": head,
        "tail": tail_s,
        "duration": n / sr,
        "sample_rate": sr,
        "channels": ch,
    }


def _noise_floor(ws: np.ndarray) -> float:
    """dB RMS of the quietest 500 ms, from the mean squares of 50 ms windows."""
    k = 10  # 10 x 50 ms = 500 ms
    with np.errstate(divide="ignore"):
        if len(ws) >= k:
            noise = float(10 * np.log10(np.convolve(ws, np.ones(k) / k, mode="valid").min()))
        else:
            noise = float(10 * np.log10(ws.min())) if len(ws) else -math.inf
    return max(noise, -120.0)


def _codec(path: Path) -> dict:
    """codec and bit_rate (bits/s) of a file's first audio stream, by ffprobe ({} if unknown)."""
    try:
        out = _probe_stream(path, "codec_name,bit_rate", timeout=60).stdout.strip().split(",")
    except (OSError, subprocess.SubprocessError):
        return {}
    info: dict = {"codec": out[0]} if out and out[0] else {}
    if len(out) > 1 and out[1].isdigit():
        info["bit_rate"] = int(out[1])
    return info


@dataclass
class Check:
    """One figure compared with a profile's rule."""

    name: str
    value: float
    rule: str
    ok: bool


def check(figures: dict[str, Any], profile: Profile | str) -> list[Check]:
    """Compare `measure()` figures with `profile`; every rule the profile has, pass or fail."""
    p = get_profile(profile) if isinstance(profile, str) else profile
    return _level_checks(figures, p) + _format_checks(figures, p) + _room_tone_checks(figures, p)


def _level_checks(figures: dict[str, Any], p: Profile) -> list[Check]:
    out = []
    if p.lufs is not None:
        v = figures["integrated_lufs"]
        mono = figures["channels"] == 1
        target = target_lufs(p.lufs, figures["channels"])
        rule = f"{target:g} +/- {p.lufs_tolerance:g}" + (" (mono)" if mono else "")
        out.append(Check("integrated loudness (LUFS)", v, rule, abs(v - target) <= p.lufs_tolerance))
    if p.rms_range is not None:
        v, (lo, hi) = figures["rms_db"], p.rms_range
        out.append(Check("RMS (dB)", v, f"{lo:g} .. {hi:g}", lo <= v <= hi))
    tp = figures["true_peak"]
    out.append(Check("true peak (dBTP)", tp, f"<= {p.true_peak:g}", tp <= p.true_peak + 1e-6))
    if p.noise_floor is not None:
        v = figures["noise_floor"]
        out.append(Check("noise floor (dB)", v, f"<= {p.noise_floor:g}", v <= p.noise_floor))
    return out


def _format_checks(figures: dict[str, Any], p: Profile) -> list[Check]:
    out = []
    codec = figures.get("codec")
    if p.name != "none" and codec != "opus":  # Opus always runs at 48 kHz
        sr = figures["sample_rate"]
        out.append(Check("sample rate (Hz)", sr, f"= {p.sample_rate}", sr == p.sample_rate))
    lossless = figures.get("codec", "pcm").startswith(("pcm", "flac"))
    if p.channels and lossless:  # platforms reject mono WAV/FLAC; mono MP3/Opus/AAC are fine
        ch = figures["channels"]
        out.append(Check("channels", ch, f"= {p.channels}", ch == p.channels))
    if p.name == "acx" and codec == "mp3" and "bit_rate" in figures:
        want = int(p.mp3_bitrate.rstrip("k")) * 1000
        rate = figures["bit_rate"]
        out.append(
            Check("MP3 bit rate (kbit/s)", rate / 1000, f"= {want // 1000} CBR", abs(rate - want) <= 1000)
        )
    return out


def _room_tone_checks(figures: dict[str, Any], p: Profile) -> list[Check]:
    out = []
    for key, rng in (("head", p.head), ("tail", p.tail)):
        if rng:
            v = figures[key]
            ok = rng[0] - 0.05 <= v <= rng[1] + 0.05
            out.append(Check(f"room tone at the {key} (s)", v, f"{rng[0]:g} .. {rng[1]:g}", ok))
    return out


def format_checks(figures: dict, checks: list[Check], name: str = "") -> str:
    """A human-readable report of `check()` results."""
    lines = [f"{name}: {figures['duration']:.1f} s, {figures['sample_rate']} Hz, {figures['channels']} ch"]
    for c in checks:
        lines.append(f"  {'ok  ' if c.ok else 'FAIL'} {c.name:<28} {c.value:8.2f}   ({c.rule})")
    lines.append(
        f"  sample peak {figures['sample_peak']:.2f} dBFS, RMS {figures['rms_db']:.2f} dB, "
        f"loudness {figures['integrated_lufs']:.2f} LUFS, noise floor {figures['noise_floor']:.1f} dB"
    )
    return "\n".join(lines)
