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
from pathlib import Path
from types import TracebackType
from typing import Any

from audiodrama.errors import RenderError
from audiodrama.render.plan import LINE_KIND, AudioStore, SynthJob
from audiodrama.render.runners import Progress, Tally, chunks, synth_chunk


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
        if not self.scheduler.startswith("local"):
            try:
                self._client = Client(self.scheduler, timeout="20s")
            except (OSError, TimeoutError) as exc:
                raise RenderError(
                    f"cannot reach the Dask scheduler at {self.scheduler} ({exc}); "
                    "start it (`dask scheduler`) or check the address"
                ) from None
            return self
        _, _, n = self.scheduler.partition(":")
        try:
            workers = int(n or 0) or None
        except ValueError:
            raise RenderError(
                f"--scheduler {self.scheduler!r}: use local:N with N a number of workers"
            ) from None
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
