"""Very long lines are synthesised in pieces cut at sentence or clause boundaries, then joined.

espeak-ng crashes on a text of about 30,000 characters, whatever the retries, so no engine is
handed more than MAX_SYNTH_CHARS at once. The pieces are joined into one WAV: the store key and
the transcript stay those of the whole line.
"""

from __future__ import annotations

import io
import re
import wave

from audiodrama.model import VoiceProfile
from audiodrama.voices.engines.base import Engine, Words, synthesize_with_words

MAX_SYNTH_CHARS = 8000
"""Most characters handed to an engine in one call (well below espeak-ng's ~30,000 crash)."""

# Boundaries, best first: a sentence end, a clause mark, any space. A piece ends after the match.
_BOUNDARIES = (
    re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*\s+"),
    re.compile(r"[,;:\u2014\u2013]\s*|\s-+\s"),
    re.compile(r"\s+"),
)
# Lexicon phonemes and SSML tags must reach the engine whole.
_UNSPLITTABLE = re.compile(r"\[\[.*?\]\]|<[^<>]*>", re.DOTALL)


def _cut(text: str, limit: int) -> int:
    """Where to end the first piece of `text` (at most `limit` characters, at least 1)."""
    protected = [m.span() for m in _UNSPLITTABLE.finditer(text)]

    def free(pos: int) -> bool:
        return all(not a < pos < b for a, b in protected)

    for pattern in _BOUNDARIES:
        ends = [m.end() for m in pattern.finditer(text, 0, limit) if free(m.end())]
        # a boundary in the first half would make many tiny pieces: try a weaker kind instead
        if ends and ends[-1] > limit // 2:
            return ends[-1]
    cut = limit
    for a, b in protected:
        if a < cut < b:
            cut = a if a > 0 else min(b, len(text))
    return max(1, cut)


def split_for_synthesis(text: str, limit: int = MAX_SYNTH_CHARS) -> list[str]:
    """`text` in pieces of at most `limit` characters (one piece when it is short enough);
    joined back together they are `text` (only spaces at the cuts are dropped)."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = _cut(rest, limit)
        piece = rest[:cut].strip()
        if piece:
            pieces.append(piece)
        rest = rest[cut:]
    if rest.strip() or not pieces:
        pieces.append(rest.strip() if pieces else rest)
    return pieces


def join_wavs(parts: list[bytes]) -> bytes:
    """One WAV of the mono 16-bit WAVs `parts` (same rate) played one after the other."""
    if len(parts) == 1:
        return parts[0]
    frames = []
    for data in parts:
        with wave.open(io.BytesIO(data)) as w:
            params = w.getparams()
            frames.append(w.readframes(w.getnframes()))
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(params.nchannels)
        out.setsampwidth(params.sampwidth)
        out.setframerate(params.framerate)
        out.writeframes(b"".join(frames))
    return buf.getvalue()


def _seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as w:
        return w.getnframes() / w.getframerate()


def synthesize_long(
    engine: Engine, text: str, profile: VoiceProfile, delivery: str | None, limit: int = MAX_SYNTH_CHARS
) -> tuple[bytes, Words | None]:
    """(WAV bytes, word starts or None) of `text`, synthesised in pieces of at most `limit`
    characters; each piece's word starts are moved by the length of the pieces before it."""
    parts: list[bytes] = []
    words: Words | None = []
    at = 0.0
    for piece in split_for_synthesis(text, limit):
        data, timed = synthesize_with_words(engine, piece, profile, delivery)
        parts.append(data)
        if words is not None and timed is not None:
            words += [(w, at + t) for w, t in timed]
        else:
            words = None
        at += _seconds(data)
    return join_wavs(parts), words
