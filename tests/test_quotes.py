"""Quote finding: unit cases and a hypothesis property test of the whole dialogue stage."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiodrama.model import Character
from audiodrama.parse.dialogue import _segment_and_attribute, segment_and_attribute
from audiodrama.parse.quotes import find_quotes, uses_single_quotes
from audiodrama.parse.structure import paragraphs


def quotes_of(text: str) -> list[str]:
    paras = find_quotes(text, paragraphs(text))
    return [text[q.inner[0]:q.inner[1]] for p in paras for q in p.quotes]


def test_straight_and_curly_double_quotes():
    assert quotes_of('"Hi," she said. "Bye."') == ["Hi,", "Bye."]
    assert quotes_of('\u201cHi,\u201d she said. \u201cBye.\u201d') == ["Hi,", "Bye."]


def test_nested_single_inside_double_is_one_quote():
    assert quotes_of('"He said \'no\' to me," she said.') == ["He said 'no' to me,"]


def test_unclosed_quote_is_capped_at_paragraph_end():
    text = '"This never closes, she said.\n\nNarration follows here.'
    paras = find_quotes(text, paragraphs(text))
    assert [text[q.inner[0]:q.inner[1]] for q in paras[0].quotes] == ["This never closes, she said."]
    assert paras[1].quotes == []


def test_continued_quote_over_paragraphs():
    text = '"First part of the speech.\n\n"Second part," said Ann.'
    paras = find_quotes(text, paragraphs(text))
    assert not paras[0].quotes[0].closed
    assert paras[1].quotes[0].continued


def test_continued_quote_closed_without_reopening_mark():
    text = '"A song line\n\nand the rest of it."'
    assert quotes_of(text) == ["A song line", "and the rest of it."]


def test_british_single_quote_dialogue_is_detected():
    text = ("'I don't know,' said Alice. 'It's the boys' fault.'\n\n"
            "'Nonsense,' said the Queen. 'Off with her head!'\n\n"
            "'Won't you?' asked the Hatter.\n\n'No,' she said.")
    assert uses_single_quotes(text)
    qs = quotes_of(text)
    assert qs[:2] == ["I don't know,", "It's the boys' fault."]
    assert "Off with her head!" in qs


def test_apostrophes_do_not_open_quotes_in_double_quote_text():
    assert not uses_single_quotes("It's Bob's 'car', isn't it? \"Yes,\" he said.")
    assert quotes_of("It's Bob's car. \"Yes,\" he said.") == ["Yes,"]


def test_dialogue_text_collapses_whitespace_and_strips_marks():
    text = '"Hello\n   there,"   said Ann.'
    lines, _ = segment_and_attribute(text, paragraphs(text), [Character("Ann", [], "female")])
    assert lines[0].text == "Hello there,"
    assert text[lines[0].span[0]] == '"'


def test_never_raises_on_edge_cases():
    for text, paras in [("", []), ("x", [(0, 1)]), ('"', [(0, 1)]), ("abc", [(5, 9)]),
                        ('" "', [(0, 3)]), ("''''", [(0, 4)]), ('"a" "b', [(0, 3), (4, 6)])]:
        lines, chars = segment_and_attribute(text, paras, None)
        assert isinstance(lines, list)


ALPHABET = ['"', "'", "\u201c", "\u201d", "\u2018", "\u2019", " ", "\n", "\n\n", "\n\n", "a", "He",
            "said", "Bob", "Ann", ",", ".", "I", "she", "Mr.", "Darcy", "?", "\u2014", "asked",
            "\u2026", "--", "Will", "my dear"]


def check_tiling(text: str, cast: list[Character] | None) -> None:
    paras = paragraphs(text)
    # the internal function raises on a bug; the public one would hide it
    lines, chars = _segment_and_attribute(text, paras, cast)
    covered: set[int] = set()
    prev_end = -1
    for line in lines:
        s, e = line.span
        assert 0 <= s < e <= len(text)
        assert s >= prev_end, "lines overlap or are out of order"
        prev_end = e
        assert line.kind in ("narration", "dialogue", "tag")
        assert 0 <= line.paragraph < len(paras)
        ps, pe = paras[line.paragraph]
        assert ps <= s and e <= pe
        covered.update(range(s, e))
        if line.kind == "dialogue" and line.speaker is not None:
            assert line.speaker in {c.name for c in chars}
        assert 0.0 <= line.confidence <= 1.0
    for s, e in paras:
        for i in range(s, e):
            if not text[i].isspace():
                assert i in covered, (text, i)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ALPHABET), max_size=80), st.booleans())
def test_property_lines_tile_paragraphs(tokens, with_cast):
    text = " ".join(tokens) if len(tokens) % 3 else "".join(tokens)
    cast = [Character("Bob", ["Mr. Bob"], "male"), Character("Ann", [], "female")] if with_cast else None
    check_tiling(text, cast)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_property_any_unicode_text(text):
    check_tiling(text, None)
