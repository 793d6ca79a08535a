"""Progress callbacks (done, total) drawn as ipywidgets bars that stay on screen when done."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def widget_progress(desc: str = "render") -> Iterator[Callable[[int, int], None]]:
    """A progress callback (done, total) drawing an ipywidgets bar, shown at its first call."""
    # ipywidgets and IPython are only there in a notebook environment: imported on use
    import ipywidgets as widgets
    from IPython.display import display

    bar = widgets.IntProgress(value=0, min=0, max=1, description=desc)
    shown: list[bool] = []

    def update(done: int, total: int) -> None:
        if not shown:
            display(bar)
            shown.append(True)
        bar.max, bar.value = max(1, total), done

    yield update
