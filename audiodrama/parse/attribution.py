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

from audiodrama.parse.names import Mention
from audiodrama.parse.rules_fallback import FallbackRules
from audiodrama.parse.rules_kin import KinRules
from audiodrama.parse.rules_leadin import LeadInRules
from audiodrama.parse.rules_tags import TagRules
from audiodrama.parse.shared_names import SharedFirstNames
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
            self.para_mentions.append(self._with_shared_names(para.narration, ments))
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

    def _with_shared_names(self, pieces: list, ments: list[Mention]) -> list[Mention]:
        """The paragraph's mentions and its shared first names (`Charles`), each taken for
        the bearer named last before it in this or the 20 paragraphs before (shared_names)."""
        shared = self.__dict__.get("_shared_names")
        if shared is None:
            shared = self.__dict__["_shared_names"] = SharedFirstNames(self.index)
        if shared.pattern is None:
            return ments
        earlier = [m for p in self.para_mentions[-20:] for m in p]
        found = []
        for piece in pieces:
            for m in shared.pattern.finditer(self.text, piece.start, piece.end):
                if _IN_LONGER_NAME.search(self.text, max(0, m.start() - 20), m.start()) or any(
                    x.start <= m.start() < x.end for x in ments
                ):
                    continue  # `Sir William`: a name of its own
                here = [x for x in ments if x.start < m.start()] + earlier
                who = shared.present(shared.bearers[m.group(1).lower()], reversed(here))
                if who is not None:
                    found.append(Mention(m.start(), m.end(), who))
        return sorted(ments + found, key=lambda m: m.start) if found else ments

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
