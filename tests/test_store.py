"""The content-addressed store, the worker pool's lifetime and the render progress callback."""

from __future__ import annotations

import os

import numpy as np
import pytest
from support import make_script

from audiodrama.model import VoiceProfile
from audiodrama.pipeline.voicing import cast_script, render_script
from audiodrama.project.store import Store, store_key, sweep_temporaries
from audiodrama.render.plan import SynthJob
from audiodrama.render.runners import WorkerPool


def test_keys_cover_kind_and_parts():
    assert store_key("line", "a", "b") == store_key("line", "a", "b")
    assert store_key("line", "a", "b") != store_key("take", "a", "b")
    assert store_key("line", "a", "b") != store_key("line", "ab")  # parts are kept apart
    assert len(store_key("line", "x")) == 32


def test_puts_are_atomic_and_land_under_kind_and_key(tmp_path):
    store = Store(tmp_path / ".cache")
    key = store.key("line", "hello")
    assert not store.has("line", key)
    path = store.put_bytes("line", key, ".wav", b"RIFF")
    assert path == tmp_path / ".cache" / "line" / f"{key}.wav" and store.has("line", key)
    copy = store.put_file("take", key, ".wav", path)
    assert copy.read_bytes() == b"RIFF" and store.files("take") == [copy]
    with pytest.raises(RuntimeError), store.writing("line", "broken", ".wav") as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("killed mid-write")
    assert not store.has("line", "broken", ".wav")
    assert sorted(p.name for p in (tmp_path / ".cache" / "line").iterdir()) == [f"{key}.wav"]
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_arrays_round_trip(tmp_path):
    store = Store(tmp_path)
    assert store.get_array("mix", "k") is None
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    store.put_array("mix", "k", a)
    assert np.array_equal(store.get_array("mix", "k"), a)


def test_manifest_merges_partial_builds_and_names_unused_files(tmp_path):
    store = Store(tmp_path)
    a = store.put_bytes("line", "a", ".wav", b"1")
    b = store.put_bytes("line", "b", ".wav", b"2")
    c = store.put_bytes("take", "c", ".wav", b"3")
    store.record_use("s1", [a], partial=False)
    store.record_use("s1", [b], partial=True)
    store.record_use("s2", [c], partial=False)
    assert store.used(["s1"]) == {a, b}
    assert store.unused(["s1"]) == [c]
    store.record_use("s1", [b], partial=False)  # a full build replaces the list
    assert store.used(["s1", "s2"]) == {b, c}


def test_sweep_removes_only_temporary_names(tmp_path):
    (tmp_path / "ep").mkdir()
    temps = [tmp_path / ".a.wav.123.tmp", tmp_path / "ep" / ".x.tmp.wav", tmp_path / ".tmp.mp3"]
    keep = [tmp_path / "a.wav", tmp_path / ".lock", tmp_path / "ep" / ".ep.build.json"]
    for p in temps + keep:
        p.write_bytes(b"")
    assert sweep_temporaries(tmp_path) == 3
    assert [p.exists() for p in temps + keep] == [False] * 3 + [True] * 3


def test_worker_pool_is_gone_after_its_block_even_on_ctrl_c(tmp_path):
    store = Store(tmp_path)
    jobs = [SynthJob(f"Line number {i}.", VoiceProfile(voice="en-us"), None, f"k{i}") for i in range(4)]
    with pytest.raises(KeyboardInterrupt), WorkerPool(2) as pool:
        assert set(pool.run(jobs, store)) == {j.key for j in jobs}
        procs = list(pool._executor._processes.values())  # type: ignore[union-attr]
        assert len(procs) == 2 and all(p.is_alive() for p in procs)
        raise KeyboardInterrupt
    for p in procs:
        p.join(timeout=5)
    assert not any(p.is_alive() for p in procs)
    assert pool._executor is None


def test_render_reports_progress_through_the_callback(production):
    script = make_script({"Ann": ("female", 2)}, narration=2)
    cast = cast_script(script, production)
    calls: list[tuple[int, int]] = []
    first = render_script(script, cast, production, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (first.synthesised, first.synthesised) == (4, 4)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
