"""Notebook helpers: tables, players, editors and plots over the library (no logic of their own).

The notebooks under notebooks/ call these; each one is also one CLI command away:

    open_production / load_script   audiodrama parse STORY
    script_table / review_table     audiodrama review STORY
    apply_fixes / speaker_editor    audiodrama edit STORY ID --speaker NAME --delivery D
    cast_voices / profiles_table    audiodrama cast STORY
    audition / auditions            audiodrama audition NAME ["TEXT"]
    set_profile / profile_editor    edit voices/cast.toml
    render_lines                    audiodrama render STORY
    mix_episode                     audiodrama mix STORY
    mastering_table                 audiodrama check FILE (or the mix report)
"""

from __future__ import annotations

import contextlib
import html
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from audiodrama.model import NARRATOR, Line, Script
from audiodrama.pipeline.audition import SAMPLE_TEXT  # noqa: F401  (what a voice says by default)

TARGET_LUFS = -16.0
TARGET_TRUE_PEAK = -1.0
EMBED_LIMIT = 12_000_000
"""Bytes of audio embedded in a notebook as is; longer episodes get a smaller preview."""


# ---------------------------------------------------------------- production and script


def open_production(root: str | Path = ".."):
    """The production folder `root` (a folder with audiodrama.toml; created if missing)."""
    from audiodrama.project.production import Project, init_production

    path = Path(root).expanduser().resolve()
    if not (path / "audiodrama.toml").exists():
        return init_production(path)
    for d in (path / "script", path / "voices", path / "audio_out"):
        d.mkdir(parents=True, exist_ok=True)
    return Project(path)


def load_script(story: str | Path, prod: Any) -> Script:
    """script/<slug>.json when it exists (your edits win), else the story parsed and saved.

    Same as `audiodrama parse STORY` the first time; later it loads what you edited.
    """
    from audiodrama.pipeline.parsing import script_for
    from audiodrama.project.lock import production_lock

    with production_lock(prod) as lock:
        script, edits = script_for(Path(story), prod, lock)
    for message in edits:
        print(f"from {prod.script_fountain(script.slug).name}: {message}")
    return script


@contextlib.contextmanager
def notebook_progress() -> Iterator[None]:
    """Keep the library's progress bars (tqdm.auto: widgets in Jupyter) on screen when done:
    the library imports `tqdm.auto.tqdm` when a stage starts, so swapping it here works."""
    import tqdm.auto as tqdm_auto

    original = tqdm_auto.tqdm

    def bar(*args: Any, **kwargs: Any):
        kwargs["leave"] = True
        return original(*args, **kwargs)

    tqdm_auto.tqdm = bar  # type: ignore[assignment]
    try:
        yield
    finally:
        tqdm_auto.tqdm = original  # type: ignore[assignment]


@contextlib.contextmanager
def widget_progress(desc: str = "render") -> Iterator[Callable[[int, int], None]]:
    """A progress callback (done, total) drawing an ipywidgets bar that stays when done."""
    import ipywidgets as widgets
    from IPython.display import display

    bar = widgets.IntProgress(value=0, min=0, max=1, description=desc)
    shown: list[bool] = []

    def update(done: int, total: int) -> None:
        if not shown:
            display(bar)
            shown.append(True)
        bar.max, bar.value = max(1, total), done

    yield update


# ---------------------------------------------------------------- tables


def script_table(script: Script, *, low_confidence_first: bool = True, kinds: Iterable[str] = ("dialogue",)):
    """The cast script as a pandas DataFrame: scene, line id, speaker, confidence, rule, delivery, text."""
    import pandas as pd

    rows = []
    wanted = set(kinds)
    for number, scene in enumerate(script.scenes, 1):
        for line in scene.lines:
            if line.kind in wanted:
                conf = line.confidence if (line.speaker or line.kind != "dialogue") else 0.0
                rows.append(
                    {
                        "scene": number,
                        "line id": line.id,
                        "kind": line.kind,
                        "speaker": line.speaker
                        or (NARRATOR if line.kind != "dialogue" else "(unattributed)"),
                        "confidence": round(conf, 2),
                        "rule": line.rule,
                        "delivery": line.delivery or "",
                        "text": line.text,
                    }
                )
    df = pd.DataFrame(
        rows, columns=["scene", "line id", "kind", "speaker", "confidence", "rule", "delivery", "text"]
    )
    if low_confidence_first and not df.empty:
        df = df.sort_values(["confidence", "scene"], kind="stable").reset_index(drop=True)
    return df


def review_table(script: Script, threshold: float = 0.6):
    """The lines `audiodrama review` lists (least sure first), as a DataFrame."""
    import pandas as pd

    from audiodrama.parse.review import review

    scene_of = {l.id: n for n, s in enumerate(script.scenes, 1) for l in s.lines}
    rows = [
        {
            "scene": scene_of[l.id],
            "line id": l.id,
            "speaker": l.speaker or "(unattributed)",
            "confidence": round(l.confidence if l.speaker else 0.0, 2),
            "rule": l.rule,
            "delivery": l.delivery or "",
            "text": l.text,
        }
        for l in review(script, threshold)
    ]
    return pd.DataFrame(
        rows, columns=["scene", "line id", "speaker", "confidence", "rule", "delivery", "text"]
    )


def character_counts(script: Script):
    """Dialogue lines and words per character, most lines first."""
    import pandas as pd

    rows: dict[str, list[int]] = {}
    for line in script.lines():
        if line.kind == "dialogue":
            r = rows.setdefault(line.speaker or "(unattributed)", [0, 0])
            r[0] += 1
            r[1] += len(line.text.split())
    df = pd.DataFrame(
        [{"character": k, "lines": v[0], "words": v[1]} for k, v in rows.items()],
        columns=["character", "lines", "words"],
    )
    return df.sort_values("lines", ascending=False, kind="stable").reset_index(drop=True)


def profiles_table(cast: Any, script: Script | None = None):
    """Each voice profile (narrator first) as a DataFrame; with `script`, its dialogue line counts."""
    import pandas as pd

    counts: dict[str, int] = {}
    if script is not None:
        for line in script.lines():
            if line.kind == "dialogue" and line.speaker:
                name = cast.name_for(line.speaker)
                counts[name] = counts.get(name, 0) + 1
    rows = [
        {
            "character": name,
            "lines": counts.get(name, 0) if name != NARRATOR else None,
            "engine": p.engine,
            "voice": p.voice,
            "rate": p.rate,
            "pitch": p.pitch,
            "volume": p.volume,
            "effects": ", ".join(p.effects),
        }
        for name, p in [(NARRATOR, cast.narrator), *cast.characters.items()]
    ]
    df = pd.DataFrame(rows)
    if script is None:
        df = df.drop(columns=["lines"])
    return df


def render_sources(script: Script, rendered: Mapping[str, Any]):
    """How many lines of each voice come from recorded takes and how many from TTS."""
    import pandas as pd

    rows: dict[tuple[str, str], int] = {}
    for line in script.lines():
        r = rendered.get(line.id)
        if r is not None:
            key = (getattr(r, "speaker", None) or NARRATOR, r.source)
            rows[key] = rows.get(key, 0) + 1
    df = pd.DataFrame(
        [{"voice": k[0], "source": k[1], "lines": n} for k, n in rows.items()],
        columns=["voice", "source", "lines"],
    )
    if df.empty:
        return df
    table = df.pivot_table(index="voice", columns="source", values="lines", fill_value=0, aggfunc="sum")
    for col in ("recorded", "tts"):
        if col not in table.columns:
            table[col] = 0
    return table[["recorded", "tts"]].astype(int).reset_index().rename_axis(None, axis=1)


def rendered_table(script: Script, rendered: Mapping[str, Any]):
    """One row per rendered line: scene, line id, voice, source (tts/recorded), take, new?, seconds, text."""
    import pandas as pd

    rows = []
    for number, scene in enumerate(script.scenes, 1):
        for line in scene.lines:
            r = rendered.get(line.id)
            if r is None:
                continue
            rows.append(
                {
                    "scene": number,
                    "line id": line.id,
                    "voice": r.speaker,
                    "source": r.source,
                    "take": r.take or "",
                    "new": not r.cached,
                    "seconds": round(r.duration, 2),
                    "text": line.text,
                }
            )
    return pd.DataFrame(
        rows, columns=["scene", "line id", "voice", "source", "take", "new", "seconds", "text"]
    )


# ---------------------------------------------------------------- editing the script


def apply_fixes(script: Script, prod: Any, fixes: Mapping[str, Any]) -> list[str]:
    """Apply {line id: speaker} or {line id: {"speaker": ..., "delivery": ...}} with edit_line.

    Same as `audiodrama edit STORY ID --speaker NAME [--delivery D]` for each entry.
    """
    from audiodrama.pipeline.edit import edit_line
    from audiodrama.project.lock import production_lock

    changes: list[str] = []
    with production_lock(prod) as lock:
        for line_id, fix in (fixes or {}).items():
            kwargs = dict(fix) if isinstance(fix, Mapping) else {"speaker": fix}
            changes += edit_line(script, prod, line_id, lock=lock, **kwargs)
    return changes


def speaker_editor(script: Script, prod: Any, line_ids: Iterable[str]):
    """ipywidgets dropdowns to change the speaker/delivery of the given lines; saves on change."""
    import ipywidgets as widgets

    from audiodrama.model import DELIVERIES
    from audiodrama.pipeline.edit import edit_line

    names = [NARRATOR, *[c.name for c in script.characters if c.name != NARRATOR]]
    rows = []
    for line_id in line_ids:
        line = script.line_by_id(line_id)
        options = list(names)
        if line.kind == "dialogue" and not line.speaker:
            options = ["(unattributed)", *options]
        known = script.character(line.speaker) if line.speaker else None
        current = (
            (known.name if known else line.speaker)
            if line.speaker
            else ("(unattributed)" if line.kind == "dialogue" else NARRATOR)
        )
        if current not in options:
            options.append(current)
        speaker = widgets.Dropdown(options=options, value=current, layout=widgets.Layout(width="160px"))
        delivery = widgets.Dropdown(
            options=["(none)", *DELIVERIES],
            value=line.delivery or "(none)",
            layout=widgets.Layout(width="110px"),
        )
        status = widgets.Label("")

        def save_speaker(change, line_id=line_id, status=status):
            if change["new"] == "(unattributed)":
                return
            done = edit_line(script, prod, line_id, speaker=change["new"])
            status.value = "saved" if done else ""

        def save_delivery(change, line_id=line_id, status=status):
            d = None if change["new"] == "(none)" else change["new"]
            done = edit_line(script, prod, line_id, delivery=d)
            status.value = "saved" if done else ""

        speaker.observe(save_speaker, names="value")
        delivery.observe(save_delivery, names="value")
        text = widgets.HTML(f"<code>{line.id}</code> {html.escape(line.text[:90])}")
        rows.append(widgets.HBox([speaker, delivery, status, text]))
    return widgets.VBox(rows)


# ---------------------------------------------------------------- casting


def cast_voices(script: Script, prod: Any):
    """voices/cast.toml for the script: existing profiles kept, new characters auto-cast.

    Same as `audiodrama cast STORY`; prints the casting warnings.
    """
    from audiodrama.pipeline.voicing import cast_script

    cast = cast_script(script, prod)
    for w in cast.warnings:
        print("warning:", w)
    return cast


def audition(script: Script | None, cast: Any, prod: Any, name: str, text: str | None = None):
    """Render a sample of one voice (the character's first line, or `text`); the RenderedLine.

    What `audiodrama audition NAME ["TEXT"]` renders (it also copies it to audio_out/auditions/).
    """
    from audiodrama.pipeline.audition import render_audition

    return render_audition(script, cast, prod, name, text).rendered


def auditions(
    script: Script, cast: Any, prod: Any, names: Iterable[str] | None = None, text: str | None = None
):
    """An HTML table with an audition player for each name (default: narrator + main characters)."""
    from IPython.display import HTML

    from audiodrama.pipeline.audition import render_audition
    from audiodrama.voices.casting import main_characters

    names = list(names) if names is not None else [NARRATOR, *main_characters(script)]
    rows = []
    for name in names:
        sample = render_audition(script, cast, prod, name, text)
        p = sample.profile
        player = play(sample.path)._repr_html_()
        rows.append(
            f"<tr><td><b>{html.escape(name)}</b></td><td><code>{html.escape(p.voice)}</code> "
            f"rate {p.rate}, pitch {p.pitch}</td><td>{player}</td>"
            f"<td style='text-align:left'>{html.escape(sample.rendered.text[:80])}</td></tr>"
        )
    return HTML(
        "<table><tr><th>voice</th><th>profile</th><th>audition</th><th>says</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def set_profile(prod: Any, name: str, **fields: Any):
    """Change fields (voice, rate, pitch, volume, engine, effects) of one profile in voices/cast.toml.

    Comments and everything else in the file are kept; the result is validated before it is
    saved (CastError naming the problem). Returns the reloaded Cast. E.g.
    `set_profile(prod, "Willow", pitch=70, rate=160)` or `set_profile(prod, "Narrator", voice="en+m3")`.
    Same as castfile.update_profile(prod.cast_path, ...).
    """
    from audiodrama.project.castfile import update_profile

    return update_profile(prod.cast_path, name, **fields)


def profile_editor(script: Script, prod: Any, name: str):
    """Sliders for one voice's pitch and rate, a voice box and a button that saves and plays it."""
    import ipywidgets as widgets

    from audiodrama.project.castfile import load_cast

    cast = load_cast(prod.cast_path)
    resolved = cast.resolve(name)
    p = cast.profile_of(resolved)
    voice = widgets.Text(value=p.voice, description="voice")
    pitch = widgets.IntSlider(value=p.pitch, min=0, max=99, description="pitch")
    rate = widgets.IntSlider(value=p.rate, min=80, max=450, description="rate (wpm)")
    button = widgets.Button(description=f"save + hear {resolved}")
    out = widgets.Output()

    def on_click(_button=None):
        out.outputs = ()
        try:
            new = set_profile(prod, resolved, voice=voice.value, pitch=pitch.value, rate=rate.value)
            out.append_display_data(play(audition(script, new, prod, resolved).path))
        except Exception as exc:  # show the library's message next to the widget
            out.append_stdout(f"{exc}\n")

    button.on_click(on_click)
    box = widgets.VBox([widgets.HTML(f"<b>{html.escape(resolved)}</b>"), voice, pitch, rate, button, out])
    box.save_and_play = on_click  # type: ignore[attr-defined]  # callable from code and tests
    return box


# ---------------------------------------------------------------- rendering and mixing


def render_lines(script: Script, cast: Any, prod: Any, **options: Any):
    """render_script with a notebook progress bar; prints and returns the RenderResult.

    Same as `audiodrama render STORY`: only lines whose text, voice or delivery changed are synthesised.
    """
    from audiodrama.pipeline.voicing import render_script

    if options.pop("progress", True):
        with widget_progress() as progress:
            result = render_script(script, cast, prod, progress=progress, **options)
    else:
        result = render_script(script, cast, prod, progress=False, **options)
    for w in result.warnings:
        print("warning:", w)
    return result


def mix_episode(script: Script, prod: Any, **options: Any):
    """voice_and_mix (cast, render what is missing, mix, master, export) with notebook bars.

    Same as `audiodrama mix STORY` after `audiodrama render STORY`; returns the BuildResult.
    """
    from audiodrama.pipeline.build import voice_and_mix

    with notebook_progress():
        return voice_and_mix(script, prod, progress=options.pop("progress", True), **options)


# ---------------------------------------------------------------- listening


def _read(path: Path) -> tuple[np.ndarray, int]:
    import soundfile as sf

    data, sr = sf.read(str(path), dtype="float32", always_2d=True)
    return data.mean(axis=1), sr


def join_audio(paths: Iterable[Path], gap_ms: int = 350) -> tuple[np.ndarray, int]:
    """Concatenate audio files (resampled to the first one's rate) with short gaps."""
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


def play(paths: str | Path | Iterable[Path]):
    """An inline audio player for one file or several joined."""
    from IPython.display import Audio

    if isinstance(paths, (str, Path)):
        paths = [Path(paths)]
    data, rate = join_audio(paths)
    return Audio(data, rate=rate, normalize=bool(np.abs(data).max(initial=0.0) > 0))


def line_paths(script: Script, rendered: Mapping[str, Any], lines: Iterable[Line]) -> list[Path]:
    """The audio files of those lines that were rendered."""
    return [rendered[l.id].path for l in lines if l.id in rendered]


def play_line(script: Script, rendered: Mapping[str, Any], line_id: str):
    """Play one line."""
    return play(line_paths(script, rendered, [script.line_by_id(line_id)]))


def play_character(script: Script, rendered: Mapping[str, Any], name: str, limit: int = 8):
    """Play a character's first `limit` lines (Narrator: the lines the narrator voices)."""
    picked = [
        l
        for l in script.lines()
        if l.id in rendered and (getattr(rendered[l.id], "speaker", None) or NARRATOR) == name
    ]
    if not picked and name != NARRATOR:  # an alias
        picked = [l for l in script.lines() if l.kind == "dialogue" and l.speaker == name]
    return play(line_paths(script, rendered, picked[:limit]))


def play_scene(script: Script, rendered: Mapping[str, Any], scene: int | str, limit: int | None = None):
    """Play a scene's voiced lines, by number (from 1) or id (first `limit` lines)."""
    sc = (
        script.scenes[scene - 1]
        if isinstance(scene, int)
        else next(s for s in script.scenes if s.id == scene)
    )
    return play(line_paths(script, rendered, sc.lines[:limit]))


def play_episode(episode: Any, max_bytes: int = EMBED_LIMIT):
    """A player for a mixed episode that works wherever the notebook is served from.

    The MP3 (or WAV) is embedded when small enough; a longer episode is embedded as a
    48 kbit/s mono preview (audio_out/<story>/.preview-eNN.mp3); the files stay as they are.
    """
    import base64
    import subprocess

    from IPython.display import HTML

    audio = Path(episode.mp3 or episode.wav)
    if audio.stat().st_size > max_bytes:
        source = Path(episode.wav) if episode.wav and Path(episode.wav).exists() else audio
        preview = audio.parent / f".preview-{audio.stem}.mp3"
        if not preview.exists() or preview.stat().st_mtime < source.stat().st_mtime:
            subprocess.run(
                [
                    "ffmpeg",
                    "-hide_banner",
                    "-loglevel",
                    "error",
                    "-y",
                    "-i",
                    str(source),
                    "-ac",
                    "1",
                    "-ar",
                    "22050",
                    "-b:a",
                    "48k",
                    "-compression_level",
                    "9",
                    str(preview),
                ],
                check=True,
            )
        src = preview
    else:
        src = audio
    mime = "audio/mpeg" if src.suffix == ".mp3" else "audio/wav"
    data = base64.b64encode(src.read_bytes()).decode()
    note = "" if src == audio else " (48 kbit/s mono preview)"
    return HTML(
        f"<div><b>Episode {episode.episode}</b> &mdash; {episode.duration / 60:.1f} min, "
        f"{episode.lufs:.1f} LUFS, {episode.true_peak:.1f} dBTP{note}<br>"
        f'<audio controls preload="none" src="data:{mime};base64,{data}"></audio><br>'
        f"<code>{html.escape(str(audio))}</code></div>"
    )


# ---------------------------------------------------------------- mastering figures


def mastering_table(episode: Any, profile: str = "podcast", measure_wav: bool = False):
    """The episode's mastering figures against the profile (podcast: -16 +/- 1 LUFS, <= -1 dBTP).

    The MP3 (what you publish) is measured again from the file; the WAV's loudness and true
    peak are those the mastering pass measured (`measure_wav=True` reads the file again).
    Same as `audiodrama check audio_out/<story>/<story>-eNN.mp3`.
    """
    import pandas as pd

    from audiodrama.audio import loudness, profiles

    prof = profiles.get_profile(profile)
    rows = []
    wav = Path(episode.wav) if episode.wav else None
    if wav is not None and wav.exists() and not measure_wav:
        lufs = episode.figures.get("lufs", episode.lufs)
        tp = episode.figures.get("true_peak", episode.true_peak)
        if prof.lufs is not None:
            rows.append(
                {
                    "file": wav.name,
                    "figure": "integrated loudness (LUFS)",
                    "value": round(lufs, 2),
                    "target": f"{prof.lufs:g} +/- {prof.lufs_tolerance:g}",
                    "ok": "yes" if abs(lufs - prof.lufs) <= prof.lufs_tolerance else "NO",
                }
            )
        rows.append(
            {
                "file": wav.name,
                "figure": "true peak (dBTP)",
                "value": round(tp, 2),
                "target": f"<= {prof.true_peak:g}",
                "ok": "yes" if tp <= prof.true_peak + 1e-6 else "NO",
            }
        )
        if "gain_db" in episode.figures:
            rows.append(
                {
                    "file": wav.name,
                    "figure": "gain applied (dB)",
                    "value": round(episode.figures["gain_db"], 2),
                    "target": "",
                    "ok": "",
                }
            )
    for path in ((wav,) if measure_wav else ()) + (episode.mp3,):
        if not path or not Path(path).exists():
            continue
        figures = loudness.measure(path)
        for c in loudness.check(figures, prof):
            rows.append(
                {
                    "file": Path(path).name,
                    "figure": c.name,
                    "value": round(float(c.value), 2),
                    "target": c.rule,
                    "ok": "yes" if c.ok else "NO",
                }
            )
    return pd.DataFrame(rows, columns=["file", "figure", "value", "target", "ok"])


# ---------------------------------------------------------------- plots

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
    from scipy.signal import sosfreqz

    from audiodrama.audio.loudness import k_weighting

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


def plot_episode(episode: Any, path: str | Path | None = None):
    """Waveform, short-term loudness and the speaker/scene timeline of a mixed episode.

    Saves a PNG to `path` when given; returns the matplotlib Figure (shown once in a notebook).
    """
    import matplotlib.pyplot as plt
    import soundfile as sf

    timeline = json.loads(Path(episode.timeline).read_text(encoding="utf-8"))
    audio, sr = sf.read(str(episode.wav), dtype="float32", always_2d=True)
    mono = audio.mean(axis=1)
    duration = len(mono) / sr
    fig, (ax_wave, ax_loud, ax_tl) = plt.subplots(
        3, 1, figsize=(13, 7.5), sharex=True, gridspec_kw={"height_ratios": [1.6, 1.4, 2.0]}
    )
    # waveform as a min/max envelope (every sample would be a solid block at this scale)
    cols = 4000
    per = max(1, len(mono) // cols)
    env = mono[: per * (len(mono) // per)].reshape(-1, per)
    te = (np.arange(len(env)) + 0.5) * per / sr
    ax_wave.fill_between(te, env.min(axis=1), env.max(axis=1), color="#444", lw=0)
    ax_wave.set_ylabel("amplitude")
    ax_wave.set_ylim(-1, 1)
    title = f"{timeline.get('title') or timeline.get('story', '')}, episode {timeline.get('episode', episode.episode)}"
    ax_wave.set_title(
        f"{title}: {episode.lufs:.1f} LUFS integrated (target {TARGET_LUFS:g}), "
        f"true peak {episode.true_peak:.1f} dBTP (max {TARGET_TRUE_PEAK:g})",
        fontsize=11,
    )
    lt, lv = short_term_loudness(audio, sr)
    ax_loud.plot(lt, lv, color="#c44e52", lw=1, label="short-term loudness (3 s)")
    ax_loud.axhline(
        TARGET_LUFS, ls="--", color="#555", lw=0.9, label=f"target {TARGET_LUFS:g} LUFS integrated"
    )
    ax_loud.set_ylabel("LUFS")
    ax_loud.set_ylim(-45, -5)
    ax_loud.legend(loc="lower right", fontsize=8, framealpha=0.8)
    speakers: list[str] = []
    for entry in timeline["lines"]:
        if entry["speaker"] not in speakers:
            speakers.append(entry["speaker"])
    if NARRATOR in speakers:  # narrator on top, then characters by first appearance
        speakers.remove(NARRATOR)
        speakers.insert(0, NARRATOR)
    for entry in timeline["lines"]:
        row = speakers.index(entry["speaker"])
        ax_tl.barh(
            row,
            entry["end"] - entry["start"],
            left=entry["start"],
            height=0.7,
            color=SPEAKER_COLOURS[row % len(SPEAKER_COLOURS)],
            **({"edgecolor": "black", "hatch": "//", "lw": 0.5} if entry.get("source") == "recorded" else {}),
        )
    for fx in timeline.get("effects", []):
        if isinstance(fx, dict) and "start" in fx and "end" in fx:
            ax_tl.axvspan(fx["start"], fx["end"], color="#2a9d8f", alpha=0.25, lw=0)
    ax_tl.set_yticks(range(len(speakers)), speakers)
    ax_tl.set_ylim(len(speakers) - 0.4, -0.6)
    ax_tl.set_xlabel(
        "seconds  (green lines: scene changes; shaded: transitions and cues; hatched: recorded takes)"
    )
    ax_tl.set_xlim(0, duration)
    for scene in timeline.get("scenes", []):
        if scene["start"] > 0:
            for ax in (ax_wave, ax_loud, ax_tl):
                ax.axvline(scene["start"], color="#2a9d8f", lw=1.2, alpha=0.9)
        ax_wave.text(
            scene["start"] + duration * 0.004,
            0.97,
            scene.get("title", ""),
            va="top",
            fontsize=8,
            color="#1d6f65",
        )
    for ax in (ax_wave, ax_loud, ax_tl):
        ax.grid(axis="x", color="#ddd", lw=0.6)
    fig.tight_layout()
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=110)
    plt.close(fig)  # shown once, as the cell's value, not again by the inline backend
    return fig
