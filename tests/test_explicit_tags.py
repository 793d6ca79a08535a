"""Quotes whose speaker the text names (issue 15, explicit quotes), each class of miss
found on PDNC pinned on a small hand-written passage."""

from __future__ import annotations

from audiodrama.model import Character, Line
from audiodrama.parse.dialogue import segment_and_attribute
from audiodrama.parse.structure import paragraphs


def C(name: str, gender: str = "unknown", *aliases: str) -> Character:
    return Character(name, list(aliases), gender)


def said(text: str, cast: list[Character]) -> list[str | None]:
    lines, _ = segment_and_attribute(text, paragraphs(text), cast)
    return [l.speaker for l in lines if l.kind == "dialogue"]


def rules(text: str, cast: list[Character]) -> list[str]:
    lines: list[Line]
    lines, _ = segment_and_attribute(text, paragraphs(text), cast)
    return [l.rule for l in lines if l.kind == "dialogue"]


def test_action_beats_and_verbs_no_list_holds_name_the_speaker_with_a_cast():
    cast = [C("Long Tom", "male"), C("Hattie", "female"), C("Ned", "male")]
    text = "\n\n".join(
        [
            "Long Tom and Hattie sat by the fire with Ned.",
            '"You\'ll never catch a fish that size," jeered Long Tom.',
            '"I caught one last summer," Hattie stated solemnly.',
            '"She did," Ned paid grudging tribute.',
            # after `!` or `?` the beat is a whole short sentence, or starts in lower case
            '"Is it true?" Hattie faltered. The fire cracked.',
            '"Hein!" the Baron vociferated again, with a growl.',
            '"Never!" ejaculated the General.',
        ]
    )
    cast += [C("The Baron", "male", "Baron"), C("The General", "male", "General")]
    assert said(text, cast) == ["Long Tom", "Hattie", "Ned", "Hattie", "The Baron", "The General"]


def test_the_addressee_of_a_tag_is_not_its_speaker():
    cast = [C("Tom", "male"), C("Louisa", "female"), C("Eugenio", "male"), C("Mrs. Miller", "female")]
    text = (
        'Tom came in with Louisa.\n\n"Come here," said Tom to Louisa.\n\n'
        '"Does mademoiselle go alone?" asked Eugenio of Mrs. Miller.'
    )
    assert said(text, cast) == ["Tom", "Eugenio"]


def test_a_bare_surname_in_the_cast_is_the_family_man_by_title_and_gender():
    # a cast may list the bare surname as an entry of its own, with no gender: `said
    # Bounderby` is Mr. Bounderby, never the wife who shares the name
    cast = [
        C("Bounderby"),
        C("Josiah Bounderby", "male", "Mr. Bounderby"),
        C("Louisa Bounderby", "female", "Mrs. Bounderby"),
    ]
    text = '"Stop a bit!" cried Bounderby.\n\n"I will," said Mrs. Bounderby.'
    assert said(text, cast) == ["Josiah Bounderby", "Louisa Bounderby"]


def test_a_full_stop_ends_the_subject_of_a_tag():
    cast = [C("Anne", "female"), C("Diana", "female"), C("Henry Woodhouse", "male")]
    text = (
        '"I am not coming back to school," said Anne. Diana gasped.\n\n'
        '"I know how you think," said Anne. Little Henry was in her thoughts.'
    )
    assert said(text, cast) == ["Anne", "Anne"]


def test_a_tag_naming_a_long_description_of_the_cast():
    cast = [C("The Gentleman In The White Waistcoat", "male"), C("Mr. Limbkins", "male")]
    text = '"Boy," said Mr. Limbkins.\n\n"That boy will be hung," said the gentleman in the white waistcoat.'
    assert said(text, cast) == ["Mr. Limbkins", "The Gentleman In The White Waistcoat"]


def test_speech_told_by_a_noun_or_in_the_passive():
    cast = [
        C("Mary", "female"),
        C("Elizabeth", "female"),
        C("Captain Wentworth", "male"),
        C("Anne", "female"),
    ]
    text = "\n\n".join(
        [
            "Anne sat with her sisters.",
            '"I cannot possibly do without Anne," was Mary\'s reasoning.',
            'And Elizabeth\'s reply was, "Then Anne had better stay."',
            'The tone with which "Thank God!" was uttered by Captain Wentworth was never forgotten.',
            'Anne smiled at Mary\'s reproach of "You spoil the children."',
        ]
    )
    assert said(text, cast) == ["Mary", "Elizabeth", "Captain Wentworth", "Mary"]


def test_a_tag_before_a_quote_leaves_the_narration_after_it_to_the_next_quote():
    cast = [C("Mr. Bounderby", "male"), C("Mrs. Sparsit", "female")]
    text = (
        'Mrs. Sparsit poured the tea. And when Mr. Bounderby said, "Your health, ma\'am!" '
        'she answered warmly, "Thank you, sir."'
    )
    assert said(text, cast) == ["Mr. Bounderby", "Mrs. Sparsit"]


def test_a_first_name_two_characters_share_is_the_one_in_the_scene():
    cast = [C("Charles Musgrove", "male"), C("Charles Hayter", "male"), C("Mary", "female")]
    here = 'Charles Musgrove and Mary came in.\n\n"Well?" said Mary.\n\n"Oh! he talks of you," cried Charles.'
    assert said(here, cast) == ["Mary", "Charles Musgrove"]
    there = here.replace("Charles Musgrove and", "Charles Hayter and")
    assert said(there, cast) == ["Mary", "Charles Hayter"]


def test_a_lone_foreign_honorific_names_the_one_holding_it():
    cast = [C("Mademoiselle Reisz", "female", "Mlle. Reisz"), C("Edna", "female")]
    text = 'Edna came in.\n\n"Ah! here comes the sunlight!" exclaimed Mademoiselle, rising from her knees.'
    assert said(text, cast) == ["Mademoiselle Reisz"]
    # two hold it: the one in the scene
    cast.append(C("Miss Mayblunt", "female"))
    assert said(text.replace("Edna came in.", "Edna found Mademoiselle Reisz at the piano."), cast) == [
        "Mademoiselle Reisz"
    ]


def test_lead_ins_a_pure_tag_sentence_and_a_subject_before_an_insertion():
    cast = [
        C("Mrs. Hurst", "female"),
        C("Miss Bingley", "female"),
        C("Mary Crawford", "female", "Miss Crawford"),
    ]
    cast += [C("Dr. Grant", "male"), C("Edmund", "male")]
    text = "\n\n".join(
        [
            '"Not at all," said Miss Bingley.',
            "A short pause followed this speech, and Mrs. Hurst began again.",
            '"I have an excessive regard for Jane Bennet."',
            'Miss Crawford, who had been eyeing Dr. Grant and Edmund, now observed, "Those gentlemen '
            'must have some point to discuss."',
        ]
    )
    assert said(text, cast) == ["Miss Bingley", "Mrs. Hurst", "Mary Crawford"]
    assert rules(text, cast)[1:] == ["lead-in", "lead-in"]


def test_lead_in_speaker_is_the_subject_of_the_clause_of_the_speech_verb():
    # the last name standing as a subject before the verb: not one in a subordinate clause
    # the sentence has left, an object, a possessive or a name inside an insertion
    cast = [
        C("Harry", "male"),
        C("Molly", "female"),
        C("Uncle Ben", "male"),
        C("The Badger", "male", "Badger"),
    ]
    text = "\n\n".join(
        [
            "When Molly, with tears in her eyes, had gone upstairs, Harry, who had been asleep on the "
            'sofa the whole time, opened his eyes and said decidedly: "Let her go."',
            'Uncle Ben came towards the table where she sat, and with some sternness, said, "Sit down."',
            '"We must burn it!" said the Badger; and Molly called out as loud as she could, "Don\'t!"',
            'She was met by Uncle Ben, who, on hearing the news, said, "Well done."',
            'The silence was broken by Harry\'s saying abruptly, "I am going home."',
            'Then she heard Harry say in a low tone, "Not yet."',
            'She looked so ill that it was impossible for Harry to refrain from saying, "Sit down."',
            'Molly saw what he was doing, and at the first pause, turned to him and said, "Stop."',
        ]
    )
    assert said(text, cast) == [
        "Harry",
        "Uncle Ben",
        "The Badger",
        "Molly",
        "Uncle Ben",
        "Harry",
        "Harry",
        "Harry",
        "Molly",
    ]
    assert rules(text, cast)[0] == "lead-in"


def test_tags_after_a_line_break_an_adverb_a_lost_apostrophe_or_a_wish_to_know():
    cast = [C("Diana", "female"), C("Henry", "male"), C("Mlle. Blanche", "female"), C("The Croupier", "male")]
    text = "\n\n".join(
        [
            # a wrapped line parts the quote from its tag
            '"Put on your white dress, by all means,"\nadvised Diana decidedly.',
            '"Faites le jeu, messieurs,"\nproclaimed the croupier as he turned the wheel.',
            '"Oui; vous perdrez absolument," put in Mlle. Blanche.',
            '"What are you taking home?" Diana wanted to\nknow, as soon as they were out.',
            # a text that lost its apostrophes: `Henry s answer`
            '"My brother does know it," was Henry s answer.',
            '"They are upstairs," had been Henry\'s reply.',
        ]
    )
    assert said(text, cast) == ["Diana", "The Croupier", "Mlle. Blanche", "Diana", "Henry", "Henry"]


def test_a_possessive_with_the_noun_left_out_leads_into_a_quote():
    cast = [C("Emma", "female"), C("Harriet", "female")]
    text = 'Emma\'s remark was-- "There it is."--Harriet\'s was-- "Oh, what a sweet house!"'
    assert said(text, cast) == ["Emma", "Harriet"]


def test_a_quote_after_its_own_tag_goes_on_and_a_described_name_is_the_name():
    cast = [C("Mrs. Weston", "female"), C("Emma", "female"), C("Lady Bertram", "female"), C("Edmund", "male")]
    text = "\n\n".join(
        [
            "Emma stared at her friend.",
            # the narration after the tag names Emma, but nobody else speaks: the quote goes on
            '"You may well be amazed," returned Mrs. Weston, still averting her eyes, and talking on '
            'with eagerness, that Emma might have time to recover-- "But it is even so."',
            '"It was the heat," said Edmund.',
            '"I am afraid it was," said the more candid Lady Bertram, who had overheard her.',
        ]
    )
    assert said(text, cast) == ["Mrs. Weston", "Mrs. Weston", "Edmund", "Lady Bertram"]


def test_a_long_description_in_a_tag_runs_on_over_a_wrapped_line():
    cast = [
        C("Mr. Limbkins", "male", "The Gentleman In The High Chair"),
        C("The Gentleman In The White Waistcoat", "male"),
    ]
    text = '"The boy is a fool," said the gentleman in the white\nwaistcoat.'
    assert said(text, cast) == ["The Gentleman In The White Waistcoat"]


def test_a_lead_in_naming_its_speaker_leaves_the_tag_after_to_the_next_quote():
    cast = [C("Mrs. Sparsit", "female"), C("Mr. Bounderby", "male")]
    text = (
        'So, when Mrs. Sparsit said with forced lightness of heart, "You want your breakfast, sir," '
        'Mr. Bounderby replied, "I can wait."'
    )
    assert said(text, cast) == ["Mrs. Sparsit", "Mr. Bounderby"]


def test_a_clause_closing_on_a_comma_before_a_quote_with_a_verb_no_list_knows():
    cast = [C("Hall", "male"), C("Fearenside", "male"), C("Emma", "female"), C("Mr. Knightley", "male")]
    text = "\n\n".join(
        [
            '"Whup!" cried Hall, jumping back, for he was no hero with dogs, and Fearenside howled, '
            '"Lie down!"',
            # a dash is no part of a name: `replied Emma--quite confirmed`
            '"You are going in?" said Mr. Knightley.',
            '"No,"--replied Emma--quite confirmed by his manner--"I should like to walk on."',
        ]
    )
    assert said(text, cast)[:2] == ["Hall", "Fearenside"]
    assert said(text, cast)[3:] == ["Emma", "Emma"]
    assert said(text, None)[3] == "Emma"


def test_a_cast_name_with_a_qualifying_note_is_named_without_it():
    # two entries the story never tells apart: the first given, as for a shared alias
    cast = [C("Kit - Frame", "male"), C("Kit - Tale", "male"), C("Bruin (the bear)", "male")]
    text = "\n\n".join(['"Shall we go?" said Kit.', '"Yes," said Bruin.', '"Come on," said Kit.'])
    assert said(text, cast) == ["Kit - Frame", "Bruin (the bear)", "Kit - Frame"]


def test_miss_surname_is_the_sister_the_text_never_names_by_first_name():
    cast = [
        C("Maria Bertram", "female"),
        C("Julia Bertram", "female"),
        C("Miss Bertram", "female"),  # a bare entry of its own: the eldest, by the text
        C("Tom Bertram", "male"),
        C("Edmund Bertram", "male"),
        C("Bertram"),
    ]
    text = "\n\n".join(
        [
            "Miss Julia Bertram and Mr. Edmund Bertram were out.",
            '"How dull," said Miss Bertram.',
            '"Very," said Mr. Bertram.',
        ]
    )
    assert said(text, cast) == ["Maria Bertram", "Tom Bertram"]
    # the cast's own alias is its word: the aunt the text introduces by her first name
    cast = [C("Aunt Jo", "female", "Jo Barry", "Miss Barry"), C("Di Barry", "female")]
    text = 'Miss Jo Barry came to tea.\n\n"Sit up, child," said Miss Barry.'
    assert said(text, cast) == ["Aunt Jo"]


def test_a_shared_first_name_goes_to_the_bearer_whose_family_is_in_the_scene():
    cast = [C("Charles Hayter", "male"), C("Charles Musgrove", "male"), C("Mary Musgrove", "female", "Mary")]
    text = "\n\n".join(
        [
            "Charles Hayter had been at the shore oftener than suited her.",
            '"It was a dull fortnight," said Mary.',
            '"Not at all," said Charles.',  # her husband: the Musgrove of the two
        ]
    )
    assert said(text, cast) == ["Mary Musgrove", "Charles Musgrove"]


def test_a_shared_first_name_in_a_lead_in_is_the_bearer_in_the_scene():
    cast = [C("Charles Hayter", "male"), C("Charles Musgrove", "male"), C("Mary Musgrove", "female", "Mary")]
    text = "\n\n".join(
        [
            "Charles Hayter had been at the shore oftener than suited her. Mary's face was clouded.",
            'Charles laughed again and said, "Now Mary, you know how it was."',
        ]
    )
    assert said(text, cast) == ["Charles Musgrove"]


def test_a_tag_abridging_a_cast_description_names_it():
    cast = [C("A Man", "male"), C("The Man With The Black Beard", "male"), C("The Barman", "male")]
    text = "\n\n".join(['"Draw the bolts," said the man with the beard.', '"Not I," said the barman.'])
    assert said(text, cast) == ["The Man With The Black Beard", "The Barman"]


def test_a_cast_description_lends_no_word_of_it_as_a_name():
    # `lady` is anybody: `the old lady` is not `A Plainly Dressed Lady`
    cast = [
        C("Antonida", "female", "The Grandmother"),
        C("A Plainly Dressed Lady", "female"),
        C("Alexis", "male"),
    ]
    text = 'Alexis wheeled the Grandmother to the table.\n\n"Bet on red," said the old lady.'
    assert said(text, cast) != ["A Plainly Dressed Lady"]


def test_the_title_in_a_tag_is_the_cast_holder_present_in_the_scene():
    cast = [C("Mr. Losberne", "male", "Doctor Losberne"), C("The Doctor", "male"), C("Rose", "female")]
    text = 'Mr. Losberne came in with Rose.\n\n"He will live," said the doctor.'
    assert said(text, cast) == ["Mr. Losberne"]
    # nobody holding the title about: the generic entry
    assert said('"He will live," said the doctor.', cast) == ["The Doctor"]
    # a lead-in reads the same mention
    text = 'Mr. Losberne came in with Rose.\n\nThe doctor looked at her, and said, "He will live."'
    assert said(text, cast) == ["Mr. Losberne"]


def test_the_lady_in_lower_case_is_no_title():
    # `the lady` is any woman so described, not the cast's one `Lady Bertram`
    cast = [C("Lady Bertram", "female"), C("Mary Crawford", "female"), C("Edmund", "male")]
    text = 'Mary Crawford turned to Edmund.\n\n"Will you act?" observed the lady archly.'
    assert said(text, cast) != ["Lady Bertram"]


def test_reported_speech_running_into_a_quote_is_led_in_by_its_subject():
    cast = [C("Ruby Gillis", "female", "Ruby"), C("Anne Shirley", "female", "Anne"), C("Gilbert", "male")]
    text = (
        "Anne looked at Gilbert. Ruby Gillis, who got a glimpse of it as it went down, told the "
        'others going home that she\'d "never seen anything like it."'
    )
    assert said(text, cast) == ["Ruby Gillis"]
    assert rules(text, cast) == ["lead-in"]  # not a guess from the conversation


def test_a_bare_mr_surname_entry_is_the_man_the_cast_calls_by_the_surname():
    # the cast's own alias `Crawford` says whom the bare surname names
    cast = [C("Henry Crawford", "male", "Crawford", "Henry"), C("Mr. Crawford", "male"), C("Fanny", "female")]
    text = 'Fanny sat down.\n\n"Query," said Mr. Crawford, "whether we may walk?"'
    assert said(text, cast) == ["Henry Crawford", "Henry Crawford"]
    # no such alias: the entry of its own (a father, perhaps)
    cast = [C("Henry Crawford", "male", "Henry"), C("Mr. Crawford", "male"), C("Fanny", "female")]
    assert said(text, cast) == ["Mr. Crawford", "Mr. Crawford"]


def test_the_agent_of_a_passive_verb_of_speech_leads_in():
    cast = [C("Miss Bingley", "female"), C("Mr. Darcy", "male"), C("Sir William", "male")]
    text = (
        "Mr. Darcy stood near Sir William, and was thinking of her with some complacency, when "
        'thus accosted by Miss Bingley,\n\n"I can guess the subject of your reverie."'
    )
    assert said(text, cast) == ["Miss Bingley"]
    assert rules(text, cast) == ["lead-in"]


def test_on_her_part_before_a_quote_names_the_speaker():
    cast = [C("Lady Bertram", "female"), C("Sir Thomas", "male"), C("Fanny", "female")]
    text = (
        "Sir Thomas and Fanny came in. It began, on Lady Bertram's part, with \"I have something "
        'to tell you."'
    )
    assert said(text, cast) == ["Lady Bertram"]
    assert rules(text, cast) == ["explicit-verb"]


def test_a_quote_said_from_someone_names_the_speaker():
    cast = [C("Captain Harville", "male"), C("Anne", "female"), C("Captain Wentworth", "male")]
    text = 'Anne knew not how to understand it. She had the kindest "Good morning!" from Captain Harville.'
    assert said(text, cast) == ["Captain Harville"]


def test_an_epithet_before_the_name_in_a_tag_still_names_the_speaker():
    cast = [C("Walter", "male"), C("Nell", "female"), C("Bess", "female")]
    text = (
        '"Is it far?" asked Nell of Bess.\n\n"Not far," said Bess.\n\n'
        '"I\'ll carry the basket, then," stammered shy Walter, reaching for it.'
    )
    assert said(text, cast) == ["Nell", "Bess", "Walter"]
    assert rules(text, cast)[-1] == "explicit-verb"
    # `said to Nell`: a preposition before the name is no epithet, Nell is spoken to
    text = 'Walter laughed at this, and said to Nell, "You will see it soon."'
    assert said(text, cast) == ["Walter"]


def test_a_short_sentence_naming_the_speaker_after_a_quote_leads_into_the_next():
    cast = [C("Walter", "male"), C("Nell", "female"), C("Mrs. Pike", "female")]
    text = (
        '"Is it far?" asked Nell.\n\n"Not far," Walter answered; "past the mill."--Nobody '
        'spoke for a while, and Mrs. Pike began again.\n\n"The mill has been shut a year."\n\n'
        '"Not a word more," said Walter.\n\nMrs. Pike interposed.\n\n"Let her speak."'
    )
    assert said(text, cast) == ["Nell", "Walter", "Walter", "Mrs. Pike", "Walter", "Mrs. Pike"]
    # the tag of the quote itself, right after it, is no lead-in for the next paragraph
    text = '"Is it far?" asked Nell.\n\n"Not far," said Walter.\n\n"How far?"'
    assert said(text, cast) == ["Nell", "Walter", "Nell"]


def test_the_subject_of_a_clause_the_lead_in_leaves_is_not_the_speaker():
    cast = [C("Walter", "male"), C("Nell", "female"), C("Mr. Pike", "male")]
    text = (
        '"Is it far?" asked Nell.\n\n"Not far," said Walter.\n\n'
        "Mr. Pike noticed Nell, as she went looking about, and called out to her in an "
        'angry tone, "Why, what are you doing here?"\n\n'
        '"Nothing," said Nell.\n\nMr. Pike listened to her with the air of a judge, and when '
        'she ceased speaking, replied thus,\n\n"Then go home."'
    )
    assert said(text, cast) == ["Nell", "Walter", "Mr. Pike", "Nell", "Mr. Pike"]
    # after `when` the `and` may go on inside the clause: she drew back and spoke
    cast = [C("Walter", "male"), C("Nell", "female")]
    text = (
        '"Will you dance?" asked Walter.\n\nSir William pressed her hand on Walter, who, '
        "though surprised, was not unwilling to take it, when she drew back, and said with "
        'some heat to Sir William,\n\n"I will not dance."'
    )
    assert said(text, [*cast, C("Sir William", "male")]) == ["Walter", "Nell"]


def test_someone_heard_speaking_leads_into_the_quote():
    cast = [C("Walter", "male"), C("Nell", "female"), C("Mr. Pike", "male"), C("Mrs. Pike", "female")]
    text = (
        '"Will you dance?" asked Walter.\n\n"No," said Nell.\n\nThe party did not break up '
        'without her overhearing Mr. Pike whisper to his wife, "He has asked her, my dear."\n\n'
        'As Nell went down-stairs she heard Walter singing, "Oh, give them pity."'
    )
    assert said(text, cast)[2:] == ["Mr. Pike", "Walter"]
    # inside a paragraph, `Nell heard him add` leaves Nell the hearer, not the speaker
    text = (
        '"Will you dance?" asked Walter.\n\n"No," said Nell.\n\n"I shall not be far off, if '
        'you want me."--And Nell distinctly heard him add, in a lower tone, before he quitted '
        'the room,--"I have been as good as my word."'
    )
    assert said(text, cast)[-1] == "Walter"


def test_a_subordinate_subject_after_a_semicolon_leaves_the_main_subject_speaking():
    cast = [C("Walter", "male"), C("Nell", "female"), C("Mrs. Pike", "female")]
    text = (
        '"Will you dance?" asked Walter.\n\n"No," said Nell.\n\nDinner was on table.--Mrs. Pike, '
        "before she could be spoken to, was ready; and before Walter had reached her with his "
        'request, was saying--\n\n"Must I go first?"'
    )
    assert said(text, cast) == ["Walter", "Nell", "Mrs. Pike"]


def test_a_pure_tag_around_an_insertion_leads_into_the_next_paragraph():
    cast = [C("Walter", "male"), C("Nell", "female"), C("Mrs. Pike", "female")]
    text = (
        '"Will you dance?" asked Walter.\n\n"No," said Nell.\n\n"Then nobody will," said Walter.'
        "\n\nMrs. Pike, who had seldom spoken before, except among her own friends, spoke now."
        '\n\n"Such things do occur."'
    )
    assert said(text, cast)[-1] == "Mrs. Pike"
    assert rules(text, cast)[-1] == "lead-in"
    # a smile is no speech: the turn-taking goes on
    text = text.replace("spoke now", "smiled most graciously")
    assert rules(text, cast)[-1] != "lead-in"


def test_a_name_and_any_verb_after_a_question_then_what_the_speaker_did_meanwhile():
    cast = [C("Walter", "male"), C("Nell", "female"), C("The Gryphon", "male", "Gryphon")]
    text = (
        '"Come on!" cried the Gryphon.\n\n"What trial is it?" Nell panted as she ran; but the '
        'Gryphon only answered "Come on!" and ran the faster.'
    )
    assert said(text, cast) == ["The Gryphon", "Nell", "The Gryphon"]


def test_words_coming_from_someone_in_a_closed_sentence_lead_in():
    cast = [C("Walter", "male"), C("Nell", "female"), C("Mrs. Pike", "female")]
    head = '"Will you dance?" asked Walter.\n\n"No," said Nell.\n\n'
    quote = '\n\n"The servants are all so steady."'
    for lead in (
        "She had this communication, moreover, from Mrs. Pike.",
        "This produced from Mrs. Pike the following natural remark.",
    ):
        assert said(head + lead + quote, cast)[-1] == "Mrs. Pike"
    # the quote in the same paragraph
    text = head + 'She had this communication, moreover, from Mrs. Pike.  "The servants are so steady."'
    assert said(text, cast)[-1] == "Mrs. Pike"
    # no answer from her: someone else speaks
    assert said(head + "She had no answer from Mrs. Pike." + quote, cast)[-1] != "Mrs. Pike"


def test_a_few_words_after_a_quote_tag_the_next_paragraph():
    cast = [C("Walter", "male"), C("Nell", "female"), C("Harriet", "female")]
    text = (
        '"Will you dance?" asked Walter.\n\nNell\'s remark was--\n\n"There it is."--Harriet\'s '
        'was--\n\n"Oh, what a sweet house!"'
    )
    assert said(text, cast) == ["Walter", "Nell", "Harriet"]


def test_a_participle_goes_on_with_the_adverbial_clause_it_follows():
    cast = [C("Walter", "male"), C("Nell", "female"), C("Mrs. Pike", "female")]
    text = (
        '"Will you dance?" asked Walter.\n\n"No," said Nell.\n\nAt length the question was asked '
        "by Walter; and Nell turned away, while Mrs. Pike replied, that he was, adding, "
        '"but we expect him to-morrow."'
    )
    assert said(text, cast)[-1] == "Mrs. Pike"


def test_beginning_again_about_something_is_a_pure_tag():
    cast = [C("Walter", "male"), C("Nell", "female"), C("Mrs. Pike", "female")]
    head = '"Will you dance?" asked Walter.\n\n"No," said Nell.\n\n"Then nobody will," said Walter.\n\n'
    lead = "Another deal proceeded, and Mrs. Pike began again about Thornton Lacey."
    assert said(head + lead + '\n\n"My plan may not be the best."', cast)[-1] == "Mrs. Pike"
    # `agreed to it` is no tag: the one spoken to answers
    text = '"It is a long time, Walter," said Nell.\n\nHe readily agreed to it.\n\n"I began to be afraid."'
    assert rules(text, cast)[-1] != "lead-in"


def test_a_closed_sentence_telling_a_speech_act_leads_in():
    cast = [C("Walter", "male"), C("Nell", "female"), C("Mrs. Pike", "female")]
    head = '"Will you dance?" asked Walter.\n\n"No," said Nell.\n\n"Then nobody will," said Walter.\n\n'
    quote = '\n\n"That is a very foolish trick, Nell."'
    for lead in (
        "The fire cracked. Mrs. Pike began scolding.",
        "Mrs. Pike could not help addressing her niece, though it was calling her from the fire.",
        "Mrs. Pike could be silent no longer.",
        "Mrs. Pike, joining them at the moment, carried on the joke.",
        # the clause after `;` shares the subject of the one before
        "Mrs. Pike made no reply; but unable to contain herself, began scolding one of the maids.",
    ):
        assert said(head + lead + quote, cast)[-1] == "Mrs. Pike", lead
        assert rules(head + lead + quote, cast)[-1] == "lead-in", lead
    # the quote in the same paragraph
    text = head + 'Mrs. Pike could be silent no longer. "That is a very foolish trick, Nell."'
    assert rules(text, cast)[-1] == "lead-in"
    # a closed sentence of no speech is no lead-in
    text = head + "Mrs. Pike began sewing." + quote
    assert rules(text, cast)[-1] != "lead-in"


def test_a_dash_lost_in_conversion_still_leads_in():
    # three spaces where the source had a dash: `Mrs. Pike began again   ` + the quote
    cast = [C("Walter", "male"), C("Nell", "female"), C("Mrs. Pike", "female")]
    head = '"Will you dance?" asked Walter.\n\n"No," said Nell.\n\n'
    text = head + 'Walter looked foolish. Mrs. Pike began again   \n\n"Nell must be Amelia."'
    assert said(text, cast)[-1] == "Mrs. Pike"
    assert rules(text, cast)[-1] == "lead-in"


def test_aunt_before_a_surname_is_the_married_woman_of_that_family():
    cast = [
        C("Tom Bertram", "male", "Tom"),
        C("Julia Bertram", "female", "Julia"),
        C("Lady Bertram", "female"),
        C("Fanny", "female"),
        C("Edmund", "male"),
    ]
    text = (
        '"You are best off," said Edmund to Fanny.\n\nFanny took the work quietly; but her kinder '
        'aunt Bertram observed on her behalf:\n\n"One cannot wonder, sister."'
    )
    assert said(text, cast)[-1] == "Lady Bertram"


def test_a_cleft_sentence_names_the_speaker_before_or_after_the_quote():
    cast = [C("Anne", "female"), C("Gilbert", "male"), C("Mr. Phillips", "male"), C("Marilla", "female")]
    head = '"Anne, what does this mean?" said Mr. Phillips.\n\n'
    # before: `Gilbert it was who spoke up` (the sentence wraps mid-phrase)
    text = (
        head
        + 'Anne returned no answer. Gilbert it\nwas who spoke up stoutly.\n\n"It was my fault. I teased her."'
    )
    assert said(text, cast)[-1] == "Gilbert"
    # after, opening the next paragraph
    text = head + '"Matthew, are you sick?"\n\nIt was Marilla who spoke, alarm in every jerky word.'
    assert said(text, cast)[-1] == "Marilla"
    assert rules(text, cast)[-1] == "lead-in"
    # a cleft of no speech names nobody
    text = head + '"Matthew, are you sick?"\n\nIt was Marilla who opened the door.'
    assert rules(text, cast)[-1] != "lead-in"


def test_whose_words_or_voice_a_quote_is():
    cast = [C("Catherine", "female"), C("Sarah", "female"), C("Mr. Tilney", "male"), C("De Griers", "male")]
    cast += [C("The General", "male", "General"), C("Mr. Heelas", "male"), C("Kemp", "male")]
    head = '"Is he at home?" asked Mr. Tilney.\n\n"He is," said Catherine.\n\n'
    text = head + '"You may see the house from this window, sir," was information on Sarah\'s side.'
    assert said(text, cast)[-1] == "Sarah"
    text = head + '"Madame, Madame," sounded the honeyed accents of De Griers as he leant over.'
    assert said(text, cast)[-1] == "De Griers"
    text = (
        head
        + 'There was a slamming of doors, and the voice of Mr. Heelas bellowing like a bull. "Shut the doors!"'
    )
    assert said(text, cast)[-1] == "Mr. Heelas"
    assert rules(text, cast)[-1] == "lead-in"


def test_the_one_words_are_heard_from_speaks_not_the_hearer():
    cast = [C("Mr. Gradgrind", "male"), C("Mr. Bounderby", "male"), C("Childers", "male")]
    text = (
        '"Bounderby, a word," said Mr. Gradgrind.\n\nMr. Childers stood on the landing, softly '
        'whistling. "No. I advise you not." While, from Mr. Gradgrind, he heard in his much lower '
        'tone the words, "But even as an example to Louisa."'
    )
    assert said(text, cast)[-1] == "Mr. Gradgrind"
    cast = [C("Alice", "female"), C("The Duchess", "female", "Duchess"), C("The Baby", "male", "Baby")]
    text = (
        '"Please mind what you\'re doing!" cried Alice.\n\nWhile the Duchess sang the second verse, '
        "she kept tossing the baby up and down, and the poor little thing howled so, that Alice "
        'could hardly hear the words:--\n\n"I speak severely to my boy."'
    )
    assert said(text, cast)[-1] == "The Duchess"


def test_a_capitalised_description_after_a_or_an_is_the_cast_entry_written_so():
    cast = [C("The Lory", "unknown", "Lory"), C("An Old Crab", "female", "Old Crab")]
    cast += [C("The Young Crab", "female", "Young Crab"), C("A Man", "male")]
    text = (
        '"What a pity it wouldn\'t stay!" sighed the Lory; and an old Crab took the opportunity of '
        'saying to her daughter "Ah, my dear! Let this be a lesson to you!" "Hold your tongue, Ma!" '
        "said the young Crab."
    )
    assert said(text, cast) == ["The Lory", "An Old Crab", "The Young Crab"]
