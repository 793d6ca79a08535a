"""End to end on the demo story, with the real espeak-ng and ffmpeg.

One cold build, one warm build and one build after a hand edit of the Fountain script.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time

import numpy as np
import pytest
import soundfile as sf

from audiodrama.model import NARRATOR
from audiodrama.pipeline.build import build
from audiodrama.project.castfile import load_cast
from audiodrama.project.scripts import open_script


@pytest.fixture(scope="module")
def demo_build(tmp_path_factory):
    from support import DEMO

    from audiodrama.project.production import init_production

    prod = init_production(tmp_path_factory.mktemp("e2e") / "prod")
    story = prod.root / "demo.txt"
    story.write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    cold = build(story, prod, progress=False)
    return prod, story, cold


def quoted_passages(text: str) -> list[tuple[int, int]]:
    """Every double-quoted passage, per paragraph (an unclosed quote runs to its paragraph's end)."""
    spans = []
    for para in re.finditer(r"[^\n]+(?:\n[^\n]+)*", text):
        body, base = para.group(), para.start()
        for m in re.finditer(r"[\"\u201c]([^\"\u201d]*)(?:[\"\u201d]|$)", body):
            if m.group(1).strip():
                spans.append((base + m.start(1), base + m.end(1)))
    return spans


def timeline(prod, slug="demo") -> dict:
    return json.loads((prod.episode_dir(slug) / f"{slug}-e01.timeline.json").read_text())


def test_every_quoted_passage_is_voiced_in_the_timeline(demo_build):
    prod, story, cold = demo_build
    text = story.read_text(encoding="utf-8")
    script = cold.script
    heard = {l["id"]: l for l in timeline(prod)["lines"]}
    spans = {l.id: l.span for l in script.lines()}
    quotes = quoted_passages(text)
    assert len(quotes) > 60
    missing = []
    for qs, qe in quotes:
        covering = [i for i, (s, e) in spans.items() if s < qe and e > qs and i in heard]
        if not covering:
            missing.append(text[qs:qe][:50])
    assert not missing, missing
    # The opening song lyric is read by the narrator, not by a character.
    lyric = quotes[0]
    assert text[lyric[0] : lyric[1]].startswith("I don't like walking around")
    lyric_lines = [heard[i] for i, (s, e) in spans.items() if s < lyric[1] and e > lyric[0] and i in heard]
    assert {l["speaker"] for l in lyric_lines} == {NARRATOR}


def test_each_character_speaks_with_their_own_profile(demo_build):
    prod, _, cold = demo_build
    cast = load_cast(prod.cast_path)
    checked = 0
    for line in cold.script.lines():
        r = cold.rendered.get(line.id)
        if r is None or r.source != "tts":
            continue
        expected = cast.profile_for(line)
        assert r.voice == expected.key(), (line.id, line.speaker, r.voice)
        checked += 1
    assert checked > 100
    voices = {cast.characters[c].key() for c in ("Buffy", "Willow", "Xander", "Spike", "Andrew")}
    assert len(voices) == 5 and cast.narrator.key() not in voices


def test_mp3_decodes_and_matches_the_timeline(demo_build):
    prod, _, cold = demo_build
    ep = cold.episodes[0]
    assert ep.mp3 and ep.mp3.exists() and ep.wav.exists()
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(ep.mp3)],
        capture_output=True,
        text=True,
        check=True,
    )
    mp3_seconds = float(probe.stdout.strip())
    decoded = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(ep.mp3), "-f", "null", "-"], capture_output=True, text=True
    )
    assert decoded.returncode == 0 and not decoded.stderr.strip()
    tl = timeline(prod)
    assert mp3_seconds == pytest.approx(tl["duration"], abs=0.15)
    assert sf.info(str(ep.wav)).duration == pytest.approx(tl["duration"], abs=0.01)
    assert max(l["end"] for l in tl["lines"]) <= tl["duration"]
    assert cold.episodes[0].duration > 300


def test_scene_changes_are_audible(demo_build):
    prod, _, cold = demo_build
    tl = timeline(prod)
    assert len(tl["scenes"]) >= 4
    audio, sr = sf.read(str(cold.episodes[0].wav), dtype="float32", always_2d=True)
    mono = audio.mean(axis=1)
    spoken = [(l["start"], l["end"]) for l in tl["lines"]]
    for _prev, nxt in zip(tl["scenes"], tl["scenes"][1:]):
        last_line_end = max(e for s, e in spoken if s < nxt["start"])
        first_line_start = min(s for s, e in spoken if s >= nxt["start"])
        gap = mono[int(last_line_end * sr) : int(first_line_start * sr)]
        assert len(gap) > sr * 0.5, "a scene change has room for its effect"
        rms_db = 20 * np.log10(np.sqrt(np.mean(gap**2)) + 1e-12)
        assert rms_db > -45, f"scene change before {nxt['id']} is silent ({rms_db:.1f} dBFS)"


def test_warm_build_synthesises_nothing(demo_build):
    prod, story, cold = demo_build
    assert cold.synthesised > 100
    warm = build(story, prod, progress=False)
    assert warm.synthesised == 0


def test_fountain_edit_changes_the_voice_of_that_line_only(demo_build):
    prod, story, _ = demo_build
    fountain = prod.script_fountain("demo")
    script = open_script(prod.script_json("demo"), prod.script_fountain("demo")).script
    target = next(
        l
        for l in script.lines()
        if l.kind == "dialogue" and l.speaker == "Willow" and l.text.startswith("Okay")
    )
    text = fountain.read_text(encoding="utf-8")
    block = re.search(r"(?m)^WILLOW\n(?:\(.*\)\n)?Okay[^\n]*\[\[" + target.id + r"\]\]", text)
    assert block, "the line's block is in the Fountain file"
    edited = text[: block.start()] + "XANDER" + text[block.start() + len("WILLOW") :]
    fountain.write_text(edited, encoding="utf-8")
    later = time.time() + 2
    os.utime(fountain, (later, later))
    result = build(story, prod, progress=False)
    assert result.synthesised == 1
    assert result.script.line_by_id(target.id).speaker == "Xander"
    cast = load_cast(prod.cast_path)
    assert result.rendered[target.id].voice == cast.characters["Xander"].key()
    heard = {l["id"]: l["speaker"] for l in timeline(prod)["lines"]}
    assert heard[target.id] == "Xander"


def test_summary_cold_open_is_read_only_when_asked(demo_build):
    from audiodrama.pipeline.build import with_summary_cold_open

    _, _, cold = demo_build
    summary = [l for l in cold.script.lines() if l.kind == "front_matter" and l.text.startswith("Summary")]
    assert len(summary) == 1
    opened = with_summary_cold_open(cold.script)
    assert opened.line_by_id(summary[0].id).kind == "narration"
    assert cold.script.line_by_id(summary[0].id).kind == "front_matter"


def test_demo_episode_meets_the_publishing_checks(demo_build):
    """Issue 6's definition of done, on the demo episode, with independent tools."""
    from support import ebur128

    prod, _, cold = demo_build
    ep = cold.episodes[0]
    tl = timeline(prod)
    for path in (ep.wav, ep.mp3):  # ffmpeg's own meter, not ours
        lufs, peak = ebur128(path)
        assert -17.0 <= lufs <= -15.0 and peak <= -1.0, (path.name, lufs, peak)
    info = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(ep.mp3)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert len(info["chapters"]) == len(tl["scenes"]) == 5
    # the transcript lists every voiced line, in order, with the speaker the script gives it
    script = open_script(prod.script_json("demo"), prod.script_fountain("demo")).script
    speaker_of = {
        l.id: (l.speaker if l.kind == "dialogue" and l.speaker else NARRATOR) for l in script.lines()
    }
    vtt = (prod.episode_dir("demo") / "demo-e01.vtt").read_text(encoding="utf-8")
    # caption cues (one or more per line): every text line carries its <v Speaker>
    cues = re.findall(r"^\d+-(\S+)\n\S+ --> \S+\n((?:.+\n?)+)", vtt, re.M)
    assert cues and all(t.startswith("<v ") for _, text in cues for t in text.splitlines())
    first_voice = {i: re.match(r"<v ([^>]+)>", text).group(1) for i, text in reversed(cues)}  # type: ignore[union-attr]
    voices = [first_voice[i] for i in dict.fromkeys(i for i, _ in cues)]
    story_lines = [l for l in tl["lines"] if l["id"] in speaker_of]
    assert len(story_lines) > 100
    heard = [l["speaker"] for l in tl["lines"]]
    assert voices == heard
    assert all(l["speaker"] == speaker_of[l["id"]] for l in story_lines)
    # the phone rings at "Ring! Ring!": the cue sits right before that line and is loud
    ring_line = next(l for l in tl["lines"] if "Ring! Ring!" in (l["text"] or ""))
    ring = next(e for e in tl["effects"] if e["kind"] == "cue" and e["name"] == "ring")
    assert 0 <= ring_line["start"] - ring["end"] < 0.5
    audio, sr = sf.read(str(ep.wav), dtype="float32", always_2d=True)
    part = audio[int(ring["start"] * sr) : int(ring["end"] * sr)].mean(axis=1)
    assert 20 * np.log10(np.sqrt(np.mean(part**2)) + 1e-12) > -35


def test_the_public_api_builds_step_by_step_and_every_value_shows_itself(demo_build, monkeypatch):
    """What a notebook user does: ad.parse/cast/render/mix on the built production, each displayed."""
    import audiodrama as ad

    monkeypatch.setenv("AUDIODRAMA_ENGINE", "silent")
    prod, story, cold = demo_build
    assert ad.__all__ == sorted(ad.__all__)
    script = ad.parse(story, prod)
    assert "Willow" in script._repr_html_() and "lines" in str(script)
    cast = ad.cast(script, prod)
    rendered = ad.render(script, cast, prod, episodes=[1], progress=False)
    assert len(rendered) > 100
    html = cold._repr_html_()
    assert "demo-e01" in html and "LUFS" in html and cold.summary() in html
