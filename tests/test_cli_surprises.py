"""The CLI without surprises: options anywhere, a clear word outside a production, edits that
catch a misspelt speaker, one line count everywhere, takes judged as recorded, every espeak-ng
voice, and `make lab`."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from audiodrama.cli.main import build_parser, main
from audiodrama.errors import CastError
from audiodrama.pipeline.parsing import load_script
from audiodrama.project.castfile import load_cast
from audiodrama.project.production import init_production
from audiodrama.render.recorded import process_take
from audiodrama.voices.cast import cast_from_data

REPO = Path(__file__).resolve().parents[1]
STORY = (
    '"Hello there," said Willow.\n\n"Hi," Xander replied.\n\n'
    '"Where is everyone?" asked Willow.\n\nThey walked on.\n'
)


def _cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "audiodrama", *args], capture_output=True, text=True, cwd=cwd, env=env
    )


@pytest.fixture
def small(tmp_path):
    """A production with a three-line story (Willow twice, Xander once), parsed and cast."""
    prod = init_production(tmp_path / "prod")
    (prod.root / "s.txt").write_text(STORY, encoding="utf-8")
    assert main(["-q", "-C", str(prod.root), "parse", str(prod.root / "s.txt")]) == 0
    assert main(["-q", "-C", str(prod.root), "cast", "s"]) == 0
    return prod


def _line_of(prod, speaker: str) -> str:
    script, _ = load_script("s", prod)
    return next(l.id for l in script.lines() if l.kind == "dialogue" and l.speaker == speaker)


# ---------------------------------------------------------------- global options


def test_quiet_and_production_go_before_or_after_the_command():
    parser = build_parser()
    for argv in (
        ["-q", "-C", "d", "mix", "demo"],
        ["mix", "demo", "-q", "-C", "d"],
        ["-q", "mix", "demo", "-C", "d"],
    ):
        args = parser.parse_args(argv)
        assert (args.quiet, args.production, args.story) == (True, Path("d"), Path("demo")), argv
    args = parser.parse_args(["-C", "d", "mix", "demo"])  # not repeated after the command: kept
    assert (args.quiet, args.production) == (False, Path("d"))


def test_options_after_the_command_reach_a_real_build(tmp_path):
    prod = init_production(tmp_path / "p")
    story = tmp_path / "s.txt"
    story.write_text(STORY, encoding="utf-8")
    env = {**os.environ, "AUDIODRAMA_ENGINE": "silent"}
    r = _cli("build", str(story), "--profile", "none", "-q", "-C", str(prod.root), cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    assert (prod.out_dir / "s" / "s-e01-unmastered.wav").exists()  # -C after the command chose the production
    assert "it/s" not in r.stderr and "%|" not in r.stderr  # -q after the command: no progress bar


# ---------------------------------------------------------------- outside a production


def test_outside_a_production_says_so_and_how_to_make_one(tmp_path):
    assert not any((p / "audiodrama.toml").exists() for p in (tmp_path, *tmp_path.parents))
    for args in (["mix", "demo", "-q"], ["status"], ["edit", "demo", "abc", "--speaker", "X"]):
        r = _cli(*args, cwd=tmp_path)
        assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
        assert "no audiodrama.toml in this folder or any folder above it" in r.stderr
        assert "audiodrama init" in r.stderr and "demo.json" not in r.stderr
    assert list(tmp_path.iterdir()) == []  # nothing was created
    # commands that need no production still work there
    out = tmp_path / "o.json"
    assert _cli("parse", str(REPO / "stories" / "demo.txt"), "--json", str(out), cwd=tmp_path).returncode == 0
    assert out.exists() and _cli("voices", cwd=tmp_path).returncode == 0


# ---------------------------------------------------------------- edit --speaker


def test_edit_refuses_a_misspelt_speaker_and_suggests_the_name(small, capsys):
    root, line = str(small.root), _line_of(small, "Xander")
    before = small.script_json("s").read_text(encoding="utf-8")
    for typed in ("Wilow", "willow"):
        capsys.readouterr()
        assert main(["-C", root, "edit", "s", line, "--speaker", typed]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"no character {typed!r}" in err, err
        assert "did you mean 'Willow'?" in err and "--new-character" in err
    assert small.script_json("s").read_text(encoding="utf-8") == before
    assert main(["-C", root, "edit", "s", line, "--speaker", "Willow"]) == 0  # a known name is fine


def test_a_new_character_keeps_its_case_and_an_emptied_one_leaves_everywhere(small, capsys):
    from audiodrama import notebook as nb

    root, line = str(small.root), _line_of(small, "Xander")
    assert main(["-C", root, "edit", "s", line, "--speaker", "McCoy", "--new-character"]) == 0
    script, _ = load_script("s", small)
    assert script.line_by_id(line).speaker == "McCoy"
    # Xander has no line left: out of the script's characters, its counts and the cast listing
    assert [(c.name, c.lines) for c in script.characters] == [("Willow", 2), ("McCoy", 1)]
    capsys.readouterr()
    assert main(["-C", root, "cast", "s"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^Willow .* 2 lines$", out, re.M) and re.search(r"^McCoy .* 1 line$", out, re.M)
    assert not re.search(r"^Xander ", out, re.M) and "no line in this story (profile kept): Xander" in out
    assert "(1 line)" in small.cast_path.read_text(encoding="utf-8")  # the auto-cast note
    # sides: the name's case in the file name, "1 line"
    assert main(["-q", "-C", root, "sides"]) == 0
    sides = small.voices_dir / "sides"
    assert {p.name for p in sides.glob("*.md")} == {"s-Narrator.md", "s-Willow.md", "s-McCoy.md"}
    assert "1 line." in (sides / "s-McCoy.md").read_text(encoding="utf-8")
    # the notebook's tables and dropdowns
    cast = load_cast(small.cast_path)
    assert list(nb.profiles_table(cast, script)["character"]) == ["Narrator", "Willow", "McCoy"]
    assert dict(zip(*nb.character_counts(script)[["character", "lines"]].T.values)) == {
        "Willow": 2,
        "McCoy": 1,
    }
    assert list(nb.voice_editor(script, small).children[0].options) == ["Narrator", "Willow", "McCoy"]
    speaker_box = nb.speaker_editor(script, small, [line]).children[0].children[0]
    assert "Xander" not in speaker_box.options and "McCoy" in speaker_box.options


def test_notebook_fixes_refuse_an_unknown_speaker_too(small):
    from audiodrama import notebook as nb
    from audiodrama.errors import ScriptError

    script, _ = load_script("s", small)
    line = _line_of(small, "Xander")
    with pytest.raises(ScriptError, match="did you mean 'Xander'"):
        nb.apply_fixes(script, small, {line: "Xandr"})
    assert nb.apply_fixes(script, small, {line: {"speaker": "Anya", "new_character": True}})
    assert json.loads(small.script_json("s").read_text())["characters"][-1]["name"] == "Anya"


# ---------------------------------------------------------------- recorded takes


def _stereo(path: Path, left: np.ndarray, right: np.ndarray, sr: int = 44100) -> Path:
    sf.write(str(path), np.stack([left, right], axis=1), sr, subtype="PCM_16")
    return path


def test_clipping_is_judged_on_the_take_as_recorded(tmp_path):
    sr = 44100
    tone = np.sin(2 * np.pi * 220 * np.arange(sr) / sr)
    peak = 10 ** (-2.6 / 20)
    # in phase in both channels: ffmpeg's mono downmix (+3 dB) would put it over full scale
    _, _, notes = process_take(_stereo(tmp_path / "loud.wav", peak * tone, peak * tone))
    assert notes == []
    _, _, notes = process_take(_stereo(tmp_path / "clip.wav", 0.3 * tone, np.clip(1.5 * tone, -1, 1)))
    assert len(notes) == 1 and "clip.wav" in notes[0] and "clipped sample" in notes[0]
    flac = tmp_path / "loud.flac"
    sf.write(str(flac), np.stack([peak * tone, peak * tone], axis=1), sr)
    assert process_take(flac)[2] == []


# ---------------------------------------------------------------- espeak-ng voices


def _espeak_voices() -> list[list[str]]:
    out = subprocess.run(["espeak-ng", "--voices"], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[1:] if line.strip()]


def _cast_with(voice: str):
    return cast_from_data({"characters": {"Ann": {"voice": voice}}}, None)


def test_every_voice_espeak_ng_accepts_is_accepted():
    listing = subprocess.run(["espeak-ng", "--voices=variant"], capture_output=True, text=True).stdout
    # the file name is the variant's name; it may hold one space ("Mr serious")
    variants = sorted(set(re.findall(r"!v/(\S+(?: \S+)?)", listing)))
    assert {"f1", "f5", "m1", "m7", "klatt"} <= set(variants)
    for variant in variants:
        assert _cast_with(f"en-gb+{variant}").characters["Ann"].voice == f"en-gb+{variant}"
    languages = {row[1] for row in _espeak_voices()}
    assert {"en-gb", "en-us", "fr-fr"} <= languages
    for code in sorted(languages):
        _cast_with(f"{code}+f4")
    for bad in ("en-gb+f9", "xx-yy+f4", "en+F4"):
        with pytest.raises(CastError):
            _cast_with(bad)


F0_OF_VOICES = """
import io, sys
import soundfile as sf
from audiodrama.model import VoiceProfile
from audiodrama.voices.engines.pyttsx3_engine import Pyttsx3Engine
from audiodrama.voices.pitch import measure_f0
engine = Pyttsx3Engine()
for voice in sys.argv[1:]:
    x, sr = sf.read(io.BytesIO(engine.synthesize("Hello there, how are you today?", VoiceProfile(voice=voice))))
    print(measure_f0(x, sr))
"""


def test_a_language_code_voice_renders_like_its_voice_file():
    # in a child process: libespeak-ng starts a thread, and this process forks render workers later
    r = subprocess.run(
        [sys.executable, "-c", F0_OF_VOICES, "en-gb+f4", "en+f4", "en-gb"], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    by_code, by_file, plain = map(float, r.stdout.split())
    assert abs(by_code - by_file) < 0.05 * by_file
    assert by_code > 1.3 * plain  # the female variant is applied, not dropped


# ---------------------------------------------------------------- make lab


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get_json(url: str, tries: int = 40) -> dict:
    for _ in range(tries):  # the URL is printed as the server starts listening
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                return json.load(r)
        except urllib.error.URLError:
            time.sleep(0.25)
    raise AssertionError(f"{url} did not answer")


def test_make_lab_serves_the_notebooks_on_localhost(tmp_path):
    port = _free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path), "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg")}
    proc = subprocess.Popen(
        ["make", "-s", "-o", "install", "lab", f"LAB_PORT={port}"],  # -o install: no pip, no apt
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        seen, url, end = [], None, time.monotonic() + 120
        while url is None and time.monotonic() < end:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            m = re.search(rf"(http://127\.0\.0\.1:{port}/lab\?token=\w+)", line)
            url = m.group(1) if m else None
        assert url, "".join(seen)  # as root too: --allow-root is given when uid is 0
        assert _get_json(url.replace("/lab?", "/api/contents/01_parse_story.ipynb?"))["name"] == (
            "01_parse_story.ipynb"
        )
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
