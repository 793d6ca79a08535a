"""How each character talks: a word model of the quotes the precise rules gave them.

Characters keep their own words: `papa` and `sir` for a father, `I say` and `rot`, `my dear`
to a daughter, a dialect's spelling. Two daughters answering their father alternate with him
alike, and the turn-taking features cannot tell which one is in the exchange; the words of
the quote can. Each character's quotes attributed by the rules (tags, lead-ins) give a
smoothed unigram model; a quote's log-likelihood ratio against all the story's quotes says
how much it sounds like them. Only the rules' attributions are read, never the ranker's own
choices, so the feature is the same for every history (computed once per turn and candidate).
"""

from __future__ import annotations

import math
import re
from collections import Counter

from audiodrama.parse.turns import Sieve

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")

# Dirichlet smoothing towards the story's quotes: a character with few attributed words
# sounds like everybody
_MU = 200.0
# words of a quote read (a long speech says no more about its speaker than its start)
_MAX_WORDS = 80


class Voices:
    """The word counts of each character's rule-attributed quotes and of all quotes."""

    def __init__(self, att: Sieve) -> None:
        self.att = att
        text = att.text
        self.words: dict[int, Counter[str]] = {}
        self.total: dict[int, int] = {}
        background: Counter[str] = Counter()
        for t in att.turns:
            for st in t.states:
                s, e = st.quote.inner
                ws = _WORD.findall(text[s:e].lower())
                background.update(ws)
                if st.speaker is not None:
                    self.words.setdefault(st.speaker, Counter()).update(ws)
        for c, cnt in self.words.items():
            self.total[c] = sum(cnt.values())
        n = sum(background.values())
        v = len(background) or 1
        self.p_bg = {w: (k + 0.5) / (n + 0.5 * v) for w, k in background.items()}
        self.cache: dict[tuple[int, int], float] = {}

    def llr(self, ti: int, c: int) -> float:
        """How much more turn `ti`'s open quotes sound like `c` than like the story's quotes,
        per square root of a word (0 for a character the rules never attributed a word to)."""
        key = (ti, c)
        found = self.cache.get(key)
        if found is not None:
            return found
        cnt = self.words.get(c)
        value = 0.0
        if cnt is not None:
            ws = self._words(ti)
            n_c = self.total[c]
            total = 0.0
            for w in ws:
                pb = self.p_bg.get(w, 1e-6)
                total += math.log((cnt.get(w, 0) + _MU * pb) / (n_c + _MU) / pb)
            value = total / math.sqrt(len(ws)) if ws else 0.0
        self.cache[key] = value
        return value

    def _words(self, ti: int) -> list[str]:
        text = self.att.text
        ws: list[str] = []
        for st in self.att.turns[ti].states:
            if st.speaker is None:
                s, e = st.quote.inner
                ws.extend(_WORD.findall(text[s:e].lower()))
        return ws[:_MAX_WORDS]


def voice_features(voices: Voices, ti: int, f: dict[int, dict[str, float]]) -> None:
    """`voice`: the candidate's log-likelihood ratio (clipped); `voice_best`: the candidate
    whose words the quote sounds most like, when that is clear."""
    scored = {c: voices.llr(ti, c) for c in f}
    for c, v in scored.items():
        if v:
            f[c]["voice"] = max(-4.0, min(4.0, v))
    ranked = sorted(scored.items(), key=lambda cv: -cv[1])
    if len(ranked) >= 2 and ranked[0][1] > 0 and ranked[0][1] - ranked[1][1] > 0.5:
        f[ranked[0][0]]["voice_best"] = 1.0
