"""A runner on a Dask cluster: each task synthesises a batch of lines into the shared store.

Line rendering is embarrassingly parallel, so instead of a scheduler of our own we hand
batches to Dask distributed. `scheduler` is either `local:N` (a LocalCluster of N worker
processes on this machine, which die with this process) or the address of a running
scheduler (`tcp://host:8786`). Every worker must see the store's folder at the same path (a
shared filesystem); the mix then runs where the store is, on the machine that called the build.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from audiodrama.errors import RenderError
from audiodrama.render.plan import LINE_KIND, AudioStore, SynthJob
from audiodrama.render.runners import Progress, Tally, chunks, synth_chunk

SCHEDULER_FORMS = "local, local:N (1 <= N <= {max}), tcp://host:port or host:port"

_HOST_PORT = re.compile(
    r"(?P<host>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]):(?P<port>[0-9]{1,5})"
)


@dataclass(frozen=True)
class Scheduler:
    """A validated --scheduler: a LocalCluster of `workers` (None: Dask's default) or an address."""

    address: str | None = None
    """tcp://host:port of a running scheduler, or None for a LocalCluster."""
    workers: int | None = None


def parse_scheduler(text: str, cores: int | None = None) -> Scheduler:
    """The Scheduler `text` names; RenderError listing the allowed forms otherwise.

    `local` is matched as a whole word, so `localhost:8786` is an address, never `local:8786`
    (8786 workers); N is bounded by 4 x the cores so a typo cannot fork hundreds of processes.
    """
    most = 4 * (cores or os.cpu_count() or 1)
    value = text.strip()
    bad = RenderError(f"--scheduler {text!r} is not valid; use {SCHEDULER_FORMS.format(max=most)}")
    if value == "local":
        return Scheduler()
    if value.startswith("local:"):
        n = value.removeprefix("local:")
        if not n.isascii() or not n.isdigit() or not 1 <= int(n) <= most:
            raise bad
        return Scheduler(workers=int(n))
    match = _HOST_PORT.fullmatch(value.removeprefix("tcp://"))
    if match is None or not 1 <= int(match["port"]) <= 65535:
        raise bad
    return Scheduler(address=f"tcp://{match['host']}:{int(match['port'])}")


def _check_store(folder: str) -> str:
    """Worker-side: the shared store must be visible here, or nothing we write reaches the mix."""
    if not Path(folder).is_dir():
        raise RenderError(
            f"{folder} is not visible on this Dask worker; the render cache must be on "
            "a filesystem shared by every worker (same path)"
        )
    return folder


class DaskRunner:
    """Runs synthesis jobs on a Dask cluster for the life of a `with` block.

    dask is imported when the block starts: an optional heavy dependency, loaded only when a
    --scheduler is given.
    """

    def __init__(self, scheduler: str) -> None:
        self.scheduler = scheduler
        self.spec = parse_scheduler(scheduler)  # refused before anything starts
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> DaskRunner:
        try:
            from dask.distributed import Client, LocalCluster

            from audiodrama.render.dask_worker import DieWithParent
        except ImportError:  # pragma: no cover - dask is a regular dependency
            raise RenderError(
                "--scheduler needs dask[distributed]: pip install 'dask[distributed]'"
            ) from None
        for name in ("distributed", "bokeh", "tornado"):  # their shutdown chatter is not for users
            logging.getLogger(name).setLevel(logging.ERROR)
        if self.spec.address is not None:
            try:
                self._client = Client(self.spec.address, timeout="20s")
            except (OSError, TimeoutError) as exc:
                raise RenderError(
                    f"cannot reach the Dask scheduler at {self.spec.address} ({exc}); "
                    "start it (`dask scheduler`) or check the address"
                ) from None
            return self
        workers = self.spec.workers
        self._cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        self._client = Client(self._cluster)
        self._client.register_plugin(DieWithParent(os.getpid()))
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    def run(
        self, jobs: list[SynthJob], store: AudioStore, progress: Progress | None = None
    ) -> dict[str, float]:
        from dask.distributed import as_completed  # loaded in __enter__ already

        if self._client is None:
            raise RenderError("DaskRunner.run outside its `with` block")
        tally = Tally(len(jobs), progress)
        if not jobs:
            return tally.result()
        client = self._client
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        folder = str(store.path_for(LINE_KIND, "x").parent)
        Path(folder).mkdir(parents=True, exist_ok=True)
        client.submit(_check_store, folder, pure=False).result()
        futures = client.map(synth_chunk, chunks(jobs, workers), store=store, pure=False)
        for fut in as_completed(futures):
            tally.add(fut.result())
        return tally.result()
