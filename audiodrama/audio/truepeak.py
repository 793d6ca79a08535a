"""True peak (ITU-R BS.1770-4 Annex 2): the sample peak of a 4x oversampled signal, computed where it matters.

The 49-tap interpolator is applied as one matrix product per batch of 16-sample blocks, and
only to blocks whose sample peak (times the filter's worst-case gain) could reach the threshold.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import numpy as np

TP_MARGIN = 16  # input samples of context each side for the oversampling filter
_TP_REACH = 6  # input samples each side that one output of the 4x interpolator actually reads
TP_BLOCK = 16  # samples per block of the block-matrix interpolator


@lru_cache(maxsize=1)
def _tp_filter() -> np.ndarray:
    """The 49-tap 4x interpolator (made on first use: scipy.signal takes about a second to import)."""
    from scipy import signal  # about a second to import (scipy.signal): on use, so the CLI starts fast

    taps = signal.firwin(49, 1 / 4, window=("kaiser", 5.0)) * 4
    taps.flags.writeable = False  # shared by every caller
    return taps


@lru_cache(maxsize=4)
def _tp_matrix(block: int) -> np.ndarray:
    """(block + 2 * reach, 4 * block) float32: a window of input samples -> its 4x interpolated block.

    Row r is input sample (block start - reach + r); column p * block + i is phase p of sample i;
    the same taps as upfirdn(_tp_filter(), x, up=4) delayed by half the filter.
    """
    h = _tp_filter().astype(np.float32)
    m = np.zeros((block + 2 * _TP_REACH, 4 * block), np.float32)
    half = (len(h) - 1) // 2
    for i in range(block):
        for p in range(4):
            for r in range(block + 2 * _TP_REACH):
                j = 4 * (i - (r - _TP_REACH)) + p + half
                if 0 <= j < len(h):
                    m[r, p * block + i] = h[j]
    return m


def tp_of_blocks(x: np.ndarray, blocks: np.ndarray, block: int = TP_BLOCK) -> np.ndarray:
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
    nb = -(-n // TP_BLOCK)
    out = np.empty(nb * TP_BLOCK, np.float32)
    step = 1 << 14  # blocks per matrix product, so the windows stay small
    for a in range(0, nb, step):
        b = min(nb, a + step)
        out[a * TP_BLOCK : b * TP_BLOCK] = tp_of_blocks(x, np.arange(a, b)).ravel()
    return out[:n]


@lru_cache(maxsize=1)
def tp_bound() -> float:
    """The most the 4x interpolation can exceed the largest |sample| around it (sum of |taps| per phase)."""
    taps = _tp_filter()
    return float(max(np.abs(taps[p::4]).sum() for p in range(4)))


def _block_max(x: np.ndarray, block: int) -> np.ndarray:
    """max |x| over each block of `block` samples (the last one may be shorter)."""
    if not len(x):
        return np.zeros(0, np.float32)
    idx = np.arange(0, len(x), block)
    return np.maximum(np.maximum.reduceat(x, idx), -np.minimum.reduceat(x, idx))


_COARSE = 256  # samples per block of the first, cheap screening


def candidate_blocks(x: np.ndarray, threshold: float, block: int = TP_BLOCK) -> np.ndarray:
    """Blocks of `x` whose true peak could reach `threshold` (each block's sample peak, with its
    neighbours', times tp_bound()); every other sample's true peak is known to be under it.

    Screened first in blocks of 256 samples, then in `block`s inside the hot ones only.
    """
    x = np.asarray(x, np.float32)
    limit = np.float32(threshold / tp_bound())
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


def chunks(n: int, size: int, margin: int = 0) -> Iterator[tuple[int, int, int, int]]:
    """(a, b, lo, hi): chunk [a, b) of [0, n) and its context [lo, hi) with `margin` each side."""
    for a in range(0, n, size):
        b = min(n, a + size)
        yield a, b, max(0, a - margin), min(n, b + margin)
