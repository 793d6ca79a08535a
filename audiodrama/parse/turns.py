"""The sieve's values: quotes and turns, and the state and helpers every attribution rule shares."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from audiodrama.parse.context import is_lead_in, last_sentence_start, speaker_before_verb
from audiodrama.parse.names import Mention, NameIndex, name_key
from audiodrama.parse.quotes import Paragraph, Quote
from audiodrama.parse.tags import Tag
from audiodrama.parse.wordlists import PRONOUNS

CONFIDENCE = {
    "explicit-verb": 0.95,
    "lead-in": 0.85,
    "same-paragraph": 0.9,
    "continued": 0.9,
    "pronoun": 0.8,
    "vocative": 0.75,
    "narration": 0.7,
    "turn-taking": 0.65,
    "conversation-fallback": 0.4,
    "kinship": 0.85,
    "cast-none": 0.1,
}


GENDERED_NOUNS: dict[str, str] = {
    **{
        w: "female"
        for w in [
            "wife",
            "mother",
            "sister",
            "aunt",
            "lady",
            "daughter",
            "niece",
            "girl",
            "woman",
            "mamma",
            "mama",
            "mum",
            "mom",
            "grandmother",
            "queen",
            "duchess",
            "princess",
            "widow",
            "maid",
            "mistress",
            "madam",
            "landlady",
            "cousin-in-law",
            "hostess",
            "actress",
        ]
    },
    **{
        w: "male"
        for w in [
            "husband",
            "father",
            "brother",
            "uncle",
            "gentleman",
            "son",
            "nephew",
            "boy",
            "man",
            "papa",
            "dad",
            "grandfather",
            "king",
            "duke",
            "prince",
            "lord",
            "master",
            "sir",
            "landlord",
            "host",
            "fellow",
        ]
    },
}


# `her aunt`, `his uncle`: a relation told relative to someone, not a name.
_RELATIVE_TITLE = re.compile(r"(?:his|her|my|their|our|your)\s+[a-z]+", re.IGNORECASE)


@dataclass
class QuoteState:
    """What the sieve knows about one quote."""

    quote: Quote
    speaker: int | None = None
    rule: str = ""
    confidence: float = 0.0
    addressee: int | None = None
    tag: Tag | None = None
    tag_piece: int | None = None
    """Index into the paragraph's pieces of the narration piece holding the tag."""
    mentions: list[Mention] = field(default_factory=list)
    """Character names inside the quote."""
    addr_gender: str | None = None
    """`I said to her`: the gender of whom the quote speaks to, when told by a pronoun."""
    kin: list[int] = field(default_factory=list)
    """Who `said his wife` / `her mother` can be, by the family names of the cast."""


@dataclass
class Turn:
    """A paragraph with at least one quote."""

    para: Paragraph
    states: list[QuoteState] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    """Character mentions in the paragraph's narration (not in quotes)."""
    pron_gender: str | None = None
    """'male' / 'female' when a speech tag or lead-in names the speaker by pronoun."""
    leadin: int | None = None
    """Character that is the subject of the narration leading into the first quote."""
    _by_quote: dict[int, QuoteState] = field(default_factory=dict, repr=False, compare=False)

    def state_of(self, quote: Quote | None) -> QuoteState | None:
        """The state of `quote` (the first one holding it), found in constant time: a long
        paragraph holds thousands of quotes."""
        if len(self._by_quote) != len(self.states):
            self._by_quote = {id(s.quote): s for s in reversed(self.states)}
        return self._by_quote.get(id(quote))

    @property
    def speaker(self) -> int | None:
        """The paragraph's speaker: the speaker of its first attributed quote."""
        for s in self.states:
            if s.speaker is not None:
                return s.speaker
        return None


def renumber_speakers(turns: list[Turn], new: dict[int, int]) -> None:
    """Every turn's speaker and addressee moved to its new character index (gone: None),
    after characters were folded into others or dropped."""
    for t in turns:
        for st in t.states:
            if st.speaker is not None:
                st.speaker = new.get(st.speaker)
            if st.addressee is not None:
                st.addressee = new.get(st.addressee)


class Sieve:
    """The state of the sieve over one story's paragraphs, and the helpers its rules share."""

    def __init__(
        self,
        text: str,
        paras: list[Paragraph],
        index: NameIndex,
        genders: list[str],
        narrator: int | None,
    ):
        self.text = text
        self.paras = paras
        self.index = index
        self.genders = genders
        self.narrator = narrator
        self.turns: list[Turn] = []
        self.turn_of_para: dict[int, int] = {}
        # All narration mentions, in text order, for pronoun resolution.
        self.para_mentions: list[list[Mention]] = []
        self.skip: set[int] = set()
        """Paragraph indexes (an epigraph) the ranker leaves unattributed."""
        self.referents: dict[int, int] = {}
        """Pronoun tags (by start) that stand for a description character (referents.py)."""

    # ------------------------------------------------------------------ helpers
    def _set(self, st: QuoteState, who: int | None, rule: str, conf: float | None = None) -> None:
        if who is None or st.speaker is not None:
            return
        st.speaker, st.rule = who, rule
        st.confidence = CONFIDENCE.get(rule, 0.5) if conf is None else conf

    def _prev_turn(self, ti: int, max_gap: int = 1) -> Turn | None:
        """The previous turn if it is at most `max_gap` paragraphs before this one."""
        if ti == 0:
            return None
        prev = self.turns[ti - 1]
        if self.turns[ti].para.index - prev.para.index <= max_gap:
            return prev
        return None

    def _resolve_subject(self, subj: str) -> int | None:
        s = subj.strip()
        if s in ("I",):
            return self.narrator
        return self.index.lookup(s)

    def _recent(self, ti: int, limit: int = 6) -> list[tuple[int, int]]:
        """(position, character) of recent mentions and speakers, newest first."""
        out: list[tuple[int, int]] = []
        pidx = self.turns[ti].para.index
        for p in range(pidx - 1, max(-1, pidx - limit - 1), -1):
            t = self.turn_of_para.get(p)
            items: list[tuple[int, int]] = [(m.start, m.char) for m in self.para_mentions[p]]
            if t is not None:
                for st in self.turns[t].states:
                    if st.speaker is not None:
                        items.append((st.quote.start, st.speaker))
            out.extend(sorted(items, reverse=True))
        return out

    def _spread(self, turn: Turn, rule: str) -> None:
        """Untagged quotes in a paragraph take the speaker of the nearest attributed one."""
        known = [(i, s, s.speaker) for i, s in enumerate(turn.states) if s.speaker is not None]
        if not known or len(known) == len(turn.states):
            return
        at = [k[0] for k in known]
        for i, st in enumerate(turn.states):
            if st.speaker is None:
                # the nearest attributed quote, the earlier one on a tie (bisect: a long
                # paragraph holds thousands of quotes)
                j = bisect.bisect_left(at, i)
                left = j > 0 and (j == len(at) or i - at[j - 1] <= at[j] - i)
                _j, src, who = known[j - 1] if left else known[j]
                hint = self._gender_hint(turn, i)
                if hint is not None and self.genders[who] not in (hint, "unknown"):
                    # `"..." said the King. "Come, that's good!" she said to herself`
                    continue
                if st.addressee != who:
                    self._set(st, who, rule, min(src.confidence, CONFIDENCE[rule]))

    def _gender_hint(self, turn: Turn, i: int) -> str | None:
        """The gender a quote's own pronoun tag (`she said`), or for the paragraph's first
        quote the lead-in pronoun (`he went on:`), tells; else None."""
        st = turn.states[i]
        if st.tag is not None:
            g = PRONOUNS.get(st.tag.subject.lower())
            if g in ("male", "female"):
                return g
            head = st.tag.subject.split()[-1].lower().strip(".,;:!?")
            return GENDERED_NOUNS.get(head)
        if i == 0 and turn.para.pieces and turn.para.pieces[0].kind == "q":
            return turn.pron_gender if turn.pron_gender in ("male", "female") else None
        return self._lead_in_pronoun(turn, st)

    def _lead_in_pronoun(self, turn: Turn, st: QuoteState) -> str | None:
        """`"...," cried Anne. After a while he said, "It is a period."`: the gender of the
        `he`/`she` whose speech verb leads into a quote inside the paragraph."""
        pieces = turn.para.pieces
        # the quote's piece, found by bisection (a long paragraph holds thousands of quotes)
        k = bisect.bisect_left(pieces, st.quote.start, key=lambda p: p.start)
        if not 0 < k < len(pieces) or pieces[k].quote is not st.quote or pieces[k - 1].kind != "n":
            return None
        s, e = pieces[k - 1].start, pieces[k - 1].end
        if not is_lead_in(self.text, s, e, loose=True):
            return None
        ls = last_sentence_start(self.text, s, e)
        subj = speaker_before_verb(self.text, ls, e, self.index, self.para_mentions[turn.para.index])
        if subj is None or subj.char is not None or subj.pronoun not in ("male", "female"):
            return None
        return subj.pronoun

    def _relative(self, start: int, end: int) -> bool:
        return self._relative_phrase(self.text[start:end])

    def _relative_phrase(self, phrase: str) -> bool:
        """`her aunt` when the cast has no `her aunt` but an `Aunt Philips` (a relation
        told relative to someone, matched through the bare title)."""
        phrase = " ".join(phrase.split())
        return bool(_RELATIVE_TITLE.fullmatch(phrase)) and name_key(phrase) not in self.index.keys

    def _present(self, pidx: int, who: int, window: int = 40, speakers: bool = True) -> bool:
        """Whether `who` is named (by a name or `the wife`, not by a relation told
        relative to someone such as `her aunt`) in the narration of the paragraphs around `pidx`, or spoke there."""
        for p in range(max(0, pidx - window), min(len(self.paras), pidx + 3)):
            for m in self.para_mentions[p]:
                if m.char == who and not self._relative(m.start, m.end):
                    return True
            t = self.turn_of_para.get(p) if speakers else None
            if t is not None and p < pidx and any(s.speaker == who for s in self.turns[t].states):
                return True
        return False
