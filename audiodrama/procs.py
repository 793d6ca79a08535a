"""Child processes that die with their parent and are forked with the stop signals held."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from types import FrameType
from typing import Any

_PR_SET_PDEATHSIG = 1

STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})
"""Signals that stop a build: Ctrl-C, and SIGTERM (which raises KeyboardInterrupt under `build --watch`)."""


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


@contextmanager
def signals_held() -> Iterator[set[int | signal.Signals]]:
    """Hold Ctrl-C and SIGTERM while the block forks a child; one that lands meanwhile is
    delivered when the block ends. Yields the signal mask a child must restore (it inherits
    the block).

    Python runs at-fork handlers (logging's lock release) in the parent right after a fork and
    prints and drops any exception raised in them: a stop handler raising KeyboardInterrupt
    there would be lost, and the build would carry on. Blocking the signals in this thread is
    not enough: another thread (numpy's BLAS threads) then takes the signal and Python still runs
    the handler in this one, at its next line of Python, which may be an at-fork handler. So for
    the block the Python handlers only note the signal, and it is raised again once the
    handlers and the mask are back. Only the main thread runs signal handlers; in any other
    this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield signal.pthread_sigmask(signal.SIG_BLOCK, ())
        return
    caught: dict[int, None] = {}

    def note(signum: int, frame: FrameType | None) -> None:
        caught[signum] = None

    def deliver() -> None:  # while still blocked: each is taken when the mask is restored
        for signum in caught:
            signal.raise_signal(signum)

    # Undone in reverse order, every step even if one raises (a handler put back may raise
    # KeyboardInterrupt at once): the handlers, then the noted signals sent again, then the
    # mask restored, which delivers them.
    with ExitStack() as undo:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, ())
        undo.callback(signal.pthread_sigmask, signal.SIG_SETMASK, previous)
        undo.callback(deliver)
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        for signum in STOP_SIGNALS:
            handler = signal.getsignal(signum)
            if callable(handler):  # SIG_DFL and SIG_IGN raise nothing: left alone
                undo.callback(signal.signal, signum, handler)
                signal.signal(signum, note)
        yield previous


def popen(args: Sequence[str], **kwargs: Any) -> subprocess.Popen[Any]:
    """`subprocess.Popen` whose child is killed if this process dies, forked with the stop
    signals held (a Ctrl-C or SIGTERM landing meanwhile is raised once it has started; the
    child is then killed)."""
    parent = os.getpid()
    proc: subprocess.Popen[Any] | None = None
    try:
        with signals_held() as mask:

            def child() -> None:
                die_with_parent(parent)
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)

            proc = subprocess.Popen(list(args), preexec_fn=child, **kwargs)
    except BaseException:
        if proc is not None:
            with proc:  # closes its pipes and reaps it
                proc.kill()
        raise
    return proc


def run(
    args: Sequence[str],
    *,
    input: Any = None,
    capture_output: bool = False,
    timeout: float | None = None,
    check: bool = False,
    **kwargs: Any,
) -> subprocess.CompletedProcess[Any]:
    """`subprocess.run` (same arguments) on `popen`: the child dies with this process, and a
    stop signal that lands while it is forked is not lost. Only the fork is held, not the wait."""
    if input is not None:
        kwargs["stdin"] = subprocess.PIPE
    if capture_output:
        kwargs["stdout"] = kwargs["stderr"] = subprocess.PIPE
    with popen(args, **kwargs) as proc:
        try:
            out, err = proc.communicate(input, timeout=timeout)
        except BaseException:  # timed out or interrupted: the child does not outlive the call
            proc.kill()
            raise
        code = proc.wait()  # at once: communicate has reaped it
    if check and code:
        raise subprocess.CalledProcessError(code, proc.args, out, err)
    return subprocess.CompletedProcess(proc.args, code, out, err)
