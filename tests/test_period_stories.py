"""Period short stories (1840-1925 magazine fiction): a family that calls its parents
`Father` and `Mother`, an aunt known as `our aunt`, an inspector and a steward named in the
narration only, `the captain` for the story's one captain, a stranger tagged once, titles
and scare quotes that nobody says, and a letter a character reads aloud. Each passage is
hand-written; each test fails without the rule it names."""

from __future__ import annotations

from support import names_and_lines
from support import spoken_by as spoken

from audiodrama.parse import parse_story

_OUR_AUNT = "\n\n".join(
    [
        "We had been told for a fortnight that our aunt was coming, and Father was forbidden to "
        "smoke anywhere but in the woodshed.",
        '"She is your father\'s sister," my mother said. "You are all to be good."',
        '"She will look at you," said Father from behind his newspaper. "It is generally enough."',
        "Our aunt arrived on the Tuesday by the cars from Rutland, and surveyed us through a lorgnette.",
        '"So these are Robert\'s children," she said. "They are very brown."',
        '"They have been out in the hay, Margery," said my mother.',
        '"I was never brown in July."',
        '"You were never in the hay," said Father.',
        '"Are you quite well, child?" our aunt asked suddenly.',
        '"Good night, Aunt Margery," said my brother Sam.',
    ]
)


def test_father_and_our_aunt_are_the_familys_people() -> None:
    # `said Father`: a capitalised parent is a name; `our aunt` is the narrator's kin as
    # `my aunt` is
    script = parse_story(_OUR_AUNT)
    names = {c.name for c in script.characters}
    assert {"Father", "our aunt"} <= names
    lines = spoken(script)
    assert lines["She will look at you"] == "Father"
    assert lines["You were never in th"] == "Father"
    assert lines["Are you quite well, "] == "our aunt"
    # the one aunt the story calls by name is she: `Margery` names neither the narrator nor
    # anybody else
    aunt = next(c for c in script.characters if c.name == "our aunt")
    assert {"Aunt Margery", "Margery"} <= set(aunt.aliases)
    assert not any("Margery" in c.all_names() for c in script.characters if c is not aunt)


_LODGER = "\n\n".join(
    [
        "It was past eight when I climbed the stair to Evelyn's rooms.",
        '"Come in, Tom," called a voice I knew; and I went in.',
        '"You have not changed the furniture," I said.',
        '"Nor the company," said Evelyn. "Sit down."',
        "A heavy step sounded on the stair. Inspector Rook was a lean, grey man with a clerk's spectacles.",
        '"I did not expect company," he said, looking at me.',
        '"Mr. Ashby is an old friend," said Evelyn.',
        'Rook smiled thinly and turned to me. "You were in London on the fourteenth?"',
        '"I was in Norwich."',
        '"Can you prove it?"',
    ]
)


def test_an_inspector_the_narration_names_once_is_somebody() -> None:
    # `Inspector`: a title as `Captain` is; in a short story, written once is enough
    names, lines = names_and_lines(_LODGER)
    assert "Inspector Rook" in names
    assert lines["I did not expect com"] == "Inspector Rook"
    assert lines["You were in London o"] == "Inspector Rook"


_SWALLOW = "\n\n".join(
    [
        'The schooner "The Swallow" of Bath lay wind-bound in Tarpaulin Cove, and Captain Eli '
        "Wardlow came nearer to a mutiny than in all his thirty years at sea.",
        'Mr. Josiah Peck, the mate, had bought a copy of "Bleak House" and read it aloud in the evenings.',
        '"It\'s a long yarn," said the captain. "How long?"',
        '"Eight hundred pages, sir," said Peck.',
        'It began over the owner\'s so-called "improvement," a patent windlass of cast iron.',
        '"That windlass," said the captain, "was made by lawyers."',
        "But the steward, Abel Fish, could not let the matter rest.",
        '"Cap\'n," he said, "who pays if it fouls?"',
        '"The ship pays for everything, Abel."',
        'Abel Fish began to hum "Old Hundred" under his breath.',
        "Among the letters was one for the captain from his daughter. He read it through, and "
        "then, being a man who could not keep good news in, read it aloud.",
        '"Dear Father, We are all well and the new calf is come. Your loving daughter, Ruth."',
        '"A steady girl," said Peck.',
    ]
)


def test_titles_and_scare_quotes_are_narration() -> None:
    # a title in capitals after a narration word, and a quote after `so-called`
    texts = {l.text.strip('",') for l in parse_story(_SWALLOW).lines() if l.kind == "dialogue"}
    assert not texts & {"The Swallow", "Bleak House", "improvement", "Old Hundred"}


def test_the_captain_is_the_storys_captain_and_the_steward_is_somebody() -> None:
    script = parse_story(_SWALLOW)
    captain = next(c.name for c in script.characters if "Wardlow" in c.name)
    lines = spoken(script)
    assert lines["It's a long yarn,"] == captain
    assert lines["That windlass,"] == captain
    # `Abel Fish` twice in the narration of a short story: somebody, who speaks
    assert "Abel Fish" in {c.name for c in script.characters}
    assert lines["Cap'n,"] == "Abel Fish"


def test_a_letter_read_aloud_is_the_readers_line() -> None:
    lines = spoken(parse_story(_SWALLOW))
    assert lines["Dear Father, We are "] is not None


_COACH = "\n\n".join(
    [
        "When the coach drew up there were already three persons inside it: an old woman in a "
        "black bonnet, a tall stranger with his collar turned up, and a ragged boy asleep.",
        '"Is it far to Lynton?" asked the stranger. He had a soft voice.',
        '"Far enough," said the old woman. "Twenty mile, and every one uphill."',
        '"They are not all uphill, ma\'am," I ventured.',
        '"Then you\'ve not been down it in the dark, young man."',
        "The stranger said nothing more for a time.",
        '"You are going home, madam?" he said at last.',
        '"I am going to my daughter\'s."',
    ]
)


def test_a_stranger_tagged_once_in_a_short_story_speaks() -> None:
    names, lines = names_and_lines(_COACH)
    assert "the stranger" in names
    assert lines["Is it far to Lynton?"] == "the stranger"
    assert lines["You are going home, "] == "the stranger"


_PLATFORM = "\n\n".join(
    [
        "Our aunt arrived on the Tuesday, with two trunks and her nephew Hugh. The station-master "
        "lifted down the trunks himself, a thing he did for nobody.",
        '"Mrs. Pell\'s boxes," he announced, "and mind the corners."',
        '"A linnet," Hugh said, lifting the cage. "It doesn\'t sing."',
        '"Why not?" asked my brother Sam.',
        '"Nobody knows."',
    ]
)

_BAR = "\n\n".join(
    [
        '"Sold her, Cap?" Ned Carver called from the door of the Eldorado.',
        "The captain did not answer at once. He came on up the street in his new hat and stopped "
        "before the saloon.",
        '"I have not sold her," he said. "I have given her away."',
        '"Given her away!" jeered Long Tom.',
        "Mr. Grey turned to the sheriff.",
        '"You hear that?" he said.',
    ]
)


def test_a_trade_just_brought_in_is_the_he_though_men_are_named() -> None:
    # `The station-master lifted down the trunks` / `he announced`: the post the narration
    # has just brought in, as the subject of its sentence, speaks; named men or not
    lines = spoken(parse_story(_PLATFORM))
    assert lines["Mrs. Pell's boxes,"] == "the station-master"
    lines = spoken(parse_story(_BAR))
    assert lines["I have not sold her,"] == "the captain"
    # `turned to the sheriff`: the sheriff is spoken to, and a name came first
    assert lines["You hear that?"] != "the sheriff"


_CLUB = "\n\n".join(
    [
        '"Nobody believes in ghosts," said Talbot.',
        '"I resent that," said Fenwick. "The cat was perfectly real."',
        'Old Colonel Heywood put down his glass. "So should I," he said.',
        "Fenwick rang, and the whisky came, and the Colonel, holding his glass in both hands and "
        "looking into the fire, began.",
        '"I was a subaltern then, not much older than Talbot, and I had been sent up with forty men '
        "of the regiment to hold a little mud fort at the mouth of a pass.",
        '"The first night passed quietly enough. The second night, a little before two, I was woken '
        "by a bugle sounding the Alarm from the top of the tower.",
        '"We went up, the sergeant and I. The door was locked, and the roof was empty, and there was '
        'not a living thing upon the stones of the pass."',
        '"And you heard it again?" said Talbot.',
    ]
)


def test_a_tale_told_over_paragraphs_is_one_speakers_after_a_long_lead_in() -> None:
    # `and the Colonel, holding his glass ..., began.`: the subject of the lead-in's last
    # clause, before its insertion; and a speech the paragraph before left open goes on
    # in the same voice, whoever the ranker would take the next paragraph for alone
    lines = spoken(parse_story(_CLUB))
    assert lines["I was a subaltern th"] == "Colonel Heywood"
    assert lines["The first night pass"] == "Colonel Heywood"
    assert lines["We went up, the serg"] == "Colonel Heywood"


_INQUEST = "\n\n".join(
    [
        "The coroner sat at the top of the table with his papers, and Mr. Sillitoe, the solicitor, "
        "sat by the window. The first witness was Samuel Keech, a waterman, who had found the body.",
        '"You found him at the weir?" said the coroner.',
        '"I did, sir."',
        '"A few questions, sir," said Mr. Sillitoe. "How long have you known the lock, Mr. Keech?"',
        '"Two-and-twenty year."',
        '"That is not an answer, Mr. Keech."',
        '"It\'s the only one I have."',
    ]
)


def test_a_name_called_twice_whose_surname_the_narration_writes_is_somebody() -> None:
    # `Mr. Keech` twice in the quotes, `Samuel Keech` once in the narration: the witness
    names, _ = names_and_lines(_INQUEST)
    assert "Mr. Keech" in names


_LEMONADE = "\n\n".join(
    [
        "We had set up the stall at the gate by ten, and Edmund wrote the sign, and Maud poured.",
        '"Nobody will come," said Edmund.',
        '"Somebody always comes," said Winifred.',
        "At last a man came along the road from the Dover side. He had boots that were mended with "
        "string, and he stopped and read the sign slowly.",
        '"A penny, is it?" he said.',
        '"Yes, please," said Winifred.',
        "Edmund took the penny. The tramp drank the glass at one go, and stood quite still.",
        '"What\'s in that?" he said.',
    ]
)


def test_a_newcomer_brought_in_as_a_subject_is_the_he_though_boys_are_named() -> None:
    # `At last a man came along the road`: somebody new, not Edmund
    lines = spoken(parse_story(_LEMONADE))
    assert lines["A penny, is it?"] == "the man"
    # `The tramp`: a passer-by of the road, as a trade is, the `he` just after
    assert lines["What's in that?"] == "the tramp"
