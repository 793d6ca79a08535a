"""The cast script round-trips through JSON and through the editable Fountain form."""

from __future__ import annotations

import os
import time

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
