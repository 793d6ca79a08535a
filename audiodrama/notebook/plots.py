"""Plots of a mixed episode: waveform, short-term loudness and who speaks when."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from audiodrama.audio.loudness import k_weighting
from audiodrama.model import NARRATOR
from audiodrama.project import fsutil
from audiodrama.results import EpisodeResult

# matplotlib is a notebook-only dependency: imported when a plot is drawn.

TARGET_LUFS = -16.0
TARGET_TRUE_PEAK = -1.0

SPEAKER_COLOURS = [
    "#4c72b0",
    "#dd8452",
    "#55a868",
    "#c44e52",
    "#8172b3",
    "#937860",
    "#da8bc3",
    "#8c8c8c",
    "#ccb974",
    "#64b5cd",
]


def short_term_loudness(samples: np.ndarray, sr: int, window_s: float = 3.0, hop_s: float = 0.1):
    """EBU short-term loudness (LUFS over 3 s, BS.1770 K-weighting, ungated) every `hop_s` seconds.

    `samples`: (n,) or (n, channels), summed over channels as played. The K-weighting is
    applied to each 100 ms block's spectrum (Parseval), which is ~5x faster than filtering a
    long episode and within a few tenths of a LU of it. Returns (times at the window centres,
    LUFS floored at -70).
    """
    from scipy.signal import sosfreqz  # scipy: imported on use, like the other heavy plot dependencies

    x = np.asarray(samples, dtype=np.float32).reshape(len(samples), -1)
    step = max(1, round(hop_s * sr))
    blocks = len(x) // step
    if blocks == 0:
        return np.zeros(0), np.zeros(0)
    freqs = np.fft.rfftfreq(step, 1 / sr)
    _, h = sosfreqz(k_weighting(sr), worN=freqs, fs=sr)
    weight = np.abs(h) ** 2 * 2.0
    weight[0] /= 2
    if step % 2 == 0:
        weight[-1] /= 2
    weight /= float(step) ** 2
    energy = np.zeros(blocks)
    done: dict[int, np.ndarray] = {}  # channel -> its block energies
    for c in range(x.shape[1]):
        same = next((d for d in done if np.array_equal(x[:, c], x[:, d])), None)
        if same is not None:  # identical channels (centred speech): compute once, count each
            energy += done[same]
            continue
        e = np.empty(blocks)
        frames = x[: blocks * step, c].reshape(blocks, step)
        for a in range(0, blocks, 512):
            spec = np.fft.rfft(frames[a : a + 512], axis=1)
            e[a : a + 512] = (spec.real**2 + spec.imag**2) @ weight
        done[c] = e
        energy += e
    k = min(blocks, max(1, round(window_s / hop_s)))
    window = np.convolve(energy, np.ones(k) / k, mode="valid")
    with np.errstate(divide="ignore"):
        lufs = -0.691 + 10 * np.log10(window)
    times = (np.arange(len(window)) * step + k * step / 2) / sr
    return times, np.maximum(lufs, -70.0)


def plot_episode(episode: EpisodeResult, path: str | Path | None = None):
    """Waveform, short-term loudness and the speaker/scene timeline of a mixed episode.

    Saves a PNG to `path` when given; returns the matplotlib Figure (shown once in a notebook).
    """
    import matplotlib.pyplot as plt

    timeline = json.loads(Path(episode.timeline).read_text(encoding="utf-8"))
    audio, sr = sf.read(str(episode.wav), dtype="float32", always_2d=True)
    duration = len(audio) / sr
    fig, (ax_wave, ax_loud, ax_tl) = plt.subplots(
        3, 1, figsize=(13, 7.5), sharex=True, gridspec_kw={"height_ratios": [1.6, 1.4, 2.0]}
    )
    _plot_waveform(ax_wave, audio.mean(axis=1), sr)
    title = f"{timeline.get('title') or timeline.get('story', '')}, episode {timeline.get('episode', episode.episode)}"
    ax_wave.set_title(
        f"{title}: {episode.lufs:.1f} LUFS integrated (target {TARGET_LUFS:g}), "
        f"true peak {episode.true_peak:.1f} dBTP (max {TARGET_TRUE_PEAK:g})",
        fontsize=11,
    )
    _plot_loudness(ax_loud, audio, sr)
    _plot_speakers(ax_tl, timeline, duration)
    _mark_scenes((ax_wave, ax_loud, ax_tl), timeline, duration)
    fig.tight_layout()
    if path is not None:  # written by the project layer (atomically, its folder made)
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=110)
        fsutil.write_bytes(path, png.getvalue())
    plt.close(fig)  # shown once, as the cell's value, not again by the inline backend
    return fig


def _plot_waveform(ax: Any, mono: np.ndarray, sr: int) -> None:
    """The waveform as a min/max envelope (every sample would be a solid block at this scale)."""
    per = max(1, len(mono) // 4000)
    env = mono[: per * (len(mono) // per)].reshape(-1, per)
    te = (np.arange(len(env)) + 0.5) * per / sr
    ax.fill_between(te, env.min(axis=1), env.max(axis=1), color="#444", lw=0)
    ax.set_ylabel("amplitude")
    ax.set_ylim(-1, 1)


def _plot_loudness(ax: Any, audio: np.ndarray, sr: int) -> None:
    """Short-term loudness against the integrated target."""
    lt, lv = short_term_loudness(audio, sr)
    ax.plot(lt, lv, color="#c44e52", lw=1, label="short-term loudness (3 s)")
    ax.axhline(TARGET_LUFS, ls="--", color="#555", lw=0.9, label=f"target {TARGET_LUFS:g} LUFS integrated")
    ax.set_ylabel("LUFS")
    ax.set_ylim(-45, -5)
    ax.legend(loc="lower right", fontsize=8, framealpha=0.8)


def _plot_speakers(ax: Any, timeline: dict[str, Any], duration: float) -> None:
    """One row per voice (narrator on top, then characters by first appearance), cues shaded."""
    speakers: list[str] = []
    for entry in timeline["lines"]:
        if entry["speaker"] not in speakers:
            speakers.append(entry["speaker"])
    if NARRATOR in speakers:
        speakers.remove(NARRATOR)
        speakers.insert(0, NARRATOR)
    for entry in timeline["lines"]:
        row = speakers.index(entry["speaker"])
        recorded = (
            {"edgecolor": "black", "hatch": "//", "lw": 0.5} if entry.get("source") == "recorded" else {}
        )
        colour = SPEAKER_COLOURS[row % len(SPEAKER_COLOURS)]
        ax.barh(row, entry["end"] - entry["start"], left=entry["start"], height=0.7, color=colour, **recorded)
    for fx in timeline.get("effects", []):
        if isinstance(fx, dict) and "start" in fx and "end" in fx:
            ax.axvspan(fx["start"], fx["end"], color="#2a9d8f", alpha=0.25, lw=0)
    ax.set_yticks(range(len(speakers)), speakers)
    ax.set_ylim(len(speakers) - 0.4, -0.6)
    ax.set_xlabel(
        "seconds  (green lines: scene changes; shaded: transitions and cues; hatched: recorded takes)"
    )
    ax.set_xlim(0, duration)


def _mark_scenes(axes: tuple[Any, ...], timeline: dict[str, Any], duration: float) -> None:
    """Scene changes as green lines on every plot, titled on the waveform."""
    for scene in timeline.get("scenes", []):
        if scene["start"] > 0:
            for ax in axes:
                ax.axvline(scene["start"], color="#2a9d8f", lw=1.2, alpha=0.9)
        axes[0].text(
            scene["start"] + duration * 0.004,
            0.97,
            scene.get("title", ""),
            va="top",
            fontsize=8,
            color="#1d6f65",
        )
    for ax in axes:
        ax.grid(axis="x", color="#ddd", lw=0.6)
