"""Mastering: loudness (ITU-R BS.1770), true peak, a true-peak limiter, publishing profiles.

Measuring is separate from changing (like pyloudnorm): `measure` reports a file's figures,
`check` compares them with a profile, `master_stream` applies gain and limiting to a mix
and streams the result to sinks (WAV writer, MP3 encoder) chunk by chunk, so memory stays
bounded by the mix buffer itself and time is linear in its length. Mastering never shifts
time: the limiter looks ahead offline (no delay), nothing is resampled.

Loudness uses pyloudnorm's K-weighting filters and its gating (400 ms blocks, 75 % overlap,
-70 LUFS absolute and -10 LU relative gates), computed over 100 ms sub-blocks so that a
long file is measured in chunks; the K-weighting runs in float32. True peak is the sample
peak of a 4x oversampled signal (BS.1770-4 Annex 2), which pyloudnorm does not measure: the
49-tap interpolator is applied as one matrix product per batch of 16-sample blocks, and only
to blocks whose sample peak (times the filter's worst-case gain) could reach the threshold.
The loudness of the mastered result is derived from the first measurement (gain is linear)
and measured afresh only around the stretches the limiter turned down.
"""

from __future__ import annotations

import math
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np
from scipy import ndimage, signal

from audiodrama.errors import AudiodramaError

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
    "podcast": Profile(
        "podcast",
        "podcast platforms: -16 LUFS integrated, true peak <= -1 dBTP, 44.1 kHz stereo",
        lufs=-16.0,
        true_peak=-1.0,
        ceiling=-1.5,
        channels=2,
    ),
    "acx": Profile(
        "acx",
        "ACX/Audible: RMS -23..-18 dB, peaks <= -3 dB, noise floor <= -60 dB, 44.1 kHz, "
        "0.5-1 s room tone at the head and 1-5 s at the tail, MP3 192 kbps CBR",
        rms_db=-20.0,
        rms_range=(-23.0, -18.0),
        true_peak=-3.0,
        ceiling=-3.5,
        noise_floor=-60.0,
        channels=None,
        head=(0.5, 1.0),
        tail=(1.0, 5.0),
    ),
    "none": Profile(
        "none",
        "no levelling; only a limiter at -1 dBTP so nothing clips",
        true_peak=-1.0,
        ceiling=-1.0,
        channels=None,
    ),
}


def get_profile(name: str) -> Profile:
    """The profile called `name`; an error naming the choices if unknown."""
    try:
        return PROFILES[name]
    except KeyError:
        raise AudiodramaError(
            f"unknown mastering profile {name!r}; use one of {', '.join(PROFILES)}"
        ) from None


def db(x: float) -> float:
    """Amplitude ratio -> dB (-inf for 0)."""
    return 20 * math.log10(x) if x > 0 else -math.inf


# ---------------------------------------------------------------- loudness


@lru_cache(maxsize=8)
def _k_weighting(sr: int) -> np.ndarray:
    import pyloudnorm

    meter = pyloudnorm.Meter(sr)
    return np.vstack([np.concatenate([f.b, f.a]) for f in meter._filters.values()])


def k_weighting(sr: int) -> np.ndarray:
    """BS.1770 K-weighting as second-order sections (pyloudnorm's coefficients)."""
    return _k_weighting(sr).copy()


_AD = np.zeros(0, np.float32)


def _anti_denormal(n: int) -> np.ndarray:
    """A -300 dB Nyquist tone (float32): keeps IIR states out of denormals after silence (10x faster)."""
    global _AD
    if len(_AD) < n:
        _AD = np.float32(1e-15) * np.where(np.arange(max(n, 1 << 20)) % 2, -1.0, 1.0).astype(np.float32)
    return _AD[:n]


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


# ---------------------------------------------------------------- true peak

_TP_MARGIN = 16  # input samples of context each side for the oversampling filter
_TP_REACH = 6  # input samples each side that one output of the 4x interpolator actually reads
_TP_BLOCK = 16  # samples per block of the block-matrix interpolator


def _tp_filter() -> np.ndarray:
    return signal.firwin(49, 1 / 4, window=("kaiser", 5.0)) * 4


_TP_H = _tp_filter()


@lru_cache(maxsize=4)
def _tp_matrix(block: int) -> np.ndarray:
    """(block + 2 * reach, 4 * block) float32: a window of input samples -> its 4x interpolated block.

    Row r is input sample (block start - reach + r); column p * block + i is phase p of sample i;
    the same taps as upfirdn(_TP_H, x, up=4) delayed by half the filter.
    """
    h = _TP_H.astype(np.float32)
    m = np.zeros((block + 2 * _TP_REACH, 4 * block), np.float32)
    half = (len(h) - 1) // 2
    for i in range(block):
        for p in range(4):
            for r in range(block + 2 * _TP_REACH):
                j = 4 * (i - (r - _TP_REACH)) + p + half
                if 0 <= j < len(h):
                    m[r, p * block + i] = h[j]
    return m


def _tp_of_blocks(x: np.ndarray, blocks: np.ndarray, block: int = _TP_BLOCK) -> np.ndarray:
    """Per-sample 4x true peak of the given blocks of `x` (block k = x[k*block:(k+1)*block]).

    Returns shape (len(blocks), block); samples past the end of `x` come out as 0. Samples
    outside `x` count as silence (as for upfirdn).
    """
    n = len(x)
    blocks = np.asarray(blocks, np.int64)
    if not len(blocks):
        return np.zeros((0, block), np.float32)
    width = block + 2 * _TP_REACH
    idx = blocks[:, None] * block - _TP_REACH + np.arange(width)
    inside = (idx >= 0) & (idx < n)
    win = np.where(inside, x[np.clip(idx, 0, max(n - 1, 0))], np.float32(0)).astype(np.float32, copy=False)
    up = win @ _tp_matrix(block)
    np.abs(up, out=up)
    out = np.maximum(up[:, :block], up[:, block : 2 * block])
    np.maximum(out, up[:, 2 * block : 3 * block], out=out)
    np.maximum(out, up[:, 3 * block :], out=out)
    return np.maximum(out, np.abs(win[:, _TP_REACH : _TP_REACH + block]), out=out)


def true_peak_per_sample(x: np.ndarray) -> np.ndarray:
    """|x| oversampled 4x, max over each input sample's four phases (shape of x; float32)."""
    x = np.asarray(x, np.float32)
    n = len(x)
    if n == 0:
        return np.zeros(0, np.float32)
    nb = -(-n // _TP_BLOCK)
    out = np.empty(nb * _TP_BLOCK, np.float32)
    step = 1 << 14  # blocks per matrix product, so the windows stay small
    for a in range(0, nb, step):
        b = min(nb, a + step)
        out[a * _TP_BLOCK : b * _TP_BLOCK] = _tp_of_blocks(x, np.arange(a, b)).ravel()
    return out[:n]


#: The most the 4x interpolation can exceed the largest |sample| around it (sum of |taps| per phase).
TP_BOUND = float(max(np.abs(_TP_H[p::4]).sum() for p in range(4)))


def _block_max(x: np.ndarray, block: int) -> np.ndarray:
    """max |x| over each block of `block` samples (the last one may be shorter)."""
    if not len(x):
        return np.zeros(0, np.float32)
    idx = np.arange(0, len(x), block)
    return np.maximum(np.maximum.reduceat(x, idx), -np.minimum.reduceat(x, idx))


_COARSE = 256  # samples per block of the first, cheap screening


def _candidate_blocks(x: np.ndarray, threshold: float, block: int = _TP_BLOCK) -> np.ndarray:
    """Blocks of `x` whose true peak could reach `threshold` (each block's sample peak, with its
    neighbours', times TP_BOUND); every other sample's true peak is known to be under it.

    Screened first in blocks of 256 samples, then in `block`s inside the hot ones only.
    """
    x = np.asarray(x, np.float32)
    limit = np.float32(threshold / TP_BOUND)
    coarse = _COARSE if block < _COARSE and _COARSE % block == 0 else block
    bm = _block_max(x, coarse)
    if not len(bm):
        return np.zeros(0, np.int64)
    hot = bm >= limit
    hot[1:] |= hot[:-1]  # a hot block's neighbours read into it
    hot[:-1] |= hot[1:].copy()
    cb = np.flatnonzero(hot)
    if coarse == block or not len(cb):
        return cb
    per = coarse // block
    n = len(x)
    full = n // coarse
    rows = cb[cb < full]
    sub = np.abs(x[: full * coarse].reshape(full, coarse)[rows])
    if len(rows) < len(cb):  # the last, partial coarse block
        last = np.zeros((1, coarse), np.float32)
        last[0, : n - full * coarse] = np.abs(x[full * coarse :])
        sub = np.concatenate([sub, last])
    fm = np.maximum.reduceat(sub.ravel(), np.arange(0, sub.size, block))
    fine = (cb[:, None] * per + np.arange(per)).ravel()
    near = fm.copy()
    prev_ok = np.r_[False, fine[1:] == fine[:-1] + 1]  # neighbours are only looked at where both
    next_ok = np.r_[fine[1:] == fine[:-1] + 1, False]  # are screened; others are under the limit
    near[prev_ok] = np.maximum(near[prev_ok], fm[np.flatnonzero(prev_ok) - 1])
    near[next_ok] = np.maximum(near[next_ok], fm[np.flatnonzero(next_ok) + 1])
    fine = fine[near >= limit]
    return fine[fine * block < n]


def hot_runs(x: np.ndarray, threshold: float, block: int = 512) -> list[tuple[int, int]]:
    """Sample ranges [a, b) of `x` where the true peak could reach `threshold`.

    Outside them every block's sample peak (with its neighbours) times TP_BOUND stays under
    `threshold`, so the true peak there is known to be under it without oversampling.
    """
    n = len(x)
    hot = np.zeros(-(-n // block), bool)
    hot[_candidate_blocks(x, threshold, block)] = True
    if not hot.any():
        return []
    edges = np.flatnonzero(np.diff(np.r_[0, hot.astype(np.int8), 0]))
    return [(int(i) * block, min(n, int(j) * block)) for i, j in zip(edges[0::2], edges[1::2])]


def true_peak_where_needed(x: np.ndarray, threshold: float, block: int = _TP_BLOCK) -> np.ndarray:
    """Like true_peak_per_sample, but exact only where it could reach `threshold` (elsewhere |x| < threshold)."""
    out = np.abs(x).astype(np.float32)
    blocks = _candidate_blocks(x, threshold, _TP_BLOCK)
    if len(blocks):
        tp = _tp_of_blocks(x, blocks)
        idx = (blocks[:, None] * _TP_BLOCK + np.arange(_TP_BLOCK)).ravel()
        keep = idx < len(x)
        out[idx[keep]] = tp.ravel()[keep]
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

    def gain(self, ctx: np.ndarray, off: int, n: int, known_peak: float = 0.0) -> tuple[np.ndarray, float]:
        """(gain for ctx[off:off+n], true peak of the limited result there), given context around it.

        Only the blocks where the true peak may reach the ceiling (or the region's own sample
        peak, so that its true peak is known) are oversampled, all at once as one matrix
        product; the gain is exactly 1 away from the samples over the ceiling. The true peak
        after limiting is estimated as max(4x peak * gain): the gain is smooth (ramps of
        `attack` seconds), so it barely changes the inter-sample overshoot. `known_peak`, the
        true peak found so far in earlier chunks, spares oversampling blocks that cannot beat
        it (the peak returned is then only exact when it is above `known_peak`).
        """
        ctx = np.asarray(ctx, np.float32)
        g = np.ones(n, np.float32)
        region = ctx[off : off + n]
        spk = float(np.abs(region).max(initial=0.0))
        if spk <= 0.0:
            return g, 0.0
        threshold = min(self.ceiling, max(spk, known_peak))
        blocks = _candidate_blocks(ctx, threshold)
        tp = _tp_of_blocks(ctx, blocks).ravel()
        pos = (blocks[:, None] * _TP_BLOCK + np.arange(_TP_BLOCK)).ravel()
        keep = pos < len(ctx)
        tp, pos = tp[keep], pos[keep]
        over = tp > self.ceiling
        if over.any():
            gains = self._gain_runs(pos[over], (self.ceiling / tp[over]).astype(np.float32), len(ctx))
            for start, gg in gains:
                a2, b2 = max(start, off), min(start + len(gg), off + n)
                if a2 < b2:
                    np.minimum(
                        g[a2 - off : b2 - off], gg[a2 - start : b2 - start], out=g[a2 - off : b2 - off]
                    )
        mine = (pos >= off) & (pos < off + n)
        peak = float((tp[mine] * g[pos[mine] - off]).max(initial=0.0))
        return g, max(peak, float(np.abs(region * g).max(initial=0.0)) if over.any() else spk)

    def _gain_runs(self, pos: np.ndarray, need: np.ndarray, size: int) -> list[tuple[int, np.ndarray]]:
        """(start, gain) runs for samples `pos` (sorted) needing gain `need`, in [0, size).

        Samples further apart than hold + attack cannot share a smoothing window, so each
        cluster is computed on its own dense piece: all pieces are laid end to end, separated
        by unity gain, and filtered in one go.
        """
        wm, wa = self.wm, self.wa
        pad = wm + wa
        brk = np.flatnonzero(np.diff(pos) > pad) + 1
        first = pos[np.r_[0, brk]]
        last = pos[np.r_[brk - 1, len(pos) - 1]]
        origin = np.maximum(first - pad, 0)
        stop = np.minimum(last + pad + 1, size)
        lens = stop - origin
        base = np.r_[0, np.cumsum(lens + pad)[:-1]]  # `pad` of unity between pieces
        total = int(base[-1] + lens[-1] + pad)
        dense = np.ones(total, np.float32)
        cluster = np.repeat(np.arange(len(first)), np.diff(np.r_[np.r_[0, brk], len(pos)]))
        dense[base[cluster] + pos - origin[cluster]] = need
        # trailing minimum over [k - wm + 1, k], then leading average over [k, k + wa - 1]
        held = ndimage.minimum_filter1d(dense, wm, origin=(wm - 1) // 2, mode="nearest")
        cs = np.concatenate([[0.0], np.cumsum(held, dtype=np.float64)])
        idx = np.arange(total)
        end = np.minimum(idx + wa, total)
        smooth = np.minimum((cs[end] - cs[idx]) / (end - idx), held).astype(np.float32)
        return [(int(o), smooth[int(b) : int(b) + int(m)]) for o, b, m in zip(origin, base, lens)]


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


def to_pcm16(y: np.ndarray, channels: int, scratch: np.ndarray | None = None) -> np.ndarray:
    """float samples in [-1, 1) -> int16 of shape (n, channels), the mono signal on every channel.

    `scratch`, a float32 array as long as `y`, spares an allocation."""
    pcm = np.multiply(y, np.float32(32767.0), out=scratch)
    np.rint(pcm, out=pcm)
    np.clip(pcm, -32768, 32767, out=pcm)
    out = np.empty((len(y), channels), np.int16)
    for c in range(channels):
        out[:, c] = pcm
    return out


def master_stream(
    x: np.ndarray,
    sr: int,
    profile: Profile,
    channels: int,
    sinks: Sequence[Sink],
    gain_db: float | None = None,
    progress: bool = False,
) -> dict:
    """Level mono mix `x` to `profile`, limit its true peak, and write it to `sinks` as int16.

    Returns the figures of the result: lufs, true_peak (dBTP), sample_peak, rms_db, gain_db.
    `x` is not modified.
    """
    pre = None  # the loudness of x, measured to set the gain; the result's is derived from it
    if gain_db is None and profile.lufs is not None:
        pre = LoudnessMeter(sr, 1, weight=float(channels))
        for a, b, _, _ in chunks(len(x), int(CHUNK_SECONDS * sr)):
            pre.feed(x[a:b])
        lufs = pre.integrated()
        gain_db = 0.0 if not math.isfinite(lufs) else profile.lufs - lufs
    elif gain_db is None:
        gain_db = level_gain_db(x, sr, profile, channels)
    g = np.float32(10 ** (gain_db / 20))
    lim = Limiter(sr, profile.ceiling)
    meter = LoudnessMeter(sr, 1, weight=float(channels))
    tpk = spk = 0.0
    ss = 0.0
    parts: Iterable = chunks(len(x), int(CHUNK_SECONDS * sr), lim.margin)
    if progress:
        from tqdm.auto import tqdm

        parts = tqdm(
            parts, total=-(-len(x) // int(CHUNK_SECONDS * sr)), desc="master", unit="block", leave=False
        )  # a block is CHUNK_SECONDS of audio
    limited: list[tuple[int, np.ndarray]] = []  # (first sample, gain) of each stretch the limiter turned down
    scratch = np.empty(0, np.float32)
    for a, b, lo, hi in parts:
        ctx = x[lo:hi] * g
        gain, tp = lim.gain(ctx, a - lo, b - a, tpk)
        y = ctx[a - lo : b - lo]
        if gain.min() < 1.0:
            y = y * gain
            if pre is not None:
                edges = np.flatnonzero(np.diff(np.r_[0, (gain < 1.0).astype(np.int8), 0]))
                limited += [(a + int(i), gain[i:j].copy()) for i, j in zip(edges[0::2], edges[1::2])]
        tpk = max(tpk, tp)
        if pre is None:
            meter.feed(y)
        spk = max(spk, float(np.max(np.abs(y), initial=0.0)))
        ss += float(np.dot(y, y))
        if sinks:
            if len(scratch) < len(y):
                scratch = np.empty(len(y), np.float32)
            block = to_pcm16(y, channels, scratch[: len(y)])
            for s in sinks:
                s.write(block)
    for s in sinks:
        s.close()
    rms = math.sqrt(ss / max(1, len(x)))
    lufs = _limited_loudness(x, g, pre, limited) if pre is not None else meter.integrated()
    return {"lufs": lufs, "true_peak": db(tpk), "sample_peak": db(spk), "rms_db": db(rms), "gain_db": gain_db}


def _limited_loudness(
    x: np.ndarray, g: float, pre: LoudnessMeter, limited: list[tuple[int, np.ndarray]]
) -> float:
    """Integrated loudness of x * g * (the limiter's gain), from the sub-block energies of x.

    Away from the limited stretches the energies are those of x times g**2 (K-weighting is
    linear). Around each stretch (from 0.1 s before it, where the filter state is rebuilt from
    silence, to 0.1 s after it, when the high-pass has rung out to 1e-7) the K-weighted
    energies of the limited signal are computed afresh.
    """
    step = pre.step
    sub = pre.energies() * (float(g) ** 2)
    if not limited or not len(sub):
        return gated_loudness(sub, step, pre.weight)
    reach = -(-int(0.1 * pre.sr) // step) * step
    windows: list[list] = []  # [start, end, [(first sample, gain), ...]]
    for start, gg in limited:
        end = start + len(gg)
        if windows and start <= windows[-1][1] + 2 * reach:
            windows[-1][1] = max(windows[-1][1], end)
            windows[-1][2].append((start, gg))
        else:
            windows.append([start, end, [(start, gg)]])
    for start, end, runs in windows:
        k0 = start // step
        k1 = min(len(sub), -(-(end + reach) // step))
        if k1 <= k0:
            continue
        w0 = max(0, k0 * step - reach)
        seg = x[w0 : k1 * step] * np.float32(g)
        for a, gg in runs:
            b = min(a + len(gg), k1 * step)
            seg[a - w0 : b - w0] *= gg[: b - a]
        m = LoudnessMeter(pre.sr, 1, pre.weight)
        m.feed(seg)
        e = m.energies()
        j0 = w0 // step
        sub[k0:k1] = e[k0 - j0 : k1 - j0]
    return gated_loudness(sub, step, pre.weight)


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
    probe = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "a:0",
            "-show_entries",
            "stream=sample_rate,channels",
            "-of",
            "csv=p=0",
            str(path),
        ],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0 or not probe.stdout.strip():
        raise AudiodramaError("cannot read this audio file; is it a WAV/MP3/Opus/M4B?", path)
    sr, ch = (int(v) for v in probe.stdout.strip().split("\n")[0].split(",")[:2])

    def gen() -> Iterator[np.ndarray]:
        proc = subprocess.Popen(
            ["ffmpeg", "-v", "error", "-i", str(path), "-f", "f32le", "-"], stdout=subprocess.PIPE
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
    figures = {
        "integrated_lufs": meter.integrated(),
        "true_peak": db(tpk),
        "sample_peak": db(spk),
        "rms_db": db(math.sqrt(ss / max(1, n * ch))),
        "noise_floor": max(noise, -120.0),
        "head": head,
        "tail": tail_s,
        "duration": n / sr,
        "sample_rate": sr,
        "channels": ch,
    }
    if not isinstance(source, np.ndarray):
        figures.update(_codec(Path(source)))
    return figures


def _codec(path: Path) -> dict:
    """codec and bit_rate (bits/s) of a file's first audio stream, by ffprobe ({} if unknown)."""
    try:
        out = (
            subprocess.run(
                [
                    "ffprobe",
                    "-v",
                    "error",
                    "-select_streams",
                    "a:0",
                    "-show_entries",
                    "stream=codec_name,bit_rate",
                    "-of",
                    "csv=p=0",
                    str(path),
                ],
                capture_output=True,
                text=True,
                timeout=60,
            )
            .stdout.strip()
            .split(",")
        )
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
        out.append(
            Check(
                "integrated loudness (LUFS)",
                v,
                f"{target:g} +/- {p.lufs_tolerance:g}" + (" (mono)" if figures["channels"] == 1 else ""),
                abs(v - target) <= p.lufs_tolerance,
            )
        )
    if p.rms_range is not None:
        v = figures["rms_db"]
        out.append(
            Check(
                "RMS (dB)",
                v,
                f"{p.rms_range[0]:g} .. {p.rms_range[1]:g}",
                p.rms_range[0] <= v <= p.rms_range[1],
            )
        )
    out.append(
        Check(
            "true peak (dBTP)",
            figures["true_peak"],
            f"<= {p.true_peak:g}",
            figures["true_peak"] <= p.true_peak + 1e-6,
        )
    )
    if p.noise_floor is not None:
        out.append(
            Check(
                "noise floor (dB)",
                figures["noise_floor"],
                f"<= {p.noise_floor:g}",
                figures["noise_floor"] <= p.noise_floor,
            )
        )
    if p.name != "none" and figures.get("codec") != "opus":  # Opus always runs at 48 kHz
        out.append(
            Check(
                "sample rate (Hz)",
                figures["sample_rate"],
                f"= {p.sample_rate}",
                figures["sample_rate"] == p.sample_rate,
            )
        )
    if p.channels and lossless:  # platforms reject mono WAV/FLAC; mono MP3/Opus/AAC are fine
        out.append(
            Check("channels", figures["channels"], f"= {p.channels}", figures["channels"] == p.channels)
        )
    if p.name == "acx" and figures.get("codec") == "mp3" and "bit_rate" in figures:
        want = int(p.mp3_bitrate.rstrip("k")) * 1000
        out.append(
            Check(
                "MP3 bit rate (kbit/s)",
                figures["bit_rate"] / 1000,
                f"= {want // 1000} CBR",
                abs(figures["bit_rate"] - want) <= 1000,
            )
        )
    for key, rng in (("head", p.head), ("tail", p.tail)):
        if rng:
            v = figures[key]
            out.append(
                Check(
                    f"room tone at the {key} (s)",
                    v,
                    f"{rng[0]:g} .. {rng[1]:g}",
                    rng[0] - 0.05 <= v <= rng[1] + 0.05,
                )
            )
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
