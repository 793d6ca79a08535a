"""Character discovery, names and aliases, the first-person narrator."""

from __future__ import annotations

from audiodrama.model import Character
from audiodrama.parse.characters import detect_first_person, discover
from audiodrama.parse.names import NameIndex, name_key
from audiodrama.parse.quotes import find_quotes
from audiodrama.parse.structure import paragraphs


def found(text: str) -> list[Character]:
    return discover(text, find_quotes(text, paragraphs(text)))[0]


def test_name_key_normalises():
    assert name_key("Mr. Darcy") == name_key("Mr Darcy") == "mr darcy"
    assert name_key("the Hatter") == "hatter"
    assert name_key("Monsieur Barnes") == "mr barnes"


def test_index_longest_match_and_derived_parts():
    idx = NameIndex(
        [
            Character("Mr. John Knightley", ["John"], "male"),
            Character("Mr. Knightley", ["Knightley"], "male"),
            Character("Bill Gorton", [], "male"),
        ]
    )
    text = "Mr. John Knightley met Mr. Knightley and Bill at the inn; Gorton paid."
    got = [(text[m.start : m.end], m.char) for m in idx.mentions(text, 0, len(text))]
    assert got == [("Mr. John Knightley", 0), ("Mr. Knightley", 1), ("Bill", 2), ("Gorton", 2)]


def test_a_lone_title_names_its_one_holder_but_not_before_another_name():
    # the story's one `Mr.` and one `Colonel`: the title alone is them, `Mr. Lowe` someone
    # else (the quote `Mr. Lowe tells me ...` is no sign Mr. Grayson is not speaking)
    idx = NameIndex([Character("Mr. Grayson", [], "male"), Character("Colonel Brandon", [], "male")])
    text = "Mr. Lowe tells me so. Ask Mr. Grayson, or the Colonel. Colonel Fitzwilliam knows. Mr. Grayson, Colonel."
    got = [(text[m.start : m.end], m.char) for m in idx.mentions(text, 0, len(text))]
    assert got == [("Mr. Grayson", 0), ("the Colonel.", 1), ("Mr. Grayson", 0), ("Colonel.", 1)]


def test_lowercase_descriptions_are_mentions():
    idx = NameIndex([Character("The Drummer", [], "male"), Character("Count Mippipopolous", [], "male")])
    text = "Then the drummer chanted and the count laughed."
    assert [m.char for m in idx.mentions(text, 0, len(text))] == [0, 1]


def test_discovery_clusters_honorific_and_surname():
    text = "\n\n".join(
        [
            '"Well," said Mr. Weston.',
            '"Yes," said Mrs. Weston.',
            "Weston laughed at his wife.",
            '"Go," said Weston.',
            '"Come," said Frank Churchill.',
            '"No," said Frank.',
            '"I will," said Mr. Weston.',
        ]
    )
    chars = found(text)
    names = {c.name: c for c in chars}
    mr = next(c for c in chars if "Mr. Weston" in c.all_names())
    mrs = next(c for c in chars if "Mrs. Weston" in c.all_names())
    assert mr is not mrs and mr.gender == "male" and mrs.gender == "female"
    assert "Weston" in mr.all_names()
    frank = next(c for c in chars if "Frank Churchill" in c.all_names())
    assert "Frank" in frank.all_names()
    assert len(names) == 3


def test_gender_from_pronoun_agreement():
    text = "\n\n".join(
        [
            '"Hi," said Willow.',
            "Willow bit her lip and looked away.",
            "Willow smiled. She was happy.",
            '"Hey," said Xander.',
            "Xander rolled his eyes.",
            "Xander shrugged. He did not care.",
        ]
    )
    by = {c.name: c.gender for c in found(text)}
    assert by == {"Willow": "female", "Xander": "male"}


def test_first_person_detection():
    first = "\n\n".join(
        ["I walked in. I sat down.", '"Hi," I said.', '"Hello," I said.', "My drink came and I drank it."]
    )
    third = "\n\n".join(["She walked in.", '"Hi," she said.', '"Hello," he said.'])
    for text, expected in ((first, True), (third, False)):
        assert detect_first_person(text, find_quotes(text, paragraphs(text))) is expected


def test_first_name_list_genders_a_name_the_text_never_genders():
    # no pronoun ever refers to either: the first-name list decides (issue 15, class 7)
    text = (
        '"Did you bring the map?" Siobhan asked.\n\n'
        '"Of course I did," said Declan. "Do you think I would forget it?"\n\n'
        '"You forgot it last time," Siobhan said.\n'
    )
    genders = {c.name: c.gender for c in found(text)}
    assert genders == {"Siobhan": "female", "Declan": "male"}


def test_pronoun_evidence_outvotes_the_first_name_list():
    # the list says Brett is a man's name; the text says otherwise
    text = (
        'Brett smiled. She put down her glass.\n\n"It is late," Brett said.\n\n'
        'Brett turned away. She did not look back.\n\n"Good night," said Brett.\n'
    )
    assert {c.name: c.gender for c in found(text)}["Brett"] == "female"


def test_a_married_and_an_unmarried_title_are_two_women():
    text = "\n\n".join(
        [
            "Miss Daisy Miller walked in the garden with Mrs. Miller, her mother.",
            '"It is so hot," said Miss Miller.',
            '"Then sit down, my dear," said Mrs. Miller.',
            '"I shan\'t," said Miss Daisy Miller.',
            '"As you like," said Mrs. Miller.',
        ]
    )
    groups = sorted(sorted(c.all_names()) for c in found(text))
    assert ["Mrs. Miller"] in groups
    assert any("Miss Miller" in g and "Miss Daisy Miller" in g for g in groups)


def test_whom_a_question_is_asked_of_and_epithets_are_no_part_of_a_name():
    text = "\n\n".join(
        [
            "Robert sat on the porch with Mrs. Pontellier and Mr. Pontellier.",
            '"Are you going bathing?" asked Robert of Mrs. Pontellier.',
            '"Not today," said Mrs. Pontellier.',
            '"What a pity!" cried the good-hearted Mr. Pontellier.',
        ]
    )
    names = sorted(n for c in found(text) for n in c.all_names())
    assert "Robert" in names and not any(" of " in n or "good-hearted" in n for n in names)
    robert = next(c for c in found(text) if c.name == "Robert")
    assert robert.all_names() == ["Robert"]


def test_a_bare_surname_is_not_the_married_woman_of_that_name():
    text = "\n\n".join(
        [
            "Mrs. Thorpe sat with her son at the window.",
            '"What a day!" said Mrs. Thorpe.',
            '"A capital day for a drive," said Thorpe. He cracked his whip.',
            '"Do be careful," said Mrs. Thorpe.',
            '"Never fear," said Thorpe.',
        ]
    )
    by = {c.name: c for c in found(text)}
    assert "Thorpe" not in by["Mrs. Thorpe"].aliases
    assert any("Thorpe" in c.all_names() and c.name != "Mrs. Thorpe" for c in by.values())


def test_a_relation_is_no_character():
    # `Her brother` is whoever is near at the time, not one person
    text = "\n\n".join(
        [
            "Catherine sat with Henry in the garden.",
            '"Where is your sister?" asked Catherine.',
            "Her brother laughed.",
            'Her brother replied, "Gone to town."',
            "Her brother looked away. Her brother was tired.",
            '"She will be back soon," said Henry.',
            "Her brother nodded. Her brother smiled.",
        ]
    )
    assert sorted(c.name for c in found(text)) == ["Catherine", "Henry"]
