"""Kill a build in the middle of rendering (SIGKILL): the next build reuses every finished line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import soundfile as sf
from conftest import PDNC

from audiodrama.project.production import init_production


def test_killed_render_resumes_without_rendering_any_line_twice(tmp_path):
    prod = init_production(tmp_path / "p")
    story = prod.root / "alice.txt"
    story.write_text(
        (PDNC / "AlicesAdventuresInWonderland" / "novel_text.txt").read_text(encoding="utf-8")[:40000],
        encoding="utf-8",
    )
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
    while time.time() < deadline and len(list(prod.cache_dir.glob("line/*.wav"))) < 40:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the command and its synthesis workers, mid-render
    proc.wait()
    done_before = {p.name for p in prod.cache_dir.glob("line/*.wav")}
    assert len(done_before) >= 40, "the build was killed while rendering"
    for wav in prod.cache_dir.glob("line/*.wav"):
        info = sf.info(str(wav))  # raises on a truncated or half-written file
        assert info.frames > 0
    from audiodrama.pipeline.stages import load_script
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
