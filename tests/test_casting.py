"""Casting: the cast file, stability, validation, and main characters that sound apart (real espeak-ng)."""

from __future__ import annotations

import itertools
import math

import pytest
import soundfile as sf
from support import SAMPLE, make_script

from audiodrama.errors import CastError
from audiodrama.model import Line, Script, VoiceProfile
from audiodrama.pipeline.voicing import cast_script, render_script
from audiodrama.project.castfile import load_cast, read_characters, update_profile
from audiodrama.voices.cast import NARRATOR_SLOT, PROFILE_FIELDS, Cast
from audiodrama.voices.casting import MAIN_LINES, distinct
from audiodrama.voices.pitch import measure_f0, predict_f0


def test_cast_file_shape_and_reload(production):
    script = make_script({"Ann": ("female", 6), "Bob": ("male", 5), "Cy": ("male", 1)})
    script.characters[0].aliases = ["Annie"]
    cast = cast_script(script, production, neural=())
    assert set(cast.characters) == {"Ann", "Bob", "Cy"}
    text = production.cast_path.read_text()
    assert "[narrator]" in text and "Ann" in text
    # parse --cast reads the same tables
    chars = {c.name: c for c in read_characters(production.cast_path)}
    assert chars["Ann"].aliases == ["Annie"] and chars["Ann"].gender == "female"
    again = load_cast(production.cast_path)
    assert again.characters == cast.characters and again.narrator == cast.narrator
    line = script.scenes[0].lines[1]
    assert cast.profile_for(line) == cast.characters["Ann"]
    assert cast.profile_for(script.scenes[0].lines[0]) == cast.narrator
    line.speaker = "Annie"  # an alias resolves to its character
    assert cast.profile_for(line) == cast.characters["Ann"]


def test_gender_appropriate_and_minor_pool(production):
    script = make_script(
        {
            "Ann": ("female", 6),
            "Bea": ("female", 5),
            "Bob": ("male", 7),
            "Cy": ("male", 1),
            "Di": ("female", 2),
            "Ed": ("male", 1),
        }
    )
    cast = cast_script(script, production, neural=())
    for name in ("Ann", "Bea", "Di"):
        assert predict_f0(cast.characters[name].voice, 50) > 150, name
    for name in ("Bob", "Cy", "Ed"):
        assert predict_f0(cast.characters[name].voice, 50) < 120, name
    mains = [cast.characters[n] for n in ("Ann", "Bea", "Bob")] + [cast.narrator]
    for minor in ("Cy", "Di", "Ed"):
        p = cast.characters[minor]
        assert all((p.voice, p.pitch) != (m.voice, m.pitch) for m in mains), minor


def test_stable_when_a_character_is_added_and_edits_kept(production):
    first = make_script({"Ann": ("female", 6), "Bob": ("male", 5), "Cy": ("male", 1)})
    cast1 = cast_script(first, production, neural=())
    text = production.cast_path.read_text()
    # a person edits the file: a comment and a different rate
    edited = text.replace('[characters."Bob"]', '# Bob should sound older\n[characters."Bob"]')
    edited = edited.replace(f"rate = {cast1.characters['Bob'].rate}", "rate = 140", 1)
    production.cast_path.write_text(edited)
    bob_before = load_cast(production.cast_path).characters["Bob"]
    second = make_script(
        {
            "Zed": ("male", 9),
            "Ann": ("female", 7),
            "Bob": ("male", 5),
            "Cy": ("male", 1),
            "Dee": ("female", 1),
        },
        extra="again ",
    )
    cast2 = cast_script(second, production, neural=())
    assert cast2.characters["Ann"] == cast1.characters["Ann"]
    assert cast2.characters["Bob"] == bob_before and bob_before.rate == 140
    assert cast2.characters["Cy"] == cast1.characters["Cy"]
    assert cast2.narrator == cast1.narrator
    after = production.cast_path.read_text()
    assert after.startswith(edited.rstrip("\n")) or edited.rstrip() in after
    assert "# Bob should sound older" in after
    # the new main character is distinct from the existing ones
    for other in ("Ann", "Bob"):
        assert distinct(cast2.characters["Zed"], cast2.characters[other])
    # casting again changes nothing
    cast_script(second, production, neural=())
    assert production.cast_path.read_text() == after


def test_deterministic(tmp_path):
    from audiodrama.project.production import init_production

    script = make_script({"Ann": ("female", 6), "Bob": ("male", 5), "Cy": ("male", 1)})
    a = init_production(tmp_path / "a")
    b = init_production(tmp_path / "b")
    cast_script(script, a, neural=())
    cast_script(script, b, neural=())
    assert a.cast_path.read_text() == b.cast_path.read_text()


@pytest.mark.parametrize(
    "old,new,field",
    [
        ('voice = "en-us+f3"', 'voice = "klingon"', "voice"),
        ('voice = "en-us+f3"', 'voice = "en-us+nosuch"', "voice"),
        ("rate = 175", "rate = 500", "rate"),
        ("pitch = 50", "pitch = 120", "pitch"),
        ("volume = 1.0", "volume = 1.5", "volume"),
        ('engine = "pyttsx3"', 'engine = "festival"', "engine"),
    ],
)
def test_bad_values_raise_cast_error(production, old, new, field):
    script = make_script({"Ann": ("female", 6)})
    cast_script(script, production, neural=())
    text = production.cast_path.read_text()
    start = text.index('[characters."Ann"]')
    assert old in text[start:], old
    production.cast_path.write_text(text[:start] + text[start:].replace(old, new, 1))
    with pytest.raises(CastError) as err:
        load_cast(production.cast_path)
    msg = str(err.value)
    assert str(production.cast_path) in msg and '"Ann"' in msg and field in msg
    with pytest.raises(CastError):
        cast_script(script, production, neural=())


def test_bad_toml_is_one_line_error(production):
    production.cast_path.parent.mkdir(parents=True, exist_ok=True)
    production.cast_path.write_text("[narrator\nvoice = 1\n")
    with pytest.raises(CastError, match="TOML"):
        cast_script(make_script({"Ann": ("female", 6)}), production, neural=())


def test_resolve_and_profile_of(production):
    script = make_script({"Ann": ("female", 6), "Bob": ("male", 1)})
    script.characters[0].aliases = ["Annie"]
    cast = cast_script(script, production, neural=())
    assert cast.resolve("Ann") == cast.resolve("Annie") == "Ann"
    assert cast.resolve("narrator") == cast.resolve("NARRATOR") == "Narrator"
    assert cast.profile_of("Annie") == cast.characters["Ann"]
    assert cast.profile_of("Narrator") == cast.narrator
    with pytest.raises(CastError) as err:
        cast.profile_of("Nobody")
    msg = str(err.value)
    assert msg.startswith(str(production.cast_path)) and "'Nobody'" in msg
    assert "known: Narrator, Ann, Bob" in msg and "\n" not in msg


def test_update_profile_changes_only_the_named_fields(production):
    script = make_script({"Ann": ("female", 6), "Bob": ("male", 5)})
    script.characters[0].aliases = ["Annie"]
    cast = cast_script(script, production, neural=())
    path = production.cast_path
    path.write_text(
        path.read_text().replace('[characters."Bob"]', '# Bob: keep this note\n[characters."Bob"]')
    )
    before = path.read_text()
    new = update_profile(path, "Annie", pitch=70.0, rate="160", effects="phone", volume=1)
    ann = new.characters["Ann"]
    assert (ann.pitch, ann.rate, ann.effects, ann.volume) == (70, 160, ["phone"], 1.0)
    assert isinstance(ann.pitch, int) and isinstance(ann.volume, float)
    assert ann.voice == cast.characters["Ann"].voice  # untouched fields stay
    assert new.characters["Bob"] == cast.characters["Bob"] and new.narrator == cast.narrator
    assert load_cast(path).characters["Ann"] == ann  # what it returns is what was saved
    after = path.read_text()
    assert "# Bob: keep this note" in after and after.splitlines()[:8] == before.splitlines()[:8]
    assert 'effects = ["phone"]' in after
    # putting the values back gives the file back, byte for byte
    old = cast.characters["Ann"]
    update_profile(path, "Ann", pitch=old.pitch, rate=old.rate, effects=old.effects, volume=old.volume)
    assert path.read_text() == before
    assert not list(path.parent.glob(".*.tmp*"))  # no temporary file left beside it


@pytest.mark.parametrize(
    "name,fields,expect",
    [
        ("Ann", {"rate": 5000}, "rate"),
        ("Ann", {"rate": "fast"}, "rate"),
        ("Ann", {"pitch": None}, "pitch"),
        ("Ann", {"voice": "klingon"}, "voice"),
        ("Ann", {"volume": "loud"}, "volume"),
        ("Ann", {"effects": 3}, "effects"),
        ("Ann", {"engine": "festival"}, "engine"),
        ("Ann", {"colour": "blue"}, "unknown profile field(s) colour"),
        ("Nobody", {"pitch": 1}, "no character 'Nobody'"),
    ],
)
def test_update_profile_refuses_bad_input_and_leaves_the_file(production, name, fields, expect):
    cast_script(make_script({"Ann": ("female", 6)}), production, neural=())
    before = production.cast_path.read_text()
    with pytest.raises(CastError) as err:
        update_profile(production.cast_path, name, **fields)
    msg = str(err.value)
    assert expect in msg and str(production.cast_path) in msg and "\n" not in msg
    if name == "Ann" and "unknown" not in expect:
        assert '[characters."Ann"]' in msg
    assert production.cast_path.read_text() == before


def test_update_profile_without_a_narrator_table_and_without_a_file(production):
    with pytest.raises(CastError, match="no cast file yet"):
        update_profile(production.cast_path, "Narrator", rate=150)
    production.cast_path.parent.mkdir(parents=True, exist_ok=True)
    production.cast_path.write_text('# my cast\n[characters."Ann"]\naliases = []\ngender = "female"\n')
    default = load_cast(production.cast_path).narrator
    assert (default.voice, default.pitch, default.rate) == NARRATOR_SLOT
    new = update_profile(production.cast_path, "narrator", rate=150)
    assert new.narrator.rate == 150 and (new.narrator.voice, new.narrator.pitch) == NARRATOR_SLOT[:2]
    text = production.cast_path.read_text()
    assert text.startswith("# my cast\n") and "[narrator]" in text
    assert all(f"{key} =" in text.split("[narrator]")[1] for key in PROFILE_FIELDS)
    # a names-only table (from `parse --cast`) takes the one field given
    ann = update_profile(production.cast_path, "Ann", pitch=61).characters["Ann"]
    assert ann.pitch == 61 and "pitch = 61" in production.cast_path.read_text()


def _measured(rendered: dict, script: Script, cast: Cast) -> dict[str, float]:
    f0 = {}
    for line in script.lines():
        if line.text.startswith(SAMPLE) or line.kind == "narration":
            who = line.speaker or "Narrator"
            if who not in f0:
                x, sr = sf.read(rendered[line.id].path)
                f0[who] = measure_f0(x, sr)
    return f0


def _pairwise_distinct(profiles: dict[str, VoiceProfile], f0: dict[str, float]) -> list[str]:
    bad = []
    for a, b in itertools.combinations(sorted(profiles), 2):
        st = abs(12 * math.log2(f0[a] / f0[b]))
        pa, pb = profiles[a], profiles[b]
        timbre = (
            pa.voice.partition("+")[2] != pb.voice.partition("+")[2]
            and pa.voice.partition("+")[0] != pb.voice.partition("+")[0]
            and abs(pa.rate - pb.rate) >= 15
        )
        if st < 2.0 and not timbre:
            bad.append(f"{a}/{b}: {st:.2f} st")
    return bad


def test_main_characters_pairwise_distinct_measured(production):
    """Eight main characters (four of each gender) plus the narrator, by measured median F0."""
    people = {f"W{i}": ("female", MAIN_LINES) for i in range(4)}
    people.update({f"M{i}": ("male", MAIN_LINES) for i in range(4)})
    script = make_script(people)
    cast = cast_script(script, production, neural=())
    sample_lines = [l for l in script.lines() if l.text.startswith(SAMPLE) or l.kind == "narration"]
    for line in sample_lines:  # the narration sample says the same words
        if line.kind == "narration":
            line.text = SAMPLE
    rendered = render_script(script, cast, production, lines=sample_lines, progress=False)
    f0 = _measured(rendered, script, cast)
    profiles = {**{n: cast.characters[n] for n in people}, "Narrator": cast.narrator}
    assert not _pairwise_distinct(profiles, f0), f0
    for name, hz in f0.items():  # the prediction the casting relies on holds
        p = profiles[name]
        assert abs(12 * math.log2(hz / predict_f0(p.voice, p.pitch))) < 1.0, (name, hz)


def test_demo_main_characters_distinct(production, demo_text):
    from audiodrama.parse import parse_story
    from audiodrama.voices.casting import main_characters

    script = parse_story(demo_text, title="demo", slug="demo")
    cast = cast_script(script, production, neural=())
    mains = main_characters(script)
    assert len(mains) >= 2
    assert not cast.warnings
    profiles = {n: cast.characters[n] for n in mains}
    profiles["Narrator"] = cast.narrator
    sample = [
        Line(id=f"x{i}", kind="dialogue", text=SAMPLE, span=(0, 1), speaker=n)
        for i, n in enumerate(profiles)
        if n != "Narrator"
    ]
    sample.append(Line(id="xn", kind="narration", text=SAMPLE, span=(0, 1)))
    rendered = render_script(script, cast, production, lines=sample, progress=False)
    f0 = {(l.speaker or "Narrator"): measure_f0(*sf.read(rendered[l.id].path)) for l in sample}
    assert not _pairwise_distinct(profiles, f0), f0


def test_names_only_cast_file_gets_voices_added(production):
    """A cast file written for `parse --cast` (names, aliases, gender) is completed, not replaced."""
    production.cast_path.parent.mkdir(parents=True, exist_ok=True)
    production.cast_path.write_text('# my cast\n[characters."Ann"]\naliases = ["Annie"]\ngender = "female"\n')
    cast = cast_script(make_script({"Ann": ("female", 6), "Bob": ("male", 5)}), production, neural=())
    text = production.cast_path.read_text()
    assert text.startswith('# my cast\n[characters."Ann"]\naliases = ["Annie"]\ngender = "female"\n')
    assert predict_f0(cast.characters["Ann"].voice, 50) > 150 and "Bob" in cast.characters
    assert distinct(cast.characters["Ann"], cast.characters["Bob"])
