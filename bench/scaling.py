#!/usr/bin/env python3
"""Scaling: read + parse time and peak memory as each input shape doubles from 0.5 to 8 MB.

    .venv/bin/python bench/scaling.py                      # every shape, 0.5 1 2 4 8 MB
    .venv/bin/python bench/scaling.py --shape nested --mb 0.5 1 2

Shapes: `paragraphs` (a .txt of many short paragraphs), `long` (one paragraph: a four-line
exchange pasted on one line), `html` (many <p>), `nested` (towers of 500 nested <div>s, each
holding a paragraph), `deep` (one tower as deep as the size allows: refused past
markup.MAX_DEPTH, so this times the refusal), `epub` (many ~50 KB chapters; the size is that of
the XHTML inside). Each size runs in a fresh child process (so its peak
memory, ru_maxrss, is its own) that writes the story to a temporary file and times
read_source + parse_story. Prints the CPU seconds of that process (the ratio is taken on them:
on a shared machine wall time swings with the neighbours' load), the wall seconds, the ratio
to the previous size (target: below 2.5 per doubling: linear work) and the peak memory. A story the readers refuse (over a limit)
prints its one-line error instead.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from audiodrama.errors import AudiodramaError
from audiodrama.parse import parse_story
from audiodrama.procs import run
from audiodrama.sources.reader import read_source

SHAPES = ("paragraphs", "long", "html", "nested", "deep", "epub")
EXCHANGE = (
    '"Where are you going?" asked Anna. "To the market," said Ben. '
    '"May I come?" she said. "Of course," he replied. '
)
CONTAINER = (
    '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
    '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
    "</rootfiles></container>"
)


def _repeat(unit: str, size: int, head: str = "", tail: str = "") -> str:
    return head + unit * max(1, (size - len(head) - len(tail)) // len(unit)) + tail


def _epub(size: int) -> bytes:
    """An EPUB of ~50 KB chapters, `size` bytes of XHTML in all."""
    chapter = _repeat(f"<p>{EXCHANGE}</p>\n", 50_000)
    n = max(1, size // len(chapter))
    items = "".join(
        f'<item id="c{i}" href="c{i}.xhtml" media-type="application/xhtml+xml"/>' for i in range(n)
    )
    refs = "".join(f'<itemref idref="c{i}"/>' for i in range(n))
    opf = (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Scaling</dc:title></metadata>'
        f"<manifest>{items}</manifest><spine>{refs}</spine></package>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        z.writestr("META-INF/container.xml", CONTAINER)
        z.writestr("OEBPS/content.opf", opf)
        for i in range(n):
            z.writestr(
                f"OEBPS/c{i}.xhtml",
                f'<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>Chapter {i + 1}</h1>{chapter}</body></html>',
            )
    return buf.getvalue()


def story(shape: str, size: int) -> tuple[str, bytes]:
    """(file name, bytes) of a story of about `size` bytes in `shape`."""
    if shape == "paragraphs":
        return "story.txt", _repeat(EXCHANGE.strip() + "\n\n", size).encode()
    if shape == "long":
        return "story.txt", _repeat(EXCHANGE, size).encode()
    if shape == "html":
        return "story.html", _repeat(f"<p>{EXCHANGE}</p>\n", size, "<html><body>", "</body></html>").encode()
    if shape == "nested":  # towers of 500 nested <div>s (MAX_DEPTH is 1000), a paragraph in each
        tower = f"<div><p>{EXCHANGE}</p>" * 500 + "</div>" * 500
        return "story.html", _repeat(tower, size, "<html><body>", "</body></html>").encode()
    if shape == "deep":  # one tower as deep as the size allows: refused, in how long?
        n = max(1, size // len("<div></div>"))
        return "story.html", f"<html><body>{'<div>' * n}<p>Hi.</p>{'</div>' * n}</body></html>".encode()
    if shape == "epub":
        return "story.epub", _epub(size)
    raise ValueError(shape)


def child(shape: str, mb: float) -> dict[str, object]:
    """Measure one size in this process: seconds of read + parse, peak memory, outcome."""
    name, data = story(shape, int(mb * 1_000_000))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            script = parse_story(read_source(path))
            outcome = f"{sum(1 for line in script.lines() if line.kind == 'dialogue')} dialogue lines"
        except AudiodramaError as exc:
            outcome = f"refused: {exc}"
        cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"cpu": cpu, "wall": wall, "peak_mb": peak, "outcome": outcome}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shape", nargs="+", choices=SHAPES, default=list(SHAPES))
    ap.add_argument("--mb", nargs="+", type=float, default=[0.5, 1, 2, 4, 8])
    ap.add_argument("--child", nargs=2, metavar=("SHAPE", "MB"), help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        print(json.dumps(child(a.child[0], float(a.child[1]))))
        return 0
    worst = 0.0
    for shape in a.shape:
        prev = None
        for mb in a.mb:
            r = run([sys.executable, __file__, "--child", shape, str(mb)], capture_output=True, text=True)
            if r.returncode != 0:
                print(f"{shape:10} {mb:4} MB  failed: {r.stderr.strip().splitlines()[-1:]}")
                prev = None
                continue
            m = json.loads(r.stdout)
            ratio = m["cpu"] / prev if prev else float("nan")
            if prev:
                worst = max(worst, ratio)
            prev = m["cpu"]
            print(
                f"{shape:10} {mb:5.2f} MB  cpu {m['cpu']:7.2f} s  wall {m['wall']:7.2f} s  x{ratio:4.2f}  "
                f"peak {m['peak_mb']:6.0f} MB  {m['outcome']}",
                flush=True,
            )
    print(f"worst ratio per doubling: x{worst:.2f} (target < 2.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
