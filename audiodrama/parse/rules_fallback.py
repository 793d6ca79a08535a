"""The hand-written rules for quotes the precise rules leave open: pronoun, vocative, narration, turn-taking, fallback"""

from __future__ import annotations

import re

from audiodrama.parse.names import Mention
from audiodrama.parse.turns import Sieve, Turn
from audiodrama.parse.wordlists import PRONOUNS


class FallbackRules(Sieve):
    """The hand-written rules for quotes the precise rules leave open."""

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
