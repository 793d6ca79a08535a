"""File writes that a reader never sees half done, and that never discard a file they did not read."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from audiodrama.errors import ProductionError

#: What a write fails with when the disk (or the user's quota, or a file size limit) is full.
DISK_FULL = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})


def _process_umask() -> int:
    """The umask, read without changing it (os.umask would flip it for every thread)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for row in status:
                if row.startswith("Umask:"):
                    return int(row.split()[1], 8)
    except (OSError, ValueError):
        pass
    # No /proc (macOS): flipping it once here, while the module is imported, races with nothing.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: Read once: outputs get the usual permissions (0666 less the umask); mkstemp makes 0600 files.
FILE_MODE = 0o666 & ~_process_umask()


def write_error(path: str | Path, exc: BaseException) -> ProductionError:
    """The one-line error for a write of `path` that failed (a full disk, most likely)."""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return ProductionError(
        f"cannot be written ({reason}); free some disk space and run the same command again "
        "(the files already there were kept)",
        path,
    )


def is_disk_full(exc: BaseException) -> bool:
    """True for an OSError saying the disk, a quota or the file size limit is full."""
    return isinstance(exc, OSError) and exc.errno in DISK_FULL


def _is_special(path: Path) -> bool:
    """True for an existing target that is not a regular file (/dev/stdout, a FIFO, a device)."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it replaces `path` in one rename.

    A symlink is followed (the file it points to is replaced, the link kept); a target that is
    not a regular file (/dev/stdout, a FIFO) is written through, never replaced.
    """
    special = _is_special(Path(path))
    # /dev/stdout resolves to a pipe's pseudo-path: write through the name as given
    target = Path(path) if special else Path(os.path.realpath(path))
    folder = Path(tempfile.gettempdir()) if special else target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp" + target.suffix, dir=folder)
    except OSError as exc:
        if is_disk_full(exc):
            raise write_error(target, exc) from None
        raise
    os.close(fd)
    try:
        yield Path(tmp)
        if special:
            with open(tmp, "rb") as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.unlink(tmp)
        else:
            os.chmod(tmp, FILE_MODE)
            os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if is_disk_full(exc):
            raise write_error(target, exc) from None
        raise


def write_text(path: str | Path, text: str) -> None:
    """Write UTF-8 text atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write bytes atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def read_or_none(path: Path) -> bytes | None:
    """The file's bytes, or None when it does not exist."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _exchange_call() -> Callable[[str, str], bool] | None:
    """renameat2(RENAME_EXCHANGE) from the C library (Linux), or None where there is none."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return None
    at_fdcwd, rename_exchange = -100, 2

    def exchange(a: str, b: str) -> bool:
        return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0

    return exchange


_EXCHANGE = _exchange_call()


def stage_text(path: Path, text: str) -> Path:
    """A temporary file beside `path` holding `text`, for commit_if_unchanged (the caller
    unlinks it if it is not committed). Staging every file of a save before committing any
    means a full disk fails the save before anything was replaced."""
    target = Path(os.path.realpath(path))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        if is_disk_full(exc):
            raise write_error(target, exc) from None
        raise
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(tmp, FILE_MODE)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if is_disk_full(exc):
            raise write_error(target, exc) from None
        raise
    return Path(tmp)


def commit(tmp: Path, path: Path) -> None:
    """Rename the staged file `tmp` over `path` (a rename needs no free space)."""
    os.replace(tmp, os.path.realpath(path))


def commit_if_unchanged(tmp: Path, path: Path, expected: bytes | None) -> bool:
    """Rename the staged file `tmp` over `path` only if it still holds `expected` (None: absent).

    Returns False, leaving the file alone, when someone changed it since it was read (an editor
    saving while a command ran): a newer file is never discarded unread. Where the system can
    swap two files in one step, the file is swapped in and what it displaced is checked (and
    swapped back if it was not `expected`), so no save can slip in between check and write;
    elsewhere the check is made just before the rename. `tmp` is gone afterwards either way.
    """
    target = Path(os.path.realpath(path))
    try:
        if expected is None:
            try:
                os.link(tmp, target)  # creates it only if nobody did meanwhile
            except FileExistsError:
                return False
            except OSError:  # no hard links on this filesystem
                if target.exists():
                    return False
                os.replace(tmp, target)
            return True
        if _EXCHANGE is not None and target.exists() and _EXCHANGE(str(tmp), str(target)):
            if read_or_none(Path(tmp)) == expected:
                return True
            _EXCHANGE(str(tmp), str(target))  # not what was read: put the newer file back
            return False
        if read_or_none(target) != expected:
            return False
        os.replace(tmp, target)
        return True
    finally:
        Path(tmp).unlink(missing_ok=True)
