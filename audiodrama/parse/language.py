"""Guess a story's language from its commonest short words (offline, no model).

Counts, over the first 20,000 characters, how many words belong to each language's list of
frequent function words, and picks the language with the highest share; below a clear margin
(or for texts too short to tell) it answers the default. Accurate for prose of a few
sentences in the languages listed; anything else: pass `--lang`.
"""

from __future__ import annotations

import re

_STOPWORDS: dict[str, str] = {
    "en": "the and to of a i in was he that it his her you she had with for as on at not but is be "
    "my have him me said this from they all so were what would there no if we out up",
    "fr": "le la les de des du et un une il elle je tu nous vous est dans que qui ne pas pour sur "
    "au aux avec ce cette mais son sa ses lui était avait dit on y se",
    "de": "der die das und ist nicht ich sie er es ein eine zu den mit sich auf dem des war hatte "
    "aber auch wie noch nach wenn sagte ihr ihm mir mich dass doch",
    "es": "el la los las de y que en un una es no se lo por con para su al del como pero más le "
    "dijo estaba había yo ella él muy sí",
    "it": "il lo la gli le di e che un una non è per con del della si ma come mi ti era aveva "
    "disse lui lei sono ho questo anche",
    "pt": "o a os as de e que um uma não é em do da no na com para se por mas ele ela disse "
    "estava tinha eu você muito",
    "nl": "de het een en van ik je dat die niet is in zijn was hij ze er op te met voor maar als "
    "had zei wat naar",
    "sv": "och det att i en jag som är på inte med han hon var för den till har de ett sa men",
    "pl": "i w nie na się to że z do jest jak ale co tak jego jej po był była za już powiedział",
}
_SETS = {lang: set(words.split()) for lang, words in _STOPWORDS.items()}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
LANGUAGES = tuple(_STOPWORDS)


def language_scores(text: str) -> dict[str, float]:
    """Share of the words that are frequent function words, per language."""
    words = [w.lower() for w in _WORD.findall(text[:20000])]
    if not words:
        return {lang: 0.0 for lang in _SETS}
    return {lang: sum(1 for w in words if w in s) / len(words) for lang, s in _SETS.items()}


def detect_language(text: str, default: str = "en") -> str:
    """ISO 639-1 code of the text's language, or `default` if it cannot tell."""
    scores = language_scores(text)
    if len(_WORD.findall(text[:20000])) < 8:
        return default
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < 0.12 or top < second * 1.25:
        return default
    return best


#: Quote conventions `quote_style` can report, with their (opening, closing) marks.
QUOTE_STYLES: dict[str, tuple[str, str]] = {
    "english": ("\u201c", "\u201d"),  # “...”  (or straight "...")
    "guillemets": ("\u00ab", "\u00bb"),  # « ... »  French, Russian, ...
    "reversed-guillemets": ("\u00bb", "\u00ab"),  # » ... «  German books, Danish
    "german": ("\u201e", "\u201c"),  # „ ... “  German, Czech, ...
    "single-guillemets": ("\u2039", "\u203a"),  # ‹ ... ›
    "dash": ("\u2014", ""),  # — Oui, dit-il.  French, Spanish, Russian
}
_DASH_LED = re.compile(r"^[ \t]*[\u2014\u2013\u2015][ \t\u00a0]?\S", re.MULTILINE)


def quote_style(text: str) -> str:
    """The story's main way of marking speech (a key of QUOTE_STYLES), counted on its first
    200,000 characters: the convention with the most marks wins ('english' by default)."""
    t = text[:200000]
    counts = {
        "english": t.count("\u201c") + t.count('"') // 2,
        "guillemets": min(t.count("\u00ab"), t.count("\u00bb")) if t.find("\u00ab") < t.find("\u00bb") else 0,
        "reversed-guillemets": min(t.count("\u00ab"), t.count("\u00bb"))
        if -1 < t.find("\u00bb") < t.find("\u00ab")
        else 0,
        "german": t.count("\u201e"),
        "single-guillemets": min(t.count("\u2039"), t.count("\u203a")),
        "dash": len(_DASH_LED.findall(t)),
    }
    if counts["german"]:
        counts["english"] = max(0, counts["english"] - counts["german"])  # „…“ closes with “
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] > 0 else "english"
