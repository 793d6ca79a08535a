"""Speech tags and vocatives: who a tag names, whom a quote addresses, the explicit-verb rule"""

from __future__ import annotations

import re
from functools import cached_property

from audiodrama.parse.context import last_sentence_start
from audiodrama.parse.names import Mention, name_key
from audiodrama.parse.piece_memo import tag_after_piece, tag_before_piece
from audiodrama.parse.quotes import Piece
from audiodrama.parse.revealed import is_description
from audiodrama.parse.shared_names import SharedNames
from audiodrama.parse.speech_subject import lead_in_subject
from audiodrama.parse.tags import Tag
from audiodrama.parse.turns import QuoteState, Sieve, Turn
from audiodrama.parse.wordlists import PRONOUNS

_TO_NAME = re.compile(
    r"(?:\s*,)?\s+(?:[a-z]+ly\s+)?(?:to|turning to|addressing)\s+((?:(?:the|his|her)\s+)?"
    r"[A-Z][\w'\u2019-]*\.?(?:\s+[A-Z][\w'\u2019-]*\.?){0,2}|(?:the|his|her)\s+[a-z]+)"
)

# The words of a phrase up to a comma, a stop or a quote mark.
_CLAUSE = re.compile(r"[^,;:!?\"\u201c\u201d()\u2014]+")  # a wrapped line goes on
_ABBREV = re.compile(r"(?:Mrs|Mr|Ms|Dr|St|[A-Z])\.$")

# `the more candid Lady Bertram` (not `the man beside Mr. Hall`: a preposition)
_DESCRIBED_NAME = re.compile(
    r"the\s+(?:(?!(?:of|to|with|near|by|from|at|in|on|for|behind|beside|and|or|who)\b)[a-z]+\s+){1,3}"
    r"((?:[A-Z][\w.'\u2019-]*(?:\s+|$)){1,3})"
)

_TO_PRONOUN = re.compile(
    r"(?:\s*,)?\s+(?:[a-z]+ly\s+)?(?:to|turning to|addressing)\s+(him|her|me)\b(?!\s+[a-z])"
)

_VOC_PREFIX = r"(?:(?:my|My)\s+(?:dear(?:est)?\s+|good\s+|poor\s+)?|(?:dear|Dear|oh|Oh|O|ah|Ah)\s+)?"

_GREETING = (
    r"(?:oh|ah|o|sorry|hey|hi|hello|thanks|thank you|yes|no|please|well|okay|ok|look|"
    r"listen|come on|good-?night|good-?bye|bye|morning|evening|dear|dearest|my dear|"
    r"my dearest|my good|my poor|poor|darling|now|why)"
)

# Before a vocative: the quote start or punctuation, then maybe a greeting word or two.
_VOC_BEFORE = re.compile(
    r"(?:^|[,!?.;:\u2014\u2026-])\s*(?:" + _GREETING + r"[,!]?\s+){0,2}$|"
    r"^\s*(?:" + _GREETING + r"[,!]?\s+){1,2}$",
    re.IGNORECASE,
)

_VOC_AFTER = re.compile(r"\s*[,!?.;:\u2014\u2026-]")

# Words after which a sentence-final name is addressed (`You're right Will.`).
_OBJECT_LEADS = frozenset(
    [
        "to",
        "with",
        "at",
        "for",
        "from",
        "about",
        "of",
        "by",
        "see",
        "saw",
        "seen",
        "meet",
        "met",
        "and",
        "or",
        "is",
        "was",
        "call",
        "called",
        "tell",
        "told",
        "ask",
        "asked",
        "love",
        "loved",
        "like",
        "find",
        "found",
        "than",
        "marry",
        "married",
        "visit",
        "visited",
        "trust",
        "believe",
        "help",
        "know",
        "knew",
    ]
)

_VOC_LEADS = frozenset(
    [
        "right",
        "wrong",
        "sorry",
        "okay",
        "ok",
        "yes",
        "no",
        "please",
        "thanks",
        "too",
        "again",
        "friend",
        "love",
        "dear",
        "now",
        "here",
        "there",
    ]
)


class TagRules(Sieve):
    """Speech tags and vocatives."""

    def _explicit(self, turn: Turn) -> None:
        for st in turn.states:
            if st.tag is None:
                continue
            subj = st.tag.subject
            if subj.lower() in PRONOUNS and subj != "I":
                # `said she` after `a young woman ... entered`: hers, where nobody of her
                # sex is named (referents.py)
                who = self.referents.get(st.tag.start)
                if who is not None and who != st.addressee:
                    self._set(st, who, "explicit-verb")
                continue
            if self.narrator is not None and _companion_word(subj):
                # `said my companion`: the narrator's, named last before it
                who = self._companion(turn, st.tag.start)
                if who is not None and who != st.addressee:
                    self._set(st, who, "explicit-verb")
                continue
            who = self._titled_holder(turn, subj, self._tag_speaker(turn, st.tag))
            if who is not None and self._relative_phrase(subj) and not self._present(turn.para.index, who):
                # `said her aunt` names whoever is her aunt in this scene: the cast's `Aunt
                # Philips` only when she is about; else it is a gendered description
                continue
            if who is not None and who != st.addressee:
                self._set(st, who, "explicit-verb")

    def _companion(self, turn: Turn, at: int) -> int | None:
        """Whom `my companion` means: the character other than the narrator named last before
        `at` (in its paragraph or the five before), else the story's most prominent other
        named one; None when there is none."""
        pi = turn.para.index
        here = [m for m in self.para_mentions[pi] if m.start < at]
        before = [m for p in self.para_mentions[max(0, pi - 5) : pi] for m in p]
        for m in reversed(before + here):
            if m.char != self.narrator and not is_description(self.index.characters[m.char]):
                return m.char
        return next(
            (i for i, c in enumerate(self.index.characters) if i != self.narrator and not is_description(c)),
            None,
        )

    def _tag_speaker(self, turn: Turn, tag: Tag) -> int | None:
        """The character a tag's subject names."""
        subj = tag.subject
        if tag.inverted:
            who = self._longer_subject(tag)
            if who is not None:
                return who
        head, of, _rest = subj.partition(" of ")
        if of and name_key(subj) not in self.index.keys:
            # `asked Eugenio of Mrs. Miller`: whom he asks; `the voice of the Dodger`: his
            who = self.index.lookup(head)
            if who is not None:
                return who
        who = self._resolve_subject(subj)
        if who is None and name_key(subj) in self.index.shared:
            who = self._present_bearer(turn, tag.start, self.index.shared[name_key(subj)])
        return who

    @cached_property
    def shared_names(self) -> SharedNames:
        """The first names cast characters share and the titles they hold (shared_names),
        built once per story."""
        return SharedNames(self.index)

    @cached_property
    def _long_keys(self) -> list[tuple[list[str], int]]:
        """The index's keys of four words or more (cast descriptions), split, with their
        character."""
        return [(k.split(), c) for k, c in self.index.keys.items() if len(k.split()) >= 4]

    def _titled_holder(self, turn: Turn, subj: str, who: int | None) -> int | None:
        """`said the doctor`: the cast's `Doctor Losberne` when he is about (named or heard
        in the scene), rather than its generic `The Doctor`; the one present in the scene."""
        shared = self.shared_names
        if who is None or not shared.holders:
            return who
        present = [c for c in shared.holders_of(subj, who) if self._present(turn.para.index, c)]
        return present[0] if len(present) == 1 else who

    def _present_bearer(self, turn: Turn, at: int, bearers: set[int]) -> int | None:
        """Of the characters sharing a name (`Charles` Musgrove and Hayter), the one named
        or heard last before `at`, or whose family was (his wife Mary Musgrove speaking):
        the reader takes the one in the scene."""
        here = sorted(((m.start, m.char) for m in turn.mentions if m.start < at), reverse=True)
        ti = self.turn_of_para.get(turn.para.index)
        recent = self._recent(ti, limit=20) if ti is not None else []
        return self.shared_names.present(bearers, (c for _, c in here + recent))

    def _longer_subject(self, tag: Tag) -> int | None:
        """The character a description running on past the tag's subject names, when the
        cast lists it whole: `said the gentleman in the white waistcoat`."""
        head = _CLAUSE.match(self.text, tag.start, min(len(self.text), tag.start + 120))
        words = []
        for w in head.group(0).split() if head else []:
            words.append(w)
            if w.endswith(".") and not _ABBREV.match(w):
                break  # the sentence ends
        n = len(tag.subject.split())
        for j in range(min(len(words), self.index.max_words + 1), n, -1):
            k = name_key(" ".join(words[:j]))
            if k in self.index.keys:
                return self.index.keys[k]
        # `said the more candid Lady Bertram`: the name after the describing words
        described = _DESCRIBED_NAME.match(" ".join(words[:6]))
        if described:
            return self.index.lookup(described.group(1).strip())
        return self._abridged_description(words[:8])

    def _abridged_description(self, words: list[str]) -> int | None:
        """The one cast description a shorter one in the tag abridges, head and last word
        the same: `said the man with the beard` is `The Man With The Black Beard`."""
        ws = [w.lower().strip(".,;:!?\"'\u201c\u201d") for w in words]
        if ws and ws[0] in ("the", "a", "an"):
            ws = ws[1:]
        for j in range(len(ws), 2, -1):
            hits = {
                c
                for kw, c in self._long_keys
                if kw[0] == ws[0] and kw[-1] == ws[j - 1] and _subsequence(ws[:j], kw)
            }
            if hits:
                return hits.pop() if len(hits) == 1 else None
        return None

    # ------------------------------------------------------------------ rules
    def _find_tags(self, turn: Turn) -> None:
        pieces = turn.para.pieces
        for pi, piece in enumerate(pieces):
            if piece.kind != "q":
                continue
            st = turn.state_of(piece.quote)
            if st is None:
                continue
            # after the quote: the tag must open the following narration piece
            before = None
            if pi > 0 and pieces[pi - 1].kind == "n":
                prv = pieces[pi - 1]
                before = tag_before_piece(self.text, prv)
            if pi + 1 < len(pieces) and pieces[pi + 1].kind == "n":
                nxt = pieces[pi + 1]
                tag = tag_after_piece(self.text, nxt)
                led = before is not None or (pi > 0 and self._led_in(turn, pieces[pi - 1]))
                if tag and self._tag_leads_on(pieces, pi, led):
                    # `"An invitation." The Frog-Footman repeated, in the same tone, "From
                    # the Queen."`: a sentence closed by a full stop, then narration leading
                    # into the next quote -- the tag is the next quote's
                    tag = None
                if tag:
                    st.tag, st.tag_piece = tag, pi + 1
                    continue
            if before:
                st.tag, st.tag_piece = before, pi - 1

    def _led_in(self, turn: Turn, prv: Piece) -> bool:
        """Whether narration piece `prv` leads into the quote after it with a speech verb
        whose subject is a name: `So, when Mrs. Sparsit said with forced lightness of heart,
        "..." Mr. Bounderby replied, "..."` (the tag after is the next quote's)."""
        if prv.kind != "n" or not self.text[prv.start : prv.end].rstrip().endswith((",", ":")):
            return False
        ls = last_sentence_start(self.text, prv.start, prv.end)
        found = lead_in_subject(self.text, ls, prv.end, self.para_mentions[turn.para.index])
        return found is not None and found[0] == 2 and found[2] is not None

    def _tag_leads_on(self, pieces: list, pi: int, tagged_before: bool) -> bool:
        """Whether the narration after quote `pi` leads into the next quote rather than
        tagging this one: this quote's sentence is closed by a full stop, or a tag before
        it already names its speaker (`When Tom said, "Your health!" she answered, "Thank
        you."`)."""
        if pi + 2 >= len(pieces) or pieces[pi + 2].kind != "q" or pieces[pi].quote is None:
            return False
        qs, qe = pieces[pi].quote.inner
        closed = self.text[qs:qe].rstrip().rstrip("\"'\u201d\u2019_").endswith(".")
        if not closed and not tagged_before:
            return False
        nxt = pieces[pi + 1]
        return bool(re.search(r"[,:]\s*$|[,:]?\s*(?:--|\u2014)\s*$", self.text[nxt.start : nxt.end]))

    def _tag_addressee(self, st: QuoteState) -> None:
        """`said she to Charlotte`: Charlotte is spoken to, so she does not speak."""
        if st.tag is None or not st.tag.end:
            return
        m = _TO_NAME.match(self.text, st.tag.end, st.tag.end + 60)
        if m:
            who = self.index.lookup(m.group(1))
            if who is not None:
                st.addressee = who
                return
        m = _TO_PRONOUN.match(self.text, st.tag.end, st.tag.end + 40)
        if m:
            if m.group(1) == "me":
                if self.narrator is not None and st.tag.subject != "I":
                    st.addressee = self.narrator
            else:
                st.addr_gender = PRONOUNS[m.group(1)]

    def _find_vocatives(self, turn: Turn) -> None:
        for st in turn.states:
            s, e = st.quote.inner
            st.mentions = self.index.mentions(self.text, s, e)
            for m in st.mentions:
                if self._is_vocative(m, s, e):
                    st.addressee = m.char
                    break
            if st.addressee is None:
                self._tag_addressee(st)

    def _is_vocative(self, m: Mention, qs: int, qe: int) -> bool:
        """A name set off by punctuation, opening or closing the quote, or after a greeting
        ("Buffy? Are you", "No you're right Will.", "Oh sorry Buff!", "my dear Jane,")."""
        before = self.text[max(qs, m.start - 24) : m.start]
        after = self.text[m.end : min(qe, m.end + 2)]
        after_ok = m.end >= qe or bool(_VOC_AFTER.match(after))
        if not after_ok:
            return False
        if m.start <= qs or _VOC_BEFORE.search(before):
            return True
        # `... right Will.`: a name closing a sentence of speech, not after a preposition
        # or a verb that takes it as object (`find Spike.`, `to Bob.`)
        prev_word = re.search(r"(\w+)\W*$", before)
        pw = prev_word.group(1).lower() if prev_word else ""
        if re.match(r"\s*[!?]", after):
            # `Just let me go Spike?`, `Like what Buff?` -- unless the name is an object
            return pw not in _OBJECT_LEADS
        if re.match(r"\s*\.\s*$|\s*\.\s+[A-Z\"]", after + self.text[m.end + 2 : m.end + 4]):
            return pw in _VOC_LEADS
        return False


# what a first-person narrator calls the one beside them in a tag (`said my companion`)
_COMPANIONS = frozenset(["companion", "friend", "comrade", "colleague", "partner", "host", "guest"])


def _companion_word(subject: str) -> bool:
    """`my companion`, `My friend`: the narrator's word for someone the story names."""
    words = subject.split()
    return len(words) == 2 and words[0] in ("my", "My") and words[1] in _COMPANIONS


def _subsequence(short: list[str], long: list[str]) -> bool:
    """Whether `short` is `long` with words left out (in order)."""
    it = iter(long)
    return all(w in it for w in short)
