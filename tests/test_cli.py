"""The CLI explains itself: every command has help, an example, and a README entry."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from audiodrama.cli.main import build_parser

DEMO = Path(__file__).resolve().parents[1] / "stories" / "demo.txt"
REPO = Path(__file__).resolve().parents[1]


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    ap = build_parser()
    action = next(a for a in ap._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_has_help_an_example_and_a_readme_entry():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    subs = _subcommands()
    assert {"init", "parse", "cast", "render", "mix", "build", "review", "edit"} <= set(subs)
    for name, parser in subs.items():
        assert parser.description, name
        assert parser.epilog and f"audiodrama {name}" in parser.epilog.replace("-C ", ""), name
        assert f"audiodrama {name}" in readme, f"`audiodrama {name}` is not documented in README.md"


def test_top_level_help_runs():
    out = subprocess.run([sys.executable, "-m", "audiodrama", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "audiodrama build stories/demo.txt" in out.stdout


def test_the_cli_starts_without_loading_the_signal_libraries():
    """scipy.signal (and pyloudnorm, which imports it) took a second of every command's start."""
    code = "import sys, audiodrama.cli.main; print(sorted(m for m in ('scipy.signal', 'scipy.ndimage', 'pyloudnorm') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_parse_json_writes_only_out(tmp_path):
    out = tmp_path / "out.json"
    before = set(p for p in tmp_path.rglob("*"))
    r = subprocess.run(
        [sys.executable, "-m", "audiodrama", "-C", str(tmp_path), "parse", str(DEMO), "--json", str(out)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert set(p for p in tmp_path.rglob("*")) - before == {out}
    data = json.loads(out.read_text())
    assert any(l["kind"] == "dialogue" for s in data["scenes"] for l in s["lines"])


def test_missing_story_is_a_one_line_error(tmp_path):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "audiodrama",
            "-C",
            str(tmp_path),
            "parse",
            str(tmp_path / "nope.txt"),
            "--json",
            str(tmp_path / "o.json"),
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "nope.txt" in r.stderr and "Traceback" not in r.stderr
