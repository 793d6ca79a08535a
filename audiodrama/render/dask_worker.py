"""Dask worker plugin: a LocalCluster worker dies with the process that started the cluster.

A module of its own because it imports distributed at the top (the plugin must inherit from
WorkerPlugin): render.distributed imports it only when a cluster starts.
"""

from __future__ import annotations

from distributed import Worker, WorkerPlugin

from audiodrama.procs import die_with_parent


class DieWithParent(WorkerPlugin):
    """Set up on every worker: the kernel kills it when the process at `parent_pid` dies."""

    name = "audiodrama-die-with-parent"

    def __init__(self, parent_pid: int) -> None:
        self.parent_pid = parent_pid

    def setup(self, worker: Worker) -> None:
        die_with_parent(self.parent_pid)
