"""The parser's fast paths give what the plain code they replace gives (no timing here)."""

from __future__ import annotations

import gc
import hashlib
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audiodrama.ids import base_id, normalise
from audiodrama.model import Character
from audiodrama.parse import (
    attribution,
    characters,
    context,
    lines,
    narrator,
    parse_story,
    quoted,
    ranker_context,
    scenecues,
    structure,
    vocatives,
)
from audiodrama.parse import quotes as quotes_module
from audiodrama.parse.deliveries import _CALL, _CALL_WORDS, _LOOK_BACK, _LOOK_BACK_WORDS
from audiodrama.parse.description_scan import DescriptionScan
from audiodrama.parse.history import History
from audiodrama.parse.keywords import folded, holds_any
from audiodrama.parse.name_runs import runs
from audiodrama.parse.names import NameIndex
from audiodrama.parse.quoted import closes_letter
from audiodrama.parse.quotes import Piece, quote_convention, split_paragraph
from audiodrama.parse.rules_kin import _word_matches

# The plain regex name_runs.runs replaces: a run of capitalised words with lowercase particles
# inside (de, of, van) and its article; it tries the optional article at every character
_RUN = re.compile(
    r"(?:\b(?:the|The|a|A|an|An)\s+)?"
    r"\b[A-Z][\w'\u2019-]*\.?(?:\s+(?:(?:de|van|von|of|la|le|du|da|di)\s+)?[A-Z][\w'\u2019-]*\.?)*"
)

RUN_TEXTS = [
    "said the Hatter to the March Hare and the  \n Mock Turtle.",
    "bathe Hatter, x-the Hatter, _the Hatter, 1the Hatter, é the Hatter",
    "the a Hatter; an An Hatter; an old Man; A. Hatter; The\u00a0Queen",
    "Sir the Knave, Mr. Darcy of the Hatter, Jan de The Hatter, said the",
    "'the Duchess' and \u2018a Dodo\u2019 met Lady Catherine de Bourgh.",
]


@pytest.mark.parametrize("text", RUN_TEXTS)
def test_runs_are_the_runs_of_the_run_regex_in_every_window(text: str) -> None:
    for start in range(len(text)):
        for end in range(start, len(text) + 1):
            want = [m.span() for m in _RUN.finditer(text, start, end)]
            assert list(runs(text, start, end)) == want, (start, end)


@pytest.mark.parametrize(
    "text",
    ["Hello, World!", "  It's -- a_b (test)  ", "Mr. O'Brien's 2nd time...", "", "___", "\x1ftab\tnew\nline"],
)
def test_ascii_ids_normalise_as_the_general_rule(text: str) -> None:
    general = re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", text).lower()).strip()
    assert normalise(text) == general


@pytest.mark.parametrize(
    "text",
    [
        "Hello, World!",
        "  It's -- a_b (test)  ",
        "Mr. O'Brien's 2nd time...",
        "",
        "\x1ftab\tnew\nline",
        "Caf\u00e9 ZZ",
    ],
)
def test_base_ids_hash_the_normalised_text(text: str) -> None:
    # the ASCII path hashes its bytes with no str between: the same digest
    assert base_id(text) == hashlib.sha1(normalise(text).encode("utf-8")).hexdigest()[:10]


def test_non_ascii_ids_still_fold() -> None:
    assert normalise("\u201cWell\u2014yes\u2026\u201d") == "well yes"


def test_history_slices_like_a_list_with_the_beams_own_decisions() -> None:
    base: list[int | None] = [0, None, 1, None, 2, None]
    hist = History(base).choose(1, 5).choose(5, 7)
    as_list = [hist[i] for i in range(len(hist))]
    assert as_list == [0, 5, 1, None, 2, 7]
    for sl in (slice(0, 6), slice(1, 4), slice(2, 6, 2), slice(4, 1, -1), slice(-3, None), slice(0, 0)):
        assert hist[sl] == as_list[sl], sl
    assert base == [0, None, 1, None, 2, None]  # the shared base is not written by a slice


def test_german_guillemets_are_still_told_from_french_ones() -> None:
    german = quote_convention("»Komm«, sagte er. »Gleich«, sagte sie.", single=False)
    french = quote_convention("« Viens », dit-il. « Oui », dit-elle.", single=False)
    plain = quote_convention('"Come," he said.', single=False)
    assert "\u00bb" in german.opens and "\u00ab" in german.closes
    assert "\u00ab" in french.opens and "\u00bb" in french.closes
    assert plain.opens == french.opens


@pytest.mark.parametrize(
    "cue",
    [
        "Ring, ring. She sighed.",
        "HER PHONE BUZZED on the table.",
        "He picked up the Receiver.",
        "She answered her call at last.",
        "He pressed accept.",
        "She tapped answer.",
        "He DIALLED the number.",
        "He d\u0131aled again.",  # dotless i: `ignore case` matches it to i
        "She put the phone to her ear.",
    ],
)
def test_every_phone_cue_holds_a_call_word(cue: str) -> None:
    assert _CALL.search(cue)
    assert holds_any(folded(cue), _CALL_WORDS)


_CALL_TEXT = (
    "ring ring! ring, phone cell cellphone mobile telephone rang was ringing buzzed began to started "
    "picked up the her his my their receiver answered call press pressed presses answer accept tapped "
    "swiped hit dialed dialled dial put to ear Ann"
)


@given(
    sentence=st.lists(st.sampled_from(_CALL_TEXT.split()), min_size=1, max_size=7)
    .flatmap(
        lambda words: st.tuples(*(st.sampled_from(_CASES.get(c, c + c.upper())) for c in " ".join(words)))
    )
    .map("".join)
)
@settings(max_examples=400, deadline=None)
def test_every_phone_call_match_holds_a_call_word(sentence: str) -> None:
    if _CALL.search(sentence):
        assert holds_any(folded(sentence), _CALL_WORDS), sentence


def test_descriptions_are_found_after_a_word_boundary_only() -> None:
    index = NameIndex([Character(name="the Colonel", gender="male"), Character(name="Anna", gender="female")])
    text = "the colonel came. Bathe colonel. His\ncolonel, her  colonel; xthe colonel"
    found = [(m.start, m.end) for m in index.mentions(text, 0, len(text))]
    assert found == [(0, 11), (33, 44), (46, 58)]
    assert [(m.start, m.end) for m in index.mentions(text, 1, len(text))] == found[1:]


def test_word_matches_are_the_matches_after_a_word_boundary() -> None:
    pat = re.compile(r"(Ann|Bob)\s+(Lee|Ray)\b")
    text = "Ann Lee, XAnn Lee, _Bob Ray; Bob Ray\nAnn  Lee. Bob Rays, Ann Lee"
    want = [m.span() for m in re.compile(r"\b" + pat.pattern).finditer(text)]
    assert [m.span() for m in _word_matches(pat, text)] == want
    assert len(want) == 4


@pytest.mark.parametrize("enabled", [True, False])
def test_parsing_leaves_the_cycle_collector_as_it_found_it(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        if not enabled:
            gc.disable()
        script = parse_story('"Where are you going?" asked Anna.\n\n"To the market," said Ben.')
        assert gc.isenabled() == enabled
        assert [l.speaker for l in script.lines() if l.kind == "dialogue"] == ["Anna", "Ben"]
    finally:
        if was:
            gc.enable()


def _plain_first_narration_sentence(para: str) -> str:
    narration = " ".join(scenecues.QUOTED.sub(" ", para).split())
    m = scenecues._SENTENCE_END.search(narration)
    sentence = narration[: m.end()] if m else narration
    return sentence.strip(" ,;:-\u2014\u2013")


@pytest.mark.parametrize(
    "para",
    [
        '"Hi!" Ben said.  \n  He left.',
        "  \u201cOnly speech.\u201d  ",
        "The next morning, \t she woke.\n\n(Later) they met. Then ...",
        "Wait!\u2019  \u2018No,\u2019 she said. -- He rose.\u2026  \u201cGo.\u201d He went.",
        ", - \u2014 Oh?  Yes.) Fine.",
    ],
)
def test_first_narration_sentence_is_the_plain_ones(para: str) -> None:
    assert scenecues.first_narration_sentence(para) == _plain_first_narration_sentence(para)


@given(st.text(alphabet=" \t\n\u00a0.!?\u2026\"\u201c\u201d\u2018\u2019'()AaBb,;:-\u2014", max_size=60))
@settings(max_examples=400, deadline=None)
def test_first_narration_sentence_is_the_plain_ones_on_any_text(para: str) -> None:
    assert scenecues.first_narration_sentence(para) == _plain_first_narration_sentence(para)


# the words of the cue regexes, to build sentences that match them now and then
_CUE_TEXT = (
    "woke awoke awoken awakened awakens jolted startled awake came to his senses opened her eyes "
    "transported teleports whisked orbing shimmered flashing apparated disapparated off away back into "
    "arrived arriving landed pulled up at in on got gets home returned went reached entered the Ann's "
    "made their way found himself themselves a an empty quiet bench seat corner sofa door room"
)
# how `ignore case` may write each letter: its capital, and for i, s and k the other letters it matches
_CASES = {"i": "iI\u0131\u0130", "s": "sS\u017f", "k": "kK\u212a"}


@st.composite
def _cue_sentences(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(_CUE_TEXT.split()), min_size=1, max_size=9))
    return "".join(draw(st.sampled_from(_CASES.get(c, c + c.upper()))) for c in " ".join(words))


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (scenecues._WAKE, scenecues._WAKE_WORDS),
        (scenecues._TRANSPORT, scenecues._TRANSPORT_WORDS),
        (scenecues._ARRIVE, scenecues._ARRIVE_WORDS),
        (scenecues._SEAT, scenecues._ARRIVE_WORDS),
    ],
)
@given(sentence=_cue_sentences())
@settings(max_examples=300, deadline=None)
def test_every_scene_cue_match_holds_a_key_word(
    pattern: re.Pattern[str], words: tuple[str, ...], sentence: str
) -> None:
    if pattern.search(sentence):
        assert holds_any(folded(sentence), words), sentence


@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        ("He wh\u0131\u017fked her to Paris.", "transport"),
        ("Ann AWOKE at dawn.", "wake"),
        ("He W\u0130\u017fKED away to Paris.", ""),
        ("They were tranſported to the castle.", "transport"),
        ("She made her way to the garden, and Ann sat.", "arrive"),
        ("He found a quiet bench.", "arrive"),
        ("He would have arrived at noon.", ""),
    ],
)
def test_scene_cues_through_the_key_words(sentence: str, cue: str) -> None:
    text = f"Ann sat.\n\nBen stood.\n\n{sentence}"
    paras = [(0, 8), (10, 20), (22, len(text))]
    assert scenecues.scene_cue(text, paras, 2, ["body"] * 3) == cue


_CLOSE_TEXT = (
    "Yours ever yours truly Your affectionate your devoted I remain, dear Sir, -- Wm. Elliot &c. our sincere"
)


@given(st.lists(st.sampled_from([*_CLOSE_TEXT.split(), ".", "!", "\n", "  "]), max_size=14))
@settings(max_examples=400, deadline=None)
def test_letter_closes_are_the_plain_regexs(words: list[str]) -> None:
    quote = " ".join(words)
    assert closes_letter(quote) == (quoted._LETTER_CLOSE.search(quote[-80:]) is not None)


@pytest.mark.parametrize(
    ("quote", "closes"),
    [
        ("I shall come on Monday. Yours affectionately,", True),
        ("I remain, dear Miss Crawford, &c.", True),
        ("Your devoted friend", True),
        ("Is this yours?", False),
        ("Your mother is here.", False),
    ],
)
def test_letter_closes(quote: str, closes: bool) -> None:
    assert closes_letter(quote) == closes


_HANDED_WORDS = "The letter was written. He wrote it; spoke of the NOTE said I. In the envelope: contents"


@given(
    st.lists(
        st.sampled_from([*_HANDED_WORDS.split(), ".", "!", ":", "\n", "  ", "\u0130", "\u017f"]), max_size=12
    )
)
@settings(max_examples=400, deadline=None)
def test_writing_handed_over_is_the_plain_test(words: list[str]) -> None:
    # the paragraph's key words tested before its last sentence is cut out: the same verdict
    text = " ".join(words)
    para = quotes_module.Paragraph(0, 0, len(text), [Piece("n", 0, len(text))])
    last = quoted._SENTENCE_BREAK.split(text.strip())[-1]
    plain = quoted._WRITING.search(last) is not None and quoted._SPEAKING.search(last) is None
    assert quoted.hands_over_writing(text, para) == (plain and not quoted.DQ_MARKS.search(text))


def test_a_paragraphs_quotes_and_narration_follow_its_pieces() -> None:
    para = split_paragraph('"Hi," said Ann. "Bye."', 0, 0, 22, single=False, continues=False)
    assert [(q.start, q.end) for q in para.quotes] == [(0, 5), (16, 22)]
    assert [(p.start, p.end) for p in para.narration] == [(6, 15)]
    para.quotes.clear()  # a new list each time: the caller's to change
    assert len(para.quotes) == 2
    para.pieces.append(Piece("n", 22, 22))  # appended to
    assert len(para.narration) == 2
    para.pieces = para.pieces[:1]  # replaced
    assert len(para.quotes) == 1 and para.narration == []


_EXIT_TEXT = (
    "walked stormed ran rushed hurried stalked marched strode stepped slipped went got stumbled flounced "
    "swept dashed raced crept backed left quitted quit fled out away off the this her room house hall "
    "study disappeared vanished departed was gone hung up He Ann then"
)


@given(st.lists(st.sampled_from([*_EXIT_TEXT.split(), " ", "\n", "."]), max_size=10))
@settings(max_examples=400, deadline=None)
def test_every_exit_holds_an_exit_word(words: list[str]) -> None:
    sentence = " ".join(words)
    if ranker_context._EXIT.search(sentence):
        assert any(w in sentence for w in ranker_context._EXIT_WORDS), sentence


_SELF_NAME_TEXT = (
    "My my first name is was Call call me called I myself am christened named Pip Mr. Jake Barnes , ; ."
)


@given(st.lists(st.sampled_from([*_SELF_NAME_TEXT.split(), "I,", " ", "\n"]), max_size=10))
@settings(max_examples=400, deadline=None)
def test_every_self_naming_holds_a_naming_word(words: list[str]) -> None:
    sentence = " ".join(words)
    if narrator._SELF_NAME.search(sentence):
        assert any(w in sentence for w in narrator._SELF_NAME_WORDS), sentence


# the plain regex of a single quote opening a word, from the character before it
_SQ_OPENER_PLAIN = re.compile(r"[\s(\[\u2014]['\u2018][A-Za-z\u00c0-\u024f]")


@given(st.text(alphabet=" \n(['\u2018\u2019\u2014aZ\u00e9-.", max_size=40))
@settings(max_examples=500, deadline=None)
def test_single_quote_openers_are_counted_as_the_plain_regex_counts_them(text: str) -> None:
    assert len(quotes_module._SQ_OPENER_RE.findall(text)) == len(_SQ_OPENER_PLAIN.findall(text))


def test_single_quote_openers() -> None:
    text = "'Tis so, 'Hello,' (\u2018Hi\u2019) he said\u2014'no' [\u2018\u00e9t\u00e9'] don't' 'x"
    assert len(quotes_module._SQ_OPENER_RE.findall(text)) == len(_SQ_OPENER_PLAIN.findall(text)) == 5


# the plain forms of regexes rewritten to open on a character the regex engine skips to in C
_PLAIN_AND_FAST = [
    (re.compile(r"\b(?:I|me|my|myself)\b"), characters._FIRST_PERSON),
    (re.compile(r"\bI\b"), attribution._FIRST_PERSON),
    (re.compile(r"(?<=[a-z,] )([A-Z][a-z]{2,})(?=\s*[?!.,])"), characters._NAME_IN_QUOTE),
]


@pytest.mark.parametrize(("plain", "fast"), _PLAIN_AND_FAST)
@given(text=st.text(alphabet="Imeyslf IMa,_.?\u00e9\n", max_size=30), data=st.data())
@settings(max_examples=300, deadline=None)
def test_rewritten_regexes_match_as_their_plain_forms(
    plain: re.Pattern[str], fast: re.Pattern[str], text: str, data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    want = [(m.span(), m.groups()) for m in plain.finditer(text, start, end)]
    assert [(m.span(), m.groups()) for m in fast.finditer(text, start, end)] == want


def test_rewritten_regexes_on_sentences() -> None:
    text = "I said my piece; Mimi, me and myself. Is it I? No, Ann, my dear Sam! xI mIe Ian, Tom."
    for plain, fast in _PLAIN_AND_FAST:
        want = [(m.span(), m.groups()) for m in plain.finditer(text)]
        assert want and [(m.span(), m.groups()) for m in fast.finditer(text)] == want


@given(
    words=st.lists(
        st.sampled_from(
            ["My", "my", "Dear", "dearest", "Mr.", "Miss", "Tom", "Ann", "Lee", "xMy", ",", ".", "!", ";"]
        ),
        max_size=10,
    ),
    seps=st.lists(st.sampled_from([" ", "", "  ", "\n", ", "]), min_size=10, max_size=10),
    data=st.data(),
)
@settings(max_examples=500, deadline=None)
def test_vocatives_are_the_plain_regexs(words: list[str], seps: list[str], data: st.DataObject) -> None:
    text = "".join(w + s for w, s in zip(words, seps))
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    want = [(m.span(), m.group(1)) for m in vocatives.PLAIN.finditer(text, start, end)]
    assert [(m.span(), m.group(1)) for m in vocatives.VOCATIVE.finditer(text, start, end)] == want


@pytest.mark.parametrize(
    "text",
    ["My Tom, come.", "Dear Ann! Yes, Mr. Lee.", "Oh, my dearest Ann.", "Tom Lee, hi", "xMy Tom, no; Ann."],
)
def test_vocatives_on_sentences(text: str) -> None:
    want = [(m.span(), m.group(1)) for m in vocatives.PLAIN.finditer(text)]
    assert want and [(m.span(), m.group(1)) for m in vocatives.VOCATIVE.finditer(text)] == want


_LOOK_BACK_TEXT = (
    "remembered recalling reminded reminds memory memories used to back then even then that's when that was "
    "when the first time last time wished never forgot could still hear see feel echoed echoing years ago "
    "long ago thought back looking back since before he she they died left Ann"
)


@given(
    sentence=st.lists(st.sampled_from(_LOOK_BACK_TEXT.split()), min_size=1, max_size=6)
    .flatmap(
        lambda words: st.tuples(*(st.sampled_from(_CASES.get(c, c + c.upper())) for c in " ".join(words)))
    )
    .map("".join)
)
@settings(max_examples=400, deadline=None)
def test_every_looking_back_holds_a_key_word(sentence: str) -> None:
    if _LOOK_BACK.search(sentence):
        assert holds_any(folded(sentence), _LOOK_BACK_WORDS), sentence


@settings(max_examples=200, deadline=None)
@given(
    starts=st.lists(st.integers(0, 500), max_size=40),
    start=st.integers(-5, 505),
    width=st.integers(0, 200),
)
def test_mentions_in_is_the_plain_filter(starts: list[int], start: int, width: int) -> None:
    # the lead-in rules look up a sentence's mentions by bisection: a paragraph pasted in
    # one piece holds thousands, and a scan per quote made such a story quadratic
    from types import SimpleNamespace

    from audiodrama.parse.context import mentions_in

    mentions = [SimpleNamespace(start=s, end=s + 3) for s in sorted(starts)]
    end = start + width
    assert list(mentions_in(mentions, start, end)) == [m for m in mentions if start <= m.start < end]


def _plain_description_hits(desc: list[str], indef: list[str], text: str, start: int, end: int) -> list:
    """What names.NameIndex found with one regex holding both kinds of description."""
    alts = "|".join(re.escape(d).replace("\\ ", r"\s+") for d in sorted(desc, key=len, reverse=True))
    ind = "|".join(re.escape(d).replace("\\ ", r"\s+") for d in sorted(indef, key=len, reverse=True))
    rx = re.compile(
        (r"(?:the|The|his|His|her|Her)(?<!\w[\s\S]{3})\s+(" + alts + r")\b" if desc else "(?!)")
        + (r"|\b(?:an|An|a|A)\s+((?i:" + ind + r"))\b" if ind else "")
    )
    out = []
    for m in rx.finditer(text, start, end):
        g = 1 if m.group(1) else 2
        out.append((m.start(), m.end(), m.start(g), m.group(g), g == 2))
    return out


@pytest.mark.parametrize(
    ("desc", "indef"),
    [
        (["old woman", "beadle", "boy and an"], ["old man", "sleepy-faced carpenter"]),
        ([], ["old man"]),
        (["beadle"], []),
    ],
)
def test_description_scan_finds_what_one_regex_of_both_kinds_found(desc: list[str], indef: list[str]) -> None:
    # overlapping hits (`the boy and an` / `an old man`) take the one regex's way
    text = (
        "The beadle met an Old Man, then a old man; his\nold woman and Aan old man. "
        "the boy and an old man; a sleepy-faced Carpenter, her beadle"
    )
    scan = DescriptionScan(desc, indef)
    for start in range(0, len(text), 3):
        for end in range(start, len(text) + 1, 2):
            assert scan.hits(text, start, end) == _plain_description_hits(desc, indef, text, start, end)


SENTENCE_TEXTS = [
    'He said so.  "Then--Go!" she cried.\u201d Mr. Bell replied; and, voice low,\n\n'
    "unsaid words: saying 'say' aloud, thus_ spoke\u2014Ann. Said Tom, and when asked, answered.",
    "?\n \n!'_ Then-- x. cried,but said\tcried. ._ ,\nand \u2014 \u2014B a,  while b, when",
]


@pytest.mark.parametrize("text", SENTENCE_TEXTS)
def test_context_regexes_are_the_plain_regexes_in_every_window(text: str) -> None:
    plain = {
        context._SENT_BOUND: r"[.!?;][\"'\u201d\u2019)_]*(?:\s+|(?:--|\u2014)\s*(?=[A-Z]))|[\n]\s*\n",
        context._CLAUSE_BOUND: r"[.!?;][\"'\u201d\u2019)_]*\s+|[\n]\s*\n|,\s+(?=and\s|but\s|while\s|when\s)",
        context.SPEECH_WORD: r"\b(?:" + "|".join(context.SPEECH_WORDS) + r")\b",
    }
    for fast, slow in plain.items():
        rx = re.compile(slow)
        for start in range(len(text)):
            for end in range(start, len(text) + 1):
                want = [m.span() for m in rx.finditer(text, start, end)]
                assert [m.span() for m in fast.finditer(text, start, end)] == want, (slow, start, end)


def test_first_letter_words_match_the_words_the_plain_alternation_matches() -> None:
    # the plain alternation takes the first word listed that matches: `a` before `an` leaves
    # `an` to match only where `a` ends on no word boundary
    words = ["a", "an", "and", "Ann", "annals", "b", "bat"]
    text = "a an and Ann annals bat b anand xa a_ an1 An\nann Annals"
    rx, fast = re.compile(r"\b(?:" + "|".join(words) + r")\b"), re.compile(context.first_letter_words(words))
    for start in range(len(text)):
        assert [m.span() for m in fast.finditer(text, start)] == [m.span() for m in rx.finditer(text, start)]


def _plain_first_person(text: str, paras: list) -> bool:
    i_count = tags = chars = 0
    for p in paras:
        for piece in p.narration:
            seg = text[piece.start : piece.end]
            chars += len(seg)
            i_count += len(characters._FIRST_PERSON.findall(seg))
            tags += len(characters._I_TAG.findall(seg))
    density = i_count * 1000 / chars if chars else 0.0
    return chars > 0 and (
        (tags >= 1 and density >= 2.0) or tags >= 10 or (tags == 0 and i_count >= 3 and density >= 10.0)
    )


@pytest.mark.parametrize("tags", [0, 1, 2, 5, 9, 10, 12])
@pytest.mark.parametrize(
    "filler", ["She walked on and on through the long grass. " * 20, "I sat. Me, my, I. ", ""]
)
def test_first_person_counts_the_is_only_where_they_decide(tags: int, filler: str) -> None:
    text = "\n\n".join([filler or '"Hm."', *(['"Yes," I said.'] * tags), filler or '"No."'])
    paras = quotes_module.find_quotes(text, [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)])
    assert characters.detect_first_person(text, paras) == _plain_first_person(text, paras)


@given(
    pre=st.integers(0, 3),
    words=st.integers(250, 300),
    post=st.integers(0, 3),
    nested=st.booleans(),
)
@settings(max_examples=200, deadline=None)
def test_a_short_quote_is_one_part_as_the_splits_give_it(
    pre: int, words: int, post: int, nested: bool
) -> None:
    # the short quote's fast path in lines._dialogue_lines: whole when the splits keep it whole
    body = ("He said. 'No.' (smiles) " * 20)[:words] if nested else ("Yes. " * 80)[:words]
    text = " " * pre + '"' + body + '"' + " " * post
    start, end, inner = 0, len(text), (pre + 1, pre + 1 + len(body))
    if inner[1] - inner[0] < lines._NESTED_FROM and end - start <= lines._CHUNK_OVER:
        parts = [
            c for p in lines._split_nested(text, start, end, inner, False) for c in lines._chunk(text, *p)
        ]
        assert parts == [(start, end)]


_HEADING_TOKENS = [
    *[
        "Chapter",
        "CHAPTER",
        "chap.",
        "Ch.",
        "Book",
        "Part",
        "Partly",
        "Volume",
        "vol.",
        "Act",
        "Kapitel",
        "Prologue",
        "EPILOGUE",
        "Prólogo",
    ],
    *[
        "Introduction",
        "Preface",
        "IV",
        "12",
        "one",
        "the",
        "Twentieth",
        ":",
        ".",
        "—",
        "(",
        ")",
        "word",
        "#",
        "##",
        "Kapitel",
        "ıntroduction",
    ],
    " ",
    "\n",
    "\t",
    "\n\n ",
]


@given(st.lists(st.sampled_from(_HEADING_TOKENS), max_size=12))
@settings(max_examples=500, deadline=None)
def test_headings_are_the_plain_tests(tokens: list[str]) -> None:
    # the opening tested before the paragraph is flattened: the same verdict
    para = "".join(tokens)
    words = para.split(None, 110)
    flat = " ".join(words)
    plain = len(words) <= 110 and len(flat) <= 110 and bool(structure._CHAPTER.match(flat))
    assert structure.is_heading_text(para) == plain
