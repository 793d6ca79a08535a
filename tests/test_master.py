"""Mastering: our meter against pyloudnorm and ffmpeg, the true-peak limiter, profiles, `check`."""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile as sf
from support import ebur128

from audiodrama.audio import loudness, master, profiles, truepeak
from audiodrama.cli import mixing
from audiodrama.project.outputs import WavSink

SR = 44100


@pytest.fixture(scope="module")
def speech(tmp_path_factory) -> np.ndarray:
    """20 s of real espeak-ng speech at 44.1 kHz, quiet (peaks near -20 dBFS)."""
    from scipy import signal

    path = tmp_path_factory.mktemp("sp") / "speech.wav"
    text = (
        "It was the kind of morning that made the whole town feel new. Buffy walked to the park, "
        "and the wind followed her all the way, tugging at her coat. "
    ) * 2
    subprocess.run(["espeak-ng", "-v", "en-gb", "-w", str(path), text], check=True, capture_output=True)
    x, _sr = sf.read(str(path), dtype="float32")
    x = signal.resample_poly(x, 2, 1).astype(np.float32)
    return x / np.abs(x).max() * 0.1


def test_meter_matches_pyloudnorm(speech):
    ref = pyloudnorm.Meter(SR).integrated_loudness(speech.astype(np.float64))
    m = loudness.LoudnessMeter(SR)
    for a in range(0, len(speech), 12345):  # odd chunking must not matter
        m.feed(speech[a : a + 12345])
    assert m.integrated() == pytest.approx(ref, abs=0.01)
    stereo = np.stack([speech, speech], 1).astype(np.float64)
    m2 = loudness.LoudnessMeter(SR, 1, weight=2.0)
    m2.feed(speech)
    assert m2.integrated() == pytest.approx(pyloudnorm.Meter(SR).integrated_loudness(stereo), abs=0.01)


def test_true_peak_sees_intersample_peaks():
    # a sine at fs/4 sampled 45 degrees off its crests: samples at 0.707, true peak 1.0
    n = np.arange(SR)
    x = np.sin(2 * np.pi * (SR / 4) * n / SR + np.pi / 4).astype(np.float32)
    assert np.abs(x).max() == pytest.approx(0.7071, abs=1e-3)
    assert truepeak.true_peak_per_sample(x)[100:-100].max() == pytest.approx(1.0, abs=0.02)


def _master_to_wav(x, path, profile="podcast", channels=2):
    return master.master_stream(x, SR, profiles.get_profile(profile), channels, [WavSink(path, SR, channels)])


def test_podcast_master_meets_the_standard_by_ffmpeg(speech, tmp_path):
    gain_only = speech * (
        10
        ** (
            (-16 - pyloudnorm.Meter(SR).integrated_loudness(np.stack([speech, speech], 1).astype(np.float64)))
            / 20
        )
    )
    assert truepeak.true_peak_per_sample(gain_only).max() > 10 ** (-1 / 20)  # gain alone would overshoot
    figures = _master_to_wav(speech, tmp_path / "m.wav")
    lufs, peak = ebur128(tmp_path / "m.wav")
    assert abs(lufs + 16) <= 0.5 and peak <= -1.0
    assert abs(figures["lufs"] + 16) < 0.3 and figures["true_peak"] <= -1.0
    ours = loudness.measure(tmp_path / "m.wav")
    assert ours["integrated_lufs"] == pytest.approx(lufs, abs=0.3)
    assert ours["true_peak"] == pytest.approx(peak, abs=0.3)
    assert all(c.ok for c in loudness.check(ours, "podcast"))


def test_mastering_does_not_shift_time(tmp_path):
    x = np.zeros(5 * SR, np.float32)
    x[[SR, 3 * SR]] = 0.9  # two clicks, far above the ceiling after gain
    x[2 * SR : 2 * SR + SR // 2] = 0.05 * np.sin(2 * np.pi * 440 * np.arange(SR // 2) / SR)
    _master_to_wav(x, tmp_path / "c.wav", channels=1)
    y, _ = sf.read(str(tmp_path / "c.wav"), dtype="float32")
    assert len(y) == len(x)
    assert (
        np.argmax(np.abs(y[: 2 * SR])) == SR and np.argmax(np.abs(y[5 * SR // 2 :])) + 5 * SR // 2 == 3 * SR
    )


def test_acx_profile(speech, tmp_path):
    x = np.concatenate([np.zeros(int(0.7 * SR), np.float32), speech, np.zeros(2 * SR, np.float32)])
    x += np.random.default_rng(0).standard_normal(len(x)).astype(np.float32) * 1e-5  # faint room tone
    _master_to_wav(x, tmp_path / "a.wav", "acx", channels=1)
    figures = loudness.measure(tmp_path / "a.wav")
    checks = {c.name: c for c in loudness.check(figures, "acx")}
    assert checks["RMS (dB)"].ok and checks["true peak (dBTP)"].ok and checks["noise floor (dB)"].ok
    assert checks["room tone at the head (s)"].ok and checks["room tone at the tail (s)"].ok
    assert -23 <= figures["rms_db"] <= -18 and figures["sample_peak"] <= -3


def _run_check(path: Path, profile: str, capsys) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    mixing.register(sub)
    args = parser.parse_args(["check", str(path), "--profile", profile])
    code = args.handler(args)
    return code, capsys.readouterr().out


def test_check_command(speech, tmp_path, capsys):
    _master_to_wav(speech, tmp_path / "good.wav")
    code, out = _run_check(tmp_path / "good.wav", "podcast", capsys)
    assert code == 0 and "PASS" in out and "true peak" in out
    sf.write(str(tmp_path / "quiet.wav"), np.stack([speech, speech], 1) * 0.1, SR)
    code, out = _run_check(tmp_path / "quiet.wav", "podcast", capsys)
    assert code == 1 and "FAIL" in out
    code, out = _run_check(tmp_path / "good.wav", "acx", capsys)  # -16 LUFS speech is too hot for ACX
    assert code == 1


def test_every_command_has_help_and_an_example():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    mixing.register(sub)
    for name, p in sub.choices.items():
        assert p.description and "example" in (p.epilog or ""), name


def test_limiter_only_touches_what_it_must_and_never_overshoots():
    rng = np.random.default_rng(3)
    x = np.zeros(6 * SR, np.float32)
    x[SR : 4 * SR] = rng.standard_normal(3 * SR).astype(np.float32) * 0.4  # peaks near +4 dBFS
    x[5 * SR : 5 * SR + 4410] = 0.05 * np.sin(2 * np.pi * 300 * np.arange(4410) / SR)
    lim = master.Limiter(SR, -1.5)
    g, peak = lim.gain(x, 0, len(x))
    y = x * g
    assert truepeak.true_peak_per_sample(y).max() <= 10 ** (-1.5 / 20) * 1.01
    assert peak == pytest.approx(truepeak.true_peak_per_sample(y).max(), rel=0.02)
    assert g[: SR - lim.wm - lim.wa].min() == 1.0 and g[5 * SR :].min() == 1.0  # quiet parts untouched
    # the same as limiting computed on the whole signal without the hot-region shortcut
    need = np.minimum(1.0, 10 ** (-1.5 / 20) / np.maximum(truepeak.true_peak_per_sample(x), 1e-12))
    assert np.all(g <= need + 1e-6)
