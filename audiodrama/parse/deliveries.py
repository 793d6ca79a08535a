"""Deliveries the parser proposes where the text says so: dream, memory, phone.

A pass over the finished lines (after attribution), called by parse_story. It only fills
`Line.delivery` where it is still None, and only on dialogue lines: the narrator is never
filtered. A person can set or clear any delivery in the editable script. Cues, each
conservative and meant to generalise beyond one story:

dream   A paragraph whose first narration sentence opens on waking ("woke", "awoke", "opened
        her eyes", in its first eight words) ends a dream when a dream is named just before
        or there ("Even her dreams were hell", "it was only a dream", "nightmare") and the
        waking starts a new scene, or when the text said earlier in the chapter (at most 40
        paragraphs back) that someone dreamt / fell asleep. The dream runs from that opener
        (else from the start of the scene before the waking) to the waking paragraph; its
        dialogue lines get "dream".
memory  A remembered quotation. (a) Islands in a looking-back passage: an island is one or
        two consecutive dialogue paragraphs; the long (250+ characters) narration paragraph
        just before it looks back ("reminded", "remembered", "even then", "back then",
        "that's when", "used to", "wished", ...), and walking both ways through long
        narration and such islands (within the scene) meets 3+ looking-back paragraphs and
        2+ islands. A present conversation after one musing paragraph is not a memory.
        (b) Said so: the last sentence before the quote says it is remembered ("she
        remembered him saying", "his words echoed", "she could still hear him"): the first
        dialogue paragraph after it. (c) Marked-up formats only: a dialogue line of three
        words or more printed wholly in italics.
phone   A call answered or placed ("Ring! Ring!", "the phone rang", "picked up the phone",
        "pressed Answer", "dialed"): the other party -- the first speaker after the cue who is
        not present (present: who spoke in the scene before the cue, outside memories and
        dreams, and the first person named in the cue paragraph before the answering) -- is
        heard through the phone until the call ends: a hang-up ("hung up", "the line went
        dead"), a scene change, the caller arriving (named with "arrived", "walked in", "at
        the door"), or 60 paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from audiodrama.model import Line, Script
from audiodrama.parse.keywords import folded, holds_any
from audiodrama.parse.scenecues import first_narration_sentence, opens_on_waking
from audiodrama.parse.structure import Block

_QUOTE_CHARS = '"\u201c\u201d\u00ab\u00bb\u201e'
_DREAM_WORD = re.compile(r"\b(?:dream\w*|nightmare\w*)\b", re.IGNORECASE)
_DREAM_OPEN = re.compile(
    r"\b(?:dreamt|dreamed|was dreaming|were dreaming|in (?:her|his|my|their|a) "
    r"dream|fell asleep|drifted off(?: to sleep)?|sleep (?:took|claimed))\b",
    re.IGNORECASE,
)
# every match of _DREAM_OPEN holds one of these (keywords.py)
_DREAM_OPEN_WORDS = ("dream", "sleep", "drifted off")
_LOOK_BACK = re.compile(
    r"\b(?:remember\w*|recall\w*|reminded|reminds|memor(?:y|ies)|used to|back then|even then|"
    r"that's when|that was when|the first time|the last time|wished|never forg\w+|"
    r"could still (?:hear|see|feel)|echo(?:ed|ing)|years ago|long ago|thought back|"
    r"looking back|since (?:he|she|they) (?:died|left)|before (?:he|she|they) (?:died|left))\b",
    re.IGNORECASE,
)
# every match of _LOOK_BACK holds one of these (keywords.py)
_LOOK_BACK_WORDS = (
    *("remember", "recall", "remind", "memor", "used to", "back then", "even then", "that's when"),
    *("that was when", "first time", "last time", "wished", "never forg", "could still", "echo"),
    *("years ago", "long ago", "thought back", "looking back", "died", "left"),
)
_SAID_SO = re.compile(
    r"\b(?:remember(?:ed|s|ing)?|recall(?:ed|s|ing)?) (?:(?:him|her|them|\w+) (?:saying|telling)|"
    r"what (?:he|she|they|\w+) (?:had )?(?:said|told)|the words|(?:his|her|their) words)\b|"
    r"\b(?:words|voice) (?:echoed|rang|came back|played)\b|\bstill hear (?:him|her|them|his|her|their)\b|"
    r"\bthought back to\b|\bin (?:her|his|my) (?:head|mind|memory),? (?:she|he|I) (?:heard|could hear)\b",
    re.IGNORECASE,
)
_CALL = re.compile(
    r"\bring[!,.]? ring\b|\b(?:phone|cell|cellphone|mobile|telephone) (?:rang|was ringing|"
    r"buzzed|vibrated|began to ring|started ringing)\b|\bpicked up (?:the|her|his|my|their) "
    r"(?:phone|receiver|cell)\b|\banswered (?:the|her|his|my) (?:phone|call|cell)\b|"
    r"\bpress(?:ed|es)? (?:answer|accept)\b|\b(?:tapped|swiped|hit) (?:answer|accept)\b|"
    r"\bdial(?:l)?ed\b|\bput (?:the|her|his|my) phone to (?:her|his|my) ear\b",
    re.IGNORECASE,
)
# Words every match of _CALL holds (keywords.py): a paragraph with none holds no call cue,
# neither in its narration, and needs no scan (`ring` and `call` alone are everywhere in
# novels: `ring ring` holds ` ring`, `answered her call` holds `answer`)
_CALL_WORDS = (" ring", "phone", "cell", "mobile", "receiver", "dial", "answer", "accept")
_HANG_UP = re.compile(
    r"\b(?:hung|hang|hangs|hanging) up\b|\bended the call\b|\bline (?:went|goes) dead\b|"
    r"\bclick(?:ed)? off\b|\bdial tone\b|\bput (?:the|her|his|my) phone (?:down|away)\b|"
    r"\bsnapped (?:the|her|his|my) phone shut\b|\bcall (?:ended|dropped)\b",
    re.IGNORECASE,
)
_ARRIVES = r"\b(?:arrived|walked in|came in|came through the door|showed up|appeared|knocked|at the door)\b"

MAX_CALL_PARAGRAPHS = 60
#: A looking-back passage holds at least this many looking-back narration paragraphs ...
MIN_LOOKING_BACK = 3
#: ... and this many dialogue islands.
MIN_ISLANDS = 2


def propose_deliveries(
    script: Script, text: str, blocks: Sequence[Block], emphasis: Sequence[tuple[int, int, str]] | None = None
) -> int:
    """Set proposed deliveries on `script`'s dialogue lines in place; returns how many were set."""
    lines = [l for l in script.lines()]
    by_para: dict[int, list[Line]] = {}
    for line in lines:
        by_para.setdefault(line.paragraph, []).append(line)
    ctx = _Context(text, blocks, by_para, script)
    proposed: dict[str, str] = {}
    for rule in (_memories, _italic_memories, _dreams, _phone_calls):
        for line, delivery in rule(ctx, emphasis):
            if line.kind == "dialogue" and line.delivery is None and line.id not in proposed:
                proposed[line.id] = delivery
                line.delivery = delivery
    return len(proposed)


class _Context:
    def __init__(
        self, text: str, blocks: Sequence[Block], by_para: dict[int, list[Line]], script: Script
    ) -> None:
        self.text, self.blocks, self.by_para, self.script = text, blocks, by_para, script
        self.body = [i for i, b in enumerate(blocks) if b.role == "body"]
        self.memory: set[int] = set()  # paragraphs holding remembered quotations
        self.dream: set[int] = set()

    def para(self, i: int) -> str:
        b = self.blocks[i]
        return self.text[b.start : b.end]

    def has_dialogue(self, i: int) -> bool:
        return any(l.kind == "dialogue" for l in self.by_para.get(i, []))

    def dialogue(self, i: int) -> list[Line]:
        return [l for l in self.by_para.get(i, []) if l.kind == "dialogue"]

    def same_scene(self, i: int, j: int) -> bool:
        a, b = self.blocks[i], self.blocks[j]
        return (a.chapter, a.scene) == (b.chapter, b.scene)


# ----------------------------------------------------------------------------- memory


def _memories(ctx: _Context, _emphasis: Any) -> list[tuple[Line, str]]:
    out: list[tuple[Line, str]] = []
    body = ctx.body
    k = 0
    while k < len(body):
        # an island: 1-2 consecutive dialogue paragraphs between narration paragraphs
        if not ctx.has_dialogue(body[k]):
            k += 1
            continue
        end = k
        while (
            end + 1 < len(body) and ctx.has_dialogue(body[end + 1]) and ctx.same_scene(body[k], body[end + 1])
        ):
            end += 1
        island = body[k : end + 1]
        before = body[k - 1] if k > 0 else None
        if len(island) <= 2 and before is not None and ctx.same_scene(before, island[0]):
            said_so = bool(_SAID_SO.search(_last_sentence(ctx.para(before)))) or any(
                _SAID_SO.search(_last_sentence(_lead_in(ctx.para(i)))) for i in island
            )
            if said_so:
                island = island[:1]  # the quotation the narration says is remembered
            if said_so or _in_reflective_passage(ctx, k, end):
                ctx.memory.update(island)
                out += [(l, "memory") for i in island for l in ctx.dialogue(i)]
        k = end + 1
    return out


def _reflective(ctx: _Context, i: int) -> bool:
    p = ctx.para(i)
    return (
        not ctx.has_dialogue(i)
        and len(p) >= 250
        and holds_any(folded(p), _LOOK_BACK_WORDS)
        and bool(_LOOK_BACK.search(p))
    )


def _narration_long(ctx: _Context, i: int) -> bool:
    return not ctx.has_dialogue(i) and len(ctx.para(i)) >= 250


def _in_reflective_passage(ctx: _Context, k: int, end: int) -> bool:
    """The island body[k..end] sits in a looking-back passage (see the module docstring)."""
    body = ctx.body
    if not _reflective(ctx, body[k - 1]):
        return False
    looks_back, islands = _walk(ctx, k - 1, -1, k)
    ahead = _walk(ctx, end + 1, 1, k)
    return looks_back + ahead[0] >= MIN_LOOKING_BACK and islands + ahead[1] + 1 >= MIN_ISLANDS


def _walk(ctx: _Context, start: int, step: int, k: int) -> tuple[int, int]:
    """From body[start], step through long narration paragraphs and islands of <= 2 dialogue
    paragraphs in the same scene: (looking-back paragraphs, islands) met."""
    body = ctx.body
    looks_back, islands, run, j = 0, 0, 0, start
    while 0 <= j < len(body) and ctx.same_scene(body[j], body[k]):
        i = body[j]
        if ctx.has_dialogue(i):
            run += 1
            if run > 2:
                break
            islands += run == 1
        else:
            if not _narration_long(ctx, i):
                break
            run = 0
            looks_back += _reflective(ctx, i)
        j += step
    return looks_back, islands


_QUOTE_MARK = re.compile(f"[{_QUOTE_CHARS}]")
_AFTER_SENTENCE = re.compile(r"(?<=[.!?\u2026])\s+")


def _lead_in(p: str) -> str:
    """The narration before a paragraph's first quote mark ('' if it opens with one)."""
    m = _QUOTE_MARK.search(p)
    return p[: m.start()] if m else ""


def _last_sentence(p: str) -> str:
    parts = _AFTER_SENTENCE.split(p.strip())
    return parts[-1] if parts else ""


def _italic_memories(ctx: _Context, emphasis: Any) -> list[tuple[Line, str]]:
    if not emphasis:
        return []
    italic = [(s, e) for s, e, kind in emphasis if kind == "italic"]
    out = []
    for lines in ctx.by_para.values():
        for line in lines:
            if line.kind != "dialogue" or len(line.text.split()) < 3:
                continue
            a, z = line.span
            inner = ctx.text[a:z].strip(_QUOTE_CHARS + " \n,.")
            a2 = a + ctx.text[a:z].find(inner[:1]) if inner else a
            covered = sum(max(0, min(e, z) - max(s, a2)) for s, e in italic)
            if inner and covered >= 0.9 * len(inner):
                out.append((line, "memory"))
    return out


# ----------------------------------------------------------------------------- dream


def _wakes(ctx: _Context, i: int) -> bool:
    return opens_on_waking(first_narration_sentence(ctx.para(i)))


def _dreams(ctx: _Context, _emphasis: Any) -> list[tuple[Line, str]]:
    out: list[tuple[Line, str]] = []
    body = ctx.body
    for k, i in enumerate(body):
        if k == 0 or not _wakes(ctx, i):
            continue
        chapter = ctx.blocks[i].chapter
        # an explicit opener earlier in the chapter (nearest first, at most 40 paragraphs back)
        opener = None
        for j in range(k - 1, max(-1, k - 41), -1):
            if ctx.blocks[body[j]].chapter != chapter:
                break
            para = ctx.para(body[j])
            if holds_any(folded(para), _DREAM_OPEN_WORDS) and _DREAM_OPEN.search(para):
                opener = j
                break
        named = any(_DREAM_WORD.search(ctx.para(body[j])) for j in range(max(0, k - 2), k + 1))
        if opener is not None and opener < k - 1:
            start = opener + 1 if not ctx.has_dialogue(body[opener]) else opener
        elif named and ctx.blocks[i].cue and k > 0 and not ctx.same_scene(body[k - 1], i):
            scene = (ctx.blocks[body[k - 1]].chapter, ctx.blocks[body[k - 1]].scene)
            start = k - 1
            while (
                start > 0
                and (ctx.blocks[body[start - 1]].chapter, ctx.blocks[body[start - 1]].scene) == scene
            ):
                start -= 1
        else:
            continue
        for j in range(start, k):
            ctx.dream.add(body[j])
            out += [(l, "dream") for l in ctx.dialogue(body[j])]
    return out


# ----------------------------------------------------------------------------- phone


def _names(ctx: _Context) -> list[tuple[str, str]]:
    """(name as written, character name) for every character name and alias."""
    out = []
    for c in ctx.script.characters:
        for n in c.all_names():
            if n and n[0].isupper():
                out.append((n, c.name))
    return sorted(out, key=lambda p: -len(p[0]))


def _phone_calls(ctx: _Context, _emphasis: Any) -> list[tuple[Line, str]]:
    out: list[tuple[Line, str]] = []
    body = ctx.body
    names = _names(ctx)
    k = 0
    while k < len(body):
        i = body[k]
        para = ctx.para(i)
        # every cue holds one of _CALL_WORDS: most paragraphs need no closer look
        narration = (
            re.sub(r"[\"\u201c][^\"\u201d]*[\"\u201d]", " ", para)
            if holds_any(folded(para), _CALL_WORDS)
            else ""
        )
        m = _CALL.search(narration)
        if not m or i in ctx.memory or i in ctx.dream:
            k += 1
            continue
        present = {
            l.speaker
            for j in body[:k]
            if ctx.same_scene(j, i) and j not in ctx.memory and j not in ctx.dream
            for l in ctx.dialogue(j)
            if l.speaker
        }
        answerer = _first_name(
            narration[: m.end()], names, exclude_after=("from", "to", "called", "dialed", "dialled", "was")
        )
        if answerer:
            present.add(answerer)
        # lines of the cue paragraph after the cue, then the following paragraphs
        after = [l for l in ctx.dialogue(i) if l.span[0] >= ctx.blocks[i].start + m.end()]
        window: list[tuple[int, list[Line]]] = [(i, after)]
        end = k + 1
        while end < len(body) and end - k <= MAX_CALL_PARAGRAPHS and ctx.same_scene(body[end], i):
            window.append((body[end], ctx.dialogue(body[end])))
            end += 1
        first_speakers = [l.speaker for _, ls in window for l in ls if l.speaker][:4]
        caller = next((s for s in first_speakers if s not in present), None)
        if caller is None:
            k += 1
            continue
        caller_names = [n for n, c in names if c == caller] or [caller]
        for j, (pi, ls) in enumerate(window):
            out += [(l, "phone") for l in ls if l.speaker == caller]
            p = ctx.para(pi)
            if j > 0 and (_HANG_UP.search(p) or _arrives(p, caller_names)):
                break
        k += 1
    return out


def _first_name(text: str, names: list[tuple[str, str]], exclude_after: tuple[str, ...]) -> str | None:
    best = None
    for written, name in names:
        for m in re.finditer(rf"\b{re.escape(written)}\b", text):
            before = text[: m.start()].split()[-1:] if text[: m.start()].split() else []
            if before and before[0].lower().strip(",.'") in exclude_after:
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), name)
            break
    return best[1] if best else None


def _arrives(p: str, caller_names: list[str]) -> bool:
    return any(re.search(rf"\b{re.escape(n)}\b[^.!?]{{0,60}}{_ARRIVES}", p) for n in caller_names)
