"""A full disk (simulated by RLIMIT_FSIZE in a child build) leaves the previous episode, the
cache and the script intact, and fails with a one-line error."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DEMO

from audiodrama.project.production import init_production

MANIFEST = "audio_out/.cache/manifest.json"

# Runs the CLI with every file write capped at LIMIT bytes: past it, write() fails with EFBIG
# (SIGXFSZ ignored), the way it fails with ENOSPC on a full disk.
CAPPED_CLI = """
import resource, signal, sys
limit = int(sys.argv[1])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from audiodrama.cli.main import main
sys.exit(main(sys.argv[2:]))
"""


def _build(prod_root: Path, story: Path, limit: int | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "AUDIODRAMA_ENGINE": "silent"}
    head = [sys.executable, "-c", CAPPED_CLI, str(limit)] if limit else [sys.executable, "-m", "audiodrama"]
    args = [*head, "-C", str(prod_root), "build", str(story)]
    return subprocess.run(args, capture_output=True, text=True, timeout=300, env=env)


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    prod = init_production(tmp_path_factory.mktemp("full") / "p")
    story = prod.root / "s.txt"
    story.write_text(DEMO.read_text(encoding="utf-8")[:1500], encoding="utf-8")
    first = _build(prod.root, story)
    assert first.returncode == 0, first.stderr
    return prod, story


# from the script files (a few kB) through line audio to the episode WAV and MP3 (MBs)
@pytest.mark.parametrize("limit", [2_000, 20_000, 300_000, 3_000_000])
def test_a_full_disk_keeps_the_episode_cache_and_script_and_fails_in_one_line(built, limit):
    prod, story = built
    before = _digests(prod.root)
    story.write_text(
        story.read_text(encoding="utf-8") + "\nA new line was added at the end.\n", encoding="utf-8"
    )
    try:
        r = _build(prod.root, story, limit)
        assert r.returncode == 2, r.stderr
        rows = r.stderr.replace("\r", "\n").splitlines()
        errors = [row for row in rows if row.startswith("audiodrama: ") and "warning:" not in row]
        assert len(errors) == 1, r.stderr
        assert "free" in errors[0] and "Traceback" not in r.stderr
        after = _digests(prod.root)
        # the manifest records which cached lines the new script uses once they are rendered
        kept = {k: v for k, v in after.items() if k in before and k not in (story.name, MANIFEST)}
        changed = [k for k, v in kept.items() if v != before[k] and not k.startswith("script/")]
        assert not changed, changed  # the old episode and every cached file are as they were
        assert not [k for k in after if ".tmp" in k], "temporary files are cleaned up"
    finally:
        story.write_text(
            story.read_text(encoding="utf-8").replace("\nA new line was added at the end.\n", "")
        )
    # the script is intact: the next build, with room, works
    again = _build(prod.root, story)
    assert again.returncode == 0, again.stderr
