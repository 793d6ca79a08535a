"""Quote finding: unit cases and a hypothesis property test of the whole dialogue stage."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiodrama.model import Character
from audiodrama.parse import parse_story
from audiodrama.parse.dialogue import _segment_and_attribute, segment_and_attribute
from audiodrama.parse.quotes import find_quotes, uses_single_quotes
from audiodrama.parse.structure import paragraphs


def quotes_of(text: str) -> list[str]:
    paras = find_quotes(text, paragraphs(text))
    return [text[q.inner[0] : q.inner[1]] for p in paras for q in p.quotes]


def test_straight_and_curly_double_quotes():
    assert quotes_of('"Hi," she said. "Bye."') == ["Hi,", "Bye."]
    assert quotes_of("\u201cHi,\u201d she said. \u201cBye.\u201d") == ["Hi,", "Bye."]


def test_nested_single_inside_double_is_one_quote():
    assert quotes_of("\"He said 'no' to me,\" she said.") == ["He said 'no' to me,"]


def test_unclosed_quote_is_capped_at_paragraph_end():
    text = '"This never closes, she said.\n\nNarration follows here.'
    paras = find_quotes(text, paragraphs(text))
    assert [text[q.inner[0] : q.inner[1]] for q in paras[0].quotes] == ["This never closes, she said."]
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
    text = (
        "'I don't know,' said Alice. 'It's the boys' fault.'\n\n"
        "'Nonsense,' said the Queen. 'Off with her head!'\n\n"
        "'Won't you?' asked the Hatter.\n\n'No,' she said."
    )
    assert uses_single_quotes(text)
    qs = quotes_of(text)
    assert qs[:2] == ["I don't know,", "It's the boys' fault."]
    assert "Off with her head!" in qs


def test_a_single_quote_after_a_beat_that_follows_a_quote_is_dialogue():
    # `'...' She hung it up. '...'`: the second quote goes on from the first one, across a
    # beat, as it does in double quotes; it is not a phrase quoted in the narration
    text = (
        "She put on more coal and spread the coat on the horse. 'And they goggles! Why, he"
        " looked more like a diver than a man!' She hung his muffler on a corner of the horse."
        " 'And holding that handkerchief over his mouth all the time. Perhaps his mouth was"
        " hurt too, maybe.'\n"
    )
    lines = parse_story(text).lines()
    said = [line.text for line in lines if line.kind == "dialogue"]
    assert len(said) == 2 and said[1].startswith("And holding")


def test_apostrophes_do_not_open_quotes_in_double_quote_text():
    assert not uses_single_quotes("It's Bob's 'car', isn't it? \"Yes,\" he said.")
    assert quotes_of("It's Bob's car. \"Yes,\" he said.") == ["Yes,"]


def test_dialogue_text_collapses_whitespace_and_strips_marks():
    text = '"Hello\n   there,"   said Ann.'
    lines, _ = segment_and_attribute(text, paragraphs(text), [Character("Ann", [], "female")])
    assert lines[0].text == "Hello there,"
    # the span holds the spoken words, not the quote marks around them
    assert text[slice(*lines[0].span)] == "Hello\n   there,"


def test_never_raises_on_edge_cases():
    for text, paras in [
        ("", []),
        ("x", [(0, 1)]),
        ('"', [(0, 1)]),
        ("abc", [(5, 9)]),
        ('" "', [(0, 3)]),
        ("''''", [(0, 4)]),
        ('"a" "b', [(0, 3), (4, 6)]),
    ]:
        lines, _chars = segment_and_attribute(text, paras, None)
        assert isinstance(lines, list)


ALPHABET = [
    '"',
    "'",
    "\u201c",
    "\u201d",
    "\u2018",
    "\u2019",
    " ",
    "\n",
    "\n\n",
    "\n\n",
    "a",
    "He",
    "said",
    "Bob",
    "Ann",
    ",",
    ".",
    "I",
    "she",
    "Mr.",
    "Darcy",
    "?",
    "\u2014",
    "asked",
    "\u2026",
    "--",
    "Will",
    "my dear",
]


QUOTE_MARKS = set("\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201a\u2039\u203a")


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
    # every word is in some line; only quote marks (typography) may fall between lines
    for s, e in paras:
        for i in range(s, e):
            dash_lead = text[i] in "\u2014\u2015\u2013" and not text[s:i].strip()
            if not text[i].isspace() and text[i] not in QUOTE_MARKS and not dash_lead:
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


def test_reported_speech_in_quote_marks_is_the_narrators():
    from audiodrama.parse.reported import is_reported_speech

    text = (
        'Mr. Woodhouse was soon composed enough for talking as usual. "He should be happy to see '
        "Mrs. Goddard. He had a great regard for Mrs. Goddard; and Emma should write a line, "
        'and invite her."\n\n"I will write at once," said Emma.'
    )
    lines, _ = segment_and_attribute(
        text, paragraphs(text), [Character("Emma", [], "female"), Character("Mr. Woodhouse", [], "male")]
    )
    report = next(l for l in lines if "He should be happy" in l.text)
    assert report.kind == "narration" and report.rule == "reported"
    direct = next(l for l in lines if l.text.startswith("I will write"))
    assert direct.kind == "dialogue" and direct.speaker == "Emma"
    # direct speech in the past tense stays direct: a first/second person or a present tense
    assert not is_reported_speech(
        "He was a fine man, and I had loved him; they would have "
        "married had he lived, and she knew it well enough."
    )
    assert not is_reported_speech(
        "He was here yesterday, and he had the letter with him; "
        "he is gone now, and it would be no use to follow."
    )
    assert not is_reported_speech("He was afraid.")
    assert is_reported_speech(
        "that he was proposing to leave Highbury the following morning in "
        "his way to Bath; where, in compliance with the pressing entreaties "
        "of some friends, he had engaged to spend a few weeks"
    )


def test_what_a_look_seemed_to_say_is_the_narrators():
    cast = [Character("Ann", [], "female"), Character("Bob", [], "male")]
    for lead in ("Bob smiled, as much as to say,", "Ann gave him a look which seemed to say,"):
        text = f'{lead} "You cannot mean it." Then he went out.\n\n"I do," said Ann.'
        lines = _kinds(text, cast)
        assert [t for k, t, _ in lines if k == "dialogue"] == ["I do,"], lead
    lines = _kinds('Bob smiled and said, "You cannot mean it."', cast)
    assert [t for k, t, _ in lines if k == "dialogue"] == ["You cannot mean it."]


def test_short_report_inside_narration_is_the_narrators():
    """A quote set in a narration paragraph, untagged, in the third person and the past: the
    narrator's report; the same words tagged, or with an "I", stay the character's line."""
    text = (
        'The Colonel came in at last. The rain had kept him. "He had never seen such weather; '
        'the roads were quite under water." Tea was brought.\n\n'
        '"He had never seen such weather," said the Colonel, "not in thirty years."\n\n'
        'Mary looked up. "I had never seen such weather; the roads were quite under water."'
    )
    cast = [Character("Colonel", [], "male"), Character("Mary", [], "female")]
    lines, _ = segment_and_attribute(text, paragraphs(text), cast)
    report = next(l for l in lines if "He had never seen such weather;" in l.text)
    assert report.kind == "narration" and report.rule == "reported"
    tagged = next(l for l in lines if l.text.startswith("He had never seen such weather,"))
    assert tagged.kind == "dialogue"
    direct = next(l for l in lines if l.text.startswith("I had never"))
    assert direct.kind == "dialogue"
    # after words about talk, the quote is what was said, as the author chose to give it
    told = 'Mary could speak warmly of them both. "He was a most pleasant man; his sister a dear girl."'
    lines, _ = segment_and_attribute(told, paragraphs(told), cast)
    assert [l.kind for l in lines if "pleasant" in l.text] == ["dialogue"]


LANGUAGE_SAMPLES = [
    # (text, spoken words in order)
    (
        "Marie entra.\n\n\u00ab Bonjour, Paul \u00bb, dit-elle.\n\n\u00ab Tu es en retard \u00bb, r\u00e9pondit Paul.",
        ["Bonjour, Paul", "Tu es en retard"],
    ),
    (
        "Anna kam.\n\n\u201eGuten Morgen!\u201c, sagte sie.\n\n\u201eDu bist sp\u00e4t\u201c, antwortete Paul.",
        ["Guten Morgen!", "Du bist sp\u00e4t"],
    ),
    (
        "Anna kam.\n\n\u00bbGuten Morgen!\u00ab, sagte sie.\n\n\u00bbDu bist sp\u00e4t\u00ab, antwortete er. \u00bbKomm.\u00ab",
        ["Guten Morgen!", "Du bist sp\u00e4t", "Komm."],
    ),
    (
        "Anna kam.\n\n\u2039Guten Morgen!\u203a, sagte sie.\n\n\u2039Du bist sp\u00e4t\u203a, antwortete Paul.",
        ["Guten Morgen!", "Du bist sp\u00e4t"],
    ),
    (
        "Ana entr\u00f3.\n\n\u2014\u00bfQu\u00e9 haces? \u2014pregunt\u00f3 Ana\u2014. Ven aqu\u00ed.\n\n"
        "\u2014Nada \u2014dijo Pedro.\n\n\u2014Mentira.\n\nSe rieron.",
        ["\u00bfQu\u00e9 haces?", "Ven aqu\u00ed.", "Nada", "Mentira."],
    ),
    (
        "Marie entra.\n\n\u2014 Oui, dit-il, je viens.\n\n\u2014 Non, r\u00e9pondit Marie. Elle sortit.\n\n"
        "\u2014 Pourquoi ?\n\n\u2014 Parce que.",
        ["Oui,", "je viens.", "Non,", "Pourquoi ?", "Parce que."],
    ),
]


@pytest.mark.parametrize("text,spoken", LANGUAGE_SAMPLES)
def test_other_languages_quote_conventions(text, spoken):
    lines, _ = segment_and_attribute(text, paragraphs(text), None)
    assert [l.text for l in lines if l.kind == "dialogue"] == spoken
    # the incises and the narration stay narration, every word of them
    narrated = " ".join(l.text for l in lines if l.kind != "dialogue")
    for word in ("dit-elle", "sagte sie", "pregunt\u00f3 Ana", "dijo Pedro", "Se rieron", "Elle sortit"):
        if word in text:
            assert word in narrated


def test_dash_dialogue_needs_several_dash_led_paragraphs():
    from audiodrama.parse.quotes import uses_dash_dialogue

    text = 'He paused.\n\n\u2014and then the rain came.\n\n"Hello," said Ann.'
    assert not uses_dash_dialogue(text, paragraphs(text))
    lines, _ = segment_and_attribute(text, paragraphs(text), None)
    assert [l.text for l in lines if l.kind == "dialogue"] == ["Hello,"]


DASH_ALPHABET = [
    "\u2014",
    "\u2014 ",
    "\u2013",
    "Oui",
    "Hola",
    ",",
    ".",
    "dit-il",
    "dijo",
    "Ana",
    " ",
    "\n\n",
    "\n\n\u2014",
    "\n\n\u2014 ",
    "\u00ab",
    "\u00bb",
    "\u201e",
    "\u201c",
    "?",
    "r\u00e9pondit",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(DASH_ALPHABET), max_size=80))
def test_property_dash_and_guillemet_dialogue_tiles(tokens):
    check_tiling("\n\n\u2014 Oui.\n\n\u2014 Non.\n\n\u2014 Si." + "".join(tokens), None)


def _kinds(text: str, cast: list[Character] | None = None) -> list[tuple[str, str, str | None]]:
    lines, _ = segment_and_attribute(text, paragraphs(text), cast)
    return [(l.kind, l.text, l.speaker) for l in lines]


def test_scare_quotes_titles_and_signs_are_narration():
    ann = [Character("Ann", [], "female")]
    for text in (
        'He called it his "study", though it was only a cupboard under the stairs.',
        'She was reading "The Mysteries of Udolpho" when the bell rang.',
        'A door marked "Private" stood open at the end of the hall.',
        'She said the Thursday teas were "an institution", and she did not mean it kindly.',
    ):
        lines = _kinds(text, ann)
        assert [k for k, _, _ in lines] == ["narration"], lines
        assert lines[0][1] == " ".join(text.split())  # every word, marks and all, narrated
        assert lines[0][2] is None
    # speech keeps its line: after a speech verb, a comma, or as a whole sentence
    lines = _kinds('Ann said "Come in" and went back to her book.\n\n"Thank you," said Bob.', ann)
    assert [t for k, t, _ in lines if k == "dialogue"] == ["Come in", "Thank you,"]
    lines = _kinds('The old woman called "Ann!" from the yard.', ann)
    assert [t for k, t, _ in lines if k == "dialogue"] == ["Ann!"]
    # written words keep the comma of the sentence they sit in: a label, a sign in capitals
    for text in (
        'It was a bottle marked "poison," so she put it down.',
        'A card with the words "KEEP OUT," hung on the gate.',
        'The clerk wrote it down "urgent," and went on.',
    ):
        assert [k for k, _, _ in _kinds(text, ann)] == ["narration"], text
    lines = _kinds('She had got no further than the words "delightful," when he came in.', ann)
    assert [t for k, t, _ in lines if k == "dialogue"] == ["delightful,"]  # said aloud


def test_quotes_inside_a_recited_stanza_are_the_poems():
    """A poem the narrator reads keeps its inner voices: "You are old," said the youth is a
    line of the stanza, not the story's dialogue; sung, the stanza is the singer's."""
    cast = [Character("Ann", [], "female"), Character("Bob", [], "male")]
    stanza = (
        '"You are old," said the youth, "as I mentioned before,\n'
        "    And have grown most uncommonly fat;\n"
        "Yet you turned a back-somersault in at the door--\n"
        '    Pray, what is the reason of that?"'
    )
    recited = f'Ann folded her hands, and began:--\n\n{stanza}\n\n"Not quite right," said Bob.'
    lines = _kinds(recited, cast)
    assert [t for k, t, _ in lines if k == "dialogue"] == ["Not quite right,"]
    # set flush left, a stanza still shows by its short lines that all open with a capital
    flush = "\n".join(ln.strip() for ln in stanza.split("\n"))
    recited = f'Ann folded her hands, and began:--\n\n{flush}\n\n"Not quite right," said Bob.'
    assert [t for k, t, _ in _kinds(recited, cast) if k == "dialogue"] == ["Not quite right,"]
    sung = f'Ann sang a little song:\n\n{stanza}\n\n"Not quite right," said Bob.'
    assert "You are old," in [t for k, t, _ in _kinds(sung, cast) if k == "dialogue"]


def test_a_song_sung_by_a_character_is_their_line():
    pooh = [Character("Pooh", ["Winnie-the-Pooh"], "male"), Character("Piglet", [], "male")]
    text = (
        "Pooh climbed and climbed, and as he climbed he sang a little song to himself. "
        "It went like this:\n\n"
        "    Isn't it funny\n    How a bear likes honey?\n    Buzz! Buzz! Buzz!\n\n"
        "Then he climbed a little further."
    )
    lines = _kinds(text, pooh)
    sung = [(t, who) for k, t, who in lines if k == "dialogue"]
    assert sung == [("Isn't it funny How a bear likes honey? Buzz! Buzz! Buzz!", "Pooh")]
    # the same verse in quote marks after "sang" is sung too, not a poem the narrator reads
    quoted = text.replace("    Isn't", "    \"Isn't").replace("Buzz!\n\n", 'Buzz!"\n\n')
    assert [who for k, _, who in _kinds(quoted, pooh) if k == "dialogue"] == ["Pooh"]
    # a sung stanza that quotes a line of its own is still all the singer's
    riddle = (
        "So Pooh hummed his riddle song instead:\n\n"
        "    Cottleston, Cottleston, Cottleston Pie,\n    Ask me a riddle and I reply:\n"
        '    "Cottleston, Cottleston, Cottleston Pie."\n\nPiglet said nothing.'
    )
    lines = _kinds(riddle, pooh)
    assert [(k, who) for k, t, who in lines if "Cottleston" in t] == [("dialogue", "Pooh")]
    # "Like this:" opening a sentence leads into the song as "like this:" does
    murmur = "Pooh murmured to himself. Like this:\n\n    Isn't it funny\n    How a bear likes honey?"
    assert [k for k, t, _ in _kinds(murmur, pooh) if "funny" in t] == ["dialogue"]
    # indented verse with no song before it stays the narrator's
    poem = "Piglet read the card.\n\n    Roses are red,\n    Violets are blue.\n\nHe smiled."
    assert all(k == "narration" for k, _, _ in _kinds(poem, pooh))


def test_a_letter_quoted_in_the_narration_is_read_by_the_narrator():
    cast = [Character("Anne", [], "female"), Character("Mary", [], "female")]
    body = "I make no apology for my silence, because I know how little people think of letters. " * 2
    text = (
        "Anne opened the letter from her sister.\n\n"
        f'"My dear Anne,--{body}We have had a very dull Christmas.  Yours affectionately,"\n\n'
        '"She is always the same," said Anne.'
    )
    lines = _kinds(text, cast)
    assert [k for k, t, _ in lines if "no apology" in t] == ["narration"]
    assert ("dialogue", "She is always the same,", "Anne") in lines
    # introduced by the narration, a letter is read even without a salutation, with its
    # next paragraphs and its signature; a short reply after it is dialogue again
    note = (
        "Her eyes devoured the following words:\n\n"
        f'"{body}"\n\n"{body}"\n\n"F. W."\n\n"What does he say?"\n\n"Nothing," said Anne.'
    )
    lines = _kinds(note, cast)
    assert [k for k, t, _ in lines if t.strip('"').startswith(("I make", "F. W."))] == ["narration"] * 3
    assert [t for k, t, _ in lines if k == "dialogue"] == ["What does he say?", "Nothing,"]
    # a narration sentence about the written text hands over the long quote after it (a
    # second sheet, a postscript), but not a spoken "Oh! ..." nor a short reply
    sheet = (
        "So ended the first sheet; the rest had been put into an envelope.\n\n"
        f'"{body}"\n\n"Poor Mary," said Anne.\n\nThere was a postscript.\n\n"Ill again!"\n\n'
        "She turned to her letter.\n\n"
        f'"Oh! {body}"'
    )
    lines = _kinds(sheet, cast)
    assert [k for k, t, _ in lines if "no apology" in t] == ["narration", "dialogue"]
    assert [t[:12] for k, t, _ in lines if k == "dialogue"] == ["Poor Mary,", "Ill again!", "Oh! I make n"]
    # a colon after a word about print hands over a book's page, and the long paragraph after it
    entry = "John Smith, born May 2, 1801, married, June 4, 1830, Jane, daughter of Tom Brown. " * 2
    page = f'This was the page at which the old register always opened:\n\n"THE SMITHS."\n\n"{entry}"'
    assert all(k == "narration" for k, _, _ in _kinds(page, cast))
    assert [k for k, _, _ in _kinds('Anne put down the book and asked:\n\n"Is it late?"', cast)][
        -1
    ] == "dialogue"
    # a spoken "My dear Lizzy, do not..." is speech, and so is a short "My dear Louisa--as Tom says."
    spoken = '"My dear Mary, do not give way to such feelings as these," said Anne.'
    assert [k for k, t, _ in _kinds(spoken, cast) if "My dear" in t] == ["dialogue"]


def test_no_dialogue_line_is_only_quote_marks():
    """The closing mark after a nested quote that ends a long speech, or an empty pair of
    marks, is typography: no line of its own (a bare "?" reply still is one)."""
    cast = [Character("Ann", [], "female"), Character("Bob", [], "male")]
    story = "I went to see him and told him all of it, every word, as plainly as I could. " * 4
    text = f'"{story}And he only said, \'Did you?\'" said Ann.\n\nBob laughed. ""\n\n"?"'
    lines = _kinds(text, cast)
    spoken = [t for k, t, _ in lines if k == "dialogue"]
    assert all(t.strip("\"' ") for t in spoken), spoken
    assert spoken[-1] == "?"
    check_tiling(text, cast)


def test_a_speech_goes_on_after_a_verse_it_quotes():
    cast = [Character("Harriet", [], "female"), Character("Emma", [], "female")]
    text = (
        '"Listen to the second line, Emma:\n\n      And woman, lovely woman, reigns alone.\n\n'
        "Can it be Neptune?\n\n      Behold him there, the monarch of the seas!\n\n"
        'Or a trident? It must be very clever," said Harriet.\n\nEmma smiled.'
    )
    lines = _kinds(text, cast)
    spoken = [(t, who) for k, t, who in lines if k == "dialogue"]
    assert [t for t, _ in spoken] == [
        "Listen to the second line, Emma:",
        "Can it be Neptune?",
        "Or a trident? It must be very clever,",
    ]
    assert {who for _, who in spoken} == {"Harriet"}
    narrated = " ".join(t for k, t, _ in lines if k == "narration")
    assert "reigns alone." in narrated and "monarch of the seas!" in narrated


def test_a_long_speech_is_cut_into_breath_long_lines_of_one_speaker():
    cast = [Character("Griffin", [], "male"), Character("Kemp", [], "male")]
    story = " ".join(f"I went down street number {i} and nobody saw me at all." for i in range(7))
    text = f'"{story}" said Griffin.\n\n"Go on," said Kemp.'
    lines = _kinds(text, cast)
    spoken = [(t, who) for k, t, who in lines if k == "dialogue" and t != "Go on,"]
    assert len(spoken) >= 2 and all(len(t) <= 300 for t, _ in spoken)
    assert " ".join(t for t, _ in spoken) == story
    assert {who for _, who in spoken} == {"Griffin"}
