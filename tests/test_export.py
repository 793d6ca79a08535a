"""Exports read back with independent tools: ffprobe (chapters, durations), mutagen, an XML parser."""

from __future__ import annotations

import argparse
import json
import subprocess
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pytest
import soundfile as sf
from support import demo_script, ebur128, ffprobe_duration, render_fixture

from audiodrama.audio import loudness, transcript
from audiodrama.audio.timeline import Item, Timeline
from audiodrama.cli import mixing
from audiodrama.pipeline.mixing import mix_script
from audiodrama.project.production import Project
from audiodrama.settings import Settings


def probe(path: Path) -> dict:
    return json.loads(
        subprocess.run(
            [
                "ffprobe",
                "-v",
                "error",
                "-show_chapters",
                "-show_format",
                "-show_streams",
                "-of",
                "json",
                str(path),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    """A two-episode story exported in every format, with stems and ambience."""
    root = tmp_path_factory.mktemp("series")
    script = demo_script(two_episodes=True)
    script.scenes[1].ambience = "rain"
    script.author = "Ann Writer"  # as the story file names her
    settings = Settings()
    settings = replace(settings, master=replace(settings.master, formats=["mp3", "opus", "m4b"]))
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "color=c=red:s=64x64",
            "-frames:v",
            "1",
            str(root / "cover.png"),
        ],
        check=True,
    )
    settings = replace(settings, master=replace(settings.master, cover="cover.png"))
    rendered = render_fixture(script, settings, root / "lines")
    results = mix_script(script, rendered, Project(root), settings, stems=True, progress=False)
    return root, script, results


def test_two_episodes_in_every_format(series):
    _root, _, results = series
    assert [r.episode for r in results] == [1, 2]
    for r in results:
        assert r.wav is None and not list(r.timeline.parent.glob(".*.tmp.wav"))  # temporary WAVs removed
        tl = json.loads(r.timeline.read_text())
        for path in (r.mp3, r.opus):
            assert abs(ffprobe_duration(path) - tl["duration"]) < 0.1
        info = probe(r.opus)
        assert info["streams"][0]["codec_name"] == "opus" and info["streams"][0]["channels"] == 2
        lufs, peak = ebur128(r.opus)  # stereo, mastered like every other format
        assert abs(lufs + 16) <= 1.0 and peak <= -1.0
        assert all(c.ok for c in loudness.check(loudness.measure(r.opus), "podcast"))
        assert [c["tags"]["title"] for c in info["chapters"]] == [s["title"] for s in tl["scenes"]]


def test_mp3_tags_with_cover(series):
    from mutagen.id3 import ID3

    root, _, results = series
    tags = ID3(str(results[1].mp3))
    assert str(tags["TRCK"]) == "2/2" and str(tags["TIT2"]).startswith("Demo Story, episode 2")
    assert tags.getall("APIC")[0].data == (root / "cover.png").read_bytes()
    assert [f.element_id for f in tags.getall("CHAP")] == ["ch0"]
    assert str(tags["TPE1"]) == "Ann Writer"  # the story's author, not the program's name


def test_every_format_names_the_story_author(series):
    _, _, results = series
    for path in (results[0].opus, results[0].m4b):
        info = probe(path)
        tags = {**info["format"].get("tags", {}), **info["streams"][0].get("tags", {})}
        assert {k.lower(): v for k, v in tags.items()}.get("artist") == "Ann Writer", path


def test_m4b_audiobook_has_a_chapter_per_scene(series):
    _, _, results = series
    m4b = results[0].m4b
    assert m4b and m4b.suffix == ".m4b" and all(r.m4b == m4b for r in results)
    info = probe(m4b)
    total = sum(json.loads(r.timeline.read_text())["duration"] for r in results)
    assert abs(float(info["format"]["duration"]) - total) < 0.2
    assert next(st for st in info["streams"] if st["codec_type"] == "audio")["channels"] == 2
    lufs, peak = ebur128(m4b)
    assert abs(lufs + 16) <= 1.0 and peak <= -1.0
    chapters = info["chapters"]
    assert [c["tags"]["title"] for c in chapters] == ["The park", "Scene 1"]
    assert any(st.get("disposition", {}).get("attached_pic") for st in info["streams"])  # the cover
    assert float(chapters[1]["start_time"]) == pytest.approx(
        json.loads(results[0].timeline.read_text())["duration"], abs=0.01
    )


def test_stems_are_aligned_and_labelled(series):
    _, _, results = series
    r = results[0]
    tl = json.loads(r.timeline.read_text())
    assert set(r.stems) == {"Narrator", "Willow", "Buffy", "effects"}
    lengths = {sf.info(str(p)).frames for p in r.stems.values()}
    assert len(lengths) == 1 and abs(lengths.pop() / 44100 - tl["duration"]) < 0.001
    willow, sr = sf.read(str(r.stems["Willow"]), dtype="float32")
    assert willow.ndim == 2  # stems are stereo: a panned voice's stem is panned
    willow = willow.mean(axis=1)
    for line in tl["lines"]:
        seg = willow[int(line["start"] * sr) + 100 : int(line["end"] * sr) - 100]
        loud = np.sqrt(np.mean(seg**2)) > 1e-3
        assert loud == (line["speaker"] == "Willow"), line
    labels = r.labels.read_text().splitlines()
    assert len(labels) == len(tl["lines"])
    start, _end, label = labels[0].split("\t")
    assert float(start) == pytest.approx(tl["lines"][0]["start"], abs=1e-4) and label.endswith("Narrator")
    assert "ambience" in results[1].stems


def test_feed_lists_every_episode(series, capsys):
    root, _, results = series
    parser = argparse.ArgumentParser()
    mixing.register(parser.add_subparsers())
    args = parser.parse_args(["feed", "demo", "--base-url", "https://example.org/pod/"])
    (root / "audiodrama.toml").write_text(
        '[feed]\nowner_email = "me@example.org"\nauthor = "A. Writer"\ndescription = "Two scenes."\n'
    )
    args.production = Project(root)
    assert args.handler(args) == 0
    feed = results[0].mp3.parent / "feed.xml"
    rss = ET.parse(feed).getroot()
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    items = rss.findall("./channel/item")
    assert len(items) == 2
    urls = [i.find("enclosure").get("url") for i in items]
    assert urls == ["https://example.org/pod/demo-e01.mp3", "https://example.org/pod/demo-e02.mp3"]
    assert int(items[0].find("enclosure").get("length")) == results[0].mp3.stat().st_size
    itunes = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
    assert (
        items[1].find(itunes + "episode").text == "2"
        and items[0].find(itunes + "duration").text.count(":") == 2
    )


def test_acx_build(tmp_path):
    script = demo_script()
    settings = Settings()
    settings = replace(settings, master=replace(settings.master, profile="acx"))
    rendered = render_fixture(script, settings, tmp_path / "lines")
    [r] = mix_script(script, rendered, Project(tmp_path), settings, progress=False)
    for path in (r.wav, r.mp3):
        checks = loudness.check(loudness.measure(path), "acx")
        assert all(c.ok for c in checks), [c for c in checks if not c.ok]
    info = probe(r.mp3)
    assert info["format"]["bit_rate"].startswith("19") and info["streams"][0]["sample_rate"] == "44100"


def test_vtt_escapes_and_times():
    tl = Timeline(1, 4000.0, [Item("line", "abc", 3661.5, 3662.25, "s", "Mr <X>", "dialogue", "a < b & c")])
    vtt = transcript.webvtt(tl)
    assert "01:01:01.500 --> 01:01:02.250" in vtt and "<v Mr &lt;X&gt;>a &lt; b &amp; c" in vtt


def test_m4b_of_a_production_named_with_a_newline_and_a_quote(tmp_path):
    """Nothing user-controlled reaches an ffmpeg list: a folder name once injected entries into it."""
    script = demo_script(two_episodes=True)
    settings = Settings()
    settings = replace(settings, master=replace(settings.master, formats=["m4b"]))
    rendered = render_fixture(script, settings, tmp_path / "lines")
    weird = tmp_path / "prod\nfile '/dev/zero'\nit's"
    results = mix_script(script, rendered, Project(weird), settings, progress=False)
    m4b = results[0].m4b
    assert m4b is not None and m4b.parent.parent.parent == weird and m4b.exists()
    info = probe(m4b)
    assert float(info["format"]["duration"]) == pytest.approx(sum(r.duration for r in results), abs=0.3)
    assert len(info["chapters"]) == sum(len(json.loads(r.timeline.read_text())["scenes"]) for r in results)
    assert not list(weird.rglob("*.tmp*"))  # the temporary WAVs the encoder read are gone


def test_outputs_stay_inside_the_production(tmp_path):
    from audiodrama.errors import ProductionError
    from audiodrama.project.outputs import EpisodeOutputs

    prod = Project(tmp_path / "prod")
    with pytest.raises(ProductionError, match="not a safe file name"):
        EpisodeOutputs(prod, "../../elsewhere")  # the slug guard of Project stops it first
    out = EpisodeOutputs(prod, "demo")
    with pytest.raises(ProductionError, match="outside the production folder"):
        out.path("../../../x.wav")
    assert out.path("demo-e01.wav") == prod.episode_dir("demo") / "demo-e01.wav"
