"""Rendering on a real Dask LocalCluster (2 workers) gives the same episode as a single-process build."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from support import DEMO

from audiodrama.errors import RenderError
from audiodrama.pipeline.build import build
from audiodrama.pipeline.parsing import parse_into_production
from audiodrama.project.production import Project, init_production
from audiodrama.render.distributed import Scheduler, parse_scheduler

STORY_PARAGRAPHS = 14  # the dream scene and the waking: several voices, quick to render


def _twin_productions(tmp_path: Path) -> tuple[Project, Project, str]:
    text = "\n\n".join(DEMO.read_text(encoding="utf-8").split("\n\n")[:STORY_PARAGRAPHS]) + "\n"
    single = init_production(tmp_path / "single")
    (single.root / "short.txt").write_text(text, encoding="utf-8")
    parse_into_production(single.root / "short.txt", single)
    cluster = init_production(tmp_path / "cluster")
    shutil.copytree(single.script_dir, cluster.script_dir, dirs_exist_ok=True)
    shutil.copy(single.root / "short.txt", cluster.root / "short.txt")
    return single, cluster, "short.txt"


def _timeline(result) -> list[tuple[str, str]]:
    data = json.loads(Path(result.episodes[0].timeline).read_text())
    return [(l["id"], l["speaker"]) for l in data["lines"]]


def test_local_cluster_build_equals_single_process_sample_for_sample(tmp_path, monkeypatch):
    # The deterministic test engine: the cluster's worker processes inherit the variable.
    monkeypatch.setenv("AUDIODRAMA_ENGINE", "silent")
    single, cluster, story = _twin_productions(tmp_path)
    a = build(single.root / story, single, workers=1, progress=False, formats=["wav"])
    b = build(cluster.root / story, cluster, scheduler="local:2", progress=False, formats=["wav"])
    assert a.synthesised == b.synthesised > 10
    wav_a, sr_a = sf.read(a.episodes[0].wav, dtype="int16")
    wav_b, sr_b = sf.read(b.episodes[0].wav, dtype="int16")
    assert sr_a == sr_b and wav_a.shape == wav_b.shape
    assert np.array_equal(wav_a, wav_b)


def test_local_cluster_renders_real_espeak_lines(tmp_path):
    """With pyttsx3/espeak-ng on the workers, the same lines in the same voices, the same episode plan.

    espeak-ng keeps state between utterances inside one process, so the same line can differ
    by a few milliseconds depending on what that process voiced before (see README): the
    audio is compared by length, not bit for bit.
    """
    single, cluster, story = _twin_productions(tmp_path)
    a = build(single.root / story, single, workers=1, progress=False, formats=["wav"])
    b = build(cluster.root / story, cluster, scheduler="local:2", progress=False, formats=["wav"])
    assert b.synthesised == a.synthesised > 10
    assert sorted(p.name for p in cluster.cache_dir.glob("line/*.wav")) == sorted(
        p.name for p in single.cache_dir.glob("line/*.wav")
    )
    assert _timeline(a) == _timeline(b)
    assert b.episodes[0].duration == pytest.approx(a.episodes[0].duration, rel=0.03)


@pytest.mark.parametrize(
    ("text", "address", "workers"),
    [
        ("local", None, None),
        ("local:2", None, 2),
        ("local:8", None, 8),
        ("tcp://10.0.0.5:8786", "tcp://10.0.0.5:8786", None),
        ("localhost:8786", "tcp://localhost:8786", None),  # an address, never local with 8786 workers
        ("sched-1.lan:8786", "tcp://sched-1.lan:8786", None),
    ],
)
def test_scheduler_forms_are_understood(text, address, workers):
    assert parse_scheduler(text, cores=2) == Scheduler(address=address, workers=workers)


@pytest.mark.parametrize(
    "text",
    [
        "local:0",
        "local:9",
        "local:8786",
        "local:two",
        "locals",
        "bogus",
        "host:",
        ":8786",
        "host:99999",
        "tcp://",
    ],
)
def test_a_bad_scheduler_is_refused_with_the_allowed_forms(text):
    with pytest.raises(RenderError) as err:
        parse_scheduler(text, cores=2)
    message = str(err.value)
    assert repr(text) in message and "local:N (1 <= N <= 8)" in message and "host:port" in message


def test_a_bad_scheduler_fails_the_build_with_one_line(tmp_path):
    prod = init_production(tmp_path / "p")
    (prod.root / "s.txt").write_text('"Hi," said Ann.\n', encoding="utf-8")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "audiodrama",
            "-C",
            str(prod.root),
            "build",
            str(prod.root / "s.txt"),
            "--scheduler",
            "bogus",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "bogus" in r.stderr and "tcp://host:port" in r.stderr
