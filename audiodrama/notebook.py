"""Notebook helpers: tables, players, an editor and plots over the library (no logic of their own)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np

from .model import NARRATOR, Line, Script

TARGET_LUFS = -16.0
TARGET_TRUE_PEAK = -1.0


# ---------------------------------------------------------------- tables

def script_table(script: Script, *, low_confidence_first: bool = True, kinds: Iterable[str] = ("dialogue",)):
    """The cast script as a pandas DataFrame: scene, line id, speaker, confidence, rule, delivery, text."""
    import pandas as pd

    rows = []
    wanted = set(kinds)
    for number, scene in enumerate(script.scenes, 1):
        for line in scene.lines:
            if line.kind in wanted:
                rows.append({"scene": number, "line id": line.id, "kind": line.kind,
                             "speaker": line.speaker or NARRATOR, "confidence": round(line.confidence, 2),
                             "rule": line.rule, "delivery": line.delivery or "", "text": line.text})
    df = pd.DataFrame(rows, columns=["scene", "line id", "kind", "speaker", "confidence", "rule", "delivery", "text"])
    if low_confidence_first and not df.empty:
        df = df.sort_values(["confidence", "scene"], kind="stable").reset_index(drop=True)
    return df


def character_counts(script: Script):
    """Dialogue lines and words per character, most lines first."""
    import pandas as pd

    rows: dict[str, list[int]] = {}
    for line in script.lines():
        if line.kind == "dialogue":
            r = rows.setdefault(line.speaker or "(unattributed)", [0, 0])
            r[0] += 1
            r[1] += len(line.text.split())
    df = pd.DataFrame([{"character": k, "lines": v[0], "words": v[1]} for k, v in rows.items()],
                      columns=["character", "lines", "words"])
    return df.sort_values("lines", ascending=False).reset_index(drop=True)


def profiles_table(cast: Any):
    """Each voice profile (narrator first) as a DataFrame."""
    import pandas as pd

    rows = [{"character": name, "engine": p.engine, "voice": p.voice, "rate": p.rate, "pitch": p.pitch,
             "volume": p.volume, "effects": ", ".join(p.effects)}
            for name, p in [(NARRATOR, cast.narrator), *cast.characters.items()]]
    return pd.DataFrame(rows)


def render_sources(script: Script, rendered: Mapping[str, Any]):
    """Which lines come from recorded takes and which from TTS, per speaker."""
    import pandas as pd

    rows: dict[tuple[str, str], int] = {}
    for line in script.lines():
        r = rendered.get(line.id)
        if r is not None:
            key = (line.speaker if line.kind == "dialogue" and line.speaker else NARRATOR, r.source)
            rows[key] = rows.get(key, 0) + 1
    df = pd.DataFrame([{"voice": k[0], "source": k[1], "lines": n} for k, n in rows.items()],
                      columns=["voice", "source", "lines"])
    return df.sort_values(["voice", "source"]).reset_index(drop=True)


# ---------------------------------------------------------------- editing

def speaker_editor(script: Script, prod: Any, line_ids: Iterable[str]):
    """ipywidgets dropdowns to change the speaker/delivery of the given lines; saves on change."""
    import ipywidgets as widgets

    from .edit import edit_line
    from .model import DELIVERIES

    names = [NARRATOR, *[c.name for c in script.characters]]
    rows = []
    for line_id in line_ids:
        line = script.line_by_id(line_id)
        speaker = widgets.Dropdown(options=names, value=line.speaker if line.speaker in names else NARRATOR,
                                   layout=widgets.Layout(width="180px"))
        delivery = widgets.Dropdown(options=["(none)", *DELIVERIES], value=line.delivery or "(none)",
                                    layout=widgets.Layout(width="120px"))
        status = widgets.Label("")

        def save(_change, line_id=line_id, speaker=speaker, delivery=delivery, status=status):
            d = None if delivery.value == "(none)" else delivery.value
            changes = edit_line(script, prod, line_id, speaker=speaker.value, delivery=d)
            status.value = "saved" if changes else ""

        speaker.observe(save, names="value")
        delivery.observe(save, names="value")
        text = widgets.HTML(f"<code>{line.id}</code> {_escape(line.text[:90])}")
        rows.append(widgets.HBox([speaker, delivery, text, status]))
    return widgets.VBox(rows)


def _escape(text: str) -> str:
    import html

    return html.escape(text)


# ---------------------------------------------------------------- listening

def _read(path: Path) -> tuple[np.ndarray, int]:
    import soundfile as sf

    data, sr = sf.read(str(path), dtype="float32", always_2d=True)
    return data.mean(axis=1), sr


def join_audio(paths: Iterable[Path], gap_ms: int = 350) -> tuple[np.ndarray, int]:
    """Concatenate WAV files (resampled to the first one's rate) with short gaps."""
    from scipy.signal import resample_poly

    parts: list[np.ndarray] = []
    rate = 0
    for p in paths:
        data, sr = _read(Path(p))
        if not rate:
            rate = sr
        elif sr != rate:
            data = resample_poly(data, rate, sr).astype(np.float32)
        parts += [data, np.zeros(int(rate * gap_ms / 1000), np.float32)]
    if not parts:
        return np.zeros(1, np.float32), 22050
    return np.concatenate(parts), rate


def play(paths: Path | Iterable[Path]):
    """An inline audio player for one file or several joined."""
    from IPython.display import Audio

    if isinstance(paths, (str, Path)):
        paths = [Path(paths)]
    data, rate = join_audio(paths)
    return Audio(data, rate=rate, normalize=True)


def line_paths(script: Script, rendered: Mapping[str, Any], lines: Iterable[Line]) -> list[Path]:
    return [rendered[l.id].path for l in lines if l.id in rendered]


def play_line(script: Script, rendered: Mapping[str, Any], line_id: str):
    """Play one line."""
    return play(line_paths(script, rendered, [script.line_by_id(line_id)]))


def play_character(script: Script, rendered: Mapping[str, Any], name: str, limit: int = 8):
    """Play a character's first `limit` lines (NARRATOR: narration)."""
    if name == NARRATOR:
        picked = [l for l in script.lines() if l.kind == "narration"]
    else:
        picked = [l for l in script.lines() if l.kind == "dialogue" and l.speaker == name]
    return play(line_paths(script, rendered, picked[:limit]))


def play_scene(script: Script, rendered: Mapping[str, Any], scene: int | str):
    """Play a scene's voiced lines, by number (from 1) or id."""
    sc = script.scenes[scene - 1] if isinstance(scene, int) else next(s for s in script.scenes if s.id == scene)
    return play(line_paths(script, rendered, sc.lines))


# ---------------------------------------------------------------- plots

SPEAKER_COLOURS = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c",
                   "#ccb974", "#64b5cd"]


def short_term_loudness(samples: np.ndarray, sr: int, window_s: float = 3.0, hop_s: float = 1.0):
    """Short-term loudness (LUFS, 3 s windows, BS.1770 K-weighting via pyloudnorm) over time."""
    import pyloudnorm as pyln

    meter = pyln.Meter(sr)
    win, hop = int(window_s * sr), int(hop_s * sr)
    times, values = [], []
    for start in range(0, max(len(samples) - win, 0) + 1, hop):
        block = samples[start:start + win]
        try:
            value = meter.integrated_loudness(block)
        except ValueError:
            continue
        times.append((start + win / 2) / sr)
        values.append(max(value, -70.0))
    return np.array(times), np.array(values)


def plot_episode(episode: Any, path: Path | None = None):
    """Waveform, short-term loudness and the speaker/scene timeline of a mixed episode."""
    import matplotlib

    if path is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import soundfile as sf

    timeline = json.loads(Path(episode.timeline).read_text(encoding="utf-8"))
    audio, sr = sf.read(str(episode.wav), dtype="float32", always_2d=True)
    mono = audio.mean(axis=1)
    t = np.arange(len(mono)) / sr
    fig, (ax_wave, ax_loud, ax_tl) = plt.subplots(3, 1, figsize=(12, 6.5), sharex=True,
                                                  gridspec_kw={"height_ratios": [2, 1.4, 1.6]})
    step = max(1, len(mono) // 20000)
    ax_wave.plot(t[::step], mono[::step], lw=0.4, color="#333")
    ax_wave.set_ylabel("amplitude")
    ax_wave.set_title(f"{timeline.get('story', '')} episode {timeline.get('episode', '')}: "
                      f"{episode.lufs:.1f} LUFS (target {TARGET_LUFS}), true peak {episode.true_peak:.1f} dBTP "
                      f"(max {TARGET_TRUE_PEAK})")
    lt, lv = short_term_loudness(mono, sr)
    ax_loud.plot(lt, lv, color="#c44e52", lw=1)
    ax_loud.axhline(TARGET_LUFS, ls="--", color="#888", lw=0.8)
    ax_loud.set_ylabel("LUFS (3 s)")
    ax_loud.set_ylim(-50, -5)
    speakers = []
    for entry in timeline["lines"]:
        if entry["speaker"] not in speakers:
            speakers.append(entry["speaker"])
    for entry in timeline["lines"]:
        row = speakers.index(entry["speaker"])
        ax_tl.barh(row, entry["end"] - entry["start"], left=entry["start"], height=0.7,
                   color=SPEAKER_COLOURS[row % len(SPEAKER_COLOURS)])
    ax_tl.set_yticks(range(len(speakers)), speakers)
    ax_tl.invert_yaxis()
    ax_tl.set_xlabel("seconds")
    for scene in timeline.get("scenes", [])[1:]:
        for ax in (ax_wave, ax_loud, ax_tl):
            ax.axvline(scene["start"], color="#2a9d8f", lw=1, alpha=0.8)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig
