"""Speaker attribution: a sieve, most precise rules first, each filling only open quotes.

Precise rules (run_precise):
1. explicit-verb: a speech tag names the speaker (`said Emma`, `Willow asked`, `I said`,
   `was Mr. Woodhouse's observation`), on either side of the quote.
2. lead-in: the narration leading into a quote names its subject
   (`Mr. Bennet coolly observed,` + new paragraph; `the Dormouse sulkily remarked, "..."`).
3. continued: a paragraph continuing the previous paragraph's unclosed quote.
4. same-paragraph: an untagged quote takes the speaker of the nearest tagged one.
Then the open quotes are decided by the ranker (ranker.decode: pronoun, vocative, narration,
turn-taking, conversation-fallback -- learned weights, beam search per conversation), or
by the hand-written rules in run_rules (same rule names).
Every quote gets the rule that decided it and a confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from audiodrama.parse.context import (
    has_speech_word,
    is_lead_in,
    last_sentence_start,
    speaker_before_verb,
    subject_of,
)
from audiodrama.parse.names import KIN_NOUNS, Mention, NameIndex, family_names, kin_of, name_key
from audiodrama.parse.quotes import Paragraph, Quote
from audiodrama.parse.tags import PRONOUNS, Tag, tag_after, tag_before

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

_TO_NAME = re.compile(
    r"(?:\s*,)?\s+(?:[a-z]+ly\s+)?(?:to|turning to|addressing)\s+((?:(?:the|his|her)\s+)?"
    r"[A-Z][\w'\u2019-]*\.?(?:\s+[A-Z][\w'\u2019-]*\.?){0,2}|(?:the|his|her)\s+[a-z]+)"
)

_TO_PRONOUN = re.compile(
    r"(?:\s*,)?\s+(?:[a-z]+ly\s+)?(?:to|turning to|addressing)\s+(him|her|me)\b(?!\s+[a-z])"
)

_FIRST_PERSON = re.compile(r"\bI\b")

# `her aunt`, `his uncle`: a relation told relative to someone, not a name.
_RELATIVE_TITLE = re.compile(r"(?:his|her|my|their|our|your)\s+[a-z]+", re.IGNORECASE)

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

    @property
    def speaker(self) -> int | None:
        """The paragraph's speaker: the speaker of its first attributed quote."""
        for s in self.states:
            if s.speaker is not None:
                return s.speaker
        return None


class Attributor:
    """Runs the sieve over the paragraphs of one story."""

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

    # ------------------------------------------------------------------ driver
    def prepare(self) -> list[Turn]:
        """Find turns, narration mentions, speech tags and vocatives (no attribution)."""
        for para in self.paras:
            ments: list[Mention] = []
            for piece in para.narration:
                ments.extend(self.index.mentions(self.text, piece.start, piece.end))
                if self.narrator is not None:
                    # In first-person narration `I`, `me`, `my` name the narrator.
                    ments.extend(
                        Mention(m.start(), m.end(), self.narrator)
                        for m in _FIRST_PERSON.finditer(self.text, piece.start, piece.end)
                    )
            if self.narrator is not None:
                ments.sort(key=lambda m: m.start)
            self.para_mentions.append(ments)
        self._drop_absent_relatives()
        for para in self.paras:
            ments = self.para_mentions[para.index]
            if para.quotes:
                turn = Turn(para, [QuoteState(q) for q in para.quotes], ments)
                self.turn_of_para[para.index] = len(self.turns)
                self.turns.append(turn)
        for turn in self.turns:
            self._find_tags(turn)
            self._find_vocatives(turn)
        return self.turns

    def run_precise(self) -> list[Turn]:
        """Only the precise rules: explicit tags, lead-ins, continued quotes."""
        if not self.para_mentions:
            self.prepare()
        for turn in self.turns:
            self._explicit(turn)
        for ti, turn in enumerate(self.turns):
            self._lead_in(ti, turn)
        for ti, turn in enumerate(self.turns):
            self._kinship(ti, turn)
        for ti, turn in enumerate(self.turns):
            self._continued(ti, turn)
            self._spread(turn, "same-paragraph")
        return self.turns

    def run_rules(self) -> list[Turn]:
        """The hand-written rules for what the precise ones left open (no model)."""
        for ti, turn in enumerate(self.turns):
            self._pronoun(ti, turn)
            self._spread(turn, "same-paragraph")
        for ti, turn in enumerate(self.turns):
            self._vocative(ti, turn)
            self._narration(ti, turn)
            self._spread(turn, "same-paragraph")
        self._turn_taking()
        for ti, turn in enumerate(self.turns):
            self._fallback(ti, turn)
        return self.turns

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

    # ------------------------------------------------------------------ rules
    def _find_tags(self, turn: Turn) -> None:
        pieces = turn.para.pieces
        for pi, piece in enumerate(pieces):
            if piece.kind != "q":
                continue
            st = next(s for s in turn.states if s.quote is piece.quote)
            # after the quote: the tag must open the following narration piece
            if pi + 1 < len(pieces) and pieces[pi + 1].kind == "n":
                nxt = pieces[pi + 1]
                tag = tag_after(self.text, nxt.start, nxt.end)
                if tag and self._tag_leads_on(pieces, pi):
                    # `"An invitation." The Frog-Footman repeated, in the same tone, "From
                    # the Queen."`: a sentence closed by a full stop, then narration leading
                    # into the next quote -- the tag is the next quote's
                    tag = None
                if tag:
                    st.tag, st.tag_piece = tag, pi + 1
                    continue
            if pi > 0 and pieces[pi - 1].kind == "n":
                prv = pieces[pi - 1]
                tag = tag_before(self.text, prv.start, prv.end)
                if tag:
                    st.tag, st.tag_piece = tag, pi - 1

    def _tag_leads_on(self, pieces: list, pi: int) -> bool:
        if pi + 2 >= len(pieces) or pieces[pi + 2].kind != "q" or pieces[pi].quote is None:
            return False
        qs, qe = pieces[pi].quote.inner
        if not self.text[qs:qe].rstrip().rstrip("\"'\u201d\u2019_").endswith("."):
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

    def _explicit(self, turn: Turn) -> None:
        for st in turn.states:
            if st.tag is None:
                continue
            subj = st.tag.subject
            if subj.lower() in PRONOUNS and subj != "I":
                continue
            who = self._resolve_subject(subj)
            if who is not None and self._relative_phrase(subj) and not self._present(turn.para.index, who):
                # `said her aunt` names whoever is her aunt in this scene: the cast's `Aunt
                # Philips` only when she is about; else it is a gendered description
                continue
            if who is not None and who != st.addressee:
                self._set(st, who, "explicit-verb")

    def _drop_absent_relatives(self) -> None:
        """`her aunt` in the narration is the cast's `Aunt Philips` only when she is about
        (named in the scene); else it is some other aunt, so no mention."""
        for p, ments in enumerate(self.para_mentions):
            if any(self._relative(m.start, m.end) for m in ments):
                self.para_mentions[p] = [
                    m
                    for m in ments
                    if not self._relative(m.start, m.end) or self._present(p, m.char, speakers=False)
                ]

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

    def _families(self) -> list[tuple[set[str], set[str]]]:
        """Surnames and titles of every character; a character known by first name only
        (`Elizabeth`) takes the surname the story writes after it (`Elizabeth Bennet`)."""
        fams = getattr(self, "_fams", None)
        if fams is not None:
            return fams
        chars = self.index.characters
        fams = [family_names(c) for c in chars]
        # a surname is a name two characters share (`Miss Eliza` is a first name)
        seen: dict[str, int] = {}
        for sur, _ in fams:
            for x in sur:
                seen[x] = seen.get(x, 0) + 1
        fams = [({x for x in sur if seen[x] > 1}, t) for sur, t in fams]
        known = {s for sur, _ in fams for s in sur}
        firsts: dict[str, list[int]] = {}
        for i, c in enumerate(chars):
            if fams[i][0]:
                continue
            for n in c.all_names():
                if re.fullmatch(r"[A-Z][a-z]+", n):
                    firsts.setdefault(n, []).append(i)
        if known and firsts:
            pat = re.compile(
                r"\b("
                + "|".join(map(re.escape, firsts))
                + r")\s+("
                + "|".join(re.escape(k.capitalize()) for k in known)
                + r")\b"
            )
            for m in pat.finditer(self.text):
                for i in firsts[m.group(1)]:
                    fams[i][0].add(m.group(2).lower())
        self._fams = fams
        return fams

    def _kinship(self, ti: int, turn: Turn) -> None:
        """`said his wife`, `cried her mother`: the speaker shares a surname with its owner.

        1. The one the previous quote spoke to replies (`"Oh, Jane, ..."` / `replied her
           sister`): taken when they can be anyone's sister (wife, mother...) in the cast.
        2. Else the owner: the one this quote speaks to (`"My dear Mr. Bennet," said his
           lady`), the one named before the tag, the previous speaker -- their kin, when
           only one, speaks.
        3. Else the kin of the recently named are only a hint for the ranker (`kin`).
        """
        fams = None
        for st in turn.states:
            if st.speaker is not None or st.tag is None:
                continue
            words = st.tag.subject.lower().split()
            if len(words) != 2 or words[0] not in ("his", "her", "my") or words[1] not in KIN_NOUNS:
                continue
            rel = words[1]
            owner_g = {"his": "male", "her": "female", "my": "narrator"}[words[0]]
            fams = fams or self._families()

            def owner_ok(c: int) -> bool:
                return (
                    c == self.narrator
                    if owner_g == "narrator"
                    else (c < len(self.genders) and self.genders[c] == owner_g)
                )

            def kin(o: int) -> list[int]:
                return [
                    k for k in kin_of(rel, o, self.index.characters, self.genders, fams) if k != st.addressee
                ]

            prev = self._prev_turn(ti, max_gap=2)
            if prev is not None:
                addressed = [
                    x.addressee
                    for x in prev.states
                    if x.addressee is not None and x.addressee != prev.speaker
                ]
                hit = next(
                    (
                        a
                        for a in addressed
                        if any(a in kin(o) for o in range(len(self.genders)) if o != a and owner_ok(o))
                    ),
                    None,
                )
                if hit is not None:
                    st.kin = [hit]
                    self._set(st, hit, "kinship")
                    continue
            here = sorted(((m.start, m.char) for m in turn.mentions if m.start < st.tag.start), reverse=True)
            strong = (
                ([st.addressee] if st.addressee is not None else [])
                + [c for _, c in here]
                + ([prev.speaker] if prev and prev.speaker is not None else [])
            )
            o = next((c for c in strong if owner_ok(c)), None)
            if o is not None and kin(o):
                st.kin = kin(o)
                if len(st.kin) == 1:
                    self._set(st, st.kin[0], "kinship")
                continue
            owners: list[int] = []
            for _, c in self._recent(ti):
                if owner_ok(c) and c not in owners:
                    owners.append(c)
                    st.kin += [k for k in kin(c) if k not in st.kin]
                if len(owners) == 2:
                    break

    def _lead_in(self, ti: int, turn: Turn) -> None:
        """Narration that leads into the first quote: its last sentence's subject speaks.

        `Mr. Bennet coolly observed,` / new paragraph / the quote; or in the same
        paragraph `Mr. Woodhouse's giving a gentle sigh, and saying, "..."`.
        """
        for st in turn.states:
            if st.tag is not None and st.tag.subject.lower() in ("he", "she"):
                turn.pron_gender = PRONOUNS[st.tag.subject.lower()]
                break
            if st.tag is not None and st.speaker is None:
                # `said his wife`, `cried her mother`: no name, but the gender is told
                head = st.tag.subject.split()[-1].lower().strip(".,;:!?")
                if head in GENDERED_NOUNS:
                    turn.pron_gender = GENDERED_NOUNS[head]
                    break
        self._inner_lead_ins(turn)
        first = turn.para.pieces[0]
        if first.kind == "n":
            if first.quote is None and turn.para.pieces[1:2] and turn.para.pieces[1].kind == "q":
                s, e = first.start, first.end
            else:
                return
        else:
            p = turn.para.index - 1
            if p < 0 or not self.paras[p].pieces:
                return
            s, e = self.paras[p].start, self.paras[p].end
            if self.paras[p].quotes:
                # `"...such attention to Jane!"--And ..., Mrs. Elton, speaking louder, said,`
                # + new paragraph: the narration closing the paragraph before leads in
                last = self.paras[p].pieces[-1]
                if last.kind != "n" or len(self.text[last.start : last.end].split()) < 3:
                    return
                s = last.start
        if not is_lead_in(self.text, s, e, loose=first.kind == "n"):
            return
        ls = last_sentence_start(self.text, s, e)
        if not has_speech_word(self.text, ls, e) and not self.text[ls:e].rstrip().endswith(":"):
            return
        pm = self.para_mentions[turn.para.index if first.kind == "n" else turn.para.index - 1]
        subj = speaker_before_verb(self.text, ls, e, self.index, pm)
        if subj is None:
            return
        st = turn.states[0]
        if subj.char is not None:
            turn.leadin = subj.char
            if st.speaker is None and subj.char != st.addressee:
                self._set(st, subj.char, "lead-in")
                self._spread(turn, "same-paragraph")
        elif subj.pronoun == "narrator":
            if self.narrator is not None:
                self._set(st, self.narrator, "lead-in")
                self._spread(turn, "same-paragraph")
        elif turn.pron_gender is None:
            turn.pron_gender = subj.pronoun

    def _inner_lead_ins(self, turn: Turn) -> None:
        """A quote after narration between two quotes: `..." sighed the Lory; and an old
        Crab took the opportunity of saying to her daughter "Ah, my dear!"`."""
        pieces = turn.para.pieces
        for pi in range(2, len(pieces)):
            piece, before = pieces[pi], pieces[pi - 1]
            if piece.kind != "q" or before.kind != "n" or piece.quote is None:
                continue
            st = next((x for x in turn.states if x.quote is piece.quote), None)
            if st is None or st.speaker is not None:
                continue
            tag_gender = None
            if st.tag_piece == pi + 1:
                # `the White Rabbit interrupted: "..." he said`: the pronoun agrees, fine
                tag_gender = PRONOUNS.get(st.tag.subject.lower()) if st.tag else None
                if tag_gender not in ("male", "female"):
                    continue
            s, e = before.start, before.end
            if not is_lead_in(self.text, s, e, loose=True):
                continue
            ls = last_sentence_start(self.text, s, e, clauses=True)
            if not has_speech_word(self.text, ls, e):
                continue
            subj = subject_of(self.text, ls, e, self.index, self.para_mentions[turn.para.index])
            if subj is None:
                ls = last_sentence_start(self.text, s, e)
                subj = subject_of(self.text, ls, e, self.index, self.para_mentions[turn.para.index])
            if subj is not None and subj.char is not None and subj.char != st.addressee:
                if tag_gender is not None and self.genders[subj.char] != tag_gender:
                    continue
                self._set(st, subj.char, "lead-in")
            elif subj is not None and subj.pronoun == "narrator" and self.narrator is not None:
                self._set(st, self.narrator, "lead-in")

    def _spread(self, turn: Turn, rule: str) -> None:
        """Untagged quotes in a paragraph take the speaker of the nearest attributed one."""
        known = [(i, s) for i, s in enumerate(turn.states) if s.speaker is not None]
        if not known or len(known) == len(turn.states):
            return
        for i, st in enumerate(turn.states):
            if st.speaker is None:
                _j, src = min(known, key=lambda k: (abs(k[0] - i), k[0] > i))
                hint = self._gender_hint(turn, i)
                if hint is not None and self.genders[src.speaker] not in (hint, "unknown"):
                    # `"..." said the King. "Come, that's good!" she said to herself`
                    continue
                if st.addressee != src.speaker:
                    self._set(st, src.speaker, rule, min(src.confidence, CONFIDENCE[rule]))

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
        return None

    def _continued(self, ti: int, turn: Turn) -> None:
        first = turn.states[0]
        if first.quote.continued and first.speaker is None:
            prev = self._prev_turn(ti)
            if prev and prev.states[-1].speaker is not None:
                self._set(
                    first,
                    prev.states[-1].speaker,
                    "continued",
                    min(prev.states[-1].confidence, CONFIDENCE["continued"]),
                )

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

    def _pronoun(self, ti: int, turn: Turn) -> None:
        for st in turn.states:
            if st.speaker is not None or st.tag is None:
                continue
            gender = PRONOUNS.get(st.tag.subject.lower())
            if st.tag.subject == "I":
                continue
            if gender not in ("male", "female"):
                continue
            prev = self._prev_turn(ti)
            prev_speaker = prev.speaker if prev else None
            # candidates: mentions in this paragraph before the tag, newest first, then history
            here = [(m.start, m.char) for m in turn.mentions if m.start < st.tag.start]
            cands = sorted(here, reverse=True) + self._recent(ti)
            best = None
            for _, c in cands:
                if self.genders[c] not in (gender, "unknown") or c == st.addressee:
                    continue
                if c == self.narrator:
                    continue
                if c == prev_speaker and not here:
                    continue
                if self.genders[c] == "unknown" and best is None:
                    best = c
                    continue
                best = c
                break
            self._set(st, best, "pronoun")

    def _vocative(self, ti: int, turn: Turn) -> None:
        prev = self._prev_turn(ti)
        if not prev:
            return
        addressed = prev.states[-1].addressee
        if addressed is None or addressed == prev.states[-1].speaker:
            return
        for st in turn.states:
            if st.addressee != addressed:
                self._set(st, addressed, "vocative")

    def _narration(self, ti: int, turn: Turn) -> None:
        """The paragraph's narration names exactly one character: that one speaks."""
        if all(s.speaker is not None for s in turn.states):
            return
        chars = {m.char for m in turn.mentions}
        addressees = {s.addressee for s in turn.states}
        # A mention as a possessive ("Buffy's shoulder") or object is weaker; prefer the
        # names that start a sentence or a clause (the subject).
        cands = chars - addressees
        if len(cands) != 1:
            subj = {m.char for m in turn.mentions if self._is_subject(m)} - addressees
            if len(subj) != 1:
                return
            cands = subj
        who = next(iter(cands))
        for st in turn.states:
            if st.addressee != who:
                self._set(st, who, "narration")

    def _is_subject(self, m: Mention) -> bool:
        before = self.text[max(0, m.start - 3) : m.start]
        after = self.text[m.end : m.end + 2]
        return (
            m.start == 0 or bool(re.search(r"(?:^|[.!?\"\u201d]\s*|\n)$", before)) or before.strip() == ""
        ) and not after.startswith(("'s", "\u2019s"))

    def _turn_taking(self) -> None:
        """A-B-A-B: in a run of adjacent quote paragraphs, speaker(p) = speaker(p-2)."""
        for _ in range(2):
            for ti, turn in enumerate(self.turns):
                if turn.speaker is not None:
                    continue
                p1 = self._prev_turn(ti)
                p2 = self._prev_turn(ti - 1) if p1 else None
                who = None
                if (
                    p1
                    and p2
                    and p1.speaker is not None
                    and p2.speaker is not None
                    and p1.speaker != p2.speaker
                ):
                    who = p2.speaker
                else:
                    n1 = self.turns[ti + 1] if ti + 1 < len(self.turns) else None
                    n2 = self.turns[ti + 2] if ti + 2 < len(self.turns) else None
                    if (
                        n1
                        and n2
                        and n1.para.index == turn.para.index + 1
                        and n2.para.index == turn.para.index + 2
                        and n1.speaker is not None
                        and n2.speaker is not None
                        and n1.speaker != n2.speaker
                    ):
                        who = n2.speaker
                if who is not None:
                    for st in turn.states:
                        if st.addressee != who:
                            self._set(st, who, "turn-taking")

    def _fallback(self, ti: int, turn: Turn) -> None:
        if turn.speaker is not None and all(s.speaker is not None for s in turn.states):
            return
        prev = self._prev_turn(ti)
        prev_speaker = prev.speaker if prev else None
        counts: dict[int, float] = {}
        for dist, (_, c) in enumerate(self._recent(ti, limit=12)):
            counts[c] = counts.get(c, 0.0) + 1.0 / (1 + dist * 0.2)
        addressees = {s.addressee for s in turn.states}
        ranked = sorted(
            (c for c in counts if c != prev_speaker and c not in addressees), key=lambda c: -counts[c]
        )
        who = ranked[0] if ranked else None
        if who is None and prev_speaker is not None and prev_speaker not in addressees:
            who = prev_speaker
        for st in turn.states:
            self._set(st, who, "conversation-fallback")
