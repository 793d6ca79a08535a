"""Relatives and kinship: `her aunt` is nobody's name; `said his wife` is whoever the cast's families make her"""

from __future__ import annotations

import re
from collections.abc import Iterator

from audiodrama.parse.kinship import KIN_NOUNS, family_names, kin_of
from audiodrama.parse.turns import QuoteState, Sieve, Turn


class KinRules(Sieve):
    """Relatives and kinship."""

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
                r"("  # `\b` before it: told by _word_matches (then the scan skips to a capital in C)
                + "|".join(map(re.escape, firsts))
                + r")\s+("
                + "|".join(re.escape(k.capitalize()) for k in known)
                + r")\b"
            )
            for m in _word_matches(pat, self.text):
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
            owner_g = {"his": "male", "her": "female", "my": "narrator"}[words[0]]
            fams = fams or self._families()
            self._kin_speaker(ti, turn, st, words[1], owner_g, fams)

    def _kin_speaker(
        self,
        ti: int,
        turn: Turn,
        st: QuoteState,
        rel: str,
        owner_g: str,
        fams: list[tuple[set[str], set[str]]],
    ) -> None:
        """The speaker of `st`, tagged as the `rel` (wife, sister...) of someone of `owner_g`."""
        assert st.tag is not None

        def owner_ok(c: int) -> bool:
            return (
                c == self.narrator
                if owner_g == "narrator"
                else (c < len(self.genders) and self.genders[c] == owner_g)
            )

        def kin(o: int) -> list[int]:
            return [k for k in kin_of(rel, o, self.index.characters, self.genders, fams) if k != st.addressee]

        prev = self._prev_turn(ti, max_gap=2)
        if prev is not None:
            addressed = [
                x.addressee for x in prev.states if x.addressee is not None and x.addressee != prev.speaker
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
                return
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
            return
        owners: list[int] = []
        for _, c in self._recent(ti):
            if owner_ok(c) and c not in owners:
                owners.append(c)
                st.kin += [k for k in kin(c) if k not in st.kin]
            if len(owners) == 2:
                break


def _word_matches(pat: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The matches `\b` + `pat` would give (finditer's), `pat` starting on a word character."""
    pos = 0
    while (m := pat.search(text, pos)) is not None:
        p = m.start()
        if p > 0 and (text[p - 1].isalnum() or text[p - 1] == "_"):
            pos = p + 1  # no word boundary here: look again one further on
            continue
        yield m
        pos = m.end()
