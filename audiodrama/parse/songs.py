"""Songs and verses in a story: the narration that leads into one, and verse layout."""

from __future__ import annotations

import re

# The narration that leads into a song or a recited verse: "he sang a little song to himself.
# It went like this:", "so he began to sing." (a recitation is not a song: "the words came
# very queer" is a poem said from memory, which the narrator reads)
_SONG_INTRO = re.compile(
    r"\b(?:sang|sing|sings|singing|sung|hummed|hum|hums|humming|chanted|chant|chanting|crooned"
    r"|song|verse|hymn|ballad|lullaby|ditty|[Ll]ike this)\b"
)  # lower case: a title in capitals ("ANXIOUS POOH SONG.") is a heading, not a singer's cue


def introduces_song(text: str, start: int, end: int) -> bool:
    """True when the narration text[start:end] ends by leading into a song or a verse."""
    tail = text[max(start, end - 160) : end].rstrip()
    return tail[-1:] in (":", ".", ",", "-", "\u2014") and _SONG_INTRO.search(tail) is not None


def is_verse(text: str, start: int, end: int) -> bool:
    """True when text[start:end] is set as verse: two or more short lines."""
    lines = [ln for ln in text[start:end].split("\n") if ln.strip()]
    return len(lines) >= 2 and all(len(ln.strip()) <= 60 for ln in lines)


def is_verse_paragraph(text: str, start: int, end: int) -> bool:
    """True when the paragraph text[start:end] is a stanza: four or more short lines, some
    indented after the first or every one opening with a capital (how printed books set
    verse; wrapped prose is flush, long, and runs on in lower case)."""
    lines = [ln for ln in text[start:end].split("\n") if ln.strip()]
    if len(lines) < 4 or any(len(ln.rstrip()) > 60 for ln in lines):
        return False
    if any(ln[:1].isspace() for ln in lines[1:]):
        return True
    return all(ln.lstrip(_OPENING_MARKS)[:1].isupper() for ln in lines)


_OPENING_MARKS = "\"'\u201c\u2018_ \t"
