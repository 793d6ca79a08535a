"""The stereo stage: voices placed by the cast's pan, decorrelated beds, every format at -16 LUFS."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from support import demo_script, ebur128, render_fixture

from audiodrama.audio import ambience, assembly, master, timeline
from audiodrama.audio.truepeak import true_peak_per_sample
from audiodrama.errors import CastError
from audiodrama.model import NARRATOR, VoiceProfile
from audiodrama.pipeline.mixing import mix_script
from audiodrama.project.castfile import update_profile
from audiodrama.project.production import Project
from audiodrama.settings import Settings
from audiodrama.voices.cast import SPREAD, cast_from_data

SR = 44100
CAST = {
    "characters": {
        "Willow": {"voice": "en-us+f3"},  # first in the file: auto-spread to the right (+0.4)
        "Buffy": {"voice": "en+f2", "pan": -0.5},  # set by hand: left
        "Dawn": {"voice": "en-us+f4"},  # on the phone: centred whatever her pan
    }
}


def _voices() -> dict[str, VoiceProfile]:
    cast = cast_from_data(CAST, Path("voices/cast.toml"))
    return {NARRATOR: cast.narrator, **cast.characters}


@pytest.fixture(scope="module")
def stereo(tmp_path_factory):
    """The demo, its second scene in the rain, mixed with the cast's pans into every format."""
    root = tmp_path_factory.mktemp("stereo")
    script = demo_script()
    script.scenes[1].ambience = "rain"
    settings = Settings()
    settings = replace(settings, master=replace(settings.master, formats=["wav", "mp3", "opus", "m4b"]))
    rendered = render_fixture(script, settings, root / "lines")
    [r] = mix_script(script, rendered, Project(root), settings, voices=_voices(), progress=False)
    x, _ = sf.read(str(r.wav), dtype="float32")
    return r, json.loads(r.timeline.read_text()), x


def _balance_db(x: np.ndarray, spans: list[tuple[float, float]]) -> float:
    """Right minus left energy (dB) over the spans (seconds)."""
    parts = np.concatenate([x[int(a * SR) : int(b * SR)] for a, b in spans])
    e = np.mean(np.square(parts, dtype=np.float64), axis=0)
    return float(10 * np.log10(e[1] / e[0]))


def test_cast_pans_auto_spread_and_validation():
    voices = _voices()
    assert voices[NARRATOR].pan == 0.0
    assert voices["Willow"].pan == SPREAD[0] == 0.4 and voices["Buffy"].pan == -0.5
    assert voices["Dawn"].pan == SPREAD[2]  # the third table's place, whatever Buffy set
    assert 0 not in SPREAD and max(abs(p) for p in SPREAD) <= 0.6  # never centre, never hard
    for bad in (1.5, "left", True):
        data = {"characters": {"Ann": {"voice": "en-us", "pan": bad}}}
        with pytest.raises(CastError) as err:
            cast_from_data(data, Path("voices/cast.toml"))
        msg = str(err.value)
        assert "\n" not in msg and "cast.toml" in msg and '[characters."Ann"] pan' in msg, msg
        assert "-1 (left)" in msg and "1 (right)" in msg


def test_pan_and_performer_are_set_like_any_profile_field(tmp_path):
    path = tmp_path / "cast.toml"
    path.write_text('# mine\n[characters."Ann"]\nvoice = "en-us+f3"\n\n[characters."Bob"]\nvoice = "en+m3"\n')
    cast = update_profile(path, "Bob", pan=-0.3, performer="Jo Bell")
    assert (cast.profile_of("Bob").pan, cast.profile_of("Bob").performer) == (-0.3, "Jo Bell")
    assert cast.profile_of("Ann").pan == SPREAD[0] and path.read_text().startswith("# mine")
    before = path.read_bytes()
    with pytest.raises(CastError, match=r'\[characters."Ann"\] pan') as err:
        update_profile(path, "Ann", pan=2)
    assert "\n" not in str(err.value) and path.read_bytes() == before  # refused before any write


def test_demo_is_stereo_with_a_centred_narrator_and_panned_characters(stereo):
    _, tl, x = stereo
    assert x.ndim == 2 and x.shape[1] == 2
    assert np.corrcoef(x[:, 0], x[:, 1])[0, 1] < 0.99
    spans = lambda who, **kw: [
        (line["start"], line["end"])
        for line in tl["lines"]
        if line["speaker"] == who and all(line.get(k) == v for k, v in kw.items())
    ]
    assert abs(_balance_db(x, spans(NARRATOR))) < 0.5
    assert _balance_db(x, spans("Willow")) > 3.0  # pan +0.4: right (5.9 dB by the sin/cos law)
    assert _balance_db(x, spans("Buffy")) < -3.0  # pan -0.5: left
    assert abs(_balance_db(x, spans("Dawn", delivery="phone"))) < 0.5  # the phone stays centred


def test_every_format_is_stereo_at_minus_16_lufs_by_ffmpeg(stereo):
    r, _, _ = stereo
    for path in (r.wav, r.mp3, r.opus, r.m4b):
        lufs, peak = ebur128(path)
        assert abs(lufs + 16) <= 1.0 and peak <= -1.0, (path.suffix, lufs, peak)
        assert _channels(path) == 2, path.suffix


def _channels(path: Path) -> int:
    args = ["-v", "error", "-select_streams", "a:0", "-show_entries", "stream=channels", "-of", "csv=p=0"]
    out = subprocess.run(
        ["ffprobe", *args, str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out.strip())


@pytest.mark.parametrize("name", [a for a in ambience.AMBIENCES if a != "none"])
def test_ambience_beds_are_decorrelated(name):
    bed = ambience.ambience(name, 22.0, SR, fades=False, channels=2)  # two loops of the tile
    assert bed.shape == (22 * SR, 2)
    assert abs(np.corrcoef(bed[:, 0], bed[:, 1])[0, 1]) < 0.3
    left, right = (float(np.sqrt(np.mean(bed[:, c] ** 2))) for c in (0, 1))
    assert abs(20 * np.log10(right / left)) < 0.5  # as loud on each side over the loop
    out = np.zeros((3 * SR, 2), np.float32)  # the ACX room tone: added in place, also decorrelated
    ambience.add_ambience(out, name, SR)
    assert abs(np.corrcoef(out[:, 0], out[:, 1])[0, 1]) < 0.3


def test_stereo_limiter_is_linked_and_catches_one_sided_peaks():
    rng = np.random.default_rng(5)
    x = np.zeros((4 * SR, 2), np.float32)
    x[SR : 3 * SR, 0] = rng.standard_normal(2 * SR).astype(np.float32) * 0.4  # hot on the left only
    x[:, 1] = 0.05 * np.sin(2 * np.pi * 220 * np.arange(4 * SR) / SR)
    lim = master.Limiter(SR, -1.5)
    g, peak = lim.gain(x, 0, len(x))
    assert g.min() < 0.5 and g[: SR // 2].min() == 1.0  # one gain: the right side dips with the left
    y = x * g[:, None]
    worst = max(float(true_peak_per_sample(y[:, c]).max()) for c in (0, 1))
    assert worst <= 10 ** (-1.5 / 20) * 1.01 and peak == pytest.approx(worst, rel=0.02)


def test_scene_cache_key_follows_the_stereo_image(tmp_path):
    script = demo_script()
    rendered = render_fixture(script, Settings(), tmp_path / "lines")
    tl = timeline.plan_episode(script.scenes, assembly.line_durations(rendered), Settings())
    plan = assembly.scene_plans(tl, SR, Settings())[0]
    key = lambda pan, ch: assembly.plan_key(plan, rendered, SR, {"Willow": VoiceProfile(pan=pan)}, ch)
    assert len({key(0.4, 2), key(-0.4, 2), key(0.4, 1)}) == 3


def test_mono_choice_masters_every_file_mono_at_minus_19(tmp_path):
    script = demo_script()
    settings = Settings()
    settings = replace(settings, master=replace(settings.master, channels=1, formats=["wav", "opus"]))
    rendered = render_fixture(script, settings, tmp_path / "lines")
    [r] = mix_script(script, rendered, Project(tmp_path), settings, voices=_voices(), progress=False)
    assert sf.info(str(r.wav)).channels == 1 and _channels(r.opus) == 1
    for path in (r.wav, r.opus):
        lufs, peak = ebur128(path)
        assert abs(lufs + 19) <= 1.0 and peak <= -1.0, (path.suffix, lufs, peak)
