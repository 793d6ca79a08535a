"""pandas tables of a script, a cast, a render and an episode's mastering figures."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from audiodrama.audio import loudness, profiles
from audiodrama.model import NARRATOR, Script
from audiodrama.parse.review import review
from audiodrama.render.plan import RenderedLine
from audiodrama.results import EpisodeResult
from audiodrama.script import dialogue_counts
from audiodrama.voices.cast import Cast

# pandas is a notebook-only dependency: each table imports it when called.

SCRIPT_COLUMNS = ["scene", "line id", "kind", "speaker", "confidence", "rule", "delivery", "text"]
MASTERING_COLUMNS = ["file", "figure", "value", "target", "ok"]


def script_table(script: Script, *, low_confidence_first: bool = True, kinds: Iterable[str] = ("dialogue",)):
    """The cast script as a pandas DataFrame: scene, line id, speaker, confidence, rule, delivery, text."""
    import pandas as pd

    rows = []
    wanted = set(kinds)
    for number, scene in enumerate(script.scenes, 1):
        for line in scene.lines:
            if line.kind in wanted:
                conf = line.confidence if (line.speaker or line.kind != "dialogue") else 0.0
                speaker = line.speaker or (NARRATOR if line.kind != "dialogue" else "(unattributed)")
                rows.append(
                    [
                        number,
                        line.id,
                        line.kind,
                        speaker,
                        round(conf, 2),
                        line.rule,
                        line.delivery or "",
                        line.text,
                    ]
                )
    df = pd.DataFrame(rows, columns=SCRIPT_COLUMNS)
    if low_confidence_first and not df.empty:
        df = df.sort_values(["confidence", "scene"], kind="stable").reset_index(drop=True)
    return df


def review_table(script: Script, threshold: float | None = None):
    """The lines `audiodrama review` lists (least sure first; no threshold: the 15% least
    sure), as a DataFrame."""
    import pandas as pd

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
    return pd.DataFrame(rows, columns=[c for c in SCRIPT_COLUMNS if c != "kind"])


def character_counts(script: Script):
    """Dialogue lines and words per character, most lines first."""
    import pandas as pd

    rows: dict[str, list[int]] = {}
    for line in script.lines():
        if line.kind == "dialogue":
            known = script.character(line.speaker) if line.speaker else None
            r = rows.setdefault(known.name if known else line.speaker or "(unattributed)", [0, 0])
            r[0] += 1
            r[1] += len(line.text.split())
    df = pd.DataFrame(
        [{"character": k, "lines": v[0], "words": v[1]} for k, v in rows.items()],
        columns=["character", "lines", "words"],
    )
    return df.sort_values("lines", ascending=False, kind="stable").reset_index(drop=True)


def profiles_table(cast: Cast, script: Script | None = None):
    """Each voice profile (narrator first) as a DataFrame; with `script`, only the characters
    who speak in it, with their dialogue line counts."""
    import pandas as pd

    counts: dict[str, int] = {}
    if script is not None:
        for name, n in dialogue_counts(script).items():
            counts[cast.name_for(name)] = counts.get(cast.name_for(name), 0) + n
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
        if script is None or name == NARRATOR or counts.get(name)
    ]
    df = pd.DataFrame(rows)
    if script is None:
        df = df.drop(columns=["lines"])
    return df


def render_sources(script: Script, rendered: Mapping[str, RenderedLine]):
    """How many lines of each voice come from recorded takes and how many from TTS."""
    import pandas as pd

    rows: dict[tuple[str, str], int] = {}
    for line in script.lines():
        r = rendered.get(line.id)
        if r is not None:
            key = (r.speaker or NARRATOR, r.source)
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


def rendered_table(script: Script, rendered: Mapping[str, RenderedLine]):
    """One row per rendered line: scene, line id, voice, source (tts/recorded), take, new?, seconds, text."""
    import pandas as pd

    rows = [
        [n, line.id, r.speaker, r.source, r.take or "", not r.cached, round(r.duration, 2), line.text]
        for n, scene in enumerate(script.scenes, 1)
        for line in scene.lines
        if (r := rendered.get(line.id)) is not None
    ]
    return pd.DataFrame(
        rows, columns=["scene", "line id", "voice", "source", "take", "new", "seconds", "text"]
    )


def mastering_table(episode: EpisodeResult, profile: str = "podcast", measure_wav: bool = False):
    """The episode's mastering figures against the profile (podcast: -16 +/- 1 LUFS, <= -1 dBTP).

    The MP3 (what you publish) is measured again from the file; the WAV's loudness and true
    peak are those the mastering pass measured (`measure_wav=True` reads the file again).
    Same as `audiodrama check audio_out/<story>/<story>-eNN.mp3`.
    """
    import pandas as pd

    prof = profiles.get_profile(profile)
    wav = Path(episode.wav) if episode.wav else None
    rows = []
    if wav is not None and wav.exists() and not measure_wav:
        rows += _mastered_rows(episode, wav.name, prof)
    for path in ((wav,) if measure_wav else ()) + (episode.mp3,):
        if path and Path(path).exists():
            rows += _measured_rows(Path(path), prof)
    return pd.DataFrame(rows, columns=MASTERING_COLUMNS)


def _mastered_rows(episode: EpisodeResult, name: str, prof: Any) -> list[list[Any]]:
    """The WAV's figures as the mastering pass measured them, checked against `prof`."""
    lufs = episode.figures.get("lufs", episode.lufs)
    tp = episode.figures.get("true_peak", episode.true_peak)
    rows: list[list[Any]] = []
    if prof.lufs is not None:
        ok = abs(lufs - prof.lufs) <= prof.lufs_tolerance
        target = f"{prof.lufs:g} +/- {prof.lufs_tolerance:g}"
        rows.append([name, "integrated loudness (LUFS)", round(lufs, 2), target, _yes(ok)])
    rows.append(
        [name, "true peak (dBTP)", round(tp, 2), f"<= {prof.true_peak:g}", _yes(tp <= prof.true_peak + 1e-6)]
    )
    if "gain_db" in episode.figures:
        rows.append([name, "gain applied (dB)", round(episode.figures["gain_db"], 2), "", ""])
    return rows


def _measured_rows(path: Path, prof: Any) -> list[list[Any]]:
    """A file measured again, checked against `prof` (what `audiodrama check FILE` prints)."""
    return [
        [path.name, c.name, round(float(c.value), 2), c.rule, _yes(c.ok)]
        for c in loudness.check(loudness.measure(path), prof)
    ]


def _yes(ok: bool) -> str:
    return "yes" if ok else "NO"
