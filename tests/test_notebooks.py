"""The notebooks: committed without outputs, generated from scripts/make_notebooks.py, and run
top to bottom on a clean copy of the project (nbclient), including "fix a wrong speaker in
01, re-render just that line in 03, hear the corrected episode in 04". Plus the helpers."""

from __future__ import annotations

import base64
import importlib.util
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from support import demo_opening

from audiodrama.project.castfile import load_cast
from audiodrama.voices.engines.registry import installed_neural

REPO = Path(__file__).resolve().parents[1]

NOTEBOOKS = ["01_parse_story.ipynb", "02_cast_voices.ipynb", "03_render_lines.ipynb", "04_mix_episode.ipynb"]
CELL_TIMEOUT = 300


def _make_notebooks_module():
    spec = importlib.util.spec_from_file_location("make_notebooks", REPO / "scripts" / "make_notebooks.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ---------------------------------------------------------------- static checks


def test_every_notebook_is_committed_without_outputs():
    found = sorted((REPO / "notebooks").rglob("*.ipynb"))
    assert {p.name for p in found} >= set(NOTEBOOKS)
    for path in found:
        if ".ipynb_checkpoints" in path.parts:
            continue
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [], f"{path.name}: outputs in a cell; run scripts/make_notebooks.py"
                assert cell.execution_count is None, f"{path.name}: execution count; strip it"


def test_notebooks_match_their_generator(tmp_path):
    mod = _make_notebooks_module()
    mod.main(tmp_path)
    for name in NOTEBOOKS:
        assert (tmp_path / name).read_text() == (REPO / "notebooks" / name).read_text(), (
            f"{name} differs from scripts/make_notebooks.py; run .venv/bin/python scripts/make_notebooks.py"
        )


def test_first_code_cell_is_tagged_parameters():
    for name in NOTEBOOKS:
        nb = nbformat.read(REPO / "notebooks" / name, as_version=4)
        first = next(c for c in nb.cells if c.cell_type == "code")
        assert "parameters" in first.metadata.get("tags", []), name
        assert 'STORY = "../stories/demo.txt"' in first.source and 'PRODUCTION = ".."' in first.source
        # every step is explained, with the CLI command that does the same
        steps = [c for c in nb.cells if c.cell_type == "markdown"]
        assert sum("audiodrama " in c.source for c in steps) >= 3, name


# ---------------------------------------------------------------- running them


def _copy_project(dest: Path) -> Path:
    """stories/ (the demo cut before its third scene), audiodrama.toml, notebooks/ and empty
    script/ voices/ audio_out/ (no cache)."""
    shutil.copytree(REPO / "stories", dest / "stories")
    # the kernels run the demo's first two scenes: every cell does the same work on them, in
    # two fifths of the time
    (dest / "stories" / "demo.txt").write_text(demo_opening(), encoding="utf-8")
    shutil.copytree(
        REPO / "notebooks", dest / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints")
    )
    shutil.copy(REPO / "audiodrama.toml", dest / "audiodrama.toml")
    for d in ("script", "voices/recorded", "audio_out"):
        (dest / d).mkdir(parents=True)
    return dest


def _set_parameters(nb, source: str) -> None:
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = source


def _run(project: Path, name: str, parameters: str | None = None):
    from nbclient import NotebookClient

    nb = nbformat.read(project / "notebooks" / name, as_version=4)
    if parameters is not None:
        _set_parameters(nb, parameters)
    NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(project / "notebooks")}},
    ).execute()
    return nb


def _text(nb) -> str:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.output_type == "stream":
                out.append(o.text)
            elif "data" in o:
                out.append(o.data.get("text/plain", ""))
    return "\n".join(out)


def _cache(project: Path) -> set[str]:
    return {p.name for p in (project / "audio_out" / ".cache").glob("line/*.wav")}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return _copy_project(tmp_path_factory.mktemp("nbproject"))


@pytest.fixture(scope="module")
def first_pass(project):
    """Run 01..04 in order; 04 saves its plot to a PNG."""
    runs = {}
    for name in NOTEBOOKS:
        params = None
        if name.startswith("04"):
            params = (
                'STORY = "../stories/demo.txt"\nPRODUCTION = ".."\n'
                f"PLOT_PNG = {str(project / 'timeline.png')!r}"
            )
        runs[name] = _run(project, name, params)
    return runs


def test_notebooks_run_top_to_bottom_and_write_their_outputs(project, first_pass):
    assert (project / "script" / "demo.json").exists() and (project / "script" / "demo.fountain").exists()
    assert (project / "voices" / "cast.toml").exists()
    script = json.loads((project / "script" / "demo.json").read_text())
    assert len(script["scenes"]) == 2
    # every line, plus the auditions of 02
    assert len(_cache(project)) >= sum(len(s["lines"]) for s in script["scenes"]) >= 50
    ep = project / "audio_out" / "demo"
    for suffix in (".wav", ".mp3", ".timeline.json"):
        assert (ep / f"demo-e01{suffix}").stat().st_size > 1000, suffix
    png = project / "timeline.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    # what each notebook shows
    assert "Buffy" in _text(first_pass["01_parse_story.ipynb"])
    # the narrator is auto-cast to a neural voice when one is installed (make test installs hibari)
    narrator = load_cast(project / "voices" / "cast.toml").narrator
    assert narrator.voice == ("heart" if "hibari" in installed_neural() else "en-gb-x-rp")
    assert narrator.voice in _text(first_pass["02_cast_voices.ipynb"])
    text03 = _text(first_pass["03_render_lines.ipynb"])
    assert "cached" in text03 and "tts" in text03
    text04 = _text(first_pass["04_mix_episode.ipynb"])
    assert "integrated loudness (LUFS)" in text04 and "true peak (dBTP)" in text04
    outs04 = [o for c in first_pass["04_mix_episode.ipynb"].cells for o in c.get("outputs", [])]
    assert any("image/png" in o.get("data", {}) for o in outs04)
    player = next(o.data["text/html"] for o in outs04 if "<audio" in o.get("data", {}).get("text/html", ""))
    assert re.search(r"Episode 1.* \d+:\d\d", player.split("<audio")[0])  # the length, before playing
    # the audition in 02 changed the narrator and put it back: the file is as cast
    cast = (project / "voices" / "cast.toml").read_text()
    assert "# voices/cast.toml" in cast and "rate = 165" in cast


def test_fix_a_speaker_in_01_rerenders_exactly_that_line(project, first_pass):
    """The issue's 'done when': fix a wrong speaker from the notebook, re-render just that line,
    hear the corrected episode."""
    script = json.loads((project / "script" / "demo.json").read_text())
    lines = [l for s in script["scenes"] for l in s["lines"]]
    target = next(l for l in lines if l["kind"] == "dialogue" and l["speaker"] == "Buffy")
    before = _cache(project)

    params = (
        'STORY = "../stories/demo.txt"\nPRODUCTION = ".."\n'
        f'FIXES = {{{target["id"]!r}: "Willow"}}\nTHRESHOLD = 0.6'
    )
    nb01 = _run(project, "01_parse_story.ipynb", params)
    assert f"{target['id']}: speaker Buffy -> Willow" in _text(nb01)
    saved = json.loads((project / "script" / "demo.json").read_text())
    fixed = next(l for s in saved["scenes"] for l in s["lines"] if l["id"] == target["id"])
    assert (fixed["speaker"], fixed["rule"]) == ("Willow", "edited")
    assert f"{target['id']}" in (project / "script" / "demo.fountain").read_text()

    nb03 = _run(project, "03_render_lines.ipynb")
    assert "rendered 1, cached" in _text(nb03)
    assert len(_cache(project) - before) == 1

    # the MP3 was encoded and measured in the first pass; this one hears the WAV
    settings = project / "audiodrama.toml"
    toml = settings.read_text(encoding="utf-8")
    settings.write_text(re.sub(r"(?m)^formats = .*$", 'formats = ["wav"]', toml), encoding="utf-8")
    nb04 = _run(project, "04_mix_episode.ipynb")
    assert any(
        "<audio" in o.get("data", {}).get("text/html", "") for c in nb04.cells for o in c.get("outputs", [])
    )
    timeline = json.loads((project / "audio_out" / "demo" / "demo-e01.timeline.json").read_text())
    entry = next(e for e in timeline["lines"] if e["id"] == target["id"])
    assert entry["speaker"] == "Willow"


# ---------------------------------------------------------------- helpers, without a kernel


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The demo parsed, cast and rendered with the silent engine (fast)."""
    from audiodrama import notebook as nb
    from audiodrama.pipeline.voicing import render_script
    from audiodrama.project.production import init_production

    root = tmp_path_factory.mktemp("helpers")
    shutil.copytree(REPO / "stories", root / "stories")
    prod = init_production(root)
    script = nb.load_script(root / "stories" / "demo.txt", prod)
    cast = nb.cast_voices(script, prod)
    rendered = render_script(script, cast, prod, engine="silent", progress=False)
    return prod, script, cast, rendered


def test_tables(built):
    from audiodrama import notebook as nb

    _prod, script, cast, rendered = built
    table = nb.script_table(script)
    assert list(table["confidence"]) == sorted(table["confidence"])
    counts = nb.character_counts(script)
    assert counts.iloc[0]["character"] == "Buffy"
    assert list(nb.review_table(script, 0.6)["confidence"]) == sorted(
        nb.review_table(script, 0.6)["confidence"]
    )
    profiles = nb.profiles_table(cast, script)
    assert profiles.iloc[0]["character"] == "Narrator" and "Willow" in set(profiles["character"])
    sources = nb.render_sources(script, rendered)
    assert list(sources.columns) == ["voice", "recorded", "tts"]
    assert sources["tts"].sum() == len(rendered)
    assert len(nb.rendered_table(script, rendered)) == len(rendered)


def test_players(built):
    from audiodrama import notebook as nb

    _prod, script, _cast, rendered = built
    first = next(l for l in script.lines() if l.kind == "dialogue")
    for audio in (
        nb.play_line(script, rendered, first.id),
        nb.play_character(script, rendered, "Willow"),
        nb.play_scene(script, rendered, 1, limit=3),
    ):
        assert "<audio" in audio._repr_html_()


def test_players_are_pydub_segments_joined_with_gaps(built):
    from pydub import AudioSegment

    from audiodrama import notebook as nb

    _prod, script, _cast, rendered = built
    picked = [l for l in script.scenes[0].lines if l.id in rendered][:3]
    player = nb.play_scene(script, rendered, 1, limit=len(script.scenes[0].lines))
    assert isinstance(player.segment, AudioSegment)
    joined = nb.play_scene(script, rendered, 1, limit=script.scenes[0].lines.index(picked[-1]) + 1)
    expected = sum(rendered[l.id].duration for l in picked) + 0.35 * len(picked)
    assert abs(joined.seconds - expected) < 0.01 * len(picked)
    minutes, seconds = divmod(round(joined.seconds), 60)
    assert (
        f"{minutes}:{seconds:02d}" in joined._repr_html_().split("<audio")[0]
    )  # the length, before the player


def _episode(tmp_path, seconds: float = 4.0):
    import numpy as np
    import soundfile as sf

    from audiodrama.results import EpisodeResult

    sr = 44100
    t = np.arange(int(seconds * sr)) / sr
    tone = 0.2 * np.sin(2 * np.pi * 440 * t)
    wav = tmp_path / "demo-e01.wav"
    sf.write(str(wav), np.stack([tone, tone], axis=1), sr, subtype="PCM_16")
    return EpisodeResult(1, wav, None, tmp_path / "demo-e01.timeline.json", None, seconds, -16.0, -1.5)


def test_episode_player_shows_length_first_and_previews_long_episodes_in_memory(tmp_path):
    from audiodrama import notebook as nb

    episode = _episode(tmp_path)
    before = sorted(tmp_path.iterdir())
    full = nb.play_episode(episode)
    assert full.segment.channels == 2 and "preview" not in full._repr_html_()
    # the file itself is embedded, not the samples encoded again
    assert base64.b64encode(episode.wav.read_bytes()).decode("ascii") in full._repr_html_()
    assert 'type="audio/wav"' in full._repr_html_()
    head = full._repr_html_().split("<audio")[0]
    assert "Episode 1" in head and "0:04" in head and "-16.0 LUFS" in head
    preview = nb.play_episode(episode, max_bytes=1000)
    assert (preview.segment.channels, preview.segment.frame_rate) == (1, 22050)
    assert abs(preview.seconds - 4.0) < 0.05
    page = preview._repr_html_()
    assert "(48 kbit/s mono preview)" in page.split("<audio")[0] and "<audio" in page
    assert sorted(tmp_path.iterdir()) == before  # nothing written next to the episode


def test_episode_player_whose_file_went_plays_the_decoded_samples(tmp_path):
    from audiodrama import notebook as nb

    episode = _episode(tmp_path)
    player = nb.play_episode(episode)
    episode.wav.unlink()
    page = player._repr_html_()
    assert "<audio" in page and 'type="audio/mpeg"' in page  # pydub's own player, from memory


def test_plot_episode_saves_a_png_into_a_new_folder(tmp_path):
    from audiodrama import notebook as nb

    episode = _episode(tmp_path)
    timeline = {
        "title": "Demo",
        "episode": 1,
        "lines": [
            {"speaker": "Willow", "start": 0.2, "end": 1.5},
            {"speaker": "Narrator", "start": 1.8, "end": 3.0, "source": "recorded"},
        ],
        "scenes": [{"start": 0.0, "title": "One"}, {"start": 2.0, "title": "Two"}],
        "effects": [{"start": 1.5, "end": 2.0}],
    }
    episode.timeline.write_text(json.dumps(timeline), encoding="utf-8")
    png = tmp_path / "plots" / "new" / "timeline.png"
    fig = nb.plot_episode(episode, png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    labels = [t.get_text() for t in fig.axes[2].get_yticklabels()]
    assert labels == ["Narrator", "Willow"]  # narrator on top, then by first appearance


def test_voice_editor_edits_any_character(built):
    from audiodrama import notebook as nb
    from audiodrama.project.castfile import load_cast

    prod, script, cast, _rendered = built
    others = [n for n in cast.characters if n != "Buffy"]
    editor = nb.voice_editor(script, prod, "Buffy")
    picker = editor.children[0]
    assert picker.options[0] == "Narrator" and picker.value == "Buffy"
    picker.value = others[-1]  # not the first one: the sliders follow the pick
    sliders = editor.children[1]
    _, _voice, pitch, _rate, _pan, button, out = sliders.children
    assert others[-1] in button.description
    old = cast.characters[others[-1]].pitch
    before = load_cast(prod.cast_path)
    pitch.value = 11 if old != 11 else 12
    sliders.save_and_play()
    after = load_cast(prod.cast_path)
    assert after.characters[others[-1]].pitch == pitch.value
    assert {n: p for n, p in after.characters.items() if n != others[-1]} == {
        n: p for n, p in before.characters.items() if n != others[-1]
    }  # that character's profile changed, and only that one
    assert any("<audio" in o.get("data", {}).get("text/html", "") for o in out.outputs)
    nb.set_profile(prod, others[-1], pitch=old)


def test_speaker_editor_saves_each_change(built):
    from audiodrama import notebook as nb
    from audiodrama.pipeline.parsing import load_script

    prod, script, _cast, _rendered = built
    line = next(l for l in script.lines() if l.kind == "dialogue" and l.speaker == "Spike")
    box = nb.speaker_editor(script, prod, [line.id])
    speaker, delivery = box.children[0].children[:2]
    delivery.value = "phone"
    saved, _ = load_script(prod.script_json(script.slug), prod)
    assert saved.line_by_id(line.id).delivery == "phone" and saved.line_by_id(line.id).speaker == "Spike"
    speaker.value = "Willow"
    saved, _ = load_script(prod.script_json(script.slug), prod)
    assert saved.line_by_id(line.id).speaker == "Willow"
    assert nb.apply_fixes(script, prod, {line.id: {"speaker": "Spike", "delivery": None}})


def test_set_profile_keeps_comments_and_refuses_bad_values(built):
    from audiodrama import notebook as nb
    from audiodrama.errors import CastError

    prod, _script, cast, _rendered = built
    text = prod.cast_path.read_text()
    new = nb.set_profile(prod, "Will", pitch=70, rate=150)  # an alias works
    assert (new.characters["Willow"].pitch, new.characters["Willow"].rate) == (70, 150)
    after = prod.cast_path.read_text()
    assert after.splitlines()[:8] == text.splitlines()[:8] and "# auto-cast: main character" in after
    with pytest.raises(CastError):
        nb.set_profile(prod, "Willow", rate=5000)
    with pytest.raises(CastError):
        nb.set_profile(prod, "Nobody", pitch=1)
    assert prod.cast_path.read_text() == after
    nb.set_profile(prod, "Willow", pitch=cast.characters["Willow"].pitch, rate=cast.characters["Willow"].rate)
    assert prod.cast_path.read_text() == text


def test_short_term_loudness_of_a_tone():
    import numpy as np

    from audiodrama import notebook as nb

    sr = 48000
    t = np.arange(10 * sr) / sr
    tone = 0.1 * np.sin(2 * np.pi * 1000 * t)  # -20 dBFS peak: -23.0 LUFS mono per BS.1770
    times, lufs = nb.short_term_loudness(tone, sr)
    assert len(times) == len(lufs) > 50
    assert abs(np.median(lufs) - (-23.0)) < 0.3
    _, stereo = nb.short_term_loudness(np.stack([tone, tone], axis=1), sr)
    assert abs(np.median(stereo) - (-20.0)) < 0.3


def test_profile_editor_saves_and_plays(built):
    from audiodrama import notebook as nb
    from audiodrama.project.castfile import load_cast

    prod, script, cast, _rendered = built
    editor = nb.profile_editor(script, prod, "Buffy")
    _, voice, pitch, _rate, pan, _button, out = editor.children
    pitch.value = 63
    editor.save_and_play()
    assert load_cast(prod.cast_path).characters["Buffy"].pitch == 63
    assert "pan =" not in prod.cast_path.read_text().split('[characters."Buffy"]')[1].split("[")[0]
    pan.value = -0.3  # the slider moves the voice in the stereo mix
    editor.save_and_play()
    assert load_cast(prod.cast_path).characters["Buffy"].pan == -0.3
    assert any("<audio" in o.get("data", {}).get("text/html", "") for o in out.outputs)
    voice.value = "no-such-voice+zz"
    editor.save_and_play()  # refused with a message, nothing saved
    assert load_cast(prod.cast_path).characters["Buffy"].voice == cast.characters["Buffy"].voice
    nb.set_profile(prod, "Buffy", pitch=cast.characters["Buffy"].pitch)
