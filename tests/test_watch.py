"""`audiodrama build STORY --watch`: one process that rebuilds on every saved edit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import DEMO

from audiodrama.cli.watch import watch
from audiodrama.project.lock import ProductionLocked
from audiodrama.project.production import init_production

try:
    import psutil  # not a dependency of audiodrama: /proc is read without it
except ImportError:
    psutil = None

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


def test_watch_survives_any_error_and_retries_a_build_refused_by_the_lock(tmp_path):
    outcomes = [
        ProductionLocked("another audiodrama command (pid 1) is working on this production", tmp_path),
        ProductionLocked("another audiodrama command (pid 1) is working on this production", tmp_path),
        ValueError("an engine bug\nwith a second line"),
    ]
    calls, reports, slept = [], [], []

    def rebuild() -> None:
        calls.append(1)
        if outcomes:
            raise outcomes.pop(0)

    builds = watch(rebuild, lambda: [], report=reports.append, max_builds=1, sleep=slept.append)
    assert builds == 1 and len(calls) == 3, reports  # refused twice, tried again without an edit
    assert len(slept) == 2 and sum("trying again" in r for r in reports) == 2
    assert reports[-1] == "audiodrama: ValueError: an engine bug; fix it and save again"
    reports.clear()
    assert (
        watch(
            lambda: (_ for _ in ()).throw(OSError(28, "No space left on device", "x.wav")),
            lambda: [],
            report=reports.append,
            max_builds=1,
        )
        == 1
    )
    assert reports == ["audiodrama: x.wav: No space left on device; fix it and save again"]


def _descendants(pid: int) -> set[int]:
    if psutil is not None:
        try:
            return {p.pid for p in psutil.Process(pid).children(recursive=True)}
        except psutil.NoSuchProcess:
            return set()
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        try:
            with open(f"/proc/{parent}/task/{parent}/children") as f:
                kids = {int(p) for p in f.read().split()}
        except OSError:
            kids = set()
        todo += kids - found
        found |= kids
    return found


def _alive(pid: int) -> bool:
    if psutil is not None:
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def _group(pgid: int) -> set[int]:
    """Every process in the process group `pgid`."""
    out = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getpgid(int(entry)) == pgid:
                    out.add(int(entry))
            except OSError:
                pass
    return out


@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_a_stopped_watch_leaves_no_worker_behind(tmp_path, how):
    """SIGTERM to the process, or Ctrl-C (SIGINT to the terminal's whole process group, workers
    included) while workers render: the watch ends cleanly and no process it started remains."""
    prod = init_production(tmp_path / "p")
    story = prod.root / "s.txt"
    story.write_text(DEMO.read_text(encoding="utf-8")[:6000], encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "AUDIODRAMA_ENGINE"}  # real espeak-ng workers
    cmd = [sys.executable, "-m", "audiodrama", "-C", str(prod.root), "-q", "build", str(story), "--watch"]
    proc = subprocess.Popen(
        [*cmd, "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,  # its own process group, as a terminal gives a command
    )
    try:
        workers: set[int] = set()
        end = time.monotonic() + 120
        while len(workers) < 2 and time.monotonic() < end and proc.poll() is None:
            time.sleep(0.05)
            workers |= _descendants(proc.pid)
        assert workers, "no render worker started"
        if how == "SIGTERM":
            proc.send_signal(signal.SIGTERM)
        else:
            os.killpg(proc.pid, signal.SIGINT)
        out = proc.communicate(timeout=60)[0]
        assert "stopped watching" in out and "Traceback" not in out, out
        assert proc.returncode == 0
        workers |= _group(proc.pid)
        end = time.monotonic() + 5
        while [p for p in workers if _alive(p)] and time.monotonic() < end:
            time.sleep(0.05)
        assert not [p for p in workers if _alive(p)], "processes of the build left behind"
    finally:
        if proc.poll() is None:
            proc.kill()


# A stop that lands just as procs.run forks its child: Python runs at-fork handlers in the
# parent and drops what they raise. Another thread is running (as numpy's BLAS threads are in
# a build), so blocking the signal in the main thread alone would not keep it from there.
FORK_STOP = """
import os, signal, threading
from audiodrama import procs

def stop(signum, frame):  # as `build --watch` stops on SIGTERM
    raise KeyboardInterrupt

signal.signal(signal.SIGTERM, stop)  # SIGINT keeps Python's own handler, as in a plain build
threading.Thread(target=threading.Event().wait, daemon=True).start()
send = []
os.register_at_fork(after_in_parent=lambda: os.kill(os.getpid(), send.pop()) if send else None)
for sig in (signal.SIGTERM, signal.SIGINT):
    send.append(sig)
    try:
        procs.run(["sleep", "5"])
        print(sig.name, "lost")
    except KeyboardInterrupt:
        try:
            os.waitpid(-1, os.WNOHANG)
            print(sig.name, "stopped, the child left behind")
        except ChildProcessError:
            print(sig.name, "stopped")
"""


def test_a_stop_landing_while_a_child_is_forked_is_not_lost():
    """SIGTERM (raising KeyboardInterrupt, as under --watch) or Ctrl-C sent as procs.run forks."""
    proc = subprocess.run([sys.executable, "-c", FORK_STOP], capture_output=True, text=True, timeout=60)
    assert proc.stdout.split("\n")[:2] == ["SIGTERM stopped", "SIGINT stopped"], proc.stdout + proc.stderr
    assert "Exception ignored" not in proc.stderr, proc.stderr
