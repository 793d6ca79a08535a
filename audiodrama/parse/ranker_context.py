"""What the ranker's features know of a story: prominence, conversations, who left the scene,
who the narration makes the subject (computed once per story, or per turn)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from audiodrama.parse.ranker_voice import Voices
from audiodrama.parse.turns import Sieve


class Context:
    """Per-story values the features need, computed once."""

    def __init__(self, att: Sieve):
        self.att = att
        counts: dict[int, int] = {}
        for ments in att.para_mentions:
            for m in ments:
                counts[m.char] = counts.get(m.char, 0) + 1
        for t in att.turns:
            for st in t.states:
                if st.speaker is not None:
                    counts[st.speaker] = counts.get(st.speaker, 0) + 2
        total = sum(counts.values()) or 1
        self.prom = {c: math.log(1 + 100 * n / total) for c, n in counts.items()}
        ranked = sorted(counts, key=lambda c: -counts[c])
        self.top = ranked[:2]
        self.top_by_gender: dict[str, int] = {}
        for c in ranked:
            g = att.genders[c] if c < len(att.genders) else "unknown"
            if c != att.narrator:
                self.top_by_gender.setdefault(g, c)
        # Anchors: speakers the precise rules decided, fixed before ranking.
        self.anchor = [t.speaker for t in att.turns]
        self.static: dict[int, dict[int, dict[str, float]]] = {}
        self.mention_items: dict[int, list[tuple[int, int]]] = {}
        self.narr_gender: dict[int, str] = {}
        self.parity_gender: dict[int, str] = {}  # ranker_exchange.exchange_parity
        # who left the scene where: (position, sentence end, character), in text order
        self.exits: list[tuple[int, int, int]] = find_exits(att)
        self.gone: dict[int, dict[int, int]] = {}
        self.voices = Voices(att)  # how each character talks (ranker_voice)
        self.para_of = [t.para.index for t in att.turns]  # each turn's paragraph
        self.frames: dict[int, Any] = {}  # ranker_turn.TurnFrame per turn
        # chain id of each turn: consecutive paragraphs with quotes
        self.chain: list[int] = []
        cid = -1
        for i, t in enumerate(att.turns):
            if i == 0 or t.para.index - att.turns[i - 1].para.index > 1:
                cid += 1
            self.chain.append(cid)


def consecutive_turns(att: Sieve, ti: int, tj: int) -> bool:
    """Turns ti and tj exist and sit in consecutive paragraphs."""
    if tj < 0 or tj >= len(att.turns) or ti < 0 or ti >= len(att.turns):
        return False
    return abs(att.turns[ti].para.index - att.turns[tj].para.index) == abs(ti - tj)


def gone_at(ctx: Context, ti: int, speakers: Sequence[int | None], window: int = 12) -> set[int]:
    """The characters who left the scene in the last `window` paragraphs before turn `ti`
    and have not come back since: named in narration, meant by a later `he`/`him`/`she`/`her`
    of the narration, or heard speaking."""
    att = ctx.att
    gone = ctx.gone.get(ti)
    if gone is None:
        gone = ctx.gone[ti] = _gone_static(att, ctx.exits, ti, window)
    if not gone:
        return set()
    gone = dict(gone)
    for j in range(ti - 1, -1, -1):
        tj = att.turns[j]
        if tj.states[-1].quote.end < min(gone.values()):
            break
        c = speakers[j]
        if c in gone and tj.states[0].quote.start > gone[c]:
            del gone[c]
            if not gone:
                break
    return set(gone)


_LAST_SENT = re.compile(r"(?:^|[.!?][\"'\u201d]?\s+)(?=[A-Z])")


_PRON_SUBJ = re.compile(r"(He|She)\b")


def local_top(att: Sieve, ti: int, gender: str, window: int = 60) -> int | None:
    """The character of `gender` the narration of the last `window` paragraphs names most
    (the scene's man or woman of the moment: whom a long run of `he` / `she` is about)."""
    p0 = att.turns[ti].para.index
    counts: dict[int, int] = {}
    text = att.text
    for p in range(max(0, p0 - window), p0 + 1):
        for m in att.para_mentions[p]:
            c = m.char
            if (
                c < len(att.genders)
                and att.genders[c] == gender
                and c != att.narrator
                and not text.startswith(("'s", "\u2019s"), m.end)
            ):
                counts[c] = counts.get(c, 0) + 1
    return max(counts, key=lambda c: counts[c]) if counts else None


def named_after(att: Sieve, ti: int, gender: str) -> int | None:
    """The first character of `gender` named in the narration of the next five paragraphs."""
    p0 = att.turns[ti].para.index
    for p in range(p0, min(len(att.paras), p0 + 6)):
        for m in att.para_mentions[p]:
            if m.char < len(att.genders) and att.genders[m.char] == gender and m.char != att.narrator:
                return m.char
    return None


def beat_subject(att: Sieve, ti: int) -> int | None:
    """The subject of the last sentence of a narration paragraph just before the quote's
    paragraph (`She got up and walked over to Buffy.` / `"This will help."`): a name, or
    `He`/`She` resolved to the last character of that gender named as a subject there."""
    turn = att.turns[ti]
    p = turn.para.index - 1
    if p < 0 or att.paras[p].quotes or not att.para_mentions[p]:
        return None
    text = att.text
    s, e = att.paras[p].start, att.paras[p].end
    last = s
    for sm in _LAST_SENT.finditer(text, s, e):
        if sm.end() < e - 3:
            last = sm.end()
    ments = att.para_mentions[p]
    first = next((m for m in ments if m.start == last), None)
    if first is not None and not text.startswith(("'s", "\u2019s"), first.end):
        return first.char
    if text.startswith("I ", last) and att.narrator is not None:
        return att.narrator
    pm = _PRON_SUBJ.match(text, last)
    if pm is None:
        return None
    g = "male" if pm.group(1) == "He" else "female"
    for m in reversed(ments):
        if (
            m.start < last
            and m.char < len(att.genders)
            and att.genders[m.char] == g
            and _SUBJ_BEFORE.search(text[max(0, m.start - 12) : m.start])
        ) or (m.start == s and m.char < len(att.genders) and att.genders[m.char] == g):
            return m.char
    # `"Who's she?" Georgette turned to me.` / `She turned to Frances.`: the speaker of
    # the quote before, when of that gender and not the one the sentence turns to
    if ti > 0 and att.turns[ti - 1].para.index == p - 1:
        sp = att.turns[ti - 1].speaker
        named_here = {m.char for m in ments if m.start >= last}
        if sp is not None and sp < len(att.genders) and att.genders[sp] == g and sp not in named_here:
            return sp
    return None


OBJ_BEFORE = re.compile(r"\b(?:to|at|towards?|with|for|of|from|by|on)\s+$")


_SUBJ_BEFORE = re.compile(r"(?:^|[.!?;:][\"'\u201d]?\s+|\b(?:and|but|then|when|while)\s+)$")


def recent_subject(att: Sieve, ti: int, gender: str) -> int | None:
    """The last character of `gender` named as the subject of a clause, in the narration
    of this paragraph (before its first quote) and the three before it."""
    text = att.text
    for p, m in _gendered_mentions_before(att, ti, gender, 4):
        if _SUBJ_BEFORE.search(text[max(0, m.start - 12) : m.start]) or m.start == att.paras[p].start:
            return m.char
    return None


def _gendered_mentions_before(att: Sieve, ti: int, gender: str, n_paras: int):
    """(paragraph, mention) of the non-possessive mentions of characters of `gender` other
    than the narrator, latest first, in the narration of turn `ti`'s paragraph before its
    first quote and the `n_paras` - 1 paragraphs before it."""
    turn = att.turns[ti]
    first_q = turn.para.quotes[0].start
    for p in range(turn.para.index, max(-1, turn.para.index - n_paras), -1):
        for m in reversed(att.para_mentions[p]):
            if p == turn.para.index and m.start >= first_q:
                continue
            if m.char >= len(att.genders) or att.genders[m.char] != gender or m.char == att.narrator:
                continue
            if att.text.startswith(("'s", "\u2019s"), m.end):
                continue
            yield p, m


_PREP_BEFORE = re.compile(r"\b(?:to|at|towards?|with|for|from|into|upon|on|of|about)\s+$")


def recent_nonobject(att: Sieve, ti: int, gender: str) -> int | None:
    """The last character of `gender` named before the quote, not as the object of a
    preposition (`towards Bingley`) nor as a possessive (`Sir William's`): whom `he` most
    likely means (`...was scarcely heard by Darcy; ... he turned to his partner, and said,`)."""
    for _, m in _gendered_mentions_before(att, ti, gender, 3):
        if not _PREP_BEFORE.search(att.text, max(0, m.start - 12), m.start):
            return m.char
    return None


# `walked out the door`, `left the room`, `disappeared into thin air`, `was gone`, `hung up`
_EXIT = re.compile(
    r"\b(?:(?:walked|stormed|ran|rushed|hurried|stalked|marched|strode|stepped|slipped|went|"
    r"got|stumbled|flounced|swept|dashed|raced|crept|backed)\s+(?:out|away|off)\b"
    r"|(?:left|quitted|quit|fled)\s+(?:the|this|that|her|his)\s+(?:room|house|apartment|office|"
    r"kitchen|parlou?r|hall|table|building|shop|store|bar|party|scene|place|flat|cottage|"
    r"drawing-room|library|study)\b"
    r"|disappeared|vanished|departed|was\s+gone|hung\s+up)"
)


# every match of _EXIT holds one of these: a narration piece with none needs no scan
_EXIT_WORDS = (
    "out",
    "away",
    "off",
    "left",
    "quit",
    "fled",
    "disappeared",
    "vanished",
    "departed",
    "gone",
    "hung",
)


_EXIT_SUBJ = re.compile(
    r"(?:(?:So|Then|And|But|Finally|Suddenly|Now|At last),?\s+(?:then\s+)?)?"
    r"(?:([Hh]e|[Ss]he)\b|(?=[A-Z]))"
)


# between the subject and the exit verb: another clause or actor means someone else may leave
_EXIT_BLOCK = re.compile(
    r"\b(?:he|she|they|we|I|you|him|them|who|which|that|as|when|while|"
    r"until|till|before|after|if|would|could|should|might|must|to|not|"
    r"never|cannot|can|will|shall|have|almost|nearly)\b|n't|[;:]",
    re.IGNORECASE,
)


# `Jane declined it, and the husband and wife walked off`: a new subject
_NEW_SUBJ = re.compile(r"\b(?:and|but)\s+(?:(?:the|a|an|his|her|their|my|our)\b|[A-Z])")


_SENT_END = re.compile(r"[.!?]+")


# `walked away to another part of the room`: still in the scene
_NOT_OUT = re.compile(
    r"\s+(?:to|towards?|across|into)\s+"
    r"(?:another|the other|the window|the fire)"
)


_BACK = re.compile(r"\b(?:came|come|coming|got|went|walked)\s+back\b|\breturned\b")


def find_exits(att: Sieve) -> list[tuple[int, int, int]]:
    """(position, sentence end, character) of the narration sentences telling a character
    leaves the scene: `She snapped her fingers and disappeared into thin air.` / `So she
    turned around and walked out the door.` The subject is a name at the sentence's start,
    or `He`/`She` resolved to the last character of that gender named (not as an object)
    before it."""
    text = att.text
    out: list[tuple[int, int, int]] = []
    for para in att.paras:
        ments = att.para_mentions[para.index]
        for piece in para.narration:
            words = text[piece.start : piece.end]
            if not any(w in words for w in _EXIT_WORDS):
                continue
            for ex in _EXIT.finditer(text, piece.start, piece.end):
                st = max(text.rfind(c, piece.start, ex.start()) for c in ".!?") + 1
                st = max(st, piece.start)
                while st < ex.start() and text[st].isspace():
                    st += 1
                se = _SENT_END.search(text, ex.end(), piece.end)
                se_end = se.end() if se else piece.end
                sub = _EXIT_SUBJ.match(text, st, se_end)
                if sub is None:
                    continue
                who = None
                if sub.group(1):
                    g = "male" if sub.group(1).lower() == "he" else "female"
                    subj_end = sub.end()
                    who = _last_of_gender(att, para.index, sub.start(), g)
                else:
                    m = next((m for m in ments if m.start == sub.end()), None)
                    if m is None or text.startswith(("'s", "\u2019s"), m.end):
                        continue
                    who, subj_end = m.char, m.end
                if who is None or who == att.narrator:
                    continue
                between = text[subj_end : ex.start()]
                if (
                    _EXIT_BLOCK.search(between)
                    or _NEW_SUBJ.search(between)
                    or any(subj_end <= m.start < ex.start() for m in ments)
                ):
                    continue
                if _BACK.search(text, ex.end(), se_end) or _NOT_OUT.match(text, ex.end()):
                    continue  # `He went away and came back with ...`
                out.append((ex.start(), se_end, who))
    return out


def _last_of_gender(att: Sieve, p0: int, pos: int, gender: str) -> int | None:
    """Whom `he`/`she` at `pos` means: the last character of `gender` named before it in
    narration (not as a possessive or a preposition's object), or a speaker of that gender
    decided by the rules, in this paragraph and the two before."""
    text = att.text
    for p in range(p0, max(-1, p0 - 3), -1):
        found: list[tuple[int, int]] = []
        for m in att.para_mentions[p]:
            if (
                m.start < pos
                and m.char < len(att.genders)
                and att.genders[m.char] == gender
                and m.char != att.narrator
                and not text.startswith(("'s", "\u2019s"), m.end)
                and not _PREP_BEFORE.search(text, max(0, m.start - 12), m.start)
            ):
                found.append((m.start, m.char))
        ti = att.turn_of_para.get(p)
        if ti is not None:
            for st in att.turns[ti].states:
                c = st.speaker
                if (
                    c is not None
                    and st.quote.start < pos
                    and c < len(att.genders)
                    and att.genders[c] == gender
                ):
                    found.append((st.quote.start, c))
        if found:
            return max(found)[1]
    return None


_PRON = re.compile(r"\b(?:(he|him|his)|(she|her))\b", re.IGNORECASE)


def _gone_static(att: Sieve, exits: list[tuple[int, int, int]], ti: int, window: int) -> dict[int, int]:
    """Character -> end of the sentence telling it left, for those not named nor meant by a
    narration pronoun since (the part of `gone_at` that does not depend on the decoding)."""
    turn = att.turns[ti]
    first_q = turn.para.quotes[0].start
    lo = att.paras[max(0, turn.para.index - window)].start
    gone: dict[int, int] = {}
    for pos, end, c in exits:
        if pos >= first_q:
            break
        if pos >= lo:
            gone[c] = end
    if not gone:
        return gone
    text = att.text
    for p in range(max(0, turn.para.index - window), turn.para.index + 1):
        for m in att.para_mentions[p]:
            if m.char in gone and gone[m.char] <= m.start < first_q:
                del gone[m.char]
        if not gone:
            return gone
        for piece in att.paras[p].narration:
            if piece.end <= min(gone.values()) or piece.start >= first_q:
                continue
            for pm in _PRON.finditer(text, piece.start, min(piece.end, first_q)):
                g = "male" if pm.group(1) else "female"
                if not any(att.genders[c] == g and end <= pm.start() for c, end in gone.items()):
                    continue
                who = _last_of_gender(att, p, pm.start(), g)
                if who is not None and who in gone and gone[who] <= pm.start():
                    del gone[who]
                    if not gone:
                        return gone
    return gone
