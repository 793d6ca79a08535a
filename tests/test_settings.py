"""audiodrama.toml: one frozen tree, read once per Project, every value checked with its range."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import tomllib

import pytest

from audiodrama.errors import SettingsError
from audiodrama.project.production import Project, init_production, load_settings
from audiodrama.settings import Settings, default_settings_toml, settings_from_dict


def test_the_template_is_every_default_documented():
    text = default_settings_toml()
    assert settings_from_dict(tomllib.loads(text)) == Settings()
    for section in dataclasses.fields(Settings):
        for f in dataclasses.fields(getattr(Settings(), section.name)):
            row = next(r for r in text.splitlines() if r.startswith(f"{f.name} = "))
            assert "  # " in row, f"{f.name} has no comment"


@pytest.mark.parametrize(
    "toml, match",
    [
        ("[master]\nsample_rate = 0", r"\[master\] sample_rate = 0: must be between 8000 and 192000"),
        ("[master]\nsample_rate = -44100", "between 8000 and 192000"),
        ("[master]\nsample_rate = 100000000", "between 8000 and 192000"),
        ("[mix]\nambience_db = nan", "ambience_db = nan: must be a finite number"),
        ("[mix]\nambience_db = 1e308", "ambience_db = 1e.308: must be between -90.0 and 0.0"),
        ("[mix]\nduck_db = inf", "must be a finite number"),
        ("[pacing]\nparagraph_ms = -5", "paragraph_ms = -5: must be between 0 and 60000"),
        ("[pacing]\nscene_ms = 100000000", "between 0 and 60000"),
        ('[mix]\nmode = "opera"', "use drama | audiobook"),
        ('[mix]\ntransition = "boom"', "use sting | whoosh"),
        ('[mix]\nambience = "sea"', "use none | room"),
        ('[master]\nprofile = "loud"', "use podcast | acx | none"),
        ('[master]\nformats = ["flac"]', "use wav | mp3 | opus | m4b, not 'flac'"),
        ('[master]\nmp3_bitrate = "fast"', 'such as "192k"'),
        ("[master]\nchannels = 6", "between 1 and 2"),
    ],
)
def test_a_bad_setting_is_a_one_line_error_with_the_allowed_range(tmp_path, toml, match):
    path = tmp_path / "audiodrama.toml"
    path.write_text(toml + "\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=match) as err:
        load_settings(path)
    assert str(err.value).startswith(str(path)) and "\n" not in str(err.value)


def test_a_bad_scene_setting_in_the_script_names_its_range():
    from audiodrama.settings import parse_scene_setting

    with pytest.raises(ValueError, match="ambience_db=nan: must be a finite number"):
        parse_scene_setting("ambience_db", "nan")
    with pytest.raises(ValueError, match="paragraph_ms=-1: must be between 0 and 60000"):
        parse_scene_setting("paragraph_ms", "-1")


def test_settings_are_read_once_per_project_and_overridden_by_copy(tmp_path):
    prod = init_production(tmp_path / "p")
    first = prod.settings
    prod.settings_path.write_text('[mix]\nmode = "audiobook"\n', encoding="utf-8")
    assert prod.settings is first and first.mix.mode == "drama"  # one command, one reading
    assert Project(prod.root).settings.mix.mode == "audiobook"  # the next command sees the edit
    quick = dataclasses.replace(first, mix=dataclasses.replace(first.mix, mode="audiobook"))
    assert first.mix.mode == "drama" and quick.mix.mode == "audiobook"


def test_a_bad_setting_stops_the_cli_with_one_line(tmp_path):
    prod = init_production(tmp_path / "p")
    prod.settings_path.write_text("[master]\nsample_rate = 1\n", encoding="utf-8")
    story = prod.root / "s.txt"
    story.write_text('"Hi," said Ann.\n', encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "audiodrama", "-C", str(prod.root), "-q", "build", str(story)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "sample_rate = 1" in r.stderr, r.stderr


def test_a_build_reads_audiodrama_toml_once(tmp_path):
    prod = init_production(tmp_path / "p")
    (prod.root / "s.txt").write_text('"Hi," said Ann.\n\n"Hello," Ben replied.\n', encoding="utf-8")
    code = (
        "import sys; opened = [];"
        "sys.addaudithook(lambda e, a: opened.append(a[0]) if e == 'open' and str(a[0]).endswith('audiodrama.toml') else None);"
        "from pathlib import Path; from audiodrama.pipeline.build import build; from audiodrama.project.production import Project;"
        f"root = Path({str(prod.root)!r}); build(root / 's.txt', Project(root), progress=False, profile='none');"
        "print(len(opened))"
    )
    env = {**os.environ, "AUDIODRAMA_ENGINE": "silent"}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "1"  # it was read 3 times per build
