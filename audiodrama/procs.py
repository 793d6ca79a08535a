"""Child processes that die with their parent: a killed build leaves no worker or ffmpeg behind."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int | None = None) -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux; elsewhere a no-op).

    Called first thing in every child we start: render workers hold the caller's stdout, so a
    worker that outlived a `kill -9` of the build would keep `audiodrama build | tee` hanging.
    `parent_pid` closes the race where the parent died before the request was made.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)


def run(args: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[Any]:
    """`subprocess.run` whose child is killed if this process dies (no orphaned ffmpeg)."""
    parent = os.getpid()
    return subprocess.run(list(args), preexec_fn=lambda: die_with_parent(parent), **kwargs)


def popen(args: Sequence[str], **kwargs: Any) -> subprocess.Popen[Any]:
    """`subprocess.Popen` whose child is killed if this process dies."""
    parent = os.getpid()
    return subprocess.Popen(list(args), preexec_fn=lambda: die_with_parent(parent), **kwargs)
