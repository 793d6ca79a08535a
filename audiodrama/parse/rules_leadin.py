"""Lead-ins and continued quotes: the narration leading into a quote names its speaker"""

from __future__ import annotations

import re

from audiodrama.parse.context import (
    Subject,
    has_speech_word,
    heard_from,
    heard_speaking,
    is_lead_in,
    last_sentence_start,
    mentions_in,
    speaker_before_verb,
    subject_of,
)
from audiodrama.parse.names import Mention
from audiodrama.parse.quotes import Piece
from audiodrama.parse.speech_subject import lead_in_subject, speech_verb
from audiodrama.parse.tags import is_pure_tag, tag_before
from audiodrama.parse.turns import CONFIDENCE, GENDERED_NOUNS, Sieve, Turn
from audiodrama.parse.wordlists import PRONOUNS, SPEECH_VERBS, WEAK_VERBS

_SUBJECT_PRONOUN = re.compile(r"\b(?:he|she|I|they|we|He|She|They|We)\b(?!')")
_CLAUSE_AND = re.compile(r"[,;]\s+(?:and|but|then)\s+")
_CONJ = re.compile(r"\s*(?:and|but|then|so|And|But|Then|So)\s+")
_AND = re.compile(r"(?:and|but)\s", re.IGNORECASE)
_TAIL = re.compile(r"[\s,:;\u2014-]*$")
_SENTENCE_GAP = re.compile(r"[.!?;]\s")  # a closed sentence between a quote and a clause
_INSERTION = re.compile(r"\s*([^,;:]{1,40}),\s[^;:]*,\s+([^,;:]+)$")
_SPEECH_NOUN = re.compile(
    r"\b(?:communication|remark|reply|answer|question|exclamation|observation|rejoinder|retort|"
    r"inquiry|enquiry)\b"
)
_VOICE_OF = re.compile(r"\b(?:voice|accents|tones?)\s+of\s+$")
_NEGATION = re.compile(r"\b(?:no|not|never|without|nothing|nor)\b", re.IGNORECASE)
_THAT = re.compile(r"\bthat\b(?![^.;:!?]*\bthat\b)")  # the last `that` of the clause
_ACT_ING = (
    r"(?:scolding|addressing|talking|speaking|exclaiming|remarking|asking|lecturing|complaining|"
    r"protesting|whispering|arguing|expostulating|remonstrating|questioning|reproaching|chattering|"
    r"rallying|entreating|upbraiding|railing|haranguing|explaining|inquiring|enquiring|muttering|"
    r"murmuring|grumbling|singing|shouting|crying out)"
)
# A closed sentence whose verb phrase is itself a speech act or its start: `Mrs. Norris
# began scolding.`, `Mrs. Grant could not help addressing her brother.`, `Mr. Rushworth
# could be silent no longer.`, `Julia ... carried on the joke.`, `Gilbert it was who spoke up.`
_SPEECH_ACT = re.compile(
    (
        r"\b(?:(?:began|begun|begins|started|fell to|set about|went on|could not help|could not "
        r"forbear|could not resist|could not refrain from)\s+" + _ACT_ING + r"|could (?:be|keep|remain) "
        r"silent no longer|could hold (?:his|her|their) tongues? no longer|broke (?:the|her|his|their) "
        r"silence|carried on the (?:joke|conversation|subject|discourse|argument)|took up the "
        r"(?:word|subject|conversation|joke|tale|story|argument)|it was who\s+(?:[a-z]+ly\s+)?(?:spoke|said|"
        r"answered|replied|cried|called|asked|began|broke))\b[^.!?;:\"\u201c]{0,80}[.!?]$"
    ).replace(" ", r"\s+")  # a phrase may wrap at any space
)

# `It was Marilla who spoke, alarm in every jerky word.` right after a quote names its speaker
_CLEFT = re.compile(
    r"\s*It\s+was\s+(?P<who>(?:the\s+)?[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){0,3})\s+who\s+"
    r"(?:[a-z]+ly\s+)?(?P<verb>[a-z]+)\b"
)


class LeadInRules(Sieve):
    """Lead-ins and continued quotes."""

    def _lead_in(self, ti: int, turn: Turn) -> None:
        """Narration that leads into the first quote: its last sentence's subject speaks.

        `Mr. Bennet coolly observed,` / new paragraph / the quote; or in the same
        paragraph `Mr. Woodhouse's giving a gentle sigh, and saying, "..."`.
        """
        self._tag_gender(turn)
        self._inner_lead_ins(turn)
        self._cleft_after(turn)
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
                    self._short_tag(turn, last)
                    return
                s = last.start
        pm = self.para_mentions[turn.para.index if first.kind == "n" else turn.para.index - 1]
        if is_lead_in(self.text, s, e, loose=first.kind == "n") or (
            first.kind == "n" and self._reported_lead_in(s, e)
        ):
            ls = last_sentence_start(self.text, s, e)
        else:
            pure = self._pure_tag_sentence(turn, s, e) or self._speech_act(s, e)
            if pure is None:
                self._speech_from(turn, s, e, pm)
                return
            ls, e = pure
        if not self._tells_speech(ls, e) and not _SPEECH_ACT.search(self.text, ls, e):
            return
        subj = (
            self._clause_subject(s, ls, e, pm)
            or self._main_subject(ls, e, pm)
            or speaker_before_verb(self.text, ls, e, self.index, pm)
        )
        if subj is None:
            return
        if subj.char is not None:
            turn.leadin = subj.char
            self._lead(turn, subj.char)
        elif subj.pronoun == "narrator":
            if self.narrator is not None:
                self._set(turn.states[0], self.narrator, "lead-in")
                self._spread(turn, "same-paragraph")
        elif turn.pron_gender is None:
            turn.pron_gender = subj.pronoun

    def _cleft_after(self, turn: Turn) -> None:
        """`"Matthew, are you sick?"` + `It was Marilla who spoke, alarm in every jerky
        word.` (in the quote's paragraph or opening the next): a cleft sentence right after
        a quote names its speaker."""
        pieces = turn.para.pieces
        for pi, piece in enumerate(pieces):
            st = turn.state_of(piece.quote) if piece.kind == "q" else None
            if st is None or st.speaker is not None:
                continue
            nxt = pieces[pi + 1 : pi + 2]
            if not nxt and turn.para.index + 1 < len(self.paras):
                nxt = self.paras[turn.para.index + 1].pieces[:1]
            m = _CLEFT.match(self.text, nxt[0].start) if nxt and nxt[0].kind == "n" else None
            who = self.index.lookup(m.group("who")) if m and m.group("verb") in SPEECH_VERBS else None
            if who is not None and who != st.addressee:
                self._set(st, who, "lead-in")

    def _lead(self, turn: Turn, who: int | None) -> None:
        """The lead-in names `who`: the first quote is theirs unless it is already
        attributed or spoken to them, and the paragraph's untagged quotes follow it."""
        st = turn.states[0]
        if who is None or st.speaker is not None or who == st.addressee:
            return
        self._set(st, who, "lead-in")
        self._spread(turn, "same-paragraph")

    def _speech_from(self, turn: Turn, s: int, e: int, pm: list[Mention]) -> None:
        """`She had this communication, moreover, from Mary.` or `this produced from Mrs.
        Jennings the following remark.` + the quote (in the paragraph or the next): a
        closed sentence telling of words from someone, or of their voice (`the voice of Mr.
        Heelas bellowing like a bull.`), names the speaker (not `no answer from Mary`)."""
        if turn.states[0].speaker is not None:
            return
        ls = last_sentence_start(self.text, s, e)
        if _NEGATION.search(self.text, ls, e):
            return
        # `the voice of Mr. Heelas bellowing like a bull.` + the quote: his words
        named = [m for m in mentions_in(pm, ls, e) if _VOICE_OF.search(self.text, ls, m.start)]
        if not named and _SPEECH_NOUN.search(self.text, ls, e):
            named = [m for m in mentions_in(pm, ls, e) if self.text.endswith("from ", ls, m.start)]
        if len(named) == 1:
            self._lead(turn, named[0].char)

    def _short_tag(self, turn: Turn, last: Piece) -> None:
        """`"There it is."--Harriet's was--` / new paragraph / her quote: a few words closing
        the paragraph before, after its quote, are a tag of the next quote."""
        tag = tag_before(self.text, last.start, last.end) if last.kind == "n" else None
        if turn.states[0].speaker is not None or tag is None or tag.subject.lower() in PRONOUNS:
            return
        self._lead(turn, self.index.lookup(tag.subject))

    def _tells_speech(self, ls: int, e: int) -> bool:
        """Whether the lead-in sentence text[ls:e] tells of speaking: a word of speech,
        someone heard speaking, or a closing colon."""
        return (
            has_speech_word(self.text, ls, e)
            or heard_speaking(self.text, ls, e)
            or self.text[ls:e].rstrip().endswith(":")
        )

    def _reported_lead_in(self, s: int, e: int) -> bool:
        """`Ruby Gillis, who got a glimpse of it, told the others that she'd "never seen
        anything like it"`: reported speech running into the quote in one sentence -- a
        verb of speech, then `that` and a few words, then the quote."""
        ls = last_sentence_start(self.text, s, e)
        verb = speech_verb(self.text, ls, e)
        if verb is None:
            return False
        that = _THAT.search(self.text, verb, e)
        return that is not None and len(self.text[that.end() : e].split()) <= 4

    @staticmethod
    def _tag_gender(turn: Turn) -> None:
        """The gender a tag tells when it names nobody: `he said`, `said his wife`."""
        for st in turn.states:
            if st.tag is not None and st.tag.subject.lower() in ("he", "she"):
                turn.pron_gender = PRONOUNS[st.tag.subject.lower()]
                return
            if st.tag is not None and st.speaker is None:
                # `said his wife`, `cried her mother`: no name, but the gender is told
                head = st.tag.subject.split()[-1].lower().strip(".,;:!?")
                if head in GENDERED_NOUNS:
                    turn.pron_gender = GENDERED_NOUNS[head]
                    return

    def _pure_tag_sentence(self, turn: Turn, s: int, e: int) -> tuple[int, int] | None:
        """`Mrs. Hurst began again.` + the quote: narration closing on a clause that only
        says who speaks (not the tag of a quote closing the paragraph before: `"...," said
        Mr. Hale.`). The clause's (start, end), or None."""
        end = e
        while end > s and self.text[end - 1] in " \t\n.":
            end -= 1
        if end == e:
            return None
        start = last_sentence_start(self.text, s, end, clauses=True)
        conj = _CONJ.match(self.text, start, end)
        after_quote = turn.para.pieces[0].kind == "q" and self.paras[turn.para.index - 1].quotes
        if after_quote and not conj and not _SENTENCE_GAP.search(self.text, s, start):
            return None  # the clause opens the narration after a quote: that quote's tag
        start = conj.end() if conj else start
        if is_pure_tag(self.text[start:e]):
            return start, end
        # `Miss Fairfax, who had seldom spoken before, spoke now.`: a pure tag around an
        # insertion set off by commas
        whole = last_sentence_start(self.text, s, end)
        if after_quote and not _SENTENCE_GAP.search(self.text, s, whole):
            return None
        # (or in the sentence's last clause: `Fenwick rang, and the whisky came, and the
        # Colonel, holding his glass and looking into the fire, began.`)
        opens = [whole, *(c.end() for c in _CLAUSE_AND.finditer(self.text, whole, end))]
        for start in opens:
            m = _INSERTION.match(self.text, start, e)
            if m is None or m.group(2).split()[0] in WEAK_VERBS:
                continue  # `Mrs. Elton, very willing ..., smiled most graciously.`: no speech
            if is_pure_tag(m.group(1) + " " + m.group(2)):
                return start, end
        return None

    def _speech_act(self, s: int, e: int) -> tuple[int, int] | None:
        """The narration text[s:e] closes on a sentence that is a speech act (`_SPEECH_ACT`):
        its (start, end), reaching back over `;` to the subject a clause opening on `but`
        or `and` leaves out (`Mrs. Bennet ...; but unable to contain herself, began
        scolding one of her daughters.`)."""
        end = len(self.text[s:e].rstrip()) + s
        ls = last_sentence_start(self.text, s, end)
        if not _SPEECH_ACT.search(self.text, ls, end):
            return None
        if _AND.match(self.text, ls) and self.text[:ls].rstrip().endswith(";"):
            # `...; but unable to contain herself, began scolding`: a clause with no name of
            # its own before its verb shares the subject of the clause before `;`
            verb = _SPEECH_ACT.search(self.text, ls, end)
            if verb is not None and not _SUBJECT_PRONOUN.search(self.text, ls, verb.start()):
                ls = last_sentence_start(self.text, s, self.text.rfind(";", s, ls))
        return ls, end

    def _clause_subject(self, s: int, ls: int, e: int, mentions: list[Mention]) -> Subject | None:
        """The name the clause of the lead-in's last speech verb has as its subject
        (speech_subject); None for a pronoun (the older rules resolve it) or none. A sentence
        opening on `and` after a semicolon, naming nobody, shares the subject of the one
        before (`Miss Crawford, ..., made a hasty finish ...; and securing his knave,
        exclaimed,`)."""
        found = lead_in_subject(self.text, ls, e, mentions)
        semi = self.text.rfind(";", s, ls)
        joined = semi >= 0 and not self.text[semi + 1 : ls].strip() and _AND.match(self.text, ls)
        if joined and (
            (found is None and not mentions_in(mentions, ls, e)) or (found is not None and found[0] < 2)
        ):
            # `Mrs. Elton ... was ready; and before Mr. Woodhouse had reached her, was
            # saying--`: a subject only in a subordinate clause -- the main one is before `;`
            wider = lead_in_subject(self.text, last_sentence_start(self.text, s, semi), e, mentions)
            found = wider if wider is not None and (found is None or wider[0] == 2) else found
        if found is None or found[2] is None:
            return None
        return Subject(found[2], None, found[1])

    def _main_subject(self, ls: int, e: int, mentions: list[Mention]) -> Subject | None:
        """The subject of a lead-in sentence whose verb of speech follows an insertion set
        off by commas: `Miss Crawford, who had been eyeing Dr. Grant, now observed,` and
        `Mr. Crawford, approaching Julia, said,` (the names inside the insertion are
        objects). The clause of the speech verb, after the last comma, has no subject of
        its own; the subject is the name the sentence opens with, or the name a `, who`
        clause holding the verb hangs on."""
        end = _TAIL.search(self.text, ls, e)
        stop = end.start() if end else e
        last = self.text.rfind(",", ls, stop)
        if last < 0 or not has_speech_word(self.text, last, stop):
            return None
        if _SUBJECT_PRONOUN.search(self.text, last, stop):
            return None
        inside = mentions_in(mentions, ls, e)
        if any(m.start > last for m in inside):
            return None
        for m in reversed(inside):
            # `from Mary, who, on having occasion to note the day, exclaimed,`
            if (
                re.match(r",\s+who\b", self.text[m.end : m.end + 8])
                and "who" not in self.text[m.end + 6 : last]
            ):
                return Subject(m.char, None, m.start)
        if not inside:
            return None
        m = inside[0]
        opening = self.text[ls : m.start]
        if (
            not self.text.startswith(",", m.end)
            or _SUBJECT_PRONOUN.search(opening)
            or "," in opening.strip(" ,")
        ):
            return None
        return Subject(m.char, None, m.start)

    def _inner_lead_ins(self, turn: Turn) -> None:
        """A quote after narration between two quotes: `..." sighed the Lory; and an old
        Crab took the opportunity of saying to her daughter "Ah, my dear!"`."""
        pieces = turn.para.pieces
        for pi in range(2, len(pieces)):
            piece, before = pieces[pi], pieces[pi - 1]
            if piece.kind != "q" or before.kind != "n" or piece.quote is None:
                continue
            st = turn.state_of(piece.quote)
            if st is None or st.speaker is not None:
                continue
            tag_gender = None
            if st.tag_piece == pi + 1:
                # `the White Rabbit interrupted: "..." he said`: the pronoun agrees, fine
                tag_gender = PRONOUNS.get(st.tag.subject.lower()) if st.tag else None
                if tag_gender not in ("male", "female"):
                    continue
            s, e = before.start, before.end
            if not is_lead_in(self.text, s, e, loose=True) or self._goes_on(turn, pi, s, e):
                continue
            ls = last_sentence_start(self.text, s, e, clauses=True)
            if not has_speech_word(self.text, ls, e):
                continue
            pm = self.para_mentions[turn.para.index]
            subj = self._clause_subject(s, last_sentence_start(self.text, s, e), e, pm)
            if subj is None:
                subj = heard_from(self.text, ls, e, pm) or subject_of(self.text, ls, e, self.index, pm)
            if subj is None:
                ls = last_sentence_start(self.text, s, e)
                subj = subject_of(self.text, ls, e, self.index, self.para_mentions[turn.para.index])
            if subj is not None and subj.char is not None and subj.char != st.addressee:
                if tag_gender is not None and self.genders[subj.char] != tag_gender:
                    continue
                self._set(st, subj.char, "lead-in")
            elif subj is not None and subj.pronoun == "narrator" and self.narrator is not None:
                self._set(st, self.narrator, "lead-in")

    def _goes_on(self, turn: Turn, pi: int, s: int, e: int) -> bool:
        """Whether the narration piece `pi - 1` (text[s:e]) is the tag of the quote before
        and the sentence names no other speech: `"...," returned Mrs. Weston, still
        averting her eyes, that Emma might have time to recover-- "..."` goes on with her
        words (Emma is no speaker)."""
        prev = turn.state_of(turn.para.pieces[pi - 2].quote)
        if prev is None or prev.tag is None or prev.tag_piece != pi - 1 or prev.speaker is None:
            return False
        if last_sentence_start(self.text, s, e) > prev.tag.start or self.text[s:e].rstrip().endswith(
            (".", "!", "?")
        ):
            return False  # a closed sentence (`Thomas answered. "..."`) is the lead-in rules' to read
        return speech_verb(self.text, max(prev.tag.end, prev.tag.start + len(prev.tag.subject)), e) is None

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
