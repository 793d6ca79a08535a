"""How much a quote's words sound like one character: smoothed unigram models of the words
each character says, against all the story's quoted words (the maths of `ranker_voice`'s
features, apart from how a parse's turns feed it)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Hashable, Iterable
from itertools import repeat
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")

# Dirichlet smoothing towards the story's quotes: a character with few attributed words
# sounds like everybody
MU = 200.0
# words of a quote read (a long speech says no more about its speaker than its start)
MAX_WORDS = 80
# a ratio beyond this says nothing more (one rare word shared by chance)
CLIP = 4.0


def words(text: str) -> list[str]:
    """The lower-case words of `text`."""
    return WORD.findall(text.lower())


class WordVoices(Generic[K]):
    """Word counts per character (whatever key names them) and of all the quoted words."""

    def __init__(self, said: Iterable[tuple[K | None, list[str]]], mu: float = MU) -> None:
        self.mu = mu
        # the words gathered, then counted once (a Counter update per quote cost more)
        everyone: list[str] = []
        own: dict[K, list[str]] = {}
        for who, ws in said:
            everyone += ws
            if who is not None:
                own.setdefault(who, []).extend(ws)
        background = Counter(everyone)
        self.words: dict[K, Counter[str]] = {c: Counter(ws) for c, ws in own.items()}
        self.total = {c: sum(cnt.values()) for c, cnt in self.words.items()}
        n = sum(background.values())
        v = len(background) or 1
        self.p_bg = {w: (k + 0.5) / (n + 0.5 * v) for w, k in background.items()}
        self._terms: dict[K, dict[str, float]] = {}

    def llr(self, ws: list[str], who: K) -> float:
        """How much more `ws` sound like `who` than like the story's quotes, per square root
        of a word (0 for a character with no words of their own)."""
        cnt = self.words.get(who)
        if cnt is None or not ws:
            return 0.0
        ws = ws[:MAX_WORDS]
        terms = self._terms.get(who)
        if terms is None:
            terms = self._terms[who] = self._word_terms(who, cnt)
        # a word `who` never said: log(mu * pb / (n + mu) / pb), the same for every such word
        unsaid = math.log(self.mu / (self.total[who] + self.mu))
        # summed in the order of a generator's, iterated in C
        return sum(map(terms.get, ws, repeat(unsaid))) / math.sqrt(len(ws))

    def _word_terms(self, who: K, cnt: Counter[str]) -> dict[str, float]:
        """Each word `who` said: log of its smoothed probability for them over the story's."""
        n_c, mu, p_bg = self.total[who], self.mu, self.p_bg
        return {w: math.log((k + mu * p_bg[w]) / (n_c + mu) / p_bg[w]) for w, k in cnt.items()}
