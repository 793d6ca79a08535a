"""`audiodrama build STORY --watch`: one process that rebuilds on every saved edit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from audiodrama.project.production import init_production

STORY = '"Hello there," said Anna.\n\n"Hi," Ben replied.\n\nThey walked on.\n'


def _read_until(proc: subprocess.Popen, needle: str, timeout: float = 60) -> list[str]:
    lines, end = [], time.monotonic() + timeout
    while time.monotonic() < end:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if needle in line:
            return lines
    raise AssertionError(f"{needle!r} not seen; got {lines!r}")


def test_watch_rebuilds_each_saved_edit_and_survives_a_bad_one(tmp_path):
    prod = init_production(tmp_path / "p")
    story = prod.root / "s.txt"
    story.write_text(STORY, encoding="utf-8")
    env = {**os.environ, "AUDIODRAMA_ENGINE": "silent"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "audiodrama",
            "-C",
            str(prod.root),
            "-q",
            "build",
            str(story),
            "--watch",
            "--profile",
            "none",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        first = _read_until(proc, "watching for changes")
        assert any("rendered" in l and "WAV ready" in l for l in first)
        fountain = prod.script_fountain("s")
        time.sleep(0.05)
        fountain.write_text(
            fountain.read_text(encoding="utf-8").replace("Hi,", "Hi yourself,"), encoding="utf-8"
        )
        second = _read_until(proc, "watching for changes")
        assert any("words edited" in l for l in second)
        assert any("rendered 1," in l for l in second), second  # only the edited line
        # a bad edit is a one-line error, and the watch goes on
        prod.cast_path.write_text("[narrator\n", encoding="utf-8")
        third = _read_until(proc, "watching for changes")
        assert any("fix it and save again" in l for l in third) and not any("Traceback" in l for l in third)
        proc.send_signal(signal.SIGINT)
        rest = proc.communicate(timeout=30)[0]
        assert "stopped watching" in rest and proc.returncode == 0
    finally:
        if proc.poll() is None:
            proc.kill()
