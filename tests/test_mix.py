"""Mix: the pure timeline planner, and whole episodes read back with ffprobe, ffmpeg and mutagen."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
from dataclasses import replace

import numpy as np
import pytest
import soundfile as sf
from support import L, Rendered, demo_script, ebur128, ffprobe_duration, render_fixture

from audiodrama.audio import assembly, credits, timeline
from audiodrama.errors import SettingsError
from audiodrama.model import Scene, Script
from audiodrama.pipeline.mixing import mix_script
from audiodrama.project.production import Project
from audiodrama.settings import Settings

# ---------------------------------------------------------------- planner (pure)


def _durations(script: Script, seconds: float = 1.0) -> dict[str, float]:
    return {l.id: seconds for l in script.lines()}


def test_pauses_depend_on_context():
    settings = Settings()
    script = demo_script()
    tl = timeline.plan_episode(script.scenes, _durations(script), settings)
    by_text = {i.text: i for i in tl.lines()}
    gap = lambda a, b: round(by_text[b].start - by_text[a].end, 4)
    p = settings.pacing
    assert gap("Hello there,", "how are you?") == p.within_turn_ms / 1000  # tag left out, same turn
    assert gap("how are you?", "I am fine, I sup-") == max(p.paragraph_ms, p.between_speakers_ms) / 1000
    assert gap("I am fine, I sup-", "You are not fine.") == p.cutoff_ms / 1000  # cut off: comes in early
    assert "Willow said." not in by_text  # drama mode drops tags


def test_audiobook_mode_reads_tags_and_timeline_is_ordered():
    script = demo_script()
    tl = timeline.plan_episode(script.scenes, _durations(script), Settings(), mode="audiobook")
    texts = [i.text for i in tl.lines()]
    assert "Willow said." in texts
    starts = [i.start for i in tl.items]
    assert starts == sorted(starts)
    assert all(i.end > i.start for i in tl.items if i.kind != "transition" or i.name != "none")


def test_scene_change_plays_an_effect_and_chapters_are_contiguous():
    script = demo_script()
    tl = timeline.plan_episode(script.scenes, _durations(script), Settings())
    trans = [i for i in tl.items if i.kind == "transition"]
    assert [t.name for t in trans] == ["whoosh"]
    first_of_scene2 = next(i for i in tl.items if i.scene == "s-phone")
    assert first_of_scene2 is trans[0]
    assert tl.scenes[0].start == 0 and tl.scenes[-1].end == tl.duration
    assert tl.scenes[0].end == tl.scenes[1].start == trans[0].start - Settings().pacing.scene_ms / 1000


def test_ring_cue_comes_just_before_the_ring_line():
    script = demo_script()
    tl = timeline.plan_episode(script.scenes, _durations(script), Settings())
    k = next(n for n, i in enumerate(tl.items) if i.text.startswith("Ring! Ring!"))
    assert tl.items[k - 1].kind == "cue" and tl.items[k - 1].name == "ring"
    s = Settings()
    s = replace(s, mix=replace(s.mix, cues=False))
    assert not [
        i for i in timeline.plan_episode(script.scenes, _durations(script), s).items if i.kind == "cue"
    ]


def test_unvoiced_lines_and_empty_scenes_are_skipped():
    script = demo_script()
    durations = {l.id: 1.0 for l in script.scenes[0].lines}
    tl = timeline.plan_episode(script.scenes, durations, Settings())
    assert [s.id for s in tl.scenes] == ["s-park"]
    assert not [i for i in tl.items if i.kind == "transition"]


# ---------------------------------------------------------------- whole episodes


@pytest.fixture(scope="module")
def episode(tmp_path_factory):
    root = tmp_path_factory.mktemp("prod")
    script = demo_script()
    settings = Settings()
    rendered = render_fixture(script, settings, root / "lines")
    [result] = mix_script(script, rendered, Project(root), settings, progress=False)
    return script, rendered, result


def test_episode_files_timeline_and_lengths(episode):
    script, _rendered, r = episode
    assert r.wav.name == "demo-e01.wav" and r.mp3.name == "demo-e01.mp3"
    tl = json.loads(r.timeline.read_text())
    assert set(tl) >= {"story", "episode", "duration", "sample_rate", "lines", "scenes"}
    assert tl["story"] == "demo" and tl["episode"] == 1 and tl["sample_rate"] == 44100
    for line in tl["lines"]:
        assert set(line) >= {"id", "speaker", "kind", "text", "start", "end", "source", "scene"}
    ids = [l["id"] for l in tl["lines"]]
    for line in script.lines():  # every heard line once; speech tags left out
        assert ids.count(line.id) == (0 if line.kind == "tag" else 1)
    info = sf.info(str(r.wav))
    assert info.samplerate == 44100 and info.channels == 2
    assert abs(info.duration - tl["duration"]) < 0.001
    assert abs(ffprobe_duration(r.mp3) - tl["duration"]) < 0.1
    assert tl["lines"][-1]["end"] < tl["duration"]
    assert [s["id"] for s in tl["scenes"]] == ["s-park", "s-phone"]


def test_episode_is_mastered_for_podcasts(episode):
    _, _, r = episode
    for path in (r.wav, r.mp3):
        lufs, peak = ebur128(path)
        assert abs(lufs + 16) <= 1.0, (path, lufs)
        assert peak <= -1.0, (path, peak)
    assert abs(r.lufs + 16) < 0.2 and r.true_peak <= -1.0


def test_timeline_matches_the_audio(episode):
    """Each line's audio sits where the timeline says: loud inside the line, quiet in the pause before it."""
    _, _, r = episode
    tl = json.loads(r.timeline.read_text())
    x, sr = sf.read(str(r.wav), dtype="float32")
    x = x[:, 0]
    rms = lambda a, b: float(np.sqrt(np.mean(x[int(a * sr) : int(b * sr)] ** 2)) + 1e-9)
    for line in tl["lines"]:
        assert 20 * np.log10(rms(line["start"], line["end"])) > -40, line["text"]
    first = tl["lines"][0]
    assert 20 * np.log10(rms(0, first["start"] - 0.05)) < -60


def test_phone_line_is_band_limited_and_ring_is_heard(episode):
    from scipy import signal

    _, _, r = episode
    tl = json.loads(r.timeline.read_text())
    x, sr = sf.read(str(r.wav), dtype="float32")
    x = x[:, 0]
    phone = next(l for l in tl["lines"] if l.get("delivery") == "phone")
    seg = x[int(phone["start"] * sr) : int(phone["end"] * sr)]
    f, pxx = signal.welch(seg, sr, nperseg=4096)
    band = pxx[(f > 400) & (f < 3000)].mean()
    assert pxx[(f > 60) & (f < 150)].mean() < band * 1e-3
    assert pxx[(f > 6000) & (f < 10000)].mean() < band * 1e-3
    ring = next(e for e in tl["effects"] if e["kind"] == "cue")
    ring_line = next(l for l in tl["lines"] if l["text"].startswith("Ring! Ring!"))
    assert ring["name"] == "ring" and ring["end"] <= ring_line["start"]
    seg = x[int(ring["start"] * sr) : int(ring["end"] * sr)]
    f, pxx = signal.welch(seg, sr, nperseg=4096)
    assert 1000 < f[np.argmax(pxx)] < 1500  # the bell's strike tone
    assert 20 * np.log10(np.sqrt(np.mean(seg**2))) > -35


def test_mp3_tags_chapters_and_transcript(episode):
    from mutagen.id3 import ID3

    _, _, r = episode
    tags = ID3(str(r.mp3))
    assert str(tags["TIT2"]) == "Demo Story" and str(tags["TALB"]) == "Demo Story"
    assert str(tags["TRCK"]).startswith("1")
    assert "TPE1" not in tags  # no author named anywhere: no artist rather than "audiodrama"
    chaps = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(r.mp3)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )["chapters"]
    assert [c["tags"]["title"] for c in chaps] == ["The park", "Scene 2"]
    assert float(chaps[0]["start_time"]) == 0
    vtt = r.transcript.read_text()
    assert vtt.startswith("WEBVTT")
    assert "<v Willow>Hello there," in vtt and "<v Dawn>Hello, it is me on the phone." in vtt
    assert "<v Narrator>Ring! Ring!" in vtt
    lines = json.loads(r.timeline.read_text())["lines"]  # one or more caption cues per line
    cue_ids = re.findall(r"^\d+-(\S+)$", vtt, re.M)
    assert len(re.findall(r"-->", vtt)) == len(cue_ids) >= len(lines)
    assert list(dict.fromkeys(cue_ids)) == [l["id"] for l in lines]
    page = r._repr_html_()  # a summary from the fields; the notebook's player plays the file
    assert f"Episode {r.episode}" in page and r.mp3.name in page and f"{r.lufs:.1f} LUFS" in page


def test_scene_only_build(tmp_path, episode):
    script, rendered, _ = episode
    [r] = mix_script(
        script,
        rendered,
        Project(tmp_path),
        Settings(),
        scenes=["s-phone"],
        formats=["wav"],
        progress=False,
    )
    tl = json.loads(r.timeline.read_text())
    assert r.wav.name == "demo-e01-s-phone.wav" and r.mp3 is None
    assert {l["scene"] for l in tl["lines"]} == {"s-phone"}


def test_split_by_length_cuts_between_scenes():
    script = demo_script()
    scenes = [
        Scene(id=f"s{k}", lines=[L("narration", f"Scene number {k} goes here.", para=k)]) for k in range(6)
    ]
    script = Script(title="T", slug="t", scenes=scenes)
    durations = {l.id: 60.0 for l in script.lines()}  # one minute per scene
    split = timeline.split_by_length(script, durations, Settings(), minutes=2)
    assert [s.episode for s in split.scenes] == [1, 1, 2, 2, 3, 3]
    assert [s.episode for s in script.scenes] == [1] * 6  # the input is not changed
    assert timeline.split_by_length(script, durations, Settings(), minutes=0) is script


def test_credits_are_configurable_and_skippable():
    script = demo_script(two_episodes=True)
    s = Settings()
    s = replace(s, mix=replace(s.mix, author="A. Writer"))
    opening, closing = credits.credit_lines(script, s, 1)
    assert opening[0].text == "Demo Story by A. Writer. Episode 1: The park."
    assert "Willow and Buffy" in closing[0].text and opening[0].id.startswith("cr-")
    s = replace(s, mix=replace(s.mix, opening_credits="{title}, part {episode}."))
    s = replace(s, mix=replace(s.mix, closing_credits=""))
    assert credits.credit_lines(script, s, 2)[0][0].text == "Demo Story, part 2."
    s = replace(s, mix=replace(s.mix, credits=False))
    assert credits.credit_lines(script, s, 1) == ([], [])
    s = replace(s, mix=replace(s.mix, credits=True))
    s = replace(s, mix=replace(s.mix, opening_credits="{nope}"))
    with pytest.raises(Exception, match="title"):
        credits.credit_lines(script, s, 1)


def test_credits_to_render_follows_the_split(tmp_path):
    script = demo_script()
    s = Settings()
    rendered = {l.id: Rendered(tmp_path / "x.wav") for l in script.lines()}
    sf.write(str(tmp_path / "x.wav"), np.zeros(22050 * 40, np.float32), 22050)  # 40 s per line
    assert len(credits.credits_to_render(script, rendered, s)) == 2
    s = replace(s, mix=replace(s.mix, episode_minutes=2.0))
    texts = [l.text for l in credits.credits_to_render(script, rendered, s)]
    assert any("Episode 2" in t for t in texts) and len(texts) > 2


def test_recorded_stereo_take_at_another_rate(tmp_path, episode):
    script, rendered, _ = episode
    line = next(l for l in script.lines() if l.speaker == "Willow")
    t = np.arange(int(48000 * 1.5)) / 48000
    take = np.stack([np.sin(2 * np.pi * 440 * t), np.sin(2 * np.pi * 440 * t)], 1) * 0.3
    sf.write(str(tmp_path / "take.wav"), take, 48000)
    rendered = {**rendered, line.id: Rendered(tmp_path / "take.wav", "recorded")}
    [r] = mix_script(script, rendered, Project(tmp_path), Settings(), formats=["wav"], progress=False)
    item = next(l for l in json.loads(r.timeline.read_text())["lines"] if l["id"] == line.id)
    assert item["source"] == "recorded" and item["end"] - item["start"] == pytest.approx(1.5, abs=1e-3)
    x, sr = sf.read(str(r.wav), dtype="float32")
    from scipy import signal

    seg = x[int((item["start"] + 0.2) * sr) : int((item["end"] - 0.2) * sr), 0]
    f, pxx = signal.welch(seg, sr, nperseg=8192)
    assert abs(f[np.argmax(pxx)] - 440) < 10


def test_nothing_rendered_is_an_error(tmp_path):
    with pytest.raises(Exception, match="render"):
        mix_script(demo_script(), {}, Project(tmp_path), Settings(), progress=False)


def test_voice_profile_effects_and_volume(episode):
    from audiodrama.model import VoiceProfile

    script, rendered, _ = episode
    s = Settings()
    tl = timeline.plan_episode(script.scenes, assembly.line_durations(rendered), s)
    willow = next(i for i in tl.lines() if i.speaker == "Willow")
    plain = assembly.assemble(tl, rendered, 44100, s, only="Willow")
    treated = assembly.assemble(
        tl, rendered, 44100, s, only="Willow", voices={"Willow": VoiceProfile(volume=0.5, effects=["phone"])}
    )
    a, b = int(willow.start * 44100), int(willow.end * 44100)
    rms = lambda x: 20 * np.log10(np.sqrt(np.mean(x[a:b] ** 2)))
    assert rms(treated) < rms(plain) - 4
    from scipy import signal

    f, pxx = signal.welch(treated[a:b], 44100, nperseg=4096)
    assert pxx[(f > 6000) & (f < 10000)].mean() < pxx[(f > 400) & (f < 3000)].mean() * 1e-3


def test_scene_settings_override_pacing_for_that_scene_only(tmp_path):
    from audiodrama.script import apply_fountain, from_dict, to_dict, to_fountain
    from audiodrama.settings import Settings

    def scene(words):
        lines = [L("dialogue", w, speaker, para=i) for i, (w, speaker) in enumerate(words)]
        return Scene(id=f"s-{lines[0].id}", lines=lines)

    a = scene([("One.", "Ann"), ("Two.", "Bob")])
    b = scene([("Three.", "Ann"), ("Four.", "Bob")])
    durations = {l.id: 1.0 for s in (a, b) for l in s.lines}
    settings = Settings()

    def gaps(scenes):
        tl = timeline.plan_episode(scenes, durations, settings)
        lines = [i for i in tl.items if i.kind == "line"]
        return [round(y.start - x.end, 3) for x, y in itertools.pairwise(lines)]

    before = gaps([a, b])
    # set in the editable script, as a person would: the scene heading's note
    script = Script(title="T", source="", characters=[], scenes=[a, b], slug="t")
    fountain = to_fountain(script).replace(
        f"[[{a.id} episode=1 transition=default ambience=default",
        f"[[{a.id} episode=1 transition=default ambience=default paragraph_ms=2000 between_speakers_ms=2000",
        1,
    )
    script, changes = apply_fountain(script, fountain, "t.fountain")
    assert any("settings" in c for c in changes)
    script = from_dict(to_dict(script))  # and kept in the JSON script
    assert script.scenes[0].settings == {"paragraph_ms": 2000, "between_speakers_ms": 2000}
    after = gaps(script.scenes)
    assert after[0] == 2.0 and before[0] != 2.0  # the first scene's own gap
    assert after[2] == before[2]  # the other scene keeps the defaults
    bad = to_fountain(script).replace("paragraph_ms=2000", "paragraph_ms=slow")
    from audiodrama.errors import ScriptError

    with pytest.raises(ScriptError, match="paragraph_ms=slow"):
        apply_fountain(script, bad, "t.fountain")


def test_scene_sets_its_own_ambience_level(tmp_path, episode):
    import copy

    script, rendered, _ = episode
    script = copy.deepcopy(script)
    for scene in script.scenes:
        scene.ambience = "rain"
    script.scenes[0].settings = {"ambience_db": -20.0}  # a downpour in the first scene only
    [r] = mix_script(
        script,
        rendered,
        Project(tmp_path),
        Settings(),
        formats=["wav"],
        stems=True,
        profile="none",
        progress=False,
    )
    bed, sr = sf.read(str(r.stems["ambience"]), dtype="float32")
    scenes = json.loads(r.timeline.read_text())["scenes"]

    def rms_db(s):
        part = bed[int(s["start"] * sr) + sr : int(s["end"] * sr) - sr]
        return 20 * np.log10(np.sqrt(np.mean(part**2)) + 1e-12)

    assert rms_db(scenes[0]) - rms_db(scenes[1]) > 12  # -20 against the default -38 dBFS


def test_credits_template_fills_only_plain_fields():
    script = demo_script()
    s = replace(Settings(), mix=replace(Settings().mix, opening_credits="{title.__class__.__mro__}"))
    with pytest.raises(
        SettingsError, match=r"audiodrama.toml.*opening_credits: bad field \{title\.__class__"
    ):
        credits.credit_lines(script, s, 1)
    for bad in ("{cast[0]}", "{0}", "{title!r}", "{", "{title"):
        s = replace(s, mix=replace(s.mix, opening_credits=bad))
        with pytest.raises(SettingsError, match=re.escape("use {title} {by} {author} {episode} {cast}")):
            credits.credit_lines(script, s, 1)
    s = replace(s, mix=replace(s.mix, opening_credits="{{title}} is {title}", closing_credits="{cast}."))
    opening, closing = credits.credit_lines(script, s, 1)
    assert opening[0].text == "{title} is Demo Story" and closing[0].text == "Willow, Buffy and Dawn."
