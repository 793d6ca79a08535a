"""Short stories whose speakers no tag names: newcomers known by a description and the
pronouns after it, a narrator who never writes `I said`, a brother and sister of one surname.
Each passage is hand-written; each test fails without the rule it names."""

from __future__ import annotations

from support import names_and_lines
from support import spoken_by as spoken

from audiodrama.parse import parse_story

_FERRY = "\n\n".join(
    [
        "It was nearly dark when the old man brought the boat in to the landing. A girl was "
        "waiting there with a basket on her arm, and she stepped forward as soon as the keel "
        "touched the stones.",
        '"Are you the ferryman?" she asked.',
        '"I am. But I\'ve done for the night."',
        '"Please. My mother is ill, on the other side, and I have her medicine."',
        "The old man looked at the sky, and then at the water.",
        '"The river\'s high," he said. "It\'s not safe after dark."',
        '"I\'m not afraid."',
    ]
)

_VISITOR = "\n\n".join(
    [
        "The doctor's wife was alone when the knock came. She opened the door a little way "
        "and looked out. A tall man stood on the step, with snow on his shoulders.",
        '"Is the doctor at home?"',
        '"He is out on a call. Is it urgent?"',
        '"It is a matter of some importance. May I wait?"',
        "She hesitated, and then let him in. He stood by the fire and did not take off his coat.",
        '"You have come far," she said.',
        '"From Lowick. Eleven miles."',
        '"On foot? In this?"',
        '"There was no other way." He turned from the fire. "You do not remember me, Mrs. Ferrars."',
        '"I am afraid I do not."',
    ]
)

_INN = "\n\n".join(
    [
        "The coach set me down at the Three Crows a little after dark. The landlord was a fat "
        "man with a red face, and he looked at my bag as though he were weighing it.",
        '"You\'ll be wanting a room," said he.',
        '"And supper, if there is any."',
        "\"There's mutton. There's always mutton.\"",
        "I took my supper by the fire. In the corner sat a man in a long coat who had not taken "
        "off his hat. Presently he got up and came over to me.",
        '"You are from London," he said. It was not a question.',
        '"I am. How did you know?"',
        "I stared at him. He took a pipe from his pocket and filled it slowly. The fire "
        "settled in the grate, and somewhere upstairs a door banged in the wind.",
        "The room was low and smoky, and a dog lay asleep under the settle. Two farmers at the "
        "far table were arguing about the price of wool, and neither of them looked up.",
    ]
)

_TEA = "\n\n".join(
    [
        "Mrs. Pettigrew had asked the vicar to tea, and the vicar had brought his sister.",
        '"I hope you don\'t mind, Mrs. Pettigrew," said the Reverend Mr. Oakes. "Agatha was at a loose end."',
        '"Not at all. Martha, another cup."',
        '"What a charming room," said Miss Oakes. "So very old-fashioned."',
        '"My late husband liked it so," said Mrs. Pettigrew.',
        '"Nonsense," said Miss Oakes. "He takes three at home."',
    ]
)


def test_a_newcomer_only_pronoun_tags_name_is_a_character_who_speaks() -> None:
    # `A girl was waiting` / `she asked`: the one woman of a story that names nobody
    script = parse_story(_FERRY)
    girl = next(c for c in script.characters if c.name == "the girl")
    assert girl.gender == "female"
    lines = spoken(script)
    assert lines["Are you the ferryman"] == "the girl"
    assert lines["Please. My mother is"] == "the girl"
    assert lines["I'm not afraid."] == "the girl"
    assert lines["I am. But I've done "] == "the old man"


def test_a_newcomer_the_beats_follow_is_somebody_and_a_possessed_noun_names_her() -> None:
    # no tag names the visitor: `A tall man stood on the step` and `He turned from the fire`
    # do; `The doctor's wife` is the woman `she said` is
    script = parse_story(_VISITOR)
    names = {c.name: c.gender for c in script.characters}
    assert names == {"the doctor's wife": "female", "the tall man": "male"}
    lines = spoken(script)
    assert lines["You have come far,"] == "the doctor's wife"
    assert lines["You do not remember "] == "the tall man"
    assert lines["On foot? In this?"] == "the doctor's wife"


def test_a_predicate_is_no_newcomer_and_an_i_who_acts_narrates() -> None:
    # `The landlord was a fat man`: the landlord again; `I took my supper`, `I stared`: an I
    # tells the story, though no tag says `I said` (and it says I/me/my only 9 times in
    # 1,000 characters)
    script = parse_story(_INN)
    names = [c.name for c in script.characters]
    assert "the landlord" in names
    assert not any("fat man" in n for n in names)
    assert any(c.name == "Narrator (I)" for c in script.characters)
    lines = spoken(script)
    assert lines["You'll be wanting a "] == "the landlord"
    assert lines["You are from London,"] == "the man in a long coat"
    assert lines["I am. How did you kn"] != "the man in a long coat"


def test_a_sister_and_her_brother_the_reverend_are_two_people() -> None:
    # `the Reverend Mr. Oakes` opens on `the` and two titles: his `Mr.` still keeps him
    # apart from `Miss Oakes`
    script = parse_story(_TEA)
    genders = {c.name: c.gender for c in script.characters}
    assert genders["Miss Oakes"] == "female"
    assert genders["the Reverend Mr. Oakes"] == "male"
    lines = spoken(script)
    assert lines["I hope you don't min"] == "the Reverend Mr. Oakes"
    assert lines["What a charming room"] == "Miss Oakes"


_LIGHTHOUSE = "\n\n".join(
    [
        "We reached the lighthouse at noon, Mortimer and I, after a crossing that had left us both pale.",
        '"Well," said my companion, looking up at the tower, "here is your solitude. I hope you like it."',
        '"It is exactly what I wanted."',
        '"You always were a strange fellow." He set down the bags. "Three weeks with no one to '
        'talk to but the gulls."',
        '"And the keeper."',
    ]
)


def test_said_my_companion_tells_a_story_told_by_an_i() -> None:
    # no `I said`, and I/me/my only four times in 1,000 characters: `said my companion` is
    # the narrator's word for a man beside them
    script = parse_story(_LIGHTHOUSE)
    assert any(c.name == "Narrator (I)" for c in script.characters)
    lines = spoken(script)
    assert lines["It is exactly what I"] == "Narrator (I)"
    assert lines["And the keeper."] == "Narrator (I)"


def test_a_relative_a_beat_brings_in_is_somebody() -> None:
    # `My mother looked up from her sewing.` beside a quote: she speaks, though nothing
    # tags her and nobody calls her `mother`
    text = "\n\n".join(
        [
            "My cousin Jack came to stay with us the summer I was twelve. He was fourteen, and "
            "had been to sea, and he knew everything.",
            '"You\'ve never seen a whale," he said to me.',
            '"I have seen a picture of one," I said.',
            'My mother looked up from her sewing. "Jack, don\'t tease him."',
        ]
    )
    chars = {c.name: c.gender for c in parse_story(text).characters}
    assert chars.get("my mother") == "female"


def test_her_as_the_object_of_a_verb_does_not_gender_the_subject() -> None:
    # `was impatient to see her again`, `fancied there was a tremor in her voice`: the her
    # is someone else; `rubbed his chin` is his own
    from audiodrama.parse.pronoun_genders import gender_of_forms

    text = (
        "Tom was impatient to see her again. Then Tom fancied there was a tremor in her voice. "
        "Later Tom rubbed his chin."
    )
    ends = {"Tom": [i + 3 for i in range(len(text)) if text.startswith("Tom", i)]}
    assert gender_of_forms(["Tom"], text, ends, {}) == "male"


_CONSULTING_ROOM = "\n\n".join(
    [
        "It was a raw evening in November, and I had been sitting with my friend before the fire "
        "for the better part of an hour.",
        '"A client," said my companion, without lifting his eyes from the paper. "A lady, I fancy."',
        '"How can you possibly know that?"',
        '"The ring was hesitant and then insistent. Open the door, Watson."',
        "I did so. Holmes took the glove she held out and turned it over in his long fingers.",
        '"You are quite sure it is hers?"',
        "When she had gone Holmes sat for a long time in silence.",
        '"You have a theory," said I at last.',
        '"I have seven, Watson, and six of them are wrong."',
    ]
)


def test_a_name_that_does_things_twice_is_somebody_and_my_companion_is_him() -> None:
    # no tag names Holmes: `Holmes took`, `Holmes sat` make him somebody (the first-name
    # list does not know him), and `said my companion` is the narrator's word for him
    names, lines = names_and_lines(_CONSULTING_ROOM)
    assert "Holmes" in names
    assert lines["A client,"] == "Holmes"
    assert lines["I have seven, Watson"] == "Holmes"
    assert lines["How can you possibly"] != "Holmes"


_LETTER = "\n\n".join(
    [
        "When I came down to breakfast my wife was already at the table, and there was a letter "
        "beside my plate.",
        "'It came by the first post,' she said. 'It has a foreign stamp.'",
        "I opened it. It was from my brother Edward, whom I had not heard from in six years.",
        "'Well?' said Clara. 'What does he say?'",
        "'He says he is coming home.'",
        "'Then you must write at once and tell him we have no room.'",
        "'We have four spare rooms, my dear.'",
        "'That is not the point, George.'",
    ]
)


def test_a_short_storys_narrator_is_named_by_the_one_name_called() -> None:
    # a short story may name its narrator once; a novel's once is never enough, and a
    # titled name called once (`Aunt Mary`) is more likely someone else in the room
    script = parse_story(_LETTER)
    narrator = next(c for c in script.characters if "Narrator (I)" in c.all_names())
    assert narrator.name == "George"
    titled = parse_story(_LETTER.replace("point, George.", "point, Aunt Mary."))
    assert any(c.name == "Narrator (I)" for c in titled.characters)


_KEEPERS_DOOR = "\n\n".join(
    [
        "The keeper was a grey-bearded man of sixty, mending a net by his door.",
        '"You\'ll be the gentleman from London," said the keeper.',
        '"I am," I answered. "How did you know?"',
        '"There\'s nobody else would walk out here in this wind."',
        "Presently a tall young fellow in a fisherman's jersey put his head in at the door.",
        '"Evening, Mr. Pascoe. Evening, Nell."',
        '"Come in, Jem, and shut the door," said the keeper.',
        "The young man came in, turning his cap in his hands.",
        '"Is it a lonely life?" I asked.',
        '"Lonely enough," said the keeper.',
    ]
)


def test_a_newcomer_greeted_once_does_not_name_a_narrator_who_says_i_said() -> None:
    # the narrator's lines are tagged `I answered`, `I asked`: the one name called once, in
    # no reply to them, is the newcomer's at the door, not the narrator's
    script = parse_story(_KEEPERS_DOOR)
    names = {n for c in script.characters for n in c.all_names()}
    assert "Jem" not in next(c for c in script.characters if "Narrator (I)" in c.all_names()).all_names()
    assert "Narrator (I)" in names


_VICARAGE = "\n\n".join(
    [
        '"He will ask you to sing," said Mrs. Ashby as they walked up the lane.',
        "The vicarage drawing-room was full. The vicar, a tall stooping man with kind eyes, "
        "came forward to meet them.",
        '"You are very welcome, my dear," he said.',
        '"Thank you," said Lucy.',
        "Over the tea-cups the talk was all of the new railway. Old Colonel Marsh was against it.",
        '"It will bring the wrong sort of people," he said. "Trippers."',
        '"It will bring the post a day sooner," said the vicar mildly.',
        '"I can wait a day for my post, sir."',
    ]
)


def test_an_appositive_is_no_newcomer() -> None:
    # `The vicar, a tall stooping man`: the vicar again, whom `he said` stands for, not a
    # second man (in a story that names no man)
    script = parse_story(_VICARAGE.split("\n\nOver")[0])
    assert not any("stooping" in n for c in script.characters for n in c.all_names())
    assert spoken(script)["You are very welcome"] == "the vicar"


def test_a_short_storys_titled_name_written_once_is_somebody() -> None:
    # `Old Colonel Marsh`, written once in a short story that names others, is the `he` who
    # answers (a novel needs him written twice)
    names, lines = names_and_lines(_VICARAGE)
    assert "Colonel Marsh" in names
    assert lines["It will bring the wr"] == "Colonel Marsh"
    assert lines["I can wait a day for"] == "Colonel Marsh"


_NEPHEW = "\n\n".join(
    [
        "Mr. Grayson did not look up when Hubbard came in. Hubbard sat down on the edge of the "
        "chair, and Hubbard waited.",
        '"Mr. Hubbard is to have the accounts," said Mr. Grayson.',
        "The door opened and a young man came in without knocking.",
        '"You wanted me, uncle?"',
        '"I did, Arthur. An hour ago."',
        '"The accounts? I thought they were to be mine."',
        '"You thought wrong. Good morning, Arthur."',
        "Arthur went out and shut the door harder than he need have done.",
    ]
)


def test_a_name_called_twice_and_written_once_is_somebody_in_a_short_story() -> None:
    script = parse_story(_NEPHEW)
    assert "Arthur" in {c.name for c in script.characters}
