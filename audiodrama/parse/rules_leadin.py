"""Lead-ins and continued quotes: the narration leading into a quote names its speaker"""

from __future__ import annotations

from audiodrama.parse.context import (
    has_speech_word,
    is_lead_in,
    last_sentence_start,
    speaker_before_verb,
    subject_of,
)
from audiodrama.parse.turns import CONFIDENCE, GENDERED_NOUNS, Sieve, Turn
from audiodrama.parse.wordlists import PRONOUNS


class LeadInRules(Sieve):
    """Lead-ins and continued quotes."""

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
