"""Pronunciation lexicon: applied before synthesis; an edit re-renders exactly the lines with the word."""

from __future__ import annotations

import pytest

from audiodrama.errors import CastError
from audiodrama.ids import assign_ids
from audiodrama.model import Character, Line, Scene, Script
from audiodrama.pipeline.voicing import cast_script, name_samples, render_script
from audiodrama.project.voicefiles import read_lexicon as load_lexicon
from audiodrama.voices.lexicon import Lexicon, proper_names

TEXTS = [
    ("Buffy walked in.", None),
    ("Where is Xand tonight?", "Ann"),
    ("It's time luv.", "Bob"),
    ("Nothing to see here.", None),
    ("Buffy's coat is red.", "Bob"),
    ("Time luv, time.", "Ann"),
]


def script() -> Script:
    ids = assign_ids(t for t, _ in TEXTS)
    lines = [
        Line(id=i, kind="dialogue" if w else "narration", text=t, span=(k, k + 1), speaker=w)
        for k, (i, (t, w)) in enumerate(zip(ids, TEXTS))
    ]
    return Script(
        title="lex",
        slug="lex",
        scenes=[Scene(id="s", lines=lines)],
        characters=[Character("Ann", [], "female", 2), Character("Bob", [], "male", 2)],
    )


def test_apply_whole_words_case_and_possessive():
    lex = Lexicon(
        words={"buffy": "Buffee", "xand": "[[z'and]]", "sunny d": "Sunny Dee"},
        characters={"Bob": {"luv": "[[l'Vv]]"}},
    )
    assert lex.apply("Buffy's BUFFY buffyish Xand", None) == "Buffee's Buffee buffyish [[z'and]]"
    assert lex.apply("time luv", "Bob") == "time [[l'Vv]]"
    assert lex.apply("time luv", "Ann") == "time luv"
    assert lex.apply("a Sunny D please") == "a Sunny Dee please"


def _with_lexicon(production, body: str | None):
    """Render the test script with `body` as the lexicon (None: no lexicon file)."""
    s = script()
    cast = cast_script(s, production)
    if body is None:
        production.lexicon_path.unlink(missing_ok=True)
    else:
        production.lexicon_path.write_text(body)
    return s, render_script(s, cast, production, progress=False)


def test_edit_rerenders_exactly_the_lines_with_the_word(production):
    s, base = _with_lexicon(production, None)
    _, first = _with_lexicon(production, 'Buffy = "Buffee"\n')
    changed = {i for i, r in first.items() if not r.cached}
    assert changed == {l.id for l in s.lines() if "Buffy" in l.text}
    assert first[next(iter(changed))].text.startswith("Buff")  # the transcript keeps the spelling
    assert "Buffy" in first[next(iter(changed))].text
    _, second = _with_lexicon(production, 'Buffy = "Buffee"\n[characters."Bob"]\nluv = "[[l\'Vv]]"\n')
    assert {i for i, r in second.items() if not r.cached} == {
        l.id for l in s.lines() if l.speaker == "Bob" and "luv" in l.text
    }
    _, third = _with_lexicon(production, None)
    assert third.synthesised == 0 and all(third[i].path == base[i].path for i in base)


def test_phonemes_change_the_audio(production):
    s, before = _with_lexicon(production, None)
    _, after = _with_lexicon(production, 'Xand = "[[z\'and@r]]"\n')
    xid = next(l.id for l in s.lines() if "Xand" in l.text)
    assert after[xid].path != before[xid].path
    assert after[xid].path.stat().st_size != before[xid].path.stat().st_size


@pytest.mark.parametrize("body", ["Buffy = 3\n", 'Buffy = "[[b\'Vfi"\n', '[characters]\nAnn = "x"\n'])
def test_bad_lexicon_is_cast_error(production, body):
    production.lexicon_path.write_text(body)
    with pytest.raises(CastError) as err:
        load_lexicon(production)
    assert "lexicon.toml" in str(err.value)


@pytest.mark.parametrize(
    ("body", "entry"),
    [
        ('Buffy = "Buf\\u0000fee"\n', "Buffy"),  # NUL: espeak-ng would stop reading there
        ('"Bu\\u0000ffy" = "Buffee"\n', "Bu"),
        ('"" = "word"\n', "''"),  # an empty key would insert the word everywhere
        ('" " = "word"\n', "' '"),
        ('[characters."Ann"]\n"" = "word"\n', 'characters."Ann"'),
    ],
)
def test_lexicon_with_nul_or_empty_key_is_refused_naming_the_entry(production, body, entry):
    production.lexicon_path.write_text(body)
    with pytest.raises(CastError) as err:
        load_lexicon(production)
    message = str(err.value)
    assert "lexicon.toml" in message and entry in message and "\n" not in message


def test_names_listed_with_samples(production):
    s = script()
    cast = cast_script(s, production)
    names = dict(proper_names(s))
    assert names["Buffy"] == 2 and "Ann" in names
    production.lexicon_path.write_text('Buffy = "Buffee"\n')
    samples = {n: (spoken, path) for n, _, spoken, path in name_samples(s, cast, production)}
    assert samples["Buffy"][0] == "Buffee" and samples["Buffy"][1].stat().st_size > 1000
