"""Recorded takes with real audio: replace, restore, speaker memory, bad files, sides, status."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess

import numpy as np
import pytest
import soundfile as sf
from support import make_script

from audiodrama.pipeline.voicing import cast_script, render_script
from audiodrama.pipeline.voicing import take_status as status
from audiodrama.pipeline.voicing import write_sides as sides
from audiodrama.render.recorded import (
    MAX_TAKE_BYTES,
    TAKE_TARGET_LUFS,
    clipped_samples,
    decode,
    loudness,
    max_take_seconds,
)
from audiodrama.render.takes import plausible


def chirp(seconds: float, sr: int, f0: float = 300.0, f1: float = 1500.0) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    return 0.3 * np.sin(2 * np.pi * (f0 * t + (f1 - f0) * t**2 / (2 * seconds)))


def write_take(path, seconds=1.5, sr=44100, lead=0.5, tail=0.7, gain=1.0, stereo=True, subtype="PCM_24"):
    x = np.concatenate([np.zeros(int(lead * sr)), gain * chirp(seconds, sr), np.zeros(int(tail * sr))])
    x = x + 1e-4 * np.random.default_rng(0).standard_normal(len(x))  # room noise
    data = np.stack([x, x], axis=1) if stereo else x
    sf.write(str(path), np.clip(data, -1, 1), sr, subtype=subtype)
    return x


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """A production with its script rendered by the real engines once (their workers load models)."""
    from audiodrama.project.production import init_production

    prod = init_production(tmp_path_factory.mktemp("takes") / "prod")
    script = make_script({"Ann": ("female", 5), "Bob": ("male", 5)}, narration=2)
    render_script(script, cast_script(script, prod), prod, progress=False)
    return prod.root, script


@pytest.fixture
def setup(rendered, tmp_path):
    """A copy of that production for each test, every line in its cache."""
    from audiodrama.project.production import Project

    root, script = rendered
    shutil.copytree(root, tmp_path / "prod")
    production = Project.open(tmp_path / "prod")
    cast = cast_script(script, production)
    first = render_script(script, cast, production, progress=False)
    assert first.synthesised == 0
    line = next(l for l in script.lines() if l.speaker == "Ann")
    return script, cast, production, line, first


def test_take_replaces_exactly_its_line_and_removal_restores_tts(setup):
    script, cast, prod, line, first = setup
    take = prod.recorded_dir / f"{line.id}.flac"
    write_take(take, sr=48000, subtype="PCM_24")
    second = render_script(script, cast, prod, progress=False)
    r = second[line.id]
    assert r.source == "recorded" and r.take == take.name and second.recorded == 1
    assert (r.engine, r.voice_name) == ("recorded", take.name)  # what timeline.json records
    assert second.synthesised == 0, "adding a take must re-render no other line"
    assert all(second[i].path == first[i].path for i in first if i != line.id)
    x, sr = sf.read(str(r.path))
    assert sr == 22050 and x.ndim == 1
    assert 1.5 <= len(x) / sr <= 1.7, "leading/trailing silence trimmed"
    assert abs(loudness(x) - TAKE_TARGET_LUFS) < 1.0
    ref = chirp(1.5, 22050)
    corr = np.correlate(x, ref, mode="valid") / (np.linalg.norm(ref) * np.linalg.norm(x) + 1e-9)
    assert corr.max() > 0.8, "the take's own sound is what plays"
    assert json.loads((prod.recorded_dir / "takes.json").read_text())["takes"][take.name]["speaker"] == "Ann"
    take.unlink()
    third = render_script(script, cast, prod, progress=False)
    assert third[line.id].source == "tts" and third[line.id].path == first[line.id].path
    assert third[line.id].cached and third.synthesised == 0


def test_take_not_used_after_line_changes_speaker(setup):
    script, cast, prod, line, _ = setup
    take = prod.recorded_dir / f"{line.id}.wav"
    write_take(take, sr=22050, stereo=False, subtype="PCM_16")
    assert render_script(script, cast, prod, progress=False)[line.id].source == "recorded"
    line.speaker = "Bob"
    again = render_script(script, cast, prod, progress=False)
    assert again[line.id].source == "tts" and again[line.id].speaker == "Bob"
    assert any("recorded for Ann" in w for w in again.warnings)
    assert take.exists(), "the take is kept"
    line.speaker = "Ann"
    assert render_script(script, cast, prod, progress=False)[line.id].source == "recorded"


@pytest.mark.parametrize("kind", ["corrupt", "empty", "silent"])
def test_bad_recordings_fall_back_to_tts(setup, kind):
    script, cast, prod, line, _ = setup
    take = prod.recorded_dir / f"{line.id}.wav"
    if kind == "corrupt":
        take.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" + bytes(range(256)) * 4)
    elif kind == "empty":
        sf.write(str(take), np.zeros(0), 22050)
    else:
        sf.write(str(take), np.zeros(44100), 44100)
    result = render_script(script, cast, prod, progress=False)
    assert result[line.id].source == "tts"
    assert any(take.name in w and "using TTS" in w for w in result.warnings), result.warnings


def test_clipping_reported_and_other_formats_and_chosen_take(setup):
    script, cast, prod, line, _ = setup
    wav = prod.recorded_dir / "src.tmpwav.wav"
    write_take(wav, gain=4.0, stereo=True, subtype="PCM_16")  # clipped
    mp3 = prod.recorded_dir / f"{line.id}.take2.mp3"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(wav), str(mp3)], check=True)
    clipped = prod.recorded_dir / f"{line.id}.wav"
    wav.rename(clipped)
    result = render_script(script, cast, prod, progress=False)
    assert result[line.id].take == clipped.name
    assert any("clipped" in w for w in result.warnings)
    line.take = mp3.name
    result = render_script(script, cast, prod, progress=False)
    assert result[line.id].take == mp3.name and result[line.id].source == "recorded"
    x, sr = sf.read(str(result[line.id].path))
    assert sr == 22050 and np.max(np.abs(x)) <= 0.99


def test_sides_and_status(setup):
    script, cast, prod, line, _ = setup
    paths = sides(script, cast, prod, "Ann")
    md = next(p for p in paths if p.suffix == ".md").read_text()
    assert f"{line.id}.wav" in md and line.text in md
    rows = list(csv.DictReader(next(p for p in paths if p.suffix == ".csv").open()))
    assert len(rows) == 5 and rows[0]["file"].endswith(".wav") and rows[0]["context"]
    assert {r["character"] for r in rows} == {"Ann"}
    assert len(sides(script, cast, prod)) >= 6  # narrator, Ann, Bob: md + csv each
    # a good take, a too-short one, and an orphan
    write_take(prod.recorded_dir / f"{line.id}.wav", seconds=2.0)
    bob_line = next(l for l in script.lines() if l.speaker == "Bob")
    sf.write(str(prod.recorded_dir / f"{bob_line.id}.wav"), chirp(0.05, 22050), 22050)
    write_take(prod.recorded_dir / "0123456789.wav")
    render_script(script, cast, prod, progress=False)
    st = status(script, prod)
    assert st.recorded == {"Ann": 1, "Bob": 1}
    assert st.lines["Ann"] == 5 and st.lines["Narrator"] == 2
    assert st.orphans == ["0123456789.wav"]
    assert len(st.implausible) == 1 and bob_line.id in st.implausible[0]
    assert "orphans" in st.to_text()
    assert (prod.recorded_dir / "0123456789.wav").exists()
    rows = list(
        csv.DictReader(next(p for p in sides(script, cast, prod, "Ann") if p.suffix == ".csv").open())
    )
    assert rows[0]["recorded"] == f"{line.id}.wav" and rows[0]["file"] == f"{line.id}.take2.wav"


def test_plausible_rule():
    assert plausible(2.0, "five words in this line")
    assert not plausible(0.2, "five words in this line here")
    assert not plausible(30.0, "three words here")


def test_voice_commands_end_to_end(production, capsys):
    from audiodrama.cli.main import main

    root = str(production.root)
    story = str(production.root / "stories" / "demo.txt")
    assert main(["-q", "-C", root, "parse", story]) == 0
    assert main(["-q", "-C", root, "voices"]) == 0
    assert "+f3" in capsys.readouterr().out
    assert main(["-q", "-C", root, "audition", "Buffy"]) == 0
    out = capsys.readouterr().out
    assert "Buffy.wav" in out and "Hz" in out
    assert main(["-q", "-C", root, "audition", "Narrator", "Chapter one."]) == 0
    assert main(["-q", "-C", root, "audition", "Nobody"]) == 2
    assert main(["-q", "-C", root, "sides", "Willow"]) == 0
    assert (production.voices_dir / "sides" / "demo-Willow.csv").exists()
    assert main(["-q", "-C", root, "status"]) == 0
    assert "Buffy" in capsys.readouterr().out
    assert main(["-q", "-C", root, "names"]) == 0
    assert "Xander" in capsys.readouterr().out
    for cmd in ("voices", "audition", "sides", "status", "names"):
        with pytest.raises(SystemExit):
            main([cmd, "--help"])
        assert "example" in capsys.readouterr().out


def test_a_take_far_too_long_for_its_line_falls_back_to_tts_in_bounded_memory(setup):
    script, cast, prod, line, _ = setup
    limit = max_take_seconds(line.text)
    take = prod.recorded_dir / f"{line.id}.wav"
    sr = 22050
    x = 0.3 * np.sin(2 * np.pi * 220 * np.arange(int((limit + 60) * sr)) / sr)
    sf.write(str(take), x, sr, subtype="PCM_16")
    result = render_script(script, cast, prod, progress=False)
    assert result[line.id].source == "tts"
    assert any(take.name in w and "too long" in w and "using TTS" in w for w in result.warnings), (
        result.warnings
    )
    # decoding stops just past the limit: a 2-hour file costs no more memory than the limit
    assert len(decode(take, 5.0)) <= 6.0 * 22050


def test_clipped_frames_of_an_m4a_are_counted_once_however_many_channels_clip(tmp_path):
    """soundfile reads no .m4a: ffmpeg decodes it, and a frame clipped in both channels is one."""
    sr = 8000
    left = 0.25 * np.sin(2 * np.pi * 440 * np.arange(sr // 2) / sr)
    right = left.copy()
    left[100:110] = right[100:110] = 1.0  # 10 frames clipped in both channels
    left[200:205] = -1.0  # 5 in one
    wav = tmp_path / "take.wav"
    sf.write(str(wav), np.stack([left, right], axis=1), sr, subtype="PCM_16")
    m4a = tmp_path / "take.m4a"  # Apple Lossless: the same samples as the WAV
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(wav), "-c:a", "alac", str(m4a)], check=True)
    assert clipped_samples(wav) == clipped_samples(m4a) == 15


def test_a_take_too_big_for_one_line_is_not_read_and_falls_back_to_tts(setup):
    script, cast, prod, line, _ = setup
    take = prod.recorded_dir / f"{line.id}.wav"
    write_take(take)
    with open(take, "r+b") as f:
        f.truncate(MAX_TAKE_BYTES + 1)  # sparse: no disk used
    result = render_script(script, cast, prod, progress=False)
    assert result[line.id].source == "tts"
    assert any(take.name in w and "MB" in w and "using TTS" in w for w in result.warnings), result.warnings
