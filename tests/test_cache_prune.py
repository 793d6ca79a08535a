"""`audiodrama cache` reports the render cache; --prune deletes only what no current script uses."""

import subprocess
import sys

from audiodrama.pipeline.build import build
from audiodrama.project.production import init_production
from audiodrama.project.store import Store


def test_prune_keeps_what_the_script_uses(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDIODRAMA_ENGINE", "silent")
    prod = init_production(tmp_path / "p")
    story = prod.root / "s.txt"
    story.write_text('"Hello there," said Anna.\n\n"Hi," Ben replied.\n', encoding="utf-8")
    build(story, prod, progress=False, formats=["wav"])
    used = set(prod.cache_dir.glob("line/*.wav"))
    stale = prod.cache_dir / "line" / "0123456789abcdef0123456789abcdef.wav"
    stale.write_bytes(next(iter(used)).read_bytes())
    cli = [sys.executable, "-m", "audiodrama", "-C", str(prod.root), "cache"]
    out = subprocess.run(cli, capture_output=True, text=True, check=True).stdout
    assert "1 files" in out and "used by no current script" in out
    subprocess.run([*cli, "--prune"], capture_output=True, text=True, check=True)
    assert not stale.exists()
    assert set(prod.cache_dir.glob("line/*.wav")) == used
    again = build(story, prod, progress=False, formats=["wav"])
    assert again.synthesised == 0


def test_prune_drops_the_scene_mixes_of_a_removed_story(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDIODRAMA_ENGINE", "silent")
    prod = init_production(tmp_path / "p")
    for name in ("a", "b"):
        story = prod.root / f"{name}.txt"
        story.write_text(f'"Hello {name}," said Anna.\n\n"Hi," Ben replied.\n', encoding="utf-8")
        build(story, prod, progress=False, formats=["wav"])
    store = Store(prod.cache_dir)
    mixes = {name: {p for p in store.used([name]) if p.parent.name == "scene"} for name in ("a", "b")}
    assert all(mixes.values()) and not mixes["a"] & mixes["b"]
    assert all(p.exists() for p in mixes["a"] | mixes["b"])
    prod.script_json("b").unlink()
    cli = [sys.executable, "-m", "audiodrama", "-C", str(prod.root), "cache"]
    out = subprocess.run(cli, capture_output=True, text=True, check=True).stdout
    assert f"{len(mixes['a']) + len(mixes['b'])} scene mixes" in out
    subprocess.run([*cli, "--prune"], capture_output=True, text=True, check=True)
    assert set((prod.cache_dir / "scene").glob("*.pcm")) == mixes["a"]


def test_scene_cache_can_be_turned_off_for_a_small_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDIODRAMA_ENGINE", "silent")
    prod = init_production(tmp_path / "p")
    toml = prod.root / "audiodrama.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("scene_cache = true", "scene_cache = false"),
        encoding="utf-8",
    )
    story = prod.root / "s.txt"
    story.write_text('"Hello there," said Anna.\n\n"Hi," Ben replied.\n', encoding="utf-8")
    result = build(story, prod, progress=False, formats=["wav"])
    assert result.episodes[0].wav.exists()
    assert not list(prod.cache_dir.glob("**/*.pcm"))
