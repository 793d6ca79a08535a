"""Auditions (the library function behind `audiodrama audition` and the notebooks) and the voice commands' parsers."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest
import soundfile as sf
from support import make_script

from audiodrama.cli.commands import add_command
from audiodrama.cli.main import build_parser, main
from audiodrama.errors import CastError
from audiodrama.pipeline.audition import SAMPLE_TEXT, audition_path, audition_text, render_audition
from audiodrama.pipeline.voicing import cast_script
from audiodrama.project.castfile import load_cast

VOICE_COMMANDS = ("voices", "audition", "sides", "status", "names")


@pytest.fixture
def silent(monkeypatch):
    monkeypatch.setenv("AUDIODRAMA_ENGINE", "silent")


@pytest.fixture
def cast_demo(production):
    script = make_script({"Ann": ("female", 6), "Bob": ("male", 1)}, narration=2)
    script.characters[0].aliases = ["Annie"]
    return script, cast_script(script, production, neural=()), production


def test_audition_text_is_the_first_line_or_the_stock_sentence(cast_demo):
    script, cast, _ = cast_demo
    ann_first = next(l.text for l in script.lines() if l.speaker == "Ann")
    assert audition_text(script, cast, "Ann") == ann_first
    assert audition_text(None, cast, "Ann") == SAMPLE_TEXT
    assert audition_text(script, cast, "Narrator") == SAMPLE_TEXT  # no unattributed dialogue here


def test_render_audition_in_the_cache_or_saved(silent, cast_demo):
    script, cast, prod = cast_demo
    sample = render_audition(script, cast, prod, "Annie")  # an alias
    assert sample.name == "Ann" and sample.profile == cast.characters["Ann"]
    assert sample.path == sample.rendered.path and sample.path.is_relative_to(prod.cache_dir)
    assert sample.rendered.speaker == "Ann" and sample.rendered.duration > 0.5
    assert not audition_path(prod, "Ann").exists()
    data, sr = sample.samples()
    assert len(data) / sr == pytest.approx(sample.rendered.duration, abs=0.05)

    saved = render_audition(script, cast, prod, "narrator", "Chapter one.", save=True)
    assert saved.name == "Narrator" and saved.profile == cast.narrator
    assert saved.path == audition_path(prod, "Narrator") == prod.out_dir / "auditions" / "Narrator.wav"
    assert saved.path.read_bytes() == saved.rendered.path.read_bytes()
    assert saved.rendered.cached is False
    again = render_audition(script, cast, prod, "Narrator", "Chapter one.", save=True)
    assert again.rendered.cached and again.path == saved.path  # the second time comes from the cache
    assert render_audition(None, cast, prod, "Bob", "").rendered.text  # empty text: the stock sentence


def test_render_audition_unknown_name(silent, cast_demo):
    script, cast, prod = cast_demo
    with pytest.raises(CastError, match=r"no character 'Nobody' in the cast \(known: Narrator, Ann, Bob\)"):
        render_audition(script, cast, prod, "Nobody")
    assert not (prod.out_dir / "auditions").exists()


def test_render_audition_measures_a_real_voice(cast_demo):
    """espeak-ng: the sample's measured pitch is near the profile's predicted one."""
    from audiodrama.voices.pitch import predict_f0

    script, cast, prod = cast_demo
    sample = render_audition(script, cast, prod, "Ann", save=True)
    f0 = sample.median_f0()
    predicted = predict_f0(sample.profile.voice, sample.profile.pitch)
    assert 0.75 * predicted < f0 < 1.33 * predicted
    x, sr = sf.read(str(sample.path))
    assert sr == 22050 and len(x) > sr


def test_cli_audition_prints_the_profile_and_the_sample(silent, production, capsys):
    root = str(production.root)
    assert main(["-q", "-C", root, "parse", str(production.root / "stories" / "demo.txt")]) == 0
    capsys.readouterr()
    assert main(["-q", "-C", root, "audition", "Will", "Hello there."]) == 0
    out = capsys.readouterr().out.splitlines()
    willow = load_cast(production.cast_path).characters["Willow"]
    assert out[0] == (
        f"Willow: {willow.voice} rate {willow.rate} pitch {willow.pitch} volume {willow.volume}"
    )
    assert out[1] == "  said: Hello there."
    wav = production.out_dir / "auditions" / "Willow.wav"
    assert out[2].startswith(f"  {wav}  (") and out[2].endswith(" Hz)") and wav.exists()


def test_cli_audition_errors_are_one_line(silent, production):
    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "audiodrama", "-C", str(production.root), *args],
            capture_output=True,
            text=True,
        )

    r = run("audition", "Buffy")  # no script and no cast yet
    assert r.returncode == 2 and "no cast file yet" in r.stderr
    r = run("audition", "Buffy", "--story", "nope")
    assert r.returncode == 2 and "Traceback" not in r.stderr and r.stderr.count("\n") == 1
    assert run("parse", str(production.root / "stories" / "demo.txt")).returncode == 0
    r = run("audition", "Nobody")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert "no character 'Nobody' in the cast (known: Narrator," in r.stderr
    assert str(production.cast_path) in r.stderr


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_voice_commands_share_one_setup():
    subs = _subcommands()
    for name in VOICE_COMMANDS:
        p = subs[name]
        assert p.formatter_class is argparse.RawDescriptionHelpFormatter, name
        assert p.get_default("handler").__name__ == f"cmd_{name}"
        options = {o for a in p._actions for o in a.option_strings}
        assert ("--story" in options) == (name != "voices"), name
    assert subs["audition"].parse_args(["Ann", "Hi."]).text == "Hi."
    assert subs["sides"].parse_args([]).character is None
    assert subs["status"].parse_args(["--story", "demo"]).story == "demo"


def test_add_command():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers()
    handler = lambda args: 0
    p = add_command(sub, "thing", handler, "do a thing", epilog="example:\n  audiodrama thing")
    assert (p.description, p.epilog) == ("do a thing", "example:\n  audiodrama thing")
    assert ap.parse_args(["thing"]).handler is handler
    q = add_command(sub, "other", handler, "short", description="longer", epilog="e")
    assert q.description == "longer" and "example:\n  audiodrama thing" in p.format_help()
