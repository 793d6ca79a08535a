"""The cast script round-trips through JSON and through the editable Fountain form."""

from __future__ import annotations

import pytest

from audiodrama import script as script_io
from audiodrama.errors import ScriptError
from audiodrama.ids import assign_ids, scene_id
from audiodrama.model import Character, Line, Scene, Script


def make_script() -> Script:
    texts = [
        ("narration", None, "Ring! Ring! Buffy reached for her phone."),
        ("dialogue", "Willow", "Buffy? Are you okay?"),
        ("tag", None, "Willow asked."),
        ("dialogue", "Buffy", "Yeah, I'm fine."),
        ("narration", None, "THE END"),
    ]
    ids = assign_ids(t for _, _, t in texts)
    lines, pos = [], 0
    for (kind, speaker, text), line_id in zip(texts, ids):
        lines.append(
            Line(
                id=line_id,
                kind=kind,
                text=text,
                span=(pos, pos + len(text)),
                speaker=speaker,
                paragraph=len(lines) // 2,
                confidence=0.5 if speaker else 1.0,
                rule="test",
            )
        )
        pos += len(text) + 1
    scenes = [
        Scene(id=scene_id(lines[0].id), lines=lines[:3]),
        Scene(id=scene_id(lines[3].id), lines=lines[3:], episode=2),
    ]
    return Script(
        title="Demo",
        source="demo.txt",
        slug="demo",
        characters=[Character("Willow", ["Will"], "female", 1), Character("Buffy", ["Buff"], "female", 1)],
        scenes=scenes,
    )


def test_json_round_trip_is_exact():
    s = make_script()
    assert script_io.dumps(script_io.from_dict(script_io.to_dict(s))) == script_io.dumps(s)


def test_untouched_fountain_changes_nothing():
    s = make_script()
    before = script_io.dumps(s)
    s2, changes = script_io.apply_fountain(make_script(), script_io.to_fountain(s))
    assert changes == []
    assert script_io.dumps(s2) == before


def test_fountain_edit_changes_speaker_delivery_and_scene():
    s = make_script()
    text = script_io.to_fountain(s)
    text = text.replace("WILLOW\nBuffy?", "BUFFY\n(phone)\nBuffy?")
    text = text.replace("transition=default", "transition=whoosh", 1)
    s2, changes = script_io.apply_fountain(make_script(), text)
    line = s2.line_by_id(s.scenes[0].lines[1].id)
    assert (line.speaker, line.delivery, line.rule) == ("Buffy", "phone", "edited")
    assert s2.scenes[0].transition == "whoosh"
    assert len(changes) == 3


def test_fountain_narrator_cue_turns_dialogue_into_narration_and_deleted_block_drops_line():
    s = make_script()
    text = script_io.to_fountain(s).replace("BUFFY\nYeah", "NARRATOR\nYeah")
    text = text.replace("Willow asked. [[tag", "[[tag").replace("[[tag", "DELETED [[tag")
    blocks = text.split("\n\n")
    text = "\n\n".join(b for b in blocks if "DELETED" not in b)
    s2, _ = script_io.apply_fountain(make_script(), text)
    assert s2.line_by_id(s.scenes[1].lines[0].id).kind == "narration"
    assert len(list(s2.lines())) == 4


def test_editing_words_gives_a_new_id():
    s = make_script()
    old = s.scenes[0].lines[1].id
    text = script_io.to_fountain(s).replace("Buffy? Are you okay?", "Buffy? Are you all right?")
    s2, changes = script_io.apply_fountain(make_script(), text)
    assert old not in {l.id for l in s2.lines()}
    assert any("words edited" in c for c in changes)


def test_unknown_delivery_is_a_clear_error():
    s = make_script()
    text = script_io.to_fountain(s).replace("WILLOW\nBuffy?", "WILLOW\n(singing)\nBuffy?")
    with pytest.raises(ScriptError, match="unknown delivery"):
        script_io.apply_fountain(make_script(), text, "x.fountain")


def test_bad_json_is_a_one_line_error(tmp_path):
    p = tmp_path / "bad.json"
    with pytest.raises(ScriptError, match="not valid JSON"):
        script_io.loads("{nope", p)
    with pytest.raises(ScriptError, match="re-create it"):
        script_io.loads('{"scenes": [{"lines": [{}]}]}', p)


def test_fountain_round_trip_keeps_a_speakerless_quote_as_dialogue():
    from audiodrama.model import Line, Scene, Script
    from audiodrama.script import apply_fountain, to_fountain

    lyric = Line(id="a1", kind="dialogue", text="So hold my hand.", span=(0, 16), rule="epigraph")
    said = Line(id="b2", kind="dialogue", text="Hi.", span=(17, 20), speaker="Ann")
    script = Script(
        title="T", source="", characters=[], scenes=[Scene(id="s-a1", lines=[lyric, said])], slug="t"
    )
    same, changes = apply_fountain(script, to_fountain(script), "t.fountain")
    assert changes == [] and [l.kind for l in same.lines()] == ["dialogue", "dialogue"]
    # NARRATOR over a character's line still makes it narration
    edited, changes = apply_fountain(script, to_fountain(script).replace("ANN", "NARRATOR"), "t.fountain")
    assert [l.kind for l in edited.lines()] == ["dialogue", "narration"] and changes


@pytest.mark.parametrize("bad", ["x", [1, 2], {"paragraph_ms": "slow"}, {"nope": 1}])
def test_bad_scene_settings_in_json_are_one_line_errors(bad):
    from audiodrama.errors import ScriptError
    from audiodrama.script import from_dict

    with pytest.raises(ScriptError, match="scene s1"):
        from_dict({"scenes": [{"id": "s1", "settings": bad, "lines": []}]}, "x.json")


# ---------------------------------------------------------------- nothing a person wrote is lost


def test_words_that_look_like_fountain_survive_the_round_trip():
    s = make_script()
    s.scenes[0].lines[0].text = "She wrote [[draft]] and /* a note */ then ]] and [["
    s.scenes[0].lines[1].text = "(sighs)"  # "(sighs)" Anna said. -- the words, not a delivery
    s.scenes[1].lines[1].text = ".Not a scene heading"
    for line, new_id in zip(s.lines(), assign_ids(l.text for l in s.lines())):
        line.id = new_id
    before = script_io.dumps(s)
    s2, changes = script_io.apply_fountain(s, script_io.to_fountain(s))
    assert changes == [] and script_io.dumps(s2) == before


def _risky(text: str, match: str):
    with pytest.raises(script_io.RiskyEditError, match=match):
        script_io.apply_fountain(make_script(), text, "x.fountain")
    # accepted, the rest applies and what cannot be placed is reported, never silently dropped
    _, changes = script_io.apply_fountain(make_script(), text, "x.fountain", accept=True)
    assert any(c.startswith("not applied:") for c in changes)


def test_an_empty_fountain_deletes_nothing_unless_accepted():
    _risky("", "no lines at all")


def test_deleting_many_blocks_needs_confirming():
    s = make_script()
    doomed = [f"{l.id}]]" for l in s.lines()][:4]
    blocks = script_io.to_fountain(s).split("\n\n")
    _risky("\n\n".join(b for b in blocks if not any(d in b for d in doomed)), "4 blocks were deleted")


def test_a_block_without_its_id_note_is_refused_not_dropped():
    s = make_script()
    line = s.scenes[0].lines[1]
    text = script_io.to_fountain(s).replace(f"okay? [[{line.id}]]", "okay, Buffy?")
    _risky(text, "no \\[\\[id\\]\\] note")


def test_a_garbled_id_note_is_refused():
    s = make_script()
    line = s.scenes[0].lines[1]
    text = script_io.to_fountain(s).replace(f"okay? [[{line.id}]]", "okay, Buffy? [[zz" + line.id[2:] + "]]")
    _risky(text, "is unknown")


def test_a_lost_note_on_unchanged_words_is_placed_by_its_words():
    s = make_script()
    line = s.scenes[0].lines[1]
    text = script_io.to_fountain(s).replace(f"okay? [[{line.id}]]", "okay?").replace("WILLOW", "BUFFY")
    s2, _ = script_io.apply_fountain(s, text)
    assert s2.line_by_id(line.id).speaker == "Buffy" and len(list(s2.lines())) == 5


def test_a_copied_block_with_a_duplicate_id_overwrites_nothing():
    s = make_script()
    line = s.scenes[0].lines[1]
    block = f"WILLOW\nBuffy? Are you okay? [[{line.id}]]"
    text = script_io.to_fountain(s).replace(block, block + "\n\nBUFFY\nSomething else. [[" + line.id + "]]")
    _risky(text, "two blocks carry the id")
    s2, _ = script_io.apply_fountain(s, text, accept=True)
    assert s2.line_by_id(line.id).text == "Buffy? Are you okay?"  # the first block wins, the copy is reported


@pytest.mark.parametrize(
    "data, match",
    [
        ({"text": None}, "line l1 .*text must be a string, not null"),
        ({"speaker": ["Anna"]}, "line l1 .*speaker must be a string or null, not list"),
        ({"id": 7}, "scene s1 line 1: id must be a string, not 7"),
        ({"span": [0]}, "line l1 .*span must be a pair"),
        ({"confidence": "high"}, "line l1 .*confidence must be a finite number"),
    ],
)
def test_malformed_json_lines_are_one_line_errors_naming_the_line(data, match):
    line = {"id": "l1", "kind": "dialogue", "text": "Hi.", "span": [0, 3], **data}
    with pytest.raises(ScriptError, match=match) as err:
        script_io.from_dict({"scenes": [{"id": "s1", "lines": [line]}]}, "x.json")
    assert str(err.value).startswith("x.json: ") and "\n" not in str(err.value)


def test_deeply_nested_json_is_a_one_line_error():
    with pytest.raises(ScriptError, match=r"x\.json: not valid JSON \(nested too deeply\)"):
        script_io.loads("[" * 100_000 + "]" * 100_000, "x.json")


@pytest.mark.parametrize("slug", ["../../etc/x", "/abs", "a/b", "..", ""])
def test_an_unsafe_slug_is_refused_when_read(slug):
    data = {"slug": slug, "scenes": []}
    if slug:
        with pytest.raises(ScriptError, match="not a safe file name"):
            script_io.from_dict(data, "x.json")
    else:
        assert script_io.from_dict(data, "x.json").slug == ""
