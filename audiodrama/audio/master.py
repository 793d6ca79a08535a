"""Mastering: gain to a profile's level and a look-ahead true-peak limiter, streamed to sinks chunk by chunk.

`master_stream` applies gain and limiting to a mix and streams the result to sinks (a WAV
writer) chunk by chunk, so memory stays bounded by the mix buffer itself and time is linear in
its length. Mastering never shifts time: the limiter looks ahead offline (no delay), nothing
is resampled. The loudness of the mastered result is derived from the first measurement (gain
is linear) and measured afresh only around the stretches the limiter turned down.

The limiter is numpy, not pydub: pydub has no true-peak limiter, and a per-sample gain curve
through AudioSegments would be a Python loop over every sample.

A mix is mono (n,) or stereo (n, 2). A stereo mix is limited with one gain for both channels
(linked: the image does not move when a peak is caught) and measured as two channels. A mono
mix written as `channels` identical channels is measured as such (weight = channels); a mono
file is mastered 3 LU lower (AES TD1004: -19 LUFS mono plays like -16 LUFS stereo).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np

from audiodrama.audio.loudness import CHUNK_SECONDS, LoudnessMeter, gated_loudness, target_lufs
from audiodrama.audio.profiles import Profile, db
from audiodrama.audio.truepeak import TP_BLOCK, TP_MARGIN, candidate_blocks, chunks, tp_of_blocks

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
        self.margin = self.wa + self.wm + TP_MARGIN

    def gain(self, ctx: np.ndarray, off: int, n: int, known_peak: float = 0.0) -> tuple[np.ndarray, float]:
        """(gain for ctx[off:off+n], true peak of the limited result there), given context around it.

        Only the blocks where the true peak may reach the ceiling (or the region's own sample
        peak, so that its true peak is known) are oversampled, all at once as one matrix
        product; the gain is exactly 1 away from the samples over the ceiling. The true peak
        after limiting is estimated as max(4x peak * gain): the gain is smooth (ramps of
        `attack` seconds), so it barely changes the inter-sample overshoot. `known_peak`, the
        true peak found so far in earlier chunks, spares oversampling blocks that cannot beat
        it (the peak returned is then only exact when it is above `known_peak`). `ctx` is mono
        (n,) or (n, channels); one gain serves every channel (the one that needs it most).
        """
        ctx = np.asarray(ctx, np.float32)
        g = np.ones(n, np.float32)
        region = ctx[off : off + n]
        spk = float(np.abs(region).max(initial=0.0))
        if spk <= 0.0:
            return g, 0.0
        threshold = min(self.ceiling, max(spk, known_peak))
        tp, pos = _true_peaks(ctx, threshold)
        over = tp > self.ceiling
        if over.any():
            p, need = _neediest(pos[over], (self.ceiling / tp[over]).astype(np.float32))
            gains = self._gain_runs(p, need, len(ctx))
            for start, gg in gains:
                a2, b2 = max(start, off), min(start + len(gg), off + n)
                if a2 < b2:
                    np.minimum(
                        g[a2 - off : b2 - off], gg[a2 - start : b2 - start], out=g[a2 - off : b2 - off]
                    )
        mine = (pos >= off) & (pos < off + n)
        peak = float((tp[mine] * g[pos[mine] - off]).max(initial=0.0))
        gg = g if region.ndim == 1 else g[:, None]
        return g, max(peak, float(np.abs(region * gg).max(initial=0.0)) if over.any() else spk)

    def _gain_runs(self, pos: np.ndarray, need: np.ndarray, size: int) -> list[tuple[int, np.ndarray]]:
        """(start, gain) runs for samples `pos` (sorted) needing gain `need`, in [0, size).

        Samples further apart than hold + attack cannot share a smoothing window, so each
        cluster is computed on its own dense piece: all pieces are laid end to end, separated
        by unity gain, and filtered in one go.
        """
        from scipy import ndimage  # a quarter of a second to import: on use, so the CLI starts fast

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


def _true_peaks(ctx: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """(4x true peak, sample) of every sample of `ctx` ((n,) or (n, channels)) that may reach
    `threshold`, channel after channel (a sample may appear once per channel)."""
    tps, poss = [], []
    for c in range(1 if ctx.ndim == 1 else ctx.shape[1]):
        x = ctx if ctx.ndim == 1 else np.ascontiguousarray(ctx[:, c])
        blocks = candidate_blocks(x, threshold)
        tp = tp_of_blocks(x, blocks).ravel()
        pos = (blocks[:, None] * TP_BLOCK + np.arange(TP_BLOCK)).ravel()
        keep = pos < len(x)
        tps.append(tp[keep])
        poss.append(pos[keep])
    return np.concatenate(tps), np.concatenate(poss)


def _neediest(pos: np.ndarray, need: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The samples in `pos` sorted, each once with the least gain any channel needs there."""
    order = np.lexsort((need, pos))
    pos, need = pos[order], need[order]
    first = np.r_[True, pos[1:] != pos[:-1]]
    return pos[first], need[first]


# ---------------------------------------------------------------- mastering


class Sink(Protocol):
    """Receives the mastered audio as int16 blocks of shape (n, channels)."""

    def write(self, block: np.ndarray) -> None: ...
    def close(self) -> None: ...


def _meter(x: np.ndarray, sr: int, channels: int) -> LoudnessMeter:
    """A meter for mix `x` written as `channels` channels: a stereo mix's own two, or a mono
    mix on `channels` identical ones."""
    if x.ndim == 2:
        return LoudnessMeter(sr, x.shape[1])
    return LoudnessMeter(sr, 1, weight=float(channels))


def _check_shape(x: np.ndarray, channels: int) -> None:
    if x.ndim == 2 and x.shape[1] != channels:
        raise ValueError(f"a {x.shape[1]}-channel mix cannot be written as {channels} channels")


def level_gain_db(x: np.ndarray, sr: int, profile: Profile, channels: int) -> float:
    """The gain (dB) that brings mix `x` (stereo (n, 2), or mono played on `channels` identical
    channels) to the profile's level (3 LU lower for a mono file)."""
    _check_shape(x, channels)
    if profile.lufs is not None:
        meter = _meter(x, sr, channels)
        for a, b, _, _ in chunks(len(x), int(CHUNK_SECONDS * sr)):
            meter.feed(x[a:b])
        lufs = meter.integrated()
        return 0.0 if not math.isfinite(lufs) else target_lufs(profile.lufs, channels) - lufs
    if profile.rms_db is not None:
        ss = sum(float(np.square(x[a:b], dtype=np.float64).sum()) for a, b, _, _ in chunks(len(x), 1 << 20))
        rms = math.sqrt(ss / max(1, x.size))
        return 0.0 if rms <= 0 else profile.rms_db - db(rms)
    return 0.0


def to_pcm16(y: np.ndarray, channels: int, scratch: np.ndarray | None = None) -> np.ndarray:
    """float samples in [-1, 1) -> int16 of shape (n, channels): a stereo `y` (n, channels) as
    it is, a mono one on every channel.

    `scratch`, a float32 array of y.size samples, spares an allocation."""
    pcm = np.multiply(y, np.float32(32767.0), out=None if scratch is None else scratch.reshape(y.shape))
    np.rint(pcm, out=pcm)
    np.clip(pcm, -32768, 32767, out=pcm)
    if y.ndim == 2:
        return pcm.astype(np.int16)
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
) -> dict[str, float]:
    """Level mix `x` to `profile`, limit its true peak, and write it to `sinks` as int16.

    `x` is stereo (n, channels), or mono (n,) written on `channels` identical channels. Returns
    the figures of the result: lufs, true_peak (dBTP), sample_peak, rms_db, gain_db. A mono
    file (channels=1) is levelled 3 LU under the profile's loudness. `x` is not modified.
    """
    _check_shape(x, channels)
    pre = None  # the loudness of x, measured to set the gain; the result's is derived from it
    if gain_db is None and profile.lufs is not None:
        pre = _meter(x, sr, channels)
        for a, b, _, _ in chunks(len(x), int(CHUNK_SECONDS * sr)):
            pre.feed(x[a:b])
        lufs = pre.integrated()
        gain_db = 0.0 if not math.isfinite(lufs) else target_lufs(profile.lufs, channels) - lufs
    elif gain_db is None:
        gain_db = level_gain_db(x, sr, profile, channels)
    figures = _limit_and_write(x, sr, profile, channels, sinks, gain_db, pre, progress)
    return {**figures, "gain_db": gain_db}


def _limit_and_write(
    x: np.ndarray,
    sr: int,
    profile: Profile,
    channels: int,
    sinks: Sequence[Sink],
    gain_db: float,
    pre: LoudnessMeter | None,
    progress: bool,
) -> dict[str, float]:
    """x * gain through the limiter into `sinks`, chunk by chunk; the figures of the result."""
    g = np.float32(10 ** (gain_db / 20))
    lim = Limiter(sr, profile.ceiling)
    meter = _meter(x, sr, channels)
    tpk = spk = 0.0
    ss = 0.0
    parts: Iterable[tuple[int, int, int, int]] = chunks(len(x), int(CHUNK_SECONDS * sr), lim.margin)
    if progress:
        from tqdm.auto import tqdm  # only for an interactive build

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
            y = y * (gain if y.ndim == 1 else gain[:, None])
            if pre is not None:
                edges = np.flatnonzero(np.diff(np.r_[0, (gain < 1.0).astype(np.int8), 0]))
                limited += [(a + int(i), gain[i:j].copy()) for i, j in zip(edges[0::2], edges[1::2])]
        tpk = max(tpk, tp)
        if pre is None:
            meter.feed(y)
        spk = max(spk, float(np.max(np.abs(y), initial=0.0)))
        ss += float(np.dot(y.ravel(), y.ravel()))
        if sinks:
            if len(scratch) < y.size:
                scratch = np.empty(y.size, np.float32)
            block = to_pcm16(y, channels, scratch[: y.size])
            for s in sinks:
                s.write(block)
    for s in sinks:
        s.close()
    rms = math.sqrt(ss / max(1, x.size))
    lufs = _limited_loudness(x, float(g), pre, limited) if pre is not None else meter.integrated()
    return {"lufs": lufs, "true_peak": db(tpk), "sample_peak": db(spk), "rms_db": db(rms)}


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
            seg[a - w0 : b - w0] *= gg[: b - a] if seg.ndim == 1 else gg[: b - a, None]
        m = LoudnessMeter(pre.sr, pre.channels, pre.weight)
        m.feed(seg)
        e = m.energies()
        j0 = w0 // step
        sub[k0:k1] = e[k0 - j0 : k1 - j0]
    return gated_loudness(sub, step, pre.weight)
