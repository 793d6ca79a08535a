"""Mastering: loudness (ITU-R BS.1770), true peak, a true-peak limiter, publishing profiles.

Measuring is separate from changing (like pyloudnorm): `measure` reports a file's figures,
`check` compares them with a profile, `master_stream` applies gain and limiting to a mix
and streams the result to sinks (WAV writer, MP3 encoder) chunk by chunk, so memory stays
bounded by the mix buffer itself and time is linear in its length. Mastering never shifts
time: the limiter looks ahead offline (no delay), nothing is resampled.

Loudness uses pyloudnorm's K-weighting filters and its gating (400 ms blocks, 75 % overlap,
-70 LUFS absolute and -10 LU relative gates), computed over 100 ms sub-blocks so that a
long file is measured in chunks. True peak is the sample peak of a 4x oversampled signal
(BS.1770-4 Annex 2), which pyloudnorm does not measure.
"""
from __future__ import annotations

import math
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Protocol, Sequence

import numpy as np
from scipy import ndimage, signal

from .errors import AudiodramaError

CHUNK_SECONDS = 10.0


@dataclass(frozen=True)
class Profile:
    """What a publishing platform checks, and how we master to it."""

    name: str
    description: str
    lufs: float | None = None
    """Integrated loudness target (LUFS), or None to level by RMS."""
    lufs_tolerance: float = 1.0
    rms_db: float | None = None
    """RMS level target (dBFS) when levelling by RMS (ACX)."""
    rms_range: tuple[float, float] | None = None
    true_peak: float = -1.0
    """Highest allowed true peak (dBTP)."""
    ceiling: float = -1.5
    """The limiter's ceiling (dBTP): a margin under `true_peak` for lossy encoders."""
    noise_floor: float | None = None
    """Highest allowed noise floor (dBFS RMS of the quietest 500 ms), or None."""
    sample_rate: int = 44100
    channels: int | None = 2
    head: tuple[float, float] | None = None
    """Allowed seconds of room tone at the start of a file."""
    tail: tuple[float, float] | None = None
    """Allowed seconds of room tone at the end of a file."""
    mp3_bitrate: str = "192k"


PROFILES: dict[str, Profile] = {
    "podcast": Profile("podcast", "podcast platforms: -16 LUFS integrated, true peak <= -1 dBTP, 44.1 kHz stereo",
                       lufs=-16.0, true_peak=-1.0, ceiling=-1.5, channels=2),
    "acx": Profile("acx", "ACX/Audible: RMS -23..-18 dB, peaks <= -3 dB, noise floor <= -60 dB, 44.1 kHz, "
                          "0.5-1 s room tone at the head and 1-5 s at the tail, MP3 192 kbps CBR",
                   rms_db=-20.0, rms_range=(-23.0, -18.0), true_peak=-3.0, ceiling=-3.5, noise_floor=-60.0,
                   channels=None, head=(0.5, 1.0), tail=(1.0, 5.0)),
    "none": Profile("none", "no levelling; only a limiter at -1 dBTP so nothing clips", true_peak=-1.0,
                    ceiling=-1.0, channels=None),
}


def get_profile(name: str) -> Profile:
    """The profile called `name`; an error naming the choices if unknown."""
    try:
        return PROFILES[name]
    except KeyError:
        raise AudiodramaError(f"unknown mastering profile {name!r}; use one of {', '.join(PROFILES)}") from None


def db(x: float) -> float:
    """Amplitude ratio -> dB (-inf for 0)."""
    return 20 * math.log10(x) if x > 0 else -math.inf


# ---------------------------------------------------------------- loudness

def k_weighting(sr: int) -> np.ndarray:
    """BS.1770 K-weighting as second-order sections (pyloudnorm's coefficients)."""
    import pyloudnorm
    meter = pyloudnorm.Meter(sr)
    return np.vstack([np.concatenate([f.b, f.a]) for f in meter._filters.values()])


_AD = np.zeros(0)


def _anti_denormal(n: int) -> np.ndarray:
    global _AD
    if len(_AD) < n:
        _AD = 1e-15 * np.where(np.arange(max(n, 1 << 20)) % 2, -1.0, 1.0)
    return _AD[:n]


class LoudnessMeter:
    """Integrated loudness fed chunk by chunk; same gating as pyloudnorm.Meter.integrated_loudness.

    `weight` multiplies channel energy: 2 for a mono signal played as identical stereo channels.
    """

    def __init__(self, sr: int, channels: int = 1, weight: float = 1.0):
        self.sr, self.channels, self.weight = sr, channels, weight
        self.sos = k_weighting(sr)
        self.zi = np.zeros((channels, self.sos.shape[0], 2))
        self.step = int(round(0.1 * sr))
        self._carry = np.zeros((0, channels))
        self._sub: list[np.ndarray] = []  # sum of squares per 100 ms sub-block (summed over channels)

    def feed(self, x: np.ndarray) -> None:
        """Add samples: shape (n,) or (n, channels)."""
        x = x.reshape(len(x), -1)
        y = np.empty(x.shape)
        for c in range(self.channels):
            # a -300 dB Nyquist tone keeps the filter state out of denormals after silence (10x faster)
            y[:, c], self.zi[c] = signal.sosfilt(self.sos, x[:, c] + _anti_denormal(len(x)), zi=self.zi[c])
        y = np.concatenate([self._carry, y]) if len(self._carry) else y
        full = len(y) // self.step * self.step
        if full:
            e = np.square(y[:full]).reshape(-1, self.step, self.channels).sum(axis=(1, 2))
            self._sub.append(e)
        self._carry = y[full:]

    def integrated(self) -> float:
        """Integrated loudness (LUFS) of everything fed so far; -inf if silent or shorter than 0.4 s."""
        sub = np.concatenate(self._sub) if self._sub else np.zeros(0)
        if len(sub) < 4:
            return -math.inf
        block = (sub[:-3] + sub[1:-2] + sub[2:-1] + sub[3:]) / (4 * self.step) * self.weight
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


# ---------------------------------------------------------------- true peak

_TP_MARGIN = 16  # input samples of context each side for the oversampling filter


def _tp_filter() -> np.ndarray:
    return signal.firwin(49, 1 / 4, window=("kaiser", 5.0)) * 4


_TP_H = _tp_filter()


def true_peak_per_sample(x: np.ndarray) -> np.ndarray:
    """|x| oversampled 4x, max over each input sample's four phases (shape of x; float32)."""
    up = signal.upfirdn(_TP_H.astype(np.float32), x.astype(np.float32), up=4)
    delay = (len(_TP_H) - 1) // 2
    up = np.abs(up[delay: delay + 4 * len(x)])
    peak = np.maximum(np.maximum(up[0::4], up[1::4]), np.maximum(up[2::4], up[3::4]))
    return np.maximum(peak, np.abs(x), out=peak)


#: The most the 4x interpolation can exceed the largest |sample| around it (sum of |taps| per phase).
TP_BOUND = float(max(np.abs(_TP_H[p::4]).sum() for p in range(4)))


def hot_runs(x: np.ndarray, threshold: float, block: int = 512) -> list[tuple[int, int]]:
    """Sample ranges [a, b) of `x` where the true peak could reach `threshold`.

    Outside them every block's sample peak (with its neighbours) times TP_BOUND stays under
    `threshold`, so the true peak there is known to be under it without oversampling.
    """
    n = len(x)
    nb = -(-n // block)
    bm = np.zeros(nb * block, np.float32)
    bm[:n] = np.abs(x)
    bm = bm.reshape(nb, block).max(axis=1)
    hot = bm * TP_BOUND >= threshold
    if not hot.any():
        return []
    hot = hot | np.r_[hot[1:], False] | np.r_[False, hot[:-1]]  # the filter reaches into neighbours
    edges = np.flatnonzero(np.diff(np.r_[0, hot.astype(np.int8), 0]))
    return [(int(i) * block, min(n, int(j) * block)) for i, j in zip(edges[0::2], edges[1::2])]


def true_peak_where_needed(x: np.ndarray, threshold: float, block: int = 512) -> np.ndarray:
    """Like true_peak_per_sample, but exact only in `hot_runs` (elsewhere |x| < threshold is kept)."""
    out = np.abs(x)
    n = len(x)
    for a, b in hot_runs(x, threshold, block):
        lo, hi = max(0, a - _TP_MARGIN), min(n, b + _TP_MARGIN)
        out[a:b] = true_peak_per_sample(x[lo:hi])[a - lo: b - lo]
    return out


def chunks(n: int, size: int, margin: int = 0) -> Iterator[tuple[int, int, int, int]]:
    """(a, b, lo, hi): chunk [a, b) of [0, n) and its context [lo, hi) with `margin` each side."""
    for a in range(0, n, size):
        b = min(n, a + size)
        yield a, b, max(0, a - margin), min(n, b + margin)


# ---------------------------------------------------------------- limiter

class Limiter:
    """A look-ahead true-peak limiter, applied offline chunk by chunk (no delay).

    The gain needed at each sample (ceiling / 4x-oversampled peak) is held for `hold`
    seconds by a trailing minimum and then smoothed by a leading moving average of `attack`
    seconds; since hold >= attack the smoothed gain never exceeds the needed gain.
    """

    def __init__(self, sr: int, ceiling_db: float, attack: float = 0.005, hold: float = 0.03):
        self.ceiling = 10 ** (ceiling_db / 20)
        self.wa = max(1, int(attack * sr))
        self.wm = max(self.wa, int(hold * sr))
        self.margin = self.wa + self.wm + _TP_MARGIN

    def gain(self, ctx: np.ndarray, off: int, n: int) -> tuple[np.ndarray, float]:
        """(gain for ctx[off:off+n], true peak of the limited result there), given context around it.

        Only the regions where the true peak may reach the ceiling (`hot_runs`) are oversampled
        and processed; the gain is exactly 1 elsewhere. The true peak after limiting is
        estimated as max(4x peak * gain): the gain is smooth (ramps of `attack` seconds), so it
        barely changes the inter-sample overshoot.
        """
        g = np.ones(n, np.float32)
        peak = 0.0
        reach = self.wm + self.wa
        merged: list[list[int]] = []
        for a, b in hot_runs(ctx, self.ceiling):
            if merged and a - merged[-1][1] <= 2 * reach:
                merged[-1][1] = b
            else:
                merged.append([a, b])
        for a, b in merged:
            lo, hi = max(0, a - reach), min(len(ctx), b + reach)
            if hi <= off or lo >= off + n:
                continue
            tlo, thi = max(0, lo - _TP_MARGIN), min(len(ctx), hi + _TP_MARGIN)
            tp = true_peak_per_sample(ctx[tlo:thi])[lo - tlo: hi - tlo]
            need = np.minimum(1.0, self.ceiling / np.maximum(tp, 1e-12)).astype(np.float32)
            if need.min() < 1.0:
                # trailing minimum over [k - wm + 1, k], then leading average over [k, k + wa - 1]
                held = ndimage.minimum_filter1d(need, self.wm, origin=(self.wm - 1) // 2, mode="nearest")
                cs = np.concatenate([[0.0], np.cumsum(held, dtype=np.float64)])
                idx = np.arange(len(held))
                end = np.minimum(idx + self.wa, len(held))
                gg = np.minimum((cs[end] - cs[idx]) / (end - idx), held).astype(np.float32)
            else:
                gg = np.ones(len(need), np.float32)
            a2, b2 = max(lo, off), min(hi, off + n)
            g[a2 - off: b2 - off] = np.minimum(g[a2 - off: b2 - off], gg[a2 - lo: b2 - lo])
            peak = max(peak, float((tp[a2 - lo: b2 - lo] * gg[a2 - lo: b2 - lo]).max(initial=0.0)))
        return g, max(peak, float(np.abs(ctx[off: off + n] * g).max(initial=0.0)))


# ---------------------------------------------------------------- mastering

class Sink(Protocol):
    """Receives the mastered audio as int16 blocks of shape (n, channels)."""

    def write(self, block: np.ndarray) -> None: ...
    def close(self) -> None: ...


def level_gain_db(x: np.ndarray, sr: int, profile: Profile, channels: int) -> float:
    """The gain (dB) that brings mono mix `x`, played on `channels` identical channels, to the profile's level."""
    if profile.lufs is not None:
        meter = LoudnessMeter(sr, 1, weight=float(channels))
        for a, b, _, _ in chunks(len(x), int(CHUNK_SECONDS * sr)):
            meter.feed(x[a:b])
        lufs = meter.integrated()
        return 0.0 if not math.isfinite(lufs) else profile.lufs - lufs
    if profile.rms_db is not None:
        ss = sum(float(np.square(x[a:b], dtype=np.float64).sum()) for a, b, _, _ in chunks(len(x), 1 << 20))
        rms = math.sqrt(ss / max(1, len(x)))
        return 0.0 if rms <= 0 else profile.rms_db - db(rms)
    return 0.0


def master_stream(x: np.ndarray, sr: int, profile: Profile, channels: int, sinks: Sequence[Sink],
                  gain_db: float | None = None, progress: bool = False) -> dict:
    """Level mono mix `x` to `profile`, limit its true peak, and write it to `sinks` as int16.

    Returns the figures of the result: lufs, true_peak (dBTP), sample_peak, rms_db, gain_db.
    `x` is not modified.
    """
    if gain_db is None:
        gain_db = level_gain_db(x, sr, profile, channels)
    g = 10 ** (gain_db / 20)
    lim = Limiter(sr, profile.ceiling)
    meter = LoudnessMeter(sr, 1, weight=float(channels))
    tpk = spk = 0.0
    ss = 0.0
    parts: Iterable = chunks(len(x), int(CHUNK_SECONDS * sr), lim.margin)
    if progress:
        from tqdm import tqdm
        parts = tqdm(parts, total=-(-len(x) // int(CHUNK_SECONDS * sr)), desc="master + encode", unit="10 s",
                     leave=False)
    for a, b, lo, hi in parts:
        ctx = x[lo:hi] * np.float32(g)
        gain, tp = lim.gain(ctx, a - lo, b - a)
        y = ctx[a - lo: b - lo] * gain
        tpk = max(tpk, tp)
        meter.feed(y)
        spk = max(spk, float(np.max(np.abs(y), initial=0.0)))
        ss += float(np.square(y, dtype=np.float64).sum())
        pcm = np.clip(np.round(y * 32767.0), -32768, 32767).astype(np.int16)
        if sinks:
            block = np.repeat(pcm[:, None], channels, axis=1) if channels > 1 else pcm[:, None]
            for s in sinks:
                s.write(block)
    for s in sinks:
        s.close()
    rms = math.sqrt(ss / max(1, len(x)))
    return {"lufs": meter.integrated(), "true_peak": db(tpk), "sample_peak": db(spk),
            "rms_db": db(rms), "gain_db": gain_db}


# ---------------------------------------------------------------- measuring files

def _read_blocks(path: Path, block: int) -> tuple[int, int, Iterator[np.ndarray]]:
    """(sample_rate, channels, blocks of float32 (n, ch)) of an audio file, decoded in chunks."""
    import soundfile as sf
    try:
        info = sf.info(str(path))
        gen = sf.blocks(str(path), blocksize=block, dtype="float32", always_2d=True)
        return info.samplerate, info.channels, gen
    except Exception:  # formats libsndfile cannot read: let ffmpeg decode
        pass
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
                            "stream=sample_rate,channels", "-of", "csv=p=0", str(path)],
                           capture_output=True, text=True)
    if probe.returncode != 0 or not probe.stdout.strip():
        raise AudiodramaError("cannot read this audio file; is it a WAV/MP3/Opus/M4B?", path)
    sr, ch = (int(v) for v in probe.stdout.strip().split("\n")[0].split(",")[:2])

    def gen() -> Iterator[np.ndarray]:
        proc = subprocess.Popen(["ffmpeg", "-v", "error", "-i", str(path), "-f", "f32le", "-"],
                                stdout=subprocess.PIPE)
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
        ctx = np.concatenate([prev[-_TP_MARGIN:], blk])
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
        k = 10  # 10 x 50 ms = 500 ms
        if len(ws) >= k:
            half_s = np.convolve(ws, np.ones(k) / k, mode="valid")
            noise = float(10 * np.log10(half_s.min()))
        else:
            noise = float(10 * np.log10(ws.min())) if len(ws) else -math.inf
    head, tail_s = _edge_silence(win_db, 0.05)
    figures = {"integrated_lufs": meter.integrated(), "true_peak": db(tpk), "sample_peak": db(spk),
               "rms_db": db(math.sqrt(ss / max(1, n * ch))), "noise_floor": max(noise, -120.0),
               "head": head, "tail": tail_s, "duration": n / sr, "sample_rate": sr, "channels": ch}
    if not isinstance(source, np.ndarray):
        figures.update(_codec(Path(source)))
    return figures


def _codec(path: Path) -> dict:
    """codec and bit_rate (bits/s) of a file's first audio stream, by ffprobe ({} if unknown)."""
    try:
        out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
                              "stream=codec_name,bit_rate", "-of", "csv=p=0", str(path)],
                             capture_output=True, text=True, timeout=60).stdout.strip().split(",")
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


def check(figures: dict, profile: Profile | str) -> list[Check]:
    """Compare `measure()` figures with `profile`; every rule the profile has, pass or fail."""
    p = get_profile(profile) if isinstance(profile, str) else profile
    out = []
    lossless = figures.get("codec", "pcm").startswith(("pcm", "flac"))
    if p.lufs is not None:
        v = figures["integrated_lufs"]
        target = p.lufs - (3.0 if figures["channels"] == 1 else 0.0)  # AES TD1004: mono 3 LU lower
        out.append(Check("integrated loudness (LUFS)", v, f"{target:g} +/- {p.lufs_tolerance:g}"
                         + (" (mono)" if figures["channels"] == 1 else ""), abs(v - target) <= p.lufs_tolerance))
    if p.rms_range is not None:
        v = figures["rms_db"]
        out.append(Check("RMS (dB)", v, f"{p.rms_range[0]:g} .. {p.rms_range[1]:g}",
                         p.rms_range[0] <= v <= p.rms_range[1]))
    out.append(Check("true peak (dBTP)", figures["true_peak"], f"<= {p.true_peak:g}",
                     figures["true_peak"] <= p.true_peak + 1e-6))
    if p.noise_floor is not None:
        out.append(Check("noise floor (dB)", figures["noise_floor"], f"<= {p.noise_floor:g}",
                         figures["noise_floor"] <= p.noise_floor))
    if p.name != "none" and figures.get("codec") != "opus":  # Opus always runs at 48 kHz
        out.append(Check("sample rate (Hz)", figures["sample_rate"], f"= {p.sample_rate}",
                         figures["sample_rate"] == p.sample_rate))
    if p.channels and lossless:  # platforms reject mono WAV/FLAC; mono MP3/Opus/AAC are fine
        out.append(Check("channels", figures["channels"], f"= {p.channels}", figures["channels"] == p.channels))
    if p.name == "acx" and figures.get("codec") == "mp3" and "bit_rate" in figures:
        want = int(p.mp3_bitrate.rstrip("k")) * 1000
        out.append(Check("MP3 bit rate (kbit/s)", figures["bit_rate"] / 1000, f"= {want // 1000} CBR",
                         abs(figures["bit_rate"] - want) <= 1000))
    for key, rng in (("head", p.head), ("tail", p.tail)):
        if rng:
            v = figures[key]
            out.append(Check(f"room tone at the {key} (s)", v, f"{rng[0]:g} .. {rng[1]:g}",
                             rng[0] - 0.05 <= v <= rng[1] + 0.05))
    return out


def format_checks(figures: dict, checks: list[Check], name: str = "") -> str:
    """A human-readable report of `check()` results."""
    lines = [f"{name}: {figures['duration']:.1f} s, {figures['sample_rate']} Hz, {figures['channels']} ch"]
    for c in checks:
        lines.append(f"  {'ok  ' if c.ok else 'FAIL'} {c.name:<28} {c.value:8.2f}   ({c.rule})")
    lines.append(f"  sample peak {figures['sample_peak']:.2f} dBFS, RMS {figures['rms_db']:.2f} dB, "
                 f"loudness {figures['integrated_lufs']:.2f} LUFS, noise floor {figures['noise_floor']:.1f} dB")
    return "\n".join(lines)
