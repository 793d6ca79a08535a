"""One build at a time per production: a second one is refused with a clear message."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from audiodrama.errors import ProductionError
from audiodrama.project.production import Project


@dataclass(frozen=True)
class HeldLock:
    """Proof that the caller holds the production lock: writers of script/ ask for one.

    Pass it on rather than locking again: a POSIX lock taken twice in one process is released
    by the first close.
    """

    root: Path


class ProductionLocked(ProductionError):
    """Another command holds the production's lock: trying again later can succeed."""


@contextmanager
def production_lock(prod: Project) -> Iterator[HeldLock]:
    """Hold an exclusive lock on the production while its files are being written.

    The OS releases the lock when the process dies, so a killed build never leaves it stuck.
    """
    prod.out_dir.mkdir(parents=True, exist_ok=True)
    path = prod.out_dir / ".lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            # POSIX record locks belong to the process: render workers forked while it is
            # held do not inherit it (a flock would stay held by the long-lived worker pool).
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):
            holder = os.read(fd, 64).decode(errors="replace").strip() or "another process"
            raise ProductionLocked(
                f"another audiodrama command (pid {holder}) is working on this production; "
                "wait for it to finish, then run again",
                prod.root,
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield HeldLock(prod.root)
    finally:
        os.close(fd)
