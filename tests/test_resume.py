"""Kill a build in the middle of rendering (SIGKILL): no worker survives it, the next build reuses
every finished line, and temporary files it left are swept."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import soundfile as sf
from support import demo_opening

from audiodrama.project.production import init_production


def test_killed_render_resumes_without_rendering_any_line_twice(tmp_path):
    prod = init_production(tmp_path / "p")
    story = prod.root / "alice.txt"
    story.write_text(demo_opening(), encoding="utf-8")  # 60 lines: killed after 25, 35 to resume
    cmd = [
        sys.executable,
        "-m",
        "audiodrama",
        "-q",
        "-C",
        str(prod.root),
        "render",
        str(story),
        "--workers",
        "1",
    ]
    subprocess.run(
        [sys.executable, "-m", "audiodrama", "-q", "-C", str(prod.root), "parse", str(story)],
        check=True,
        capture_output=True,
    )
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and len(list(prod.cache_dir.glob("line/*.wav"))) < 25:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the command and its synthesis workers, mid-render
    proc.wait()
    done_before = {p.name for p in prod.cache_dir.glob("line/*.wav")}
    assert len(done_before) >= 25, "the build was killed while rendering"
    for wav in prod.cache_dir.glob("line/*.wav"):
        info = sf.info(str(wav))  # raises on a truncated or half-written file
        assert info.frames > 0
    from audiodrama.pipeline.parsing import load_script
    from audiodrama.pipeline.voicing import cast_script, render_script

    script, _ = load_script(story, prod)
    result = render_script(script, cast_script(script, prod), prod, workers=1, progress=False)
    rerendered = [i for i, r in result.items() if not r.cached and r.path.name in done_before]
    reused = {r.path.name for r in result.values() if r.cached}
    assert rerendered == []
    assert reused == done_before
    assert result.synthesised > 0
    assert not list(prod.cache_dir.glob("**/.*.tmp*")) or all(
        p.stat().st_mtime < time.time() for p in prod.cache_dir.glob("**/.*.tmp*")
    )


def _group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes whose process group is `pgid`, read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state != "Z":
            found.append(int(stat.parent.name))
    return found


def test_kill_9_of_a_build_leaves_no_worker_and_frees_stdout(tmp_path):
    """kill -9 of `audiodrama build --workers 2` (stdout piped) mid-render: its workers die with
    it, the pipe reaches EOF, and a rerun renders only the lines that were missing."""
    prod = init_production(tmp_path / "p")
    story = prod.root / "demo.txt"
    story.write_text(demo_opening(), encoding="utf-8")
    cmd = [sys.executable, "-m", "audiodrama", "-C", str(prod.root), "build", str(story), "--workers", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
    lines = prod.cache_dir / "line"
    deadline = time.time() + 120
    while time.time() < deadline and len(list(lines.glob("*.wav"))) < 20 and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None and len(_group_members(proc.pid)) >= 3, "the build was not rendering"
    os.kill(proc.pid, signal.SIGKILL)  # the build only: its workers must follow by themselves
    proc.wait()
    done_before = {p.name for p in lines.glob("*.wav")}
    deadline = time.time() + 5
    while time.time() < deadline and _group_members(proc.pid):
        time.sleep(0.05)
    assert _group_members(proc.pid) == [], "render workers outlived the killed build"
    reader = threading.Thread(target=proc.stdout.read)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "something still holds the build's stdout"

    from audiodrama.pipeline.parsing import load_script
    from audiodrama.pipeline.voicing import cast_script, render_script

    script, _ = load_script(story, prod)
    result = render_script(script, cast_script(script, prod), prod, workers=2, progress=False)
    assert {r.path.name for r in result.values() if r.cached} >= done_before
    assert not [i for i, r in result.items() if not r.cached and r.path.name in done_before]
    missing = {r.path.name for r in result.values()} - done_before
    assert {r.path.name for r in result.values() if not r.cached} == missing != set()


def test_a_build_sweeps_temporary_files_left_under_audio_out(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDIODRAMA_ENGINE", "silent")
    prod = init_production(tmp_path / "p")
    story = prod.root / "s.txt"
    story.write_text('"Hello there," said Anna.\n\n"Hi," Ben replied.\n', encoding="utf-8")
    stray = [
        prod.out_dir / "s" / ".s.wav.k2j3h4.tmp.wav",
        prod.out_dir / ".tmp.mp3",
        prod.cache_dir / "line" / ".0123abcd.wav.5e6f.tmp",
        prod.cache_dir / "mix" / "s" / ".x.tmp.npy",
    ]
    for path in stray:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half a file")
    keep = prod.out_dir / "notes.tmp.txt"  # not a temporary name: a person's file
    keep.write_text("mine", encoding="utf-8")
    from audiodrama.pipeline.build import build

    build(story, prod, progress=False, formats=["wav"])
    assert [p for p in stray if p.exists()] == []
    assert keep.read_text(encoding="utf-8") == "mine"
