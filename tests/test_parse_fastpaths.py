"""The parser's fast paths give what the plain code they replace gives (no timing here)."""

from __future__ import annotations

import gc
import re
import unicodedata

import pytest

from audiodrama.ids import normalise
from audiodrama.model import Character
from audiodrama.parse import parse_story
from audiodrama.parse.deliveries import _CALL, _CALL_WORDS
from audiodrama.parse.history import History
from audiodrama.parse.name_runs import runs
from audiodrama.parse.names import NameIndex
from audiodrama.parse.quotes import quote_convention
from audiodrama.parse.rules_kin import _word_matches

# The plain regex name_runs.runs replaces: a run of capitalised words with lowercase particles
# inside (de, of, van) and its article; it tries the optional article at every character
_RUN = re.compile(
    r"(?:\b(?:the|The|a|A|an|An)\s+)?"
    r"\b[A-Z][\w'\u2019-]*\.?(?:\s+(?:(?:de|van|von|of|la|le|du|da|di)\s+)?[A-Z][\w'\u2019-]*\.?)*"
)

RUN_TEXTS = [
    "said the Hatter to the March Hare and the  \n Mock Turtle.",
    "bathe Hatter, x-the Hatter, _the Hatter, 1the Hatter, é the Hatter",
    "the a Hatter; an An Hatter; an old Man; A. Hatter; The\u00a0Queen",
    "Sir the Knave, Mr. Darcy of the Hatter, Jan de The Hatter, said the",
    "'the Duchess' and \u2018a Dodo\u2019 met Lady Catherine de Bourgh.",
]


@pytest.mark.parametrize("text", RUN_TEXTS)
def test_runs_are_the_runs_of_the_run_regex_in_every_window(text: str) -> None:
    for start in range(len(text)):
        for end in range(start, len(text) + 1):
            want = [m.span() for m in _RUN.finditer(text, start, end)]
            assert list(runs(text, start, end)) == want, (start, end)


@pytest.mark.parametrize(
    "text",
    ["Hello, World!", "  It's -- a_b (test)  ", "Mr. O'Brien's 2nd time...", "", "___", "\x1ftab\tnew\nline"],
)
def test_ascii_ids_normalise_as_the_general_rule(text: str) -> None:
    general = re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", text).lower()).strip()
    assert normalise(text) == general


def test_non_ascii_ids_still_fold() -> None:
    assert normalise("\u201cWell\u2014yes\u2026\u201d") == "well yes"


def test_history_slices_like_a_list_with_the_beams_own_decisions() -> None:
    base: list[int | None] = [0, None, 1, None, 2, None]
    hist = History(base).choose(1, 5).choose(5, 7)
    as_list = [hist[i] for i in range(len(hist))]
    assert as_list == [0, 5, 1, None, 2, 7]
    for sl in (slice(0, 6), slice(1, 4), slice(2, 6, 2), slice(4, 1, -1), slice(-3, None), slice(0, 0)):
        assert hist[sl] == as_list[sl], sl
    assert base == [0, None, 1, None, 2, None]  # the shared base is not written by a slice


def test_german_guillemets_are_still_told_from_french_ones() -> None:
    german = quote_convention("»Komm«, sagte er. »Gleich«, sagte sie.", single=False)
    french = quote_convention("« Viens », dit-il. « Oui », dit-elle.", single=False)
    plain = quote_convention('"Come," he said.', single=False)
    assert "\u00bb" in german.opens and "\u00ab" in german.closes
    assert "\u00ab" in french.opens and "\u00bb" in french.closes
    assert plain.opens == french.opens


@pytest.mark.parametrize(
    "cue",
    [
        "Ring, ring. She sighed.",
        "HER PHONE BUZZED on the table.",
        "He picked up the Receiver.",
        "She answered her call at last.",
        "He pressed accept.",
        "She tapped answer.",
        "He DIALLED the number.",
        "He d\u0131aled again.",  # dotless i: `ignore case` matches it to i
        "She put the phone to her ear.",
    ],
)
def test_every_phone_cue_holds_a_call_word(cue: str) -> None:
    assert _CALL.search(cue)
    assert _CALL_WORDS.search(cue.lower())


def test_descriptions_are_found_after_a_word_boundary_only() -> None:
    index = NameIndex([Character(name="the Colonel", gender="male"), Character(name="Anna", gender="female")])
    text = "the colonel came. Bathe colonel. His\ncolonel, her  colonel; xthe colonel"
    found = [(m.start, m.end) for m in index.mentions(text, 0, len(text))]
    assert found == [(0, 11), (33, 44), (46, 58)]
    assert [(m.start, m.end) for m in index.mentions(text, 1, len(text))] == found[1:]


def test_word_matches_are_the_matches_after_a_word_boundary() -> None:
    pat = re.compile(r"(Ann|Bob)\s+(Lee|Ray)\b")
    text = "Ann Lee, XAnn Lee, _Bob Ray; Bob Ray\nAnn  Lee. Bob Rays, Ann Lee"
    want = [m.span() for m in re.compile(r"\b" + pat.pattern).finditer(text)]
    assert [m.span() for m in _word_matches(pat, text)] == want
    assert len(want) == 4


@pytest.mark.parametrize("enabled", [True, False])
def test_parsing_leaves_the_cycle_collector_as_it_found_it(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        if not enabled:
            gc.disable()
        script = parse_story('"Where are you going?" asked Anna.\n\n"To the market," said Ben.')
        assert gc.isenabled() == enabled
        assert [l.speaker for l in script.lines() if l.kind == "dialogue"] == ["Anna", "Ben"]
    finally:
        if was:
            gc.enable()
