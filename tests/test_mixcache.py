"""The scene cache: an edit re-mixes only its scene, and never serves stale audio."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace

import numpy as np
import pytest
import soundfile as sf
from support import demo_opening

from audiodrama.pipeline.build import build
from audiodrama.project.scripts import read_script


def _wav_only(prod) -> None:
    """WAV only, and the demo's first three scenes: the scene cache works the same on them."""
    (prod.root / "stories" / "demo.txt").write_text(demo_opening(3), encoding="utf-8")
    toml = prod.settings_path.read_text(encoding="utf-8")
    prod.settings_path.write_text(re.sub(r"(?m)^formats = .*$", 'formats = ["wav"]', toml), encoding="utf-8")


def _edit_words(prod, slug: str = "demo") -> str:
    """Change the words of one narration line of the middle scene in the Fountain script."""
    script = read_script(prod.script_json(slug), prod.script_fountain(slug)).script
    scene = script.scenes[len(script.scenes) // 2]
    line = next(l for l in scene.lines if l.kind == "narration" and len(l.text.split()) > 4)
    path = prod.script_fountain(slug)
    text = path.read_text(encoding="utf-8")
    words = re.search(r"(?m)^(.*)\[\[" + re.escape(line.id) + r"\b", text).group(1).rstrip()
    path.write_text(text.replace(words, words + " And then the clock struck nine.", 1), encoding="utf-8")
    return scene.id


def _samples(path) -> np.ndarray:
    return sf.read(str(path), dtype="int16", always_2d=True)[0]


def test_an_edit_remixes_its_scene_and_matches_a_mix_from_scratch(production, monkeypatch):
    monkeypatch.setenv("AUDIODRAMA_ENGINE", "silent")
    prod = production
    _wav_only(prod)
    story = prod.root / "stories" / "demo.txt"
    first = build(story, prod, progress=False)
    [ep] = first.episodes
    n_scenes = ep.scenes_mixed + ep.scenes_reused
    assert n_scenes >= 3 and ep.scenes_reused == 0
    before = _samples(ep.wav)

    build(story, prod, progress=False)  # (the first reload of a parsed script may still settle a line's kind)
    stamp = ep.wav.stat().st_mtime_ns
    again = build(story, prod, progress=False)  # nothing changed: the episode is kept as it is
    assert again.episodes[0].scenes_mixed == 0 and again.episodes[0].scenes_reused == n_scenes
    assert again.episodes[0].wav.stat().st_mtime_ns == stamp and again.episodes[0].lufs == ep.lufs
    ep.wav.unlink()  # ... unless its files were touched: then it is mastered again from the cached scenes
    again = build(story, prod, progress=False)
    assert again.episodes[0].scenes_mixed == 0 and again.episodes[0].scenes_reused == n_scenes
    assert np.array_equal(_samples(again.episodes[0].wav), before)

    _edit_words(prod)
    edited = build(story, prod, progress=False)
    [ep] = edited.episodes
    assert edited.synthesised == 1
    assert ep.scenes_mixed == 1 and ep.scenes_reused == n_scenes - 1
    after = _samples(ep.wav)
    timeline = ep.timeline.read_text(encoding="utf-8")
    assert len(after) > len(before)  # the line got longer, and so did the episode

    shutil.rmtree(prod.cache_dir / "scene")  # the edited script mixed from scratch
    for manifest in prod.episode_dir("demo").glob(".*.build.json"):
        manifest.unlink()
    scratch = build(story, prod, progress=False)
    assert scratch.synthesised == 0 and scratch.episodes[0].scenes_reused == 0
    assert np.array_equal(_samples(scratch.episodes[0].wav), after)
    assert scratch.episodes[0].timeline.read_text(encoding="utf-8") == timeline
    assert scratch.episodes[0].lufs == pytest.approx(ep.lufs, abs=1e-9)
    # the full build forgot the scene mixes no episode uses any more
    assert len(list((prod.cache_dir / "scene").glob("*.pcm"))) == n_scenes


def test_every_input_of_a_scene_is_in_its_key(tmp_path):
    """Voice volume, effects, ambience settings and the line audio itself each re-mix the scene."""
    import os

    from support import demo_script

    from audiodrama.audio import assembly, timeline
    from audiodrama.model import VoiceProfile
    from audiodrama.project.scenecache import SceneCache
    from audiodrama.project.store import Store
    from audiodrama.settings import Settings

    script = demo_script()
    settings = Settings()
    settings = replace(settings, mix=replace(settings.mix, ambience="rain"))
    rendered = {}
    rng = np.random.default_rng(0)
    for _k, line in enumerate(script.lines()):
        path = tmp_path / f"{line.id}.wav"
        sf.write(str(path), (rng.standard_normal(22050) * 0.1).astype(np.float32), 22050)
        rendered[line.id] = mix_rendered(path)
    tl = timeline.plan_episode(script.scenes, assembly.line_durations(rendered), settings)
    cache = SceneCache(Store(tmp_path / "cache"), "demo", 44100)

    def mixed(**kw) -> int:
        before = cache.hits
        assembly.assemble(
            tl, rendered, 44100, kw.get("settings", settings), voices=kw.get("voices"), cache=cache
        )
        return len(tl.scenes) - (cache.hits - before)

    assert mixed() == 2 and mixed() == 0
    assert mixed(voices={"Willow": VoiceProfile(volume=0.5)}) == 1  # only the scene Willow speaks in
    assert mixed(voices={"Willow": VoiceProfile(effects=["phone"])}) == 1
    louder = Settings()
    louder = replace(louder, mix=replace(louder.mix, ambience_db=-30.0))
    assert mixed(settings=louder) == 2  # the beds changed
    willow = next(l for l in script.lines() if l.speaker == "Willow")
    path = rendered[willow.id].path  # a take re-recorded in place
    sf.write(str(path), (rng.standard_normal(22050) * 0.1).astype(np.float32), 22050)
    os.utime(path, ns=(os.stat(path).st_atime_ns, os.stat(path).st_mtime_ns + 10**9))
    assert mixed() == 1
    fresh = assembly.assemble(tl, rendered, 44100, settings)  # and the cached mix is right
    assert np.array_equal(assembly.assemble(tl, rendered, 44100, settings, cache=cache), fresh)


def mix_rendered(path):
    from support import Rendered

    return Rendered(path)


def test_a_demo_build_mixes_its_scenes_as_pydub_segments(production, monkeypatch):
    """The episode is the sum of its scenes' pydub AudioSegments (kept in the scene cache), mastered."""
    from pydub import AudioSegment

    from audiodrama.audio import assembly, episode, master
    from audiodrama.model import NARRATOR
    from audiodrama.pipeline.mixing import mix_spec
    from audiodrama.project.scenecache import SceneCache
    from audiodrama.project.store import store_for

    monkeypatch.setenv("AUDIODRAMA_ENGINE", "silent")
    prod = production
    _wav_only(prod)
    built = build(prod.root / "stories" / "demo.txt", prod, progress=False)
    [ep] = built.episodes
    spec = mix_spec(prod.settings, voices={NARRATOR: built.cast.narrator, **built.cast.characters})
    script, rendered = built.script, built.rendered
    tl = episode.plan(spec, script, assembly.line_durations(rendered), 1, script.episodes())
    keys = episode.scene_keys(spec, tl, rendered)
    manifest = json.loads((ep.wav.parent / f".{ep.wav.stem}.build.json").read_text(encoding="utf-8"))
    assert keys == manifest["result"]["scene_keys"]  # the scenes this build mixed and kept
    cache = SceneCache(store_for(prod), "demo", 44100, spec.channels)
    segments = [cache.get(k) for k in keys]
    assert len(segments) == len(tl.scenes) >= 3
    assert all(
        isinstance(s, AudioSegment) and s.sample_width == 4 and s.frame_rate == 44100 for s in segments
    )
    assert all(s.rms > 0 for s in segments)
    mix = np.zeros((round(tl.duration * 44100), spec.channels), np.float32)  # the stereo stage
    for seg, plan in zip(segments, assembly.scene_plans(tl, 44100, spec.settings)):
        assembly.add_at(mix, assembly.samples_of(seg), plan.start)

    class Memory:
        def __init__(self):
            self.blocks: list[np.ndarray] = []

        def write(self, block):
            self.blocks.append(block)

        def close(self):
            pass

    sink = Memory()
    master.master_stream(mix, 44100, spec.profile, spec.channels, [sink])
    assert np.array_equal(np.concatenate(sink.blocks), _samples(ep.wav))
