"""Fast paths of the tag, name and heading readers give what the plain code gives (no timing
here): the regexes opened on their first letter, the tests before the noun-tag regexes, the
tags and runs kept on a narration piece."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from audiodrama.parse import calibration, quoted, tags
from audiodrama.parse.descriptions import _mentions
from audiodrama.parse.full_names import _MISS_FIRST
from audiodrama.parse.keywords import folded, holds_any
from audiodrama.parse.name_runs import runs
from audiodrama.parse.piece_memo import runs_of_piece, tag_after_piece, tag_before_piece
from audiodrama.parse.quotes import Piece, find_quotes
from audiodrama.parse.structure import is_heading_text

_PLAIN_MISS_FIRST = re.compile(
    r"\b(?:Miss|Mademoiselle|Mlle\.?|Signorina|Senorita|Fraulein)\s+([A-Z][a-z]+)(?:\s+([A-Z][a-z]+))?"
)


def test_miss_first_is_the_plain_regex() -> None:
    text = (
        "Miss Lucy Steele met Mlle. Anne and xMiss Jane, _Fraulein Eva, Signorina Maria Rossi; "
        "SMiss Ann, M Miss Ann, Senorita Ana, Mademoiselle Marie, Fraulein  Liesl Braun."
    )
    for start in range(0, len(text), 7):
        want = [(m.span(), m.groups()) for m in _PLAIN_MISS_FIRST.finditer(text, start)]
        assert [(m.span(), m.groups()) for m in _MISS_FIRST.finditer(text, start)] == want


_TAG_WORDS = [
    "Mr.",
    "Woodhouse",
    "Woodhouse's",
    "Bertram's",
    "'s",
    "reply",
    "was",
    "were",
    "of",
    "on",
    "Lady",
    "Bertram",
    "part",
    "side",
    "it",
    "with",
    "said",
    "went",
    "on",
    "the",
    ",",
    ":",
    "--",
    "—",
    "\n",
    "",
]


@given(st.lists(st.sampled_from([*_TAG_WORDS, " ", "  ", "x", "\n"]), max_size=14).map(" ".join))
@settings(max_examples=400, deadline=None)
def test_noun_tags_end_on_their_closing_words(frag: str) -> None:
    # the cheap test `tag_before` makes first never turns away a fragment the regexes match
    if tags._NAMES_WAS.search(frag) or tags._ON_PART.search(frag):
        assert tags._ends_on(frag, tags._NOUN_TAG_ENDS), frag
    # the bare verb searched from near the end finds what a search from the start finds
    near = tags._BARE_VERB_END.search(frag, max(0, len(frag.rstrip()) - 8))
    assert bool(near) == bool(tags._BARE_VERB_END.search(frag)), frag


def test_noun_tags_before_a_quote_are_still_found() -> None:
    text = 'Elizabeth\'s reply was, "No." And on Mrs Musgrove\'s side, it was, "Yes." He said, "So."'
    found = [tags.tag_before(text, 0, text.index('"')), tags.tag_before(text, 0, text.index('"Yes'))]
    assert [(t.subject, t.verb) for t in found if t] == [("Elizabeth", "reply"), ("Mrs Musgrove", "side")]


def test_description_articles_are_found_after_a_word_boundary_only() -> None:
    text = "The man saw a man, an old man and bathe man; xan old man, A man, An old man."
    paras = find_quotes(text, [(0, len(text))])
    found = _mentions(text, paras, ["man", "old man"])
    plain = re.compile(r"\b(the|The|a|A|an|An)\s+(old\s+man|man)\b")
    assert sorted(found["man"][0] + found["old man"][0]) == [m.end() for m in plain.finditer(text)]
    assert found["man"][1] == {"the", "a"} and found["old man"][1] == {"an"}


def test_a_pieces_tags_and_runs_are_the_plain_ones_for_its_span() -> None:
    text = '"Come," said Mr. Darcy to the Mock Turtle. "Now," Alice replied, "go."'
    after = Piece("n", 7, 42)
    assert tag_after_piece(text, after) == tags.tag_after(text, 7, 42)
    assert tag_after_piece(text, after) is tag_after_piece(text, after)  # found once
    assert runs_of_piece(text, after) == list(runs(text, 7, 42))
    before = Piece("n", 49, 65)
    assert tag_before_piece(text, before) == tags.tag_before(text, 49, 65)
    after.start = 25  # a piece cut shorter: read again
    assert runs_of_piece(text, after) == list(runs(text, 25, 42))


def test_a_long_paragraph_is_no_heading() -> None:
    assert is_heading_text("CHAPTER IV.\n  THE  RABBIT SENDS IN A LITTLE BILL")
    assert not is_heading_text("CHAPTER IV " + "a " * 200)
    assert not is_heading_text("CHAPTER " + "x" * 110)


def test_calibrations_word_tests_are_the_plain_regexs() -> None:
    pairs = (
        (re.compile(r"\b(?:I|me|my)\b"), calibration._FIRST_PERSON),
        (re.compile(r"\byou\b", re.IGNORECASE), calibration._YOU),
    )
    for text in (
        "I",
        "Im",
        "xI me",
        "my",
        "mine, me!",
        "_me",
        "YOU",
        "yOu'd",
        "your",
        "thank-you",
        "y ou",
        "9you",
    ):
        for plain, fast in pairs:
            want = plain.search(text)
            got = fast.search(text)
            assert (got and got.span()) == (want and want.span()), (text, plain.pattern)


def test_every_writing_word_holds_a_key_word() -> None:
    written = "letter letters note notes wrote written writes writing contents envelope epistle billet"
    for word in [*written.split(), "postscript", "handwriting", "LETTERS", "wr\u0131tten", "epi\u017ftle"]:
        assert quoted._WRITING.search(word), word
        assert holds_any(folded(word), quoted._WRITING_WORDS), word
