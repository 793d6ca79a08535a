"""Characters found without a cast (issue 15): speakers known by a description, named
first-person narrators, invented characters that must not be, titles that never join."""

from __future__ import annotations

from support import JAKE_AT_THE_BAR

from audiodrama.model import Character, Script
from audiodrama.parse import parse_story
from audiodrama.parse.characters import discover
from audiodrama.parse.names import NameIndex
from audiodrama.parse.quotes import find_quotes
from audiodrama.parse.structure import paragraphs


def found(text: str) -> list[Character]:
    return discover(text, find_quotes(text, paragraphs(text)))[0]


def spoken(script: Script) -> list[tuple[str | None, str]]:
    return [(l.speaker, l.text) for l in script.lines() if l.kind == "dialogue"]


def owner(script: Script, name: str) -> Character:
    return next(c for c in script.characters if name in c.all_names())


_OLD_MAN = [
    "An old man sat on a stone by the road when Tom came by.",
    '"Where are you going, lad?" said the old man.',
    '"To the town," said Tom.',
    '"It is a long way," said the old man. "Sit with me a while."',
    "Tom sat down beside him.",
    '"My legs are not what they were," said the old man.',
    '"Nor mine," said Tom.',
]


def test_an_unnamed_speaker_is_a_character_of_his_own():
    script = parse_story("\n\n".join(_OLD_MAN))
    old = owner(script, "the old man")
    assert old.gender == "male" and "an old man" in old.aliases
    lines = spoken(script)
    assert [s for s, t in lines if t.startswith(("Where", "It is", "Sit", "My legs"))] == [old.name] * 4
    assert [s for s, t in lines if t.startswith(("To the", "Nor"))] == ["Tom", "Tom"]


def test_a_name_revealed_later_is_folded_into_the_description():
    text = "\n\n".join(
        [
            *_OLD_MAN,
            '"I am Mr. Hardy," said the old man. "I keep the mill."',
            "Mr. Hardy got up. Mr. Hardy walked with Tom as far as the mill.",
            '"Good day to you, Mr. Hardy," said Tom.',
        ]
    )
    script = parse_story(text)
    hardy = owner(script, "Mr. Hardy")
    assert "the old man" in hardy.all_names() and hardy.gender == "male"
    assert not any(c is not hardy and "the old man" in c.all_names() for c in script.characters)
    assert [s for s, t in spoken(script) if t.startswith(("Where", "I am"))] == [hardy.name, hardy.name]


def test_a_description_is_gendered_by_its_noun_or_its_pronouns():
    text = "\n\n".join(
        [
            '"Who is there?" said the old woman.',
            '"A friend," said the stranger. He stepped into the light.',
            '"Come in, then," said the old woman.',
            "The stranger took off his hat. He sat by the fire.",
            '"Thank you," said the stranger.',
        ]
    )
    genders = {c.name: c.gender for c in found(text)}
    assert genders == {"the old woman": "female", "the stranger": "male"}


def test_the_pronouns_of_the_next_paragraph_or_a_speech_tag_do_not_gender_a_description():
    # Oliver Twist's surgeon was a woman: the nurse's `she` in the next paragraph counted
    text = "\n\n".join(
        [
            "The surgeon had been sitting with his face turned towards the fire.",
            '"You must not talk about dying yet," said the surgeon at last.',
            '"Lor bless her dear heart, no!" she cried, and the nurse put the bottle away.',
            '"It will be troublesome," said the surgeon.',
            '"Ah, poor dear, so it is!" said the nurse, as she stooped for the cork.',
            'Then the surgeon looked up. "Give it a little gruel," she heard him say.',
        ]
    )
    assert {c.name: c.gender for c in found(text)}["the surgeon"] == "male"


def test_words_for_anybody_and_relatives_make_no_character():
    # `the girl` is Nancy in one scene and Rose in the next; `her mother` is the kin rules'
    text = "\n\n".join(
        [
            '"Come in, Rose," said Nancy at the gate.',
            '"No, Nancy," said Rose.',
            '"Go away," said the girl.',
            '"I will not," said the other.',
            '"Then stay," said the girl. "Stay, if you like."',
            '"Hush," said her mother.',
            '"Hush, both of you," said her mother.',
        ]
    )
    assert {c.name for c in found(text)} == {"Nancy", "Rose"}


def test_a_young_lady_in_a_story_that_names_no_woman_is_somebody() -> None:
    # Daisy Miller's opening names two males and calls the girl who speaks `the young
    # lady`: her lines, and every `she said`, went to Winterbourne
    text = "\n\n".join(
        [
            "Winterbourne sat in the garden. He was smoking. Randolph came along the path with"
            " a stick. He was a small boy.",
            '"Will you give me some sugar?" asked Randolph.',
            '"Yes," said Winterbourne.',
            "A young lady came along the path.",
            '"Randolph," said the young lady, "what are you doing?"',
            '"I am going up the Alps," replied Randolph.',
            '"Well, I guess you had better be quiet," she said.',
            '"This little boy and I have made acquaintance," said Winterbourne.',
            '"I should like to know where you got that stick," she said.',
        ]
    )
    script = parse_story(text)
    assert owner(script, "the young lady").gender == "female"
    said = {words: s for s, words in spoken(script)}
    assert said["Well, I guess you had better be quiet,"] == "the young lady"
    assert said["I should like to know where you got that stick,"] == "the young lady"
    # never brought in as a newcomer (`a young lady`), she may be someone the text named
    # and got the gender of wrong: nobody then
    unintroduced = text.replace("A young lady came along the path.", "Somebody came along.")
    assert "the young lady" not in {n for c in found(unintroduced) for n in c.all_names()}


def test_a_title_the_narration_keeps_writing_genders_its_character() -> None:
    # `the Admiral` is a man whatever pronouns follow (none here, in a short text)
    text = "\n\n".join(
        [
            "Anne walked to the Admiral's house. The Admiral was in the garden with Mrs. Croft.",
            '"Good morning," said the Admiral.',
            '"Good morning," said Anne. The Admiral smiled at Anne and Mrs. Croft.',
            '"Sit down, sit down," said the Admiral.',
            "Anne sat down beside the Admiral.",
        ]
    )
    admiral = next(c for c in found(text) if "the Admiral" in c.all_names())
    assert admiral.gender == "male"


def test_narrator_named_by_calling_themself():
    text = "\n\n".join(
        [
            "My father's family name being Pirrip, and my Christian name Philip, my infant tongue"
            " could make of both names nothing longer than Pip. So, I called myself Pip.",
            '"Where have you been?" said Joe.',
            '"Nowhere," I said.',
            '"Nowhere, is it?" said Joe.',
        ]
    )
    script = parse_story(text)
    assert owner(script, "Narrator (I)").name == "Pip"
    assert spoken(script)[1] == ("Pip", "Nowhere,")


def test_narrator_named_in_their_own_line():
    text = "\n\n".join(
        [
            "I came to the inn late at night. I was tired.",
            '"Who are you?" asked the landlord.',
            '"My name is Ishmael," I said. "I want a bed."',
            '"We have none," said the landlord.',
            '"Then I will sleep on the bench," I said.',
        ]
    )
    script = parse_story(text)
    assert owner(script, "Narrator (I)").name == "Ishmael"
    assert [s for s, _ in spoken(script)] == ["the landlord", "Ishmael", "Ishmael", "the landlord", "Ishmael"]


def test_narrator_named_by_an_apposition():
    text = "\n\n".join(
        [
            "I, Lemuel Gulliver, set down here what I saw. I was a surgeon.",
            '"Where am I?" I asked.',
            '"How did I come here?" I asked.',
        ]
    )
    assert owner(parse_story(text), "Narrator (I)").name == "Lemuel Gulliver"


def test_one_i_said_in_a_short_story_told_by_an_i_is_the_narrators():
    # a short story's narrator may speak once: `"Good morning," I said` went to Mrs. Grey
    text = "\n\n".join(
        [
            "When I came into the kitchen Mrs. Grey and her daughter were quarrelling.",
            '"You will not go," said Mrs. Grey.',
            '"I will," said Ellen. "I am twenty years old."',
            'I coughed. They both turned to me. "Good morning," I said.',
            '"Good morning, doctor," said Mrs. Grey.',
        ]
    )
    script = parse_story(text)
    assert [s for s, _ in spoken(script)] == ["Mrs. Grey", "Ellen", "Ellen", "Narrator (I)", "Mrs. Grey"]


def test_the_narrators_relatives_a_tag_names_are_characters_of_their_own():
    # `said my father` had no one to go to: every line of the story went to the narrator
    text = "\n\n".join(
        [
            "My father was reading by the window when I came home.",
            '"You are late," said my father.',
            '"The train was slow," I said.',
            '"Trains are always slow," said my father.',
            '"I would rather stand," I said.',
            '"Then stand," said my mother from the door.',
        ]
    )
    script = parse_story(text)
    assert {c.name: c.gender for c in script.characters if c.name.startswith("my ")} == {
        "my father": "male",
        "my mother": "female",
    }
    assert [s for s, _ in spoken(script)] == [
        "my father",
        "Narrator (I)",
        "my father",
        "Narrator (I)",
        "my mother",
    ]


def test_a_relative_the_narrator_addresses_speaks_though_no_tag_names_them():
    # `my uncle` and `"..., uncle," I said`: the `he cried` lines are his, and he names the narrator
    text = "\n\n".join(
        [
            "I had not seen my uncle for ten years when I knocked at his door.",
            '"Come in, come in," he cried. "Why, it is Tom! Tom, my boy, how you have grown."',
            '"You look well, uncle," I said.',
            '"Well? I am seventy-three. Sit down, Tom, and tell me everything."',
            '"I have lost my place at the bank," said I.',
            'He looked at me for a long time. "Then you shall stay here."',
        ]
    )
    script = parse_story(text)
    assert owner(script, "Narrator (I)").name == "Tom"
    assert [s for s, _ in spoken(script)] == ["my uncle", "my uncle", "Tom", "my uncle", "Tom", "my uncle"]
    # a relative nobody addresses is only talked about
    told = text.replace("You look well, uncle,", "You look well,")
    assert "my uncle" not in [c.name for c in parse_story(told).characters]


def test_in_a_story_that_names_nobody_the_descriptions_are_the_names():
    # `the boy` could be anybody's and is tagged once; with no name in the story it is his
    boy = "\n\n".join(
        [
            "The old man was mending a net when the boy came down to the beach.",
            '"Any fish today?" asked the boy.',
            '"None," said the old man. "The sea is empty."',
            '"Then why mend the net?"',
            '"Because tomorrow it may not be," the old man said.',
        ]
    )
    assert [s for s, _ in spoken(parse_story(boy))] == [
        "the boy",
        "the old man",
        "the old man",
        "the boy",
        "the old man",
    ]
    stranger = "\n\n".join(
        [
            "The stranger sat down at my table without asking.",
            '"You are the doctor," he said.',
            '"I am," I answered. "And who are you?"',
            '"A friend of your brother\'s."',
            '"My brother is dead."',
            '"So they tell me," said the stranger, and smiled.',
        ]
    )
    said = [s for s, _ in spoken(parse_story(stranger))]
    assert said == [
        "the stranger",
        "Narrator (I)",
        "Narrator (I)",
        "the stranger",
        "Narrator (I)",
        "the stranger",
    ]


def test_a_short_story_with_one_titled_name_and_an_untagged_i():
    # nobody was found (a titled name written once; no `I said`): every line was nobody's
    text = "\n\n".join(
        [
            "Mrs. Hale, my landlady, met me on the stairs.",
            '"There\'s a gentleman to see you," she said. "He wouldn\'t give his name."',
            '"Where is he?"',
            "I thanked her and went down to the parlour. A tall man stood by the fire.",
            '"Mr. Ward?" he asked. "My name is Carver."',
        ]
    )
    script = parse_story(text)
    assert {c.name for c in script.characters} >= {"Mrs. Hale", "Narrator (I)"}
    assert [s for s, _ in spoken(script)][:2] == ["Mrs. Hale", "Mrs. Hale"]
    # the visitor's `My name is Carver`, in a line only guessed to be the narrator's, names
    # nobody: the narrator is Mr. Ward
    assert "Carver" not in [c.name for c in script.characters]


def test_a_sister_whose_lines_only_beats_mark_is_somebody_in_a_two_person_story():
    # Anne is never tagged: she was no character, and Margaret spoke every line
    text = "\n\n".join(
        [
            "Margaret found her sister in the garden.",
            '"You are up early," Margaret said.',
            '"I could not sleep." Anne pulled a weed. "Did you hear the storm?"',
            '"Every minute of it."',
            '"Father says the bridge is down."',
            "Anne said nothing.",
        ]
    )
    said = [s for s, _ in spoken(parse_story(text))]
    assert said == ["Margaret", "Anne", "Anne", "Margaret", "Anne"]


def test_narrator_named_by_a_vocative_said_to_them():
    text = "\n\n".join(
        [
            "I went up the stairs. I was afraid.",
            '"Come here, Jane," she said to me.',
            '"Yes, Mrs. Reed," I said.',
            '"Sit down," said Mrs. Reed.',
            '"I would rather stand," I said.',
        ]
    )
    script = parse_story(text)
    jane = owner(script, "Narrator (I)")
    assert jane.name == "Jane" and jane.gender == "female"
    assert [s for s, _ in spoken(script)] == ["Mrs. Reed", "Jane", "Mrs. Reed", "Jane"]


def test_a_name_after_an_abbreviated_title_in_a_reply_is_no_name_for_the_narrator():
    # `Mlle. Blanche.` mentions someone: the title's period is no sentence end before a
    # one-word address, so the narrator stays unnamed (the text never names them)
    text = "\n\n".join(
        [
            "I went down to the hotel garden. I was restless.",
            '"Who is this Mlle. Blanche?" I asked.',
            '"Everyone knows who she is: just Mlle. Blanche," said Polina.',
            '"And the General loves her?" I said.',
            '"He adores Mlle. Blanche," said Polina.',
        ]
    )
    narrator = owner(parse_story(text), "Narrator (I)")
    assert narrator.name == "Narrator (I)"


def test_the_narrator_is_not_named_by_a_sentence_opener_or_a_bare_title() -> None:
    # `Besides,` opens two replies as an address would, but names nobody; `Mademoiselle,`
    # is said to whoever is so titled, not a name the narrator goes by
    text = "\n\n".join(
        [
            "I went down to the hotel garden. Mlle. Blanche and the General sat there. Mlle."
            " Blanche smiled at me, and I bowed to Mlle. Blanche.",
            '"Good evening," I said.',
            '"Mademoiselle, he greets you," the General said.',
            '"I greet you both," I said.',
            '"Mademoiselle, shall we go? Besides, it is late," the General said.',
            '"It is early yet," I said.',
            '"Not for me. Besides, I am tired," the General said.',
        ]
    )
    script = parse_story(text)
    assert owner(script, "Narrator (I)").name == "Narrator (I)"
    assert {"Besides"}.isdisjoint(n for c in script.characters for n in c.all_names())


def test_an_oath_in_a_reply_is_no_name_for_the_narrator() -> None:
    # `Hot, my God!` is shaped like an address next to the narrator's lines, but calls on no
    # one; the narrator stays unnamed (The Sun Also Rises: its narrator had become `God`)
    text = "\n\n".join(
        [
            "I took Georgette to a restaurant. It was a hot night.",
            '"My God," Georgette said. "What a box to sweat in!"',
            '"It\'s hot," I said.',
            '"Hot, my God!" said Georgette.',
            '"Take off your hat," I said.',
            '"Oh, my God, what a night," said Georgette.',
        ]
    )
    script = parse_story(text)
    assert owner(script, "Narrator (I)").name == "Narrator (I)"
    assert "God" not in {n for c in script.characters for n in c.all_names()}


def test_narrator_named_by_the_name_the_narration_never_writes() -> None:
    # the others call the narrator `Jake` in lines not next to the narrator's own; the
    # narration names everyone it shows but says `I` for the narrator: Jake is the narrator
    text = "\n\n".join(JAKE_AT_THE_BAR)
    script = parse_story(text)
    narrator = owner(script, "Narrator (I)")
    assert narrator.name == "Jake"
    assert [s for s, _ in spoken(script)][:2] == ["Jake", "Brett"]


def test_a_word_the_narration_writes_in_italics_is_no_name_for_the_narrator() -> None:
    # `Cottleston,` opens two sung lines as an address would; the narration writes it too,
    # in italics (`_Cottleston Pie_`), so it is not a name the narration never writes
    # (Winnie-the-Pooh's narrator had become `Cottleston`). The unnamed narrator answers to
    # "Narrator" too, as annotators and cast files call them.
    text = "\n\n".join(
        [
            "I told Christopher Robin about the Bear.",
            '"What about the Bear?" I asked.',
            '"He sang," said Christopher Robin.',
            "So the Bear sang _Cottleston Pie_ instead, in the wood.",
            '"Cottleston, Cottleston, Cottleston Pie," sang Pooh.',
            "He walked on through the trees, humming.",
            '"Cottleston, Cottleston, a fly can\'t bird," sang Pooh.',
            "Then he sat down on a log.",
            '"Go on," said Christopher Robin.',
            '"Very well," I said.',
        ]
    )
    script = parse_story(text)
    narrator = owner(script, "Narrator (I)")
    assert narrator.name == "Narrator (I)" and "Narrator" in narrator.aliases
    assert "Cottleston" not in {n for c in script.characters for n in c.all_names()}


def test_a_name_a_tag_writes_in_another_form_is_not_the_narrators() -> None:
    # `Michael` is never written in the narration, but `Mike said` is: the same man's name
    # in another form, not the narrator's
    text = "\n\n".join(
        [
            "I sat at the bar with Brett and Mike. I was tired.",
            '"Isn\'t it a fine band?" I said.',
            '"He was positively green," Mike said.',
            "The music stopped.",
            '"Oh, shove it along, Michael," Brett said.',
            "We walked over to the bar and drank. Nobody spoke for a while.",
            '"You mustn\'t ever get bored, Michael," Brett said.',
            "Mike looked at her and went back to the floor. I watched him go.",
            '"He is a fine dancer," I said.',
        ]
    )
    script = parse_story(text)
    assert owner(script, "Narrator (I)").name == "Narrator (I)"


def test_a_sentence_opening_word_before_i_is_no_character():
    text = "\n\n".join(
        [
            '"You would ask about him!" said Polina.',
            '"I knew you would ask about him!" Whereupon I told her of my travels.',
            '"He is shy," I said. "Whereupon he blushes."',
        ]
    )
    names = {n for c in found(text) for n in c.all_names()}
    assert not any(n.startswith("Whereupon") for n in names) and "Polina" in names


def test_a_bare_surname_names_the_one_mister_who_has_it() -> None:
    # `his name was Tilney. He ...`: the pronoun is the newcomer, not the man found so far
    text = "\n\n".join(
        [
            'Mr. Allen took Catherine to the rooms. "What a crowd," said Mr. Allen.',
            '"So do I hate it," said Catherine.',
            '"We must find a seat," said Mr. Allen, and he went off to look for one.',
            "The master of the ceremonies introduced to her a young man as a partner; his name"
            " was Tilney. He seemed about five and twenty. After chatting some time, he suddenly"
            ' addressed her with "Have you been long in Bath, madam?"',
            '"About a week, sir," replied Catherine.',
            '"Really!" said he, with affected astonishment.',
            "Mr. Tilney was a clergyman, Catherine learnt. Later Mr. Tilney was gone, and she"
            ' thought of Mr. Tilney all evening. "No seat anywhere," said Mr. Allen.',
        ]
    )
    said = spoken(parse_story(text))
    assert [s for s, t in said if t.startswith(("Have you", "Really"))] == ["Mr. Tilney"] * 2


def test_a_surname_two_misters_share_names_neither() -> None:
    tilneys = [Character("Mr. Tilney", [], "male"), Character("General Tilney", [], "male")]
    assert "tilney" not in NameIndex(tilneys).keys
    assert NameIndex(tilneys[:1]).keys["tilney"] == 0


def test_a_title_the_narration_keeps_naming_is_a_character_but_not_an_institution() -> None:
    text = "\n\n".join(
        [
            "Anne met the Admiral in Milsom Street. The Admiral was staring at a picture.",
            '"Ha! is it you?" He laughed. "Do look at this boat."',
            '"It is a strange boat," said Anne.',
            "The Admiral took her arm, and the Admiral talked all the way home.",
            "Anne thought of the Queen's Academy, the Queen's prize and the Queen's exams.",
        ]
    )
    names = {n for c in found(text) for n in c.all_names()}
    assert "the Admiral" in names and "the Queen" not in names


def test_a_title_is_the_one_character_who_bears_it() -> None:
    text = "\n\n".join(
        [
            "Colonel Brandon came in. Colonel Brandon was silent.",
            '"Good evening," said the Colonel.',
            '"Good evening," said Elinor.',
            '"It is cold," said the Colonel.',
        ]
    )
    brandon = [c for c in found(text) if "Colonel Brandon" in c.all_names()]
    assert len(brandon) == 1 and "the Colonel" in brandon[0].all_names()


def test_anybody_marked_out_by_what_they_wear_or_have_is_a_character() -> None:
    # `the man` is anybody, `the man with the black beard` one man; `the man said` stays no one
    text = "\n\n".join(
        [
            "Two men came into the bar. One had a black beard.",
            '"A pint," said the man with the black beard.',
            '"Coming up," said the landlord.',
            '"Make it two," said the man with the black beard, and sat down.',
            '"Who are you?" said the man.',
            '"Nobody," said the man.',
        ]
    )
    names = {n for c in found(text) for n in c.all_names()}
    assert "the man with the black beard" in names and "the man" not in names


def test_forms_of_address_ships_and_exclamations_are_no_characters():
    text = "\n\n".join(
        [
            '"The tiffin is ready, Sahib," said Ram Lal.',
            '"Thank you, Sahib," said Ram Lal again. "Goodness, it smells good."',
            '"Not yet," said Colonel Grey. "Bring it later."',
            '"As you wish, Sahib. Goodness, the heat."',
            '"Goodness, what a day," said Colonel Grey.',
            "They boarded the Hispaniola at dawn. The Hispaniola was a fine ship.",
            '"All hands!" cried the Hispaniola\'s captain.',
            '"Lively now!" said the Hispaniola\'s captain.',
        ]
    )
    assert sorted(c.name for c in found(text)) == ["Colonel Grey", "Ram Lal"]


def test_titles_and_first_names_that_never_name_one_person():
    text = "\n\n".join(
        [
            '"Well," said Sir Walter Elliot.',
            '"Indeed," said Sir Walter.',
            '"I am his heir," said Mr. Elliot.',
            '"Come," said Charles Musgrove.',
            '"No," said Miss Musgrove.',
            '"Dear me," said Mrs. Dashwood.',
            '"How odd," said Mrs. John Dashwood.',
            '"Capital," said Sir John Middleton.',
            '"Good evening," said John.',
        ]
    )
    groups = [set(c.all_names()) for c in found(text)]

    def apart(a: str, b: str) -> bool:
        return not any(a in g and b in g for g in groups)

    assert not apart("Sir Walter", "Sir Walter Elliot")
    assert apart("Mr. Elliot", "Sir Walter Elliot")
    assert apart("Miss Musgrove", "Charles Musgrove")
    assert apart("Mrs. Dashwood", "Mrs. John Dashwood")
    assert apart("John", "Sir John Middleton")


def test_a_one_sex_first_name_needs_clear_pronouns_against_it():
    # the pronoun after `Frances` is about Robert; her own is outweighed
    text = "\n\n".join(
        [
            '"Hello," said Frances.',
            "Frances looked at Robert. He smiled.",
            "Frances sat down. She was tired.",
            '"Am I?" said Robert.',
        ]
    )
    assert {c.name: c.gender for c in found(text)}["Frances"] == "female"


def test_a_pronoun_after_someone_else_s_name_is_not_the_speaker_s():
    text = "\n\n".join(
        [
            '"Oh dear!" said the Rabbit. Alice looked at it and she laughed.',
            '"I shall be late!" said the Rabbit. Then Alice stood up, and she ran.',
            '"My ears!" said the Rabbit. Alice followed, though she was tired.',
            "The Rabbit checked his watch and hurried on.",
        ]
    )
    assert {c.name: c.gender for c in found(text)}["the Rabbit"] == "male"


_HARTLEY = [
    "Nell Hartley was the doctor's only daughter, and she kept his house.",
    '"You are early, Miss Hartley," said Tom.',
    '"The kettle is on," said Nell.',
    '"Then I will wait, Miss Hartley," said Tom.',
    '"Do," said Nell. Nell smiled at him.',
    '"Good morning, Miss Hartley," said Tom.',
    '"Good morning," said Nell.',
]


def test_a_titled_surname_joins_the_first_name_the_narration_gives_it():
    chars = found("\n\n".join(_HARTLEY))
    nell = next(c for c in chars if "Nell" in c.all_names())
    assert "Miss Hartley" in nell.all_names() and nell.gender == "female"
    assert not any(c is not nell and "Miss Hartley" in c.all_names() for c in chars)


def test_a_titled_surname_stays_apart_from_a_younger_sister():
    # `Miss Nell` again and again: Nell is a younger sister, `Miss Hartley` the eldest
    text = "\n\n".join([*_HARTLEY, *['"Come in, Miss Nell," said Tom.'] * 3])
    chars = found(text)
    nell = next(c for c in chars if "Nell" in c.all_names())
    assert "Miss Hartley" not in nell.all_names()


def test_a_womans_first_name_joins_the_same_name_with_a_title():
    # `Miss Louisa` and `said Louisa` are one girl (a bare surname would be a man's)
    text = "\n\n".join(
        [
            '"Good night, Miss Louisa," said Mr. Grimes.',
            '"Good night," said Louisa.',
            '"Shall I light the lamp, Miss Louisa?" said Mr. Grimes.',
            '"No, thank you," said Miss Louisa.',
            '"As you like," said Mr. Grimes. "Miss Louisa knows best."',
            '"I do," said Louisa.',
        ]
    )
    chars = found(text)
    louisa = next(c for c in chars if "Louisa" in c.all_names())
    assert "Miss Louisa" in louisa.all_names()


def test_a_first_person_narrator_the_others_name_is_known_before_attribution():
    # `Hello, Jake` in reply to the `I said` lines: Jake is the narrator from the start,
    # so the ranker knows who is spoken to
    from audiodrama.parse.dialogue import setup

    text = "\n\n".join(
        [
            "I went down to the harbour early. Bill was there before me.",
            '"Hello, Jake," Bill said.',
            '"Hello," I said. "Any boats out?"',
            '"Not one, Jake. The wind is wrong."',
            '"Then we wait," I said.',
            '"We wait, Jake," said Bill. "I have waited all week."',
            '"So have I," I said.',
            '"You always say that, Jake."',
        ]
    )
    _, chars, att = setup(text, paragraphs(text), None)
    assert att.narrator is not None and chars[att.narrator].name == "Jake"
    assert not any(c.name == "Narrator (I)" for c in chars)


def test_a_word_only_capitalised_to_open_a_sentence_is_no_name():
    # `Moreover,` opens three quotes as a vocative would, but never stands mid-sentence
    text = "\n\n".join(
        [
            '"No. Moreover, the roof leaks," said Tom.',
            '"Well! Moreover, the rent is due," said Tom.',
            '"Yes. Moreover, I am tired," said Tom.',
            '"Go to bed, Ned," said Sal.',
            '"Not yet, Ned," said Tom. "Ned, sit down."',
            '"I will, Sal," said Ned.',
        ]
    )
    names = {n for c in found(text) for n in c.all_names()}
    assert "Moreover" not in names and {"Tom", "Sal", "Ned"} <= names


def test_a_bare_first_name_is_not_sir_johns():
    # `Sir John` is always called so: a plain `John` is someone else (John Dashwood)
    text = "\n\n".join(
        [
            '"Welcome to the Park," said Sir John.',
            '"Thank you," said Mr. John Dashwood.',
            '"You will dine with us," said Sir John.',
            '"Gladly," said John. "My wife is fond of the Park."',
            '"Then it is settled," said Sir John.',
            '"It is," said John.',
        ]
    )
    chars = found(text)
    sir = next(c for c in chars if "Sir John" in c.all_names())
    assert "John" not in sir.all_names()


def test_a_second_name_the_others_call_the_narrator_is_folded_in_before_attribution():
    from audiodrama.parse.dialogue import setup

    text = "\n\n".join(
        [
            "I went down to the harbour early. Bill was there before me.",
            '"Hello, Jake," Bill said.',
            '"Hello," I said. "Any boats out?"',
            '"Not one, Jake. The wind is wrong."',
            '"Then we wait," I said.',
            '"We wait, Jake," said Bill. "I have waited all week."',
            '"So have I," I said.',
            "Old Harris came along the quay and stopped by us.",
            '"Morning, Barnes," Harris said.',
            '"Morning," I said.',
            '"Fishing, Barnes?"',
            '"Waiting," I said.',
            '"Good luck to you, Barnes."',
        ]
    )
    _, chars, att = setup(text, paragraphs(text), None)
    assert att.narrator is not None and chars[att.narrator].name == "Jake"
    assert "Barnes" in chars[att.narrator].all_names()
    assert not any(c.name == "Barnes" for c in chars)


def test_a_full_name_joins_the_same_name_with_a_title():
    text = "\n\n".join(
        [
            '"How do you do?" said Miss Kitty Ross.',
            '"Very well," said Mr. Hale.',
            '"I am glad," said Miss Kitty Ross. "Kitty Ross is always glad."',
            "Kitty Ross laughed.",
            '"So I see," said Mr. Hale.',
            '"Do you?" said Kitty Ross.',
        ]
    )
    chars = found(text)
    kitty = next(c for c in chars if "Miss Kitty Ross" in c.all_names())
    assert "Kitty Ross" in kitty.all_names()


def test_a_nationality_is_no_name():
    # `said the young American` describes someone; `American` is nobody's name
    text = "\n\n".join(
        [
            '"He is no gentleman," said the young American.',
            '"Hush," said Mr. Hale.',
            '"He is not," said the young American. "Not at all."',
            '"As you say," said Mr. Hale.',
        ]
    )
    assert not any("American" in c.all_names() for c in found(text))


def test_an_untagged_pet_name_folds_into_the_given_name_it_shortens():
    # `Lizzy` only in the quotes: the tags call her Elizabeth
    text = "\n\n".join(
        [
            '"Now, Lizzy, where are you going?" said Mrs. Hale.',
            '"Out," said Elizabeth.',
            '"Oh, Lizzy! Come back," said Mrs. Hale.',
            '"Only to the gate," said Elizabeth.',
            '"Oh, Lizzy, you will catch cold," said Mrs. Hale.',
            '"I never do," said Elizabeth.',
        ]
    )
    chars = found(text)
    eliza = next(c for c in chars if "Elizabeth" in c.all_names())
    assert "Lizzy" in eliza.all_names()
    assert not any(c is not eliza and "Lizzy" in c.all_names() for c in chars)


def test_a_given_name_is_no_pet_name_of_a_shorter_one():
    # the nicknames list also maps `robert` to `bill`: Robert, called in the quotes, is
    # not Bill, who speaks in the tags
    text = "\n\n".join(
        [
            '"You were quite green, Robert," said Bill.',
            '"Let up on that," said Mike.',
            '"You weren\'t bored, were you, Robert?" said Bill.',
            '"Not a bit," said Mike.',
            '"Oh, Robert, do be quiet," said Bill.',
        ]
    )
    bill = next(c for c in found(text) if c.name == "Bill")
    assert "Robert" not in bill.all_names()


def test_a_tagged_pet_name_is_a_character_of_its_own():
    # `said Tom` beside `said Thomas Gradgrind`: the son, not the father
    text = "\n\n".join(
        [
            '"Where is your sister?" said Thomas Gradgrind.',
            '"In the garden," said Tom.',
            '"Fetch her, Tom," said Thomas Gradgrind.',
            '"Yes, father," said Tom.',
        ]
    )
    chars = found(text)
    assert any(c.name == "Tom" for c in chars) and any("Thomas Gradgrind" in c.all_names() for c in chars)


def test_a_titled_surname_joins_the_eldest_not_the_younger_sister():
    # `Miss Rose Hartley` again and again: Rose is the younger; `Miss Hartley` is Nell, the eldest
    text = "\n\n".join(
        [
            "Nell Hartley and Rose Hartley lived with their father.",
            *_HARTLEY[1:],
            *['"I met Miss Rose Hartley in the lane," said Tom.', '"Did you?" said Rose.'] * 3,
        ]
    )
    chars = found(text)
    nell = next(c for c in chars if "Nell" in c.all_names())
    rose = next(c for c in chars if "Rose" in c.all_names())
    assert "Miss Hartley" in nell.all_names() and "Miss Hartley" not in rose.all_names()


def test_pet_names_come_from_the_nicknames_package_and_the_period_supplement():
    from audiodrama.parse.pet_names import given_names_of

    assert "margaret" in given_names_of("peggy")  # the package's list
    assert "louisa" in given_names_of("loo")  # Hard Times' Loo: not in the package
    assert given_names_of("zebedee") == frozenset()


def _who(chars: list[Character], name: str) -> Character:
    return next(c for c in chars if name in c.all_names())


def test_a_titled_surname_joins_the_full_name_and_the_full_name_leads():
    text = "\n\n".join(
        [
            '"A fine morning," said Mr. Hollis. "Shall we walk?"',
            '"Gladly," said Ruth.',
            '"Then let us go," said Mr. Hollis.',
            "Mr. Hollis took his hat. Mr. Hollis opened the gate for her.",
            '"You are very kind," said Ruth.',
            '"I try to be," said Walter Hollis, smiling.',
            '"Admiral Hollis would not agree," said Ruth.',
            "Admiral Hollis was his uncle. Admiral Hollis lived in town.",
        ]
    )
    chars = found(text)
    walter = _who(chars, "Mr. Hollis")
    assert walter.name == "Walter Hollis" and walter.gender == "male"
    assert "Admiral Hollis" not in walter.all_names()  # a rank is never plain `Mr.`


def test_a_wife_called_by_her_husbands_full_name_keeps_him_apart_from_mr_surname():
    text = "\n\n".join(
        [
            '"The roads are bad," said Mr. Lacey.',
            '"They are always bad in March," said John Lacey.',
            "Mr. Lacey frowned at his brother. Mrs. John Lacey poured the tea.",
            "Mrs. John Lacey smiled at them both.",
            '"Must you two quarrel?" asked Mrs. John Lacey.',
            '"We never quarrel," said Mr. Lacey.',
            '"Never," said Mr. John Lacey.',
        ]
    )
    chars = found(text)
    assert _who(chars, "John Lacey") is not _who(chars, "Mr. Lacey")


def test_a_womans_full_name_does_not_take_in_mrs_surname():
    text = "\n\n".join(
        [
            '"Come in, my dear," said Mrs. Fenwick.',
            '"Thank you, aunt," said Clara Fenwick.',
            "Mrs. Fenwick rang for tea. Mrs. Fenwick sat down by the fire.",
            '"You look tired," said Mrs. Fenwick.',
            '"I walked from the station," said Clara.',
        ]
    )
    chars = found(text)
    assert _who(chars, "Clara Fenwick") is not _who(chars, "Mrs. Fenwick")


def test_a_shared_first_name_goes_to_the_family_the_story_is_about():
    text = "\n\n".join(
        [
            '"Good morning, mother," said Charles Marlow.',
            '"You are late," said Mrs. Marlow. Mrs. Marlow poured the tea.',
            "Mr. Marlow read his paper. Mrs. Marlow sighed. Miss Marlow laughed.",
            '"The roads were bad," said Charles.',
            '"They always are," said Mr. Marlow.',
            "Charles Hutton came in with the post. Charles Hutton bowed.",
            '"Letters for the house," said Charles Hutton.',
            '"Thank you," said Charles Hutton\'s cousin, Miss Marlow.',
            '"Read them to us," said Charles.',
        ]
    )
    chars = found(text)
    assert _who(chars, "Charles") is _who(chars, "Charles Marlow")
    assert _who(chars, "Charles") is not _who(chars, "Charles Hutton")


def test_a_trade_tagged_once_is_a_character_of_its_own():
    text = "\n\n".join(
        [
            "Tom and Mary went into the station café and sat down by the window.",
            '"Two coffees, please," said Tom.',
            '"Right away, sir," said the waiter. "Anything to eat?"',
            '"No, thank you," said Mary.',
            "The waiter went away. Tom looked at the clock.",
            '"We have an hour," said Tom.',
        ]
    )
    waiter = _who(found(text), "the waiter")
    assert waiter.gender == "male"
    lines = spoken(parse_story(text))
    assert [s for s, t in lines if t.startswith(("Right away", "Anything"))] == [waiter.name] * 2


def test_a_married_title_joins_the_first_name_when_the_family_has_no_miss():
    wife = [
        '"Good evening," said Clara.',
        "Clara Hensley took off her gloves. Clara Hensley was tired.",
        '"Is dinner ready?" asked Mrs. Hensley.',
        "Mrs. Hensley sat down. Mrs. Hensley rang the bell.",
        '"Not yet, madam," said Tom.',
    ]
    chars = found("\n\n".join(wife))
    assert _who(chars, "Clara") is _who(chars, "Mrs. Hensley")
    # a daughter of the family (`Miss Hensley`) is not her mother
    daughter = [*wife, "Miss Hensley laughed. Miss Hensley ran upstairs."]
    chars = found("\n\n".join(daughter))
    assert _who(chars, "Clara") is not _who(chars, "Mrs. Hensley")
