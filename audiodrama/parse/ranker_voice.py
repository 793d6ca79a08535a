"""How each character talks: a word model of the quotes the precise rules gave them.

Characters keep their own words: `papa` and `sir` for a father, `I say` and `rot`, `my dear`
to a daughter, a dialect's spelling. Two daughters answering their father alternate with him
alike, and the turn-taking features cannot tell which one is in the exchange; the words of
the quote can. Each character's quotes attributed by the rules (tags, lead-ins) give a
smoothed unigram model (`voice_words`); a quote's log-likelihood ratio against all the
story's quotes says how much it sounds like them. Only the rules' attributions are read,
never the ranker's own choices, so the feature is the same for every history (computed once
per turn and candidate).
"""

from __future__ import annotations

from collections.abc import Iterable

from audiodrama.parse import voice_words
from audiodrama.parse.turns import Sieve
from audiodrama.parse.voice_words import CLIP, WordVoices, words

# the smoothing (tests lower it so a short passage is enough)
_MU = voice_words.MU


class Voices:
    """The word models of the characters' rule-attributed quotes, and each turn's ratios."""

    def __init__(self, att: Sieve) -> None:
        self.att = att
        text = att.text
        # each quote's words, found once: the model counts them all, a turn's ratios read
        # those of its open quotes
        self._state_words = [
            [words(text[st.quote.inner[0] : st.quote.inner[1]]) for st in t.states] for t in att.turns
        ]
        said = (
            (st.speaker, ws)
            for t, turn_words in zip(att.turns, self._state_words)
            for st, ws in zip(t.states, turn_words)
        )
        self.model: WordVoices[int] = WordVoices(said, mu=_MU)
        self.cache: dict[int, dict[int, float]] = {}  # per turn, per character

    def ratios(self, ti: int, cands: Iterable[int]) -> dict[int, float]:
        """How much more turn `ti`'s open quotes sound like each of `cands` than like the
        story's quotes, per square root of a word (0 for a character the rules never
        attributed a word to); computed once per turn and character."""
        row = self.cache.get(ti)
        if row is None:
            row = self.cache[ti] = {}
        out = {}
        ws = None
        for c in cands:
            found = row.get(c)
            if found is None:
                if ws is None:
                    ws = self._words(ti)
                found = row[c] = self.model.llr(ws, c)
            out[c] = found
        return out

    def _words(self, ti: int) -> list[str]:
        ws: list[str] = []
        for st, st_words in zip(self.att.turns[ti].states, self._state_words[ti]):
            if st.speaker is None:
                ws.extend(st_words)
        return ws


def voice_features(voices: Voices, ti: int, f: dict[int, dict[str, float]]) -> None:
    """`voice`: the candidate's log-likelihood ratio (clipped); `voice_best`: the candidate
    whose words the quote sounds most like, when that is clear."""
    scored = voices.ratios(ti, f)
    for c, v in scored.items():
        if v:
            f[c]["voice"] = max(-CLIP, min(CLIP, v))
    ranked = sorted(scored.items(), key=lambda cv: -cv[1])
    if len(ranked) >= 2 and ranked[0][1] > 0 and ranked[0][1] - ranked[1][1] > 0.5:
        f[ranked[0][0]]["voice_best"] = 1.0
