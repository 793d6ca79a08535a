"""Speakable text: what a line says, cleaned for a TTS engine (the script is not changed).

`speakable_text(line_text)` is plain, readable text; it is what the render cache key and
the transcript use. Rules, in order:

1. Curly quotes and apostrophes become straight; markup asterisks/underscores go; `&` is
   "and"; runs of whitespace become one space; quote marks around the whole line go.
2. Ellipses (`…`, `...`, `. . .`, `....`) become `...` followed by a space when a word
   follows ("please…not" -> "please... not"): espeak-ng pauses there instead of reading dots.
3. A dash inside a line (`—`, `–`, `--`, ` - `) is an interruption: " — " (a pause).
4. A word broken off at the end of a line ("another Sp-", "Sp—", "Sp--") keeps its
   fragment and ends in "—"; engines voice the fragment as sounds and stop short
   (see `cutoff_fragment`).
5. Stutters ("Do-do you", "I-I", "W-what", "D-d-don't") become a repeated, separated start:
   "Do, do you", "I, I", "W- what", "D- d- don't". A fragment without a vowel is kept with its
   hyphen so that engines voice it as a sound, not as a letter name.
6. ALL-CAPS words stay as written; `emphasised_words` tells engines which to stress: words
   of 2+ letters in capitals, in a line that is not mostly capitals, that are ordinary words
   ("HE", "NEVER") rather than acronyms ("TV", "FBI", "L.A."): the word must be in the
   shipped word list, or have 4+ letters and a vowel.
7. Words run together where formatting was lost ("I wouldloveto be") are split when the
   token is lower case, 7+ letters, not a known word nor an inflected or prefixed form of
   one ("clasped", "reappearing"), and splits into 2-4 common words (3+ letters, or a short
   function word such as "to", "of") of which one is among the 150 most frequent words;
   otherwise it is left alone.

Word list: audiodrama/data/words-en.txt.gz, the 30,000 most frequent English words
(Wikipedia unigram counts as shipped with the MIT-licensed `wordninja` package), one per
line, most frequent first.
"""

from __future__ import annotations

import functools
import gzip
import math
import re
from pathlib import Path

_WORDS_FILE = Path(__file__).resolve().parents[1] / "data" / "words-en.txt.gz"
_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "\u2014",
        "\u2015": "\u2014",
        "\u00a0": " ",
        "\u2009": " ",
    }
)
_VOWEL = re.compile(r"[aeiouyAEIOUY]")
COMMON = 8000
"""Only the most frequent words of the list may be pieces of a split (3-letter ones: top 3000)."""
FUNCTION_RANK = 150
"""A split must contain one of the 150 most frequent words ("would", "to", "of", ...)."""


@functools.lru_cache(maxsize=1)
def word_ranks() -> dict[str, int]:
    """word -> frequency rank (0 = most frequent); empty if the list is missing."""
    try:
        with gzip.open(_WORDS_FILE, "rt", encoding="utf-8") as f:
            return {w.strip(): i for i, w in enumerate(f) if w.strip()}
    except OSError:
        return {}


_SHORT_PIECES = frozenset(
    [
        "to",
        "in",
        "on",
        "at",
        "of",
        "by",
        "up",
        "so",
        "do",
        "go",
        "me",
        "my",
        "we",
        "he",
        "it",
        "is",
        "as",
        "an",
        "or",
        "be",
        "no",
        "us",
        "if",
        "am",
    ]
)
_SUFFIXES = (
    "ings",
    "ing",
    "ed",
    "es",
    "s",
    "ly",
    "ers",
    "er",
    "est",
    "ness",
    "ment",
    "ments",
    "ful",
    "able",
    "less",
    "ish",
    "y",
    "or",
    "ors",
    "an",
    "ian",
    "ion",
    "ism",
    "ist",
    "ists",
)


def is_known(token: str) -> bool:
    """A word of the list, or one inflected/derived from it (wince -> wincing, clasp -> clasped)."""
    ranks = word_ranks()
    t = token.lower()
    if t in ranks:
        return True
    for suffix in _SUFFIXES:
        if t.endswith(suffix) and len(t) - len(suffix) >= 2:
            stem = t[: -len(suffix)]
            if (
                stem in ranks
                or stem + "e" in ranks
                or (stem[-1] == stem[-2:-1] and stem[:-1] in ranks)
                or (stem.endswith("i") and stem[:-1] + "y" in ranks)
                or is_prefixed(stem)
            ):
                return True
    return is_prefixed(t)


def is_prefixed(t: str) -> bool:
    """re-appear, un-known, ...: a common prefix before a listed word."""
    ranks = word_ranks()
    for prefix in ("re", "un", "in", "dis", "over", "under", "out", "mis", "pre", "non"):
        if t.startswith(prefix) and t[len(prefix) :] in ranks and len(t) - len(prefix) >= 4:
            return True
    return False


def split_run_together(token: str) -> list[str] | None:
    """'wouldloveto' -> ['would', 'love', 'to']; None when the token should stay whole.

    Pieces must be among the COMMON most frequent words, at least 3 letters long or one of
    a few short function words ("to", "in", "of", ...); the token must not be a known word,
    nor an inflected or prefixed form of one ("clasped", "reappearing").
    """
    ranks = word_ranks()
    if not ranks or len(token) < 7 or not token.isalpha() or not token.islower() or is_known(token):
        return None

    def cost(piece: str) -> float:
        r = ranks.get(piece)
        if (
            r is None
            or r >= (COMMON if len(piece) >= 4 else 3000)
            or (len(piece) < 3 and piece not in _SHORT_PIECES)
        ):
            return math.inf
        return math.log((r + 1) * math.log(len(ranks)))  # Zipf: cheaper for frequent words

    n = len(token)
    best: list[tuple[float, int, int]] = [(0.0, 0, 0)] + [(math.inf, 0, 0)] * n  # cost, pieces, start
    for end in range(1, n + 1):
        for start in range(max(0, end - 18), end):
            c0, k0, _ = best[start]
            c = c0 + cost(token[start:end])
            if c < best[end][0]:
                best[end] = (c, k0 + 1, start)
    if best[n][0] == math.inf or not (2 <= best[n][1] <= 4):
        return None
    pieces, end = [], n
    while end > 0:
        start = best[end][2]
        pieces.append(token[start:end])
        end = start
    if not any(ranks[p] < FUNCTION_RANK for p in pieces):
        return None  # compounds of content words ("deadlock") are real words more often than not
    return pieces[::-1]


_STUTTER_SIMPLE = re.compile(r"\b([A-Za-z]{1,3})-(?:\1-)*(?=\1[A-Za-z']*\b)", re.IGNORECASE)


def _fix_stutters(text: str) -> str:
    def repl(m: re.Match) -> str:
        frags = m.group(0).rstrip("-").split("-")
        return "".join(f + (", " if _VOWEL.search(f) else "- ") for f in frags)

    return _STUTTER_SIMPLE.sub(repl, text)


def speakable_text(line_text: str) -> str:
    """The text to synthesise (and to show in the transcript) for a line."""
    t = line_text.translate(_FOLD)
    t = t.replace("&", " and ")
    t = re.sub(r"(?<!\w)[*_~]+|[*_~]+(?!\w)", "", t)
    t = re.sub(r"\s+", " ", t).strip()
    if len(t) >= 2 and t[0] == '"' and t[-1] == '"' and t.count('"') == 2:
        t = t[1:-1].strip()
    # 2. ellipses
    t = t.replace("\u2026", "...")
    t = re.sub(r"\.(?:\s?\.){2,}", "...", t)
    t = re.sub(r"\s*\.\.\.\s*(?=[\w\"'])", "... ", t)
    t = re.sub(r"\s+\.\.\.", "...", t)
    t = re.sub(r"^\.\.\.\s*", "", t)
    # 4. cut-off at the end (before mid-line dashes are turned into pauses)
    t = re.sub(r"(\w)\s*(?:-{1,2}|\u2014)\s*([\"')]?)\s*$", "\\1\u2014", t)
    # 3. dashes inside the line
    t = re.sub(r"\s*(?:--+|\u2014)\s*(?=\S)", " \u2014 ", t)
    t = re.sub(r"\s+-\s+", " \u2014 ", t)
    # 5. stutters
    t = _fix_stutters(t)
    # 7. run-together words
    t = re.sub(r"\b[a-z]{7,}\b", lambda m: " ".join(split_run_together(m.group(0)) or [m.group(0)]), t)
    t = re.sub(r"\s+", " ", t).strip()
    return t if re.search(r"\w", t) else ""


_SHORT_WORDS = frozenset(
    [
        "he",
        "she",
        "we",
        "me",
        "no",
        "so",
        "do",
        "my",
        "be",
        "go",
        "us",
        "it",
        "is",
        "am",
        "an",
        "at",
        "in",
        "on",
        "to",
        "up",
        "or",
        "if",
        "you",
        "not",
        "the",
        "and",
        "but",
        "his",
        "her",
        "was",
        "are",
        "did",
        "can",
        "now",
        "yes",
        "all",
        "why",
        "who",
        "how",
        "one",
        "too",
        "any",
        "see",
        "get",
        "out",
        "our",
        "him",
        "had",
        "has",
        "may",
        "way",
        "new",
        "say",
        "let",
        "far",
        "few",
        "big",
        "bad",
        "old",
        "own",
        "off",
        "hey",
        "yet",
        "ran",
        "run",
        "got",
        "she'd",
        "he'd",
        "i'm",
        "i'll",
        "its",
        "it's",
    ]
)
_ACRONYMS = frozenset(["nasa", "nato", "unesco", "ascii", "laser", "radar", "scuba"])


def emphasised_words(text: str) -> list[tuple[int, int]]:
    """[start, end) spans of ALL-CAPS words in `text` to be spoken with emphasis (rule 6).

    Short words (2-3 letters) must be common English words ("HE", "NOT"; not "TV", "FBI");
    longer ones need a vowel and must not be a known acronym ("NEVER", "NOOO"; not "NASA").
    """
    words = list(re.finditer(r"\b[A-Za-z][A-Za-z']*\b", text))
    caps = [m for m in words if len(m.group(0)) >= 2 and m.group(0).isupper()]
    if not caps or len(caps) * 2 > len(words):
        return []
    spans = []
    for m in caps:
        w = m.group(0).lower()
        if len(w) <= 3:
            ok = w in _SHORT_WORDS
        else:
            ok = bool(re.search("[aeiou]", w)) and w not in _ACRONYMS
        if ok:
            spans.append(m.span())
    return spans


MAX_STRESSED_WORDS = 3
"""Italic/bold stretches up to this many words are stressed; longer ones (a whole
remembered sentence) are a delivery's business, not emphasis."""


def stress_emphasis(spoken: str, line_text: str, emphasis: list[tuple[int, int, str]]) -> str:
    """`spoken` (the engine's text for the line) with the words of each short italic/bold
    stretch of `line_text` (from the story's formatting) written in capitals, which the
    engines voice as stressed (rule 6). Phoneme markup ([[...]]) is left alone."""
    out = spoken
    pos = 0
    for s, e, _kind in sorted(emphasis):
        words = re.findall(r"[A-Za-z][A-Za-z']*", line_text[s:e])
        if not words or len(words) > MAX_STRESSED_WORDS or e - s >= len(line_text.strip()) - 1:
            continue
        pattern = r"\b" + r"\W+".join(re.escape(w) for w in words) + r"\b"
        for m in re.finditer(pattern, out[pos:]):
            a, b = pos + m.start(), pos + m.end()
            if out.rfind("[[", 0, a) > out.rfind("]]", 0, a):
                continue  # inside phonemes
            out = out[:a] + out[a:b].upper() + out[b:]
            pos = b
            break
    return out


def cutoff_fragment(word: str) -> bool:
    """True when a broken-off fragment ('Sp', 'D') has no vowel: voice it as sounds."""
    return bool(word) and word.isalpha() and not _VOWEL.search(word)


def is_cut_off(text: str) -> bool:
    """True when a speakable line ends broken off ('another Sp—')."""
    return text.endswith("\u2014")
