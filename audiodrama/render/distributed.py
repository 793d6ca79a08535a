"""Render lines on a Dask cluster: each task synthesises a batch into the shared cache.

Line rendering is embarrassingly parallel, so instead of a scheduler of our own we hand
batches to Dask distributed. `scheduler` is either `local:N` (a LocalCluster of N worker
processes on this machine) or the address of a running scheduler (`tcp://host:8786`).
Every worker must see the production's cache folder at the same path (a shared filesystem);
the mix then runs where the cache is, on the machine that called the build.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from audiodrama.errors import RenderError


@contextmanager
def client_for(scheduler: str) -> Iterator[Any]:
    """A dask.distributed Client for `local:N` or a scheduler address; closed afterwards."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - dask is a regular dependency
        raise RenderError("--scheduler needs dask[distributed]: pip install 'dask[distributed]'") from None
    for name in ("distributed", "bokeh", "tornado"):  # their shutdown chatter is not for users
        logging.getLogger(name).setLevel(logging.ERROR)
    if scheduler.startswith("local"):
        _, _, n = scheduler.partition(":")
        try:
            workers = int(n or 0) or None
        except ValueError:
            raise RenderError(f"--scheduler {scheduler!r}: use local:N with N a number of workers") from None
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
            cluster.close()
        return
    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise RenderError(
            f"cannot reach the Dask scheduler at {scheduler} ({exc}); "
            "start it (`dask scheduler`) or check the address"
        ) from None
    try:
        yield client
    finally:
        client.close()


def _check_cache(folder: str) -> str:
    """Worker-side: the shared cache must be visible here, or nothing we write reaches the mix."""
    if not Path(folder).is_dir():
        raise RenderError(
            f"{folder} is not visible on this Dask worker; the render cache must be on "
            "a filesystem shared by every worker (same path)"
        )
    return folder


def run_jobs(jobs: list[Any], scheduler: str, progress: bool = True) -> dict[str, float]:
    """Synthesise `jobs` (render.SynthJob) on the cluster; output path -> seconds of audio."""
    from tqdm.auto import tqdm

    from audiodrama.render.lines import _chunks, _synth_chunk

    done: dict[str, float] = {}
    if not jobs:
        return done
    with client_for(scheduler) as client:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        folders = sorted({str(Path(j.out).parent) for j in jobs})
        for fut in [client.submit(_check_cache, f, pure=False) for f in folders]:
            fut.result()
        from dask.distributed import as_completed

        futures = client.map(_synth_chunk, _chunks(jobs, workers), pure=False)
        errors: list[str] = []
        with tqdm(
            total=len(jobs),
            unit="line",
            desc=f"render on {workers} dask workers",
            disable=not progress,
            leave=False,
        ) as bar:
            for fut in as_completed(futures):
                batch = fut.result()
                for out, secs, err in batch:
                    done[out] = secs
                    if err:
                        errors.append(err)
                bar.update(len(batch))
    if errors:
        raise RenderError(f"{len(errors)} line(s) could not be synthesised; first: {errors[0]}")
    return done
