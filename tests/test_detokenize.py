"""Tokenized text (as NLP corpora ship it) parsed as the prose it was, spans in its own offsets."""

from __future__ import annotations

import re
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from audiodrama.parse import parse_story
from audiodrama.parse.detokenize import detokenized, forward

PROSE = "\n\n".join(
    [
        "Mr. Bounderby came into the room. Mrs. Sparsit was at her tea.",
        '"Good evening, Mr. Bounderby," said Mrs. Sparsit.',
        '"Evening, ma\'am. I don\'t stay," said Mr. Bounderby. "Louisa\'s father sent me."',
        "Louisa looked up from the fire.",
        '"Father sends you?" said Louisa. "Then sit down, sir."',
        '"I thank you," said Mr. Bounderby.',
        '"You are welcome here," said Mrs. Sparsit.',
    ]
    * 3
)


def tokenize(text: str) -> str:
    """The prose as a corpus tokenizer writes it: punctuation, quote marks and clitics
    spaced off (`" Evening , ma 'am . I do n't stay , " said Mr . Bounderby .`)."""
    text = re.sub(r"(n't|'s|'m)\b", r" \1", text.replace("don't", "do n't"))
    text = re.sub(r'([.,;:!?"])', r" \1 ", text)
    return re.sub(r"[ \t]+", " ", text)


def spoken(text: str) -> list[tuple[str | None, str]]:
    """(speaker, the words of the span in `text`) of every dialogue line."""
    script = parse_story(text)
    return [
        (line.speaker, re.sub(r"\W+", "", text[slice(*line.span)]))
        for line in script.lines()
        if line.kind == "dialogue"
    ]


def test_a_tokenized_story_gets_the_speakers_of_the_prose_it_was() -> None:
    # tokenized, `Mr .` ends a sentence and `" Good` opens no quote: every title and tag is
    # lost unless the spaces come out first; the spans stay in the tokenized text's offsets
    tokenized = tokenize(PROSE)
    assert detokenized(PROSE) is None
    prose = spoken(PROSE)
    got = spoken(tokenized)
    assert [s for s, _ in got] == [s for s, _ in prose]
    assert [w for _, w in got] == [w for _, w in prose]
    assert {s for s, _ in got} == {"Mrs. Sparsit", "Mr. Bounderby", "Louisa"}


def test_prose_and_french_spacing_are_left_alone() -> None:
    french = "\n\n".join(["« Bonjour ! » dit Marie. Elle rit ; il se tut, puis partit."] * 30)
    assert detokenized(french) is None
    assert detokenized(PROSE) is None


WORDS = st.sampled_from(
    ["Ann", "said", "the", "Mr", "yes", "do", "n't", "'s", "(", ")", '"', "``", "''", "!", ";"]
)
MARKS = st.sampled_from([",", "."])  # each sentence closes on a word: the text reads as tokenized


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(WORDS, min_size=1, max_size=5).map(lambda w: [*w, "Ann"]), MARKS),
        min_size=25,
        max_size=50,
    )
)
def test_property_every_prose_offset_maps_back_to_the_same_character(sentences) -> None:
    text = " ".join(" ".join(words) + " " + mark for words, mark in sentences)
    result = detokenized(text)
    assert result is not None
    prose, back = result
    assert len(back) == len(prose) + 1 and back[-1] == len(text)
    assert all(a < b for a, b in pairwise(back))
    for i, ch in enumerate(prose):
        assert ch == text[back[i]] or (ch == '"' and text[back[i] : back[i] + 2] in ("``", "''"))
    at = forward(back)
    assert all(at[back[i]] == i for i in range(len(prose)))
