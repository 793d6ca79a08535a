"""Structure: front matter, scenes and chapters on the demo story, the PDNC novels and small texts."""

from __future__ import annotations

import csv
import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import DEMO_SCENES

from audiodrama.parse.scenecues import first_narration_sentence
from audiodrama.parse.structure import detect_structure, paragraphs, summary_block

#: Chapters as the novels' own headings number them (numbering restarts per volume/book).
REAL_CHAPTERS = {
    "AlicesAdventuresInWonderland": 12,
    "Emma": 18 + 18 + 19,
    "PrideAndPrejudice": 23 + 19 + 19,
    "TheSunAlsoRises": 7 + 11 + 1,
}


def _scene_starts(text, blocks):
    out, cur = [], None
    for b in blocks:
        if b.role == "body" and (b.chapter, b.scene) != cur:
            out.append(text[b.start : b.end])
        if b.role == "body":
            cur = (b.chapter, b.scene)
    return out


def test_demo_front_matter_and_summary(demo_text):
    blocks = detect_structure(demo_text)
    front = [demo_text[b.start : b.end] for b in blocks if b.role == "front_matter"]
    assert len(front) == 2
    assert front[0].startswith("So I had a little idea for a story")
    assert front[1].startswith("Summary:")
    assert demo_text[summary_block(demo_text, blocks).start :].startswith("Summary: Goes very AU")
    assert not any(b.role == "heading" for b in blocks)


def test_demo_scenes_at_each_change_of_place_or_time(demo_text):
    blocks = detect_structure(demo_text)
    starts = _scene_starts(demo_text, blocks)
    assert len(starts) == len(DEMO_SCENES), [s[:40] for s in starts]
    for found, expected in zip(starts, DEMO_SCENES):
        assert found.startswith(expected)
    cues = [b.cue for b in blocks if b.cue]
    assert cues == ["wake", "arrive", "arrive", "transport"]


@pytest.mark.parametrize("novel", sorted(REAL_CHAPTERS))
def test_pdnc_chapter_counts(novel, pdnc):
    text = (pdnc / novel / "novel_text.txt").read_text(encoding="utf-8")
    blocks = detect_structure(text)
    assert max(b.chapter for b in blocks) == REAL_CHAPTERS[novel]
    # every chapter opens with a heading block
    firsts = {}
    for b in blocks:
        firsts.setdefault(b.chapter, b)
    assert all(b.role in ("heading", "front_matter") for b in firsts.values())
    # no gold quotation falls in front matter, a heading or a break
    spans = []
    with open(pdnc / novel / "quotation_info.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            spans += [tuple(s) for s in json.loads(row["quoteByteSpans"])]
    unvoiced = [(b.start, b.end) for b in blocks if b.role != "body"]
    hits = [s for s in spans for u in unvoiced if s[0] < u[1] and u[0] < s[1]]
    assert hits == []


def test_sun_also_rises_headings_on_two_lines_and_books(pdnc):
    text = (pdnc / "TheSunAlsoRises" / "novel_text.txt").read_text(encoding="utf-8")
    blocks = detect_structure(text)
    titles = [b.title for b in blocks if b.role == "heading"]
    assert titles[:3] == ["BOOK I", "CHAPTER 1", "CHAPTER 2"]
    assert sum(t.startswith("BOOK") for t in titles) == 3
    front = [text[b.start : b.end] for b in blocks if b.role == "front_matter"]
    assert front[0] == "THE SUN ALSO RISES" and front[1] == "by Ernest Hemingway"


@pytest.mark.parametrize(
    "heading",
    [
        "Chapter 12",
        "CHAPTER XII.",
        "Chapter Twelve: The Ball",
        "Chapter 3 - The Return",
        "Prologue",
        "Epilogue: After",
        "BOOK II",
        "Part One",
        "CHAPTER\n    7",
        "Chapter 21 (Snow)",
    ],
)
def test_heading_forms(heading):
    text = f"Some story text here, long enough.\n\n{heading}\n\nMore story text follows here."
    blocks = detect_structure(text)
    assert [b.role for b in blocks] == ["body", "heading", "body"]
    assert [b.chapter for b in blocks] == [1, 2, 2]


@pytest.mark.parametrize(
    "para",
    [
        "Part of her meaning was to conceal it.",
        "Chapter and verse, he said.",
        "Book the tickets now.",
        "The chapter was long.",
    ],
)
def test_not_headings(para):
    text = f"Some story text.\n\n{para}\n\nMore story text."
    assert [b.role for b in detect_structure(text)] == ["body", "body", "body"]


@pytest.mark.parametrize(
    "ornament", ["***", "* * *", "---", "~~~", "#", "oOo", "~o~", "x x x", "\u2042", "*      *      *"]
)
def test_explicit_breaks(ornament):
    text = f"Anna left the room.\n\nShe sat.\n\n{ornament}\n\nBen waited at home."
    blocks = detect_structure(text)
    assert [b.role for b in blocks] == ["body", "body", "break", "body"]
    assert [b.scene for b in blocks if b.role == "body"] == [1, 1, 2]
    assert blocks[-1].cue == "break"


def test_explicit_breaks_switch_off_the_heuristic():
    text = "Anna sat.\n\nShe read.\n\nThe next morning she left.\n\n* * *\n\nBen arrived at the station."
    scenes = [b.scene for b in detect_structure(text) if b.role == "body"]
    assert scenes == [1, 1, 1, 2]


@pytest.mark.parametrize(
    "para,cue",
    [
        ("The next morning, Anna packed her bags.", "time"),
        ("Three days later the letter came.", "time"),
        ("Meanwhile, Ben was waiting at the station.", "time"),
        ("Anna woke up to the sound of rain.", "wake"),
        ("Anna arrived at the station just after noon.", "arrive"),
        ("Ben found a quiet table in the corner of the cafe.", "arrive"),
        ("With a flash, the spell transported them to the castle.", "transport"),
        ('"Finally," Ben said when he arrived at her house.', "arrive"),
    ],
)
def test_scene_cues(para, cue):
    text = f"Anna talked to Ben.\n\nThey argued.\n\n{para}\n\nIt went on."
    blocks = detect_structure(text)
    assert blocks[2].cue == cue and blocks[2].scene == 2


@pytest.mark.parametrize(
    "para",
    [
        "If she arrived at the station late, he would leave.",
        "She had never arrived at the station so late.",
        '"The next morning I will go," she said.',
        "She closed her eyes, then opened her eyes and looked at him.",
        "He walked into the room and sat down.",
        "She smiled at him.",
    ],
)
def test_no_scene_cue(para):
    text = f"Anna talked to Ben.\n\nThey argued.\n\n{para}\n\nIt went on."
    assert all(b.scene == 1 for b in detect_structure(text))


def test_blank_lines_alone_do_not_make_a_scene():
    text = "Anna talked.\n\nBen answered.\n\n\n\nAnna laughed.\n\nBen left."
    assert {b.scene for b in detect_structure(text)} == {1}


def test_front_matter_labels_and_notes():
    text = (
        "Disclaimer: I own nothing.\n\nA/N: thanks to my beta!\n\nChapter 1\n\n"
        "Author's Note: short one.\n\nAnna sat.\n\nShe read.\n\n(A/N: more later)\n\n"
        "Chapter 2\n\nBen came.\n\nHe sat.\n\nPlease review!"
    )
    blocks = detect_structure(text)
    roles = [(text[b.start : b.end][:12], b.role) for b in blocks]
    assert [r for _, r in roles] == [
        "front_matter",
        "front_matter",
        "heading",
        "front_matter",
        "body",
        "body",
        "front_matter",
        "heading",
        "body",
        "body",
        "front_matter",
    ]
    assert max(b.chapter for b in blocks) == 2


def test_one_paragraph_per_line_and_glued_heading():
    long = "word " * 40
    text = "\n".join(f"Line {i} {long}" for i in range(8))
    assert len(paragraphs(text)) == 8
    text = "Chapter 1\nIt was a dark night and the rain fell.\n\nMore."
    blocks = detect_structure(text)
    assert [b.role for b in blocks] == ["heading", "body", "body"]


def test_first_narration_sentence():
    assert first_narration_sentence('"Hi!" Ben said. He left.') == "Ben said."
    assert first_narration_sentence('"Only speech."') == ""


def test_unlabelled_authors_note(demo_text):
    text = demo_text.replace(demo_text[demo_text.index("Summary:") : demo_text.index("\"I don't like")], "")
    blocks = detect_structure(text)
    assert [b.role for b in blocks[:2]] == ["front_matter", "body"]
    opening = "It was a dark night and the story of the town was long. Anna walked home."
    assert detect_structure(opening + "\n\nMore.")[0].role == "body"
    assert (
        detect_structure("Hey guys! My first fic, please review. I don't own Buffy.\n\nAnna walked home.")[
            0
        ].role
        == "front_matter"
    )


@pytest.mark.parametrize(
    "marks",
    [
        ["1", "2", "3"],
        ["I.", "II.", "III."],
        ["# 1", "# 2", "# 3"],
        ["# Chapter 1", "# Chapter 2", "# Chapter 3"],
    ],
)
def test_numbered_and_hash_headings(marks):
    text = "\n\n".join(f"{m}\n\nAnna walked home on day {i}. It rained." for i, m in enumerate(marks))
    blocks = detect_structure(text)
    assert [b.role for b in blocks if b.role == "heading"] == ["heading"] * 3
    assert max(b.chapter for b in blocks) == 3


def test_lone_numbers_that_do_not_count_are_not_headings():
    text = "Anna counted.\n\n7\n\nThen more.\n\n3\n\nDone."
    assert all(b.role == "body" for b in detect_structure(text))


@pytest.mark.parametrize(
    "text,lang",
    [
        (
            "\u2014 Oui, dit-il. Je ne sais pas ce que tu veux dire, mais elle \u00e9tait l\u00e0 avec lui.",
            "fr",
        ),
        (
            "\u201eIch wei\u00df es nicht\u201c, sagte er. Sie war nicht mit ihm in dem Haus, aber es war sp\u00e4t.",
            "de",
        ),
        (
            "\u2014S\u00ed \u2014dijo \u00e9l\u2014. No s\u00e9 qu\u00e9 quieres decir, pero ella estaba en la casa.",
            "es",
        ),
        ('"I don\'t know," he said. She was not in the house with him, and it was late.', "en"),
        ("Hm.", "en"),
    ],
)
def test_language_detection(text, lang):
    from audiodrama.parse import parse_story
    from audiodrama.parse.language import detect_language

    assert detect_language(text) == lang
    assert parse_story(text).language == lang
    assert parse_story(text, lang="pt-br").language == "pt-br"


def test_indented_paragraphs_without_blank_lines():
    para = "    Anna walked along the shore,\nlooking at the grey water and the\ngulls over the pier.\n"
    text = "".join(para.replace("Anna", f"Anna{i}") for i in range(6))
    spans = paragraphs(text)
    assert len(spans) == 6 and text[spans[1][0] :].startswith("Anna1")


@pytest.mark.parametrize(
    "text,style",
    [
        ("\u00ab Oui \u00bb, dit-il. \u00ab Non \u00bb, dit-elle.", "guillemets"),
        ("\u00bbJa\u00ab, sagte er. \u00bbNein\u00ab, sagte sie.", "reversed-guillemets"),
        ("\u201eJa\u201c, sagte er. \u201eNein\u201c, sagte sie.", "german"),
        ("\u2014 Oui, dit-il.\n\u2014 Non, r\u00e9pondit Marie.", "dash"),
        ("\u2039 Oui \u203a dit-il.", "single-guillemets"),
        ('\u201cYes,\u201d he said. "No," she said.', "english"),
        ("No speech at all.", "english"),
    ],
)
def test_quote_style(text, style):
    from audiodrama.parse.language import quote_style

    assert quote_style(text) == style


def test_a_label_inside_the_story_is_not_front_matter():
    text = (
        'Anna walked to the gate.\n\n"Look," Ben said.\n\nWarning: keep out, said the sign.\n\n'
        "They went in anyway."
    )
    assert [b.role for b in detect_structure(text)] == ["body"] * 4


# ---- properties (hypothesis) ------------------------------------------------------------------------

STRUCTURE_ALPHABET = [
    "word",
    "Ann",
    "said",
    ".",
    ",",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\n\n\n",
    "\t",
    "   ",
    "Chapter 1",
    "CHAPTER II.",
    "* * *",
    "***",
    "#",
    "1",
    "IV.",
    "Summary:",
    "A/N:",
    '"Hi,"',
    "The next morning",
    "she woke",
    "by Someone",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(STRUCTURE_ALPHABET), max_size=60))
def test_paragraphs_and_blocks_cover_the_text(parts):
    """Paragraphs are trimmed, ordered, disjoint and hold every non-space character;
    detect_structure gives one block per paragraph, chapters and scenes counting up from 1."""
    text = "".join(parts)
    paras = paragraphs(text)
    covered = set()
    last_end = 0
    for s, e in paras:
        assert last_end <= s < e <= len(text)
        assert text[s:e] == text[s:e].strip()
        covered.update(range(s, e))
        last_end = e
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
    blocks = detect_structure(text)
    assert [(b.start, b.end) for b in blocks] == paras
    assert all(b.role in ("body", "heading", "break", "front_matter") for b in blocks)
    if blocks:
        assert blocks[0].chapter == 1 and blocks[0].scene == 1
    for a, b in itertools.pairwise(blocks):
        assert a.chapter <= b.chapter <= a.chapter + 1
        assert a.scene <= b.scene <= a.scene + 1
