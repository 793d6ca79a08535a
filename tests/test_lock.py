"""Two commands at once in one production: the second is refused with a clear message."""

import subprocess
import sys
import time

import pytest

from audiodrama.errors import ProductionError
from audiodrama.project.lock import production_lock
from audiodrama.project.production import init_production


def test_second_process_is_refused_while_the_first_holds_the_lock(tmp_path):
    prod = init_production(tmp_path / "p")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import time, sys; from audiodrama.project.lock import production_lock; from audiodrama.project.production import Project;"
                f"cm = production_lock(Project(__import__('pathlib').Path({str(prod.root)!r}))); cm.__enter__();"
                "print('locked', flush=True); time.sleep(30)"
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(ProductionError, match="another audiodrama command"), production_lock(prod):
            pass
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    with production_lock(prod):  # released when the holder died
        pass
