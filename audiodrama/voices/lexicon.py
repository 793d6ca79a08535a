"""Pronunciation lexicon (voices/lexicon.toml), applied to speakable text before synthesis.

    # word = "respelling"  or  word = "[[espeak phonemes]]"   (whole words, any case)
    Buffy = "Buffee"
    Xand = "[[z'and]]"

    [characters."Spike"]      # only in lines Spike speaks; wins over the entries above
    luv = "[[l'Vv]]"

Entries are whole-word and case-insensitive; a possessive keeps its ending ("Buffy's" ->
"Buffee's"). Multi-word keys ("Sunny D") work too. The lexicon changes only the text handed
to the engine, so it is part of the render cache key: changing an entry re-renders exactly
the lines that contain the word. Phonemes are espeak-ng's (try `espeak-ng -x "word"`).
`audiodrama names` lists the story's proper names with a rendered sample of each.
This module parses the text (project.lexiconfile reads the file) and finds the names.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audiodrama.errors import CastError
from audiodrama.model import Script
from audiodrama.voices.speakable import word_ranks

LEXICON_TEMPLATE = """\
# Pronunciations: word = "respelling" or word = "[[espeak phonemes]]" (whole words, any case).
# Changing an entry re-renders exactly the lines that contain the word.
# Check with: audiodrama names
# Buffy = "Buffee"
# Xand = "[[z'and]]"
#
# [characters."Spike"]   # only in Spike's lines
# luv = "[[l'Vv]]"
"""


@dataclass
class Lexicon:
    """Word -> pronunciation, for the production and per character."""

    words: dict[str, str] = field(default_factory=dict)
    """Project-wide entries (lower-case key -> replacement)."""
    characters: dict[str, dict[str, str]] = field(default_factory=dict)
    """Character name -> its own entries."""
    path: Path | None = None

    def _pattern(self, entries: dict[str, str]) -> re.Pattern[str] | None:
        if not entries:
            return None
        keys = sorted(entries, key=len, reverse=True)
        return re.compile(
            r"(?<![\w\[])(" + "|".join(re.escape(k) for k in keys) + r")(?![\w\]])", re.IGNORECASE
        )

    def apply(self, text: str, speaker: str | None = None) -> str:
        """`text` with the entries for `speaker` (then the production's) substituted."""
        for entries in (self.characters.get(speaker or "", {}), self.words):
            pat = self._pattern(entries)
            if pat is not None:
                text = pat.sub(lambda m, e=entries: e[m.group(1).lower()], text)  # type: ignore[misc]
        return text

    def entry(self, word: str, speaker: str | None = None) -> str | None:
        """The pronunciation given for a word, if any."""
        w = word.lower()
        return self.characters.get(speaker or "", {}).get(w) or self.words.get(w)


# Control characters (NUL above all) end the text espeak-ng reads: the rest of the line is lost.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tabs and line breaks are spaces to it


def _entries(table: dict[str, Any], where: str, path: Path | None) -> dict[str, str]:
    out = {}
    for word, value in table.items():
        if not word.strip():
            # an empty key matches between any two characters: the word would be inserted everywhere
            raise CastError(f"{where}{word!r} = {value!r}: the word is empty; give the word to respell", path)
        if _CONTROL.search(word) or (isinstance(value, str) and _CONTROL.search(value)):
            raise CastError(
                f"{where}{word!r} = {value!r}: contains a control character (such as NUL); remove it",
                path,
            )
        if not isinstance(value, str) or not value.strip():
            raise CastError(
                f'{where}{word} = {value!r}: give a respelling ("Buffee") or '
                'phonemes ("[[b\'Vfi]]") as a string',
                path,
            )
        value = value.strip()
        if value.startswith("[[") != value.endswith("]]"):
            raise CastError(f"{where}{word} = {value!r}: phonemes go between [[ and ]]", path)
        out[word.strip().lower()] = value
    return out


def parse_lexicon(text: str, path: Path | None = None) -> Lexicon:
    """The lexicon in TOML `text` (CastError naming `path`, the entry and the fix)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CastError(f"not valid TOML: {exc}; fix that line", path) from None
    lex = Lexicon(path=path)
    chars = data.pop("characters", {})
    if not isinstance(chars, dict):
        raise CastError('[characters] must hold [characters."Name"] tables of word = "pronunciation"', path)
    words = {k: v for k, v in data.items() if not isinstance(v, dict)}
    extra = data.get("words", {})
    if isinstance(extra, dict):
        words.update(extra)
    lex.words = _entries(words, "", path)
    for name, table in chars.items():
        if not isinstance(table, dict):
            raise CastError(f'[characters."{name}"] must be a table of word = "pronunciation"', path)
        lex.characters[name] = _entries(table, f'[characters."{name}"] ', path)
    return lex


# --- proper names ----------------------------------------------------------------------------

_NOT_NAMES = frozenset(
    [
        "oh",
        "hey",
        "maybe",
        "yeah",
        "okay",
        "ok",
        "um",
        "uh",
        "ah",
        "aw",
        "wow",
        "hmm",
        "please",
        "yes",
        "yep",
        "nope",
        "no",
        "well",
        "god",
        "damn",
        "sorry",
        "thanks",
        "sure",
        "mmm",
        "huh",
        "ugh",
        "whoa",
        "geez",
        "gosh",
    ]
)


def proper_names(script: Script) -> list[tuple[str, int]]:
    """The story's proper names with their counts: character names and aliases, and capitalised
    words seen at least twice, never in lower case, that are not among the 1,500 most common
    English words. Most frequent first."""
    ranks = word_ranks()
    text = "\n".join(l.text for l in script.lines() if l.kind != "front_matter")
    counts: Counter[str] = Counter()
    for m in re.finditer(r"\b([A-Z][a-z]+(?:'[a-z]+)?)\b", text):
        word = m.group(1).split("'")[0]
        counts[word] += 1
    lower = set(re.findall(r"\b[a-z]+\b", text))
    names = {
        w: n
        for w, n in counts.items()
        if n >= 2
        and w.lower() not in lower
        and w.lower() not in _NOT_NAMES
        and ranks.get(w.lower(), 10**9) > 1500
    }
    for c in script.characters:
        for n in c.all_names():
            names[n] = max(names.get(n, 0), len(re.findall(rf"\b{re.escape(n)}\b", text)))
    return sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))
