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
from typing import cast

from audiodrama.parse.names import Mention
from audiodrama.parse.piece_memo import runs_of_piece
from audiodrama.parse.rules_fallback import FallbackRules
from audiodrama.parse.rules_kin import KinRules
from audiodrama.parse.rules_leadin import LeadInRules
from audiodrama.parse.rules_tags import TagRules
from audiodrama.parse.turns import QuoteState, Turn

_FIRST_PERSON = re.compile(r"I(?<!\wI)\b")  # `\bI\b`, skipped to in C
_IN_LONGER_NAME = re.compile(r"\b[A-Z][\w.]*\s+$")


class Attributor(TagRules, KinRules, LeadInRules, FallbackRules):
    """Runs the sieve over the paragraphs of one story (the rules live in parse.rules_*)."""

    # ------------------------------------------------------------------ driver
    def prepare(self) -> list[Turn]:
        """Find turns, narration mentions, speech tags and vocatives (no attribution)."""
        for para in self.paras:
            ments: list[Mention] = []
            narration = para.narration  # read once: each read copies the list
            for piece in narration:
                spans = runs_of_piece(self.text, piece)  # discovery's, without a cast
                ments.extend(self.index.mentions(self.text, piece.start, piece.end, spans))
                if self.narrator is not None:
                    # In first-person narration `I`, `me`, `my` name the narrator.
                    ments.extend(
                        Mention(m.start(), m.end(), self.narrator)
                        for m in _FIRST_PERSON.finditer(self.text, piece.start, piece.end)
                    )
            if self.narrator is not None:
                ments.sort(key=lambda m: m.start)
            self.para_mentions.append(self._with_shared_names(narration, ments))
        self._drop_absent_relatives()
        for para in self.paras:
            ments = self.para_mentions[para.index]
            qs = para.quotes
            if qs:
                turn = Turn(para, [QuoteState(q) for q in qs], ments)
                self.turn_of_para[para.index] = len(self.turns)
                self.turns.append(turn)
        for turn in self.turns:
            self._find_tags(turn)
            self._find_vocatives(turn)
        return self.turns

    def _with_shared_names(self, pieces: list, ments: list[Mention]) -> list[Mention]:
        """The paragraph's mentions with its shared first names (`Charles`) taken for the
        bearer named last before it in this or the 20 paragraphs before, and `the doctor`
        for the cast's `Doctor Losberne` when he was named in the 40 before (shared_names).
        The paragraphs before are read only for a paragraph holding such a name."""
        shared = self.shared_names
        out = list(ments)
        for i, m in enumerate(ments if shared.holders else ()):
            holders = shared.holders_of(self.text[m.start : m.end], m.char)
            if holders:
                named = {x.char for x in self._before(m.start, ments, 40)} & holders
                out[i] = Mention(m.start, m.end, named.pop()) if len(named) == 1 else m
        pattern = shared.pattern
        for piece in pieces if pattern is not None else ():
            for hit in cast(re.Pattern[str], pattern).finditer(self.text, piece.start, piece.end):
                if _IN_LONGER_NAME.search(self.text, max(0, hit.start() - 20), hit.start()) or any(
                    x.start <= hit.start() < x.end for x in ments
                ):
                    continue  # `Sir William`: a name of its own
                before = (m.char for m in self._before(hit.start(), ments, 20))
                who = shared.present(shared.bearers[hit.group(1).lower()], before)
                if who is not None:
                    out.append(Mention(hit.start(), hit.end(), who))
        return sorted(out, key=lambda m: m.start) if len(out) > len(ments) else out

    def _before(self, at: int, ments: list[Mention], window: int) -> list[Mention]:
        """The mentions before `at` in its paragraph (`ments`) and the `window` paragraphs
        before it, newest first."""
        here = [m for p in self.para_mentions[-window:] for m in p] + [m for m in ments if m.start < at]
        return here[::-1]

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
