"""Story structure: paragraphs, chapter headings, scene breaks and front matter.

Pure functions over the plain text. Each paragraph becomes a Block that knows its
role (body text, heading, scene-break ornament, front matter), its chapter and
its scene.

Rules (each one documented where it is defined):

- Paragraphs are separated by blank lines; a text without blank lines whose lines are
  long (one paragraph per line, as copied from a web page) is split at every line break,
  and a hard-wrapped one whose paragraphs start indented is split before each indent.
  A chapter heading glued to the first lines of its chapter is split off.
- Chapters: a short paragraph that is a chapter heading ("Chapter 12", "CHAPTER XII.",
  "Chapter Twelve: The Ball", "CHAPTER\\n 1", "BOOK I", "VOLUME II", "Prologue", ...) or
  a heading the source marked (HTML <h1>-<h6>, EPUB TOC). Headings are *counted*, never
  read as numbers (Emma and Pride and Prejudice restart the numbering in each volume);
  consecutive headings with no story text between them ("BOOK I" then "CHAPTER 1", or
  "VOL. II." and a title page then "CHAPTER I.") open one chapter. Paragraphs holding only
  a number ("1", "IV.") are headings when they count up from 1. A marked heading deeper
  than the chapter level (an <h3> under <h2> chapters) opens a scene, not a chapter.
- Scenes: a chapter starts a scene; so does an explicit break (***, * * *, ---, ~~~, a
  line holding only #, an ornament, <hr>). When the story has no explicit break at all,
  a conservative cue at the start of a paragraph starts one: see `scene_cue`.
- Front matter (not voiced by default): labelled notes at the top ("Summary:", "A/N:",
  "Disclaimer:", "Author's note:", ...) and any unlabelled paragraph before the last of
  them; a title/byline or dedication before the first of two or more chapter headings;
  an unlabelled opening paragraph that talks about the story ("my first fic", "I don't
  own", "the series"); labelled notes right after a heading; "A/N" paragraphs anywhere;
  sign-offs at the end of a chapter ("Please review", "To be continued"); printers' marks
  ("[Illustration: ...]", "END OF VOL. I.", title pages between volumes); regions the
  format marked (AO3 notes, EPUB title pages, Project Gutenberg header and licence).
  The story summary is the front-matter paragraph that starts with "Summary" (see
  `summary_block`).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from audiodrama.sources.source import is_break_text

BlockRole = Literal["body", "heading", "break", "front_matter"]

_PARA_SPLIT = re.compile(r"\n[ \t\u00a0]*\n")
_NUMBER = (
    r"(?:[0-9]{1,4}|[ivxlcdm]{1,8}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]?(?:one|two|three|"
    r"four|five|six|seven|eight|nine))?|hundred|first|second|third|fourth|fifth|sixth|"
    r"seventh|eighth|ninth|tenth|last|final|the\s+\w+)"
)
_CHAPTER = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:chapter|chap\.?|ch\.|book|part|volume|vol\.|act|chapitre|kapitel|cap[ií]tulo|capitolo|"
    r"hoofdstuk|livre|teil|parte)\s*" + _NUMBER + r"\b\.?"
    r"(?:\s*[:.\-\u2013\u2014)|]\s*.{0,100}|\s+\(.{1,100}\))?\s*$"
    r"|^\s*(?:#{1,6}\s*)?(?:prologue|epilogue|interlude|prolog|epilog|pr[oó]logo|ep[ií]logo|afterword|foreword|"
    r"preface|introduction)\b\.?(?:\s*[:.\-\u2013\u2014]\s*.{0,100})?\s*$",
    re.IGNORECASE,
)
#: Labels that open a note rather than the story (checked at the top and after a heading).
_FRONT = re.compile(
    r"^\s*[(\[]?\s*(?:summary|synopsis|a/n|a\.n\.|author'?s'?\s*notes?|authors?\s*notes?|"
    r"disclaimer|notes?|warnings?|archive warnings?|rating|rated|pairings?|fandoms?|category|"
    r"categories|characters|relationships?|tags|additional tags|spoilers?|dedication|beta(?:'d| read| reader)?|"
    r"word\s*count|words|status|genres?|language|published|updated|series|stats|chapters|"
    r"(?:chapter\s+)?end\s+notes|chapter\s+notes)\s*[:\-\u2013\u2014]",
    re.IGNORECASE,
)
_NOTES_HEADING = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:preface|foreword|afterword|introduction|"
    r"acknowledge?ments?|author'?s'? notes?|notes)\b",
    re.IGNORECASE,
)
#: Words of an author talking about the story (an unlabelled note).
_META = re.compile(
    r"\b(?:fics?|fanfic\w*|fan fiction|one-?shot|reviews?|reviewers|r&r|disclaimer|i (?:don'?t|do not) "
    r"own|own nothing|belongs? to|beta(?:'d| reader)?|update[sd]?|readers|my first|this story|"
    r"a story|the story|the series|the show|the comics|the books|season \d+|canon|(?-i:AU|OOC)|"
    r"hope you (?:enjoy|like)|enjoy!|please be nice|constructive criticism)\b",
    re.IGNORECASE,
)
#: An author's note anywhere in the story.
_AN = re.compile(
    r"^\s*[(\[]?\s*(?:(?i:a/n|a\.n\.|author'?s'?\s*notes?|(?:chapter\s+)?end\s+notes\s*:|"
    r"chapter\s+notes\s*:)|AN\s*:)"
)
#: Sign-offs at the end of a chapter.
_SIGNOFF = re.compile(
    r"^\s*[(\[]?\s*(?:please\s+(?:read\s+and\s+)?review|review\s*(?:please|!)|r\s*&\s*r\b|reviews?\s+(?:are|make)|"
    r"thanks?\s+(?:you\s+)?for\s+reading|to\s+be\s+continued|tbc\b|end\s+(?:of\s+)?chapter|"
    r"(?:hope|let me know)\s+you\s+(?:liked|enjoyed|like|enjoy)|"
    r"(?:please\s+)?(?:drop by|leave)\b.{0,60}\b(?:comment|review|kudos))",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^\s*(?:by|written by|par|von|por|di)\s+\S.{0,80}$", re.IGNORECASE)
_QUOTED = re.compile(
    r"\"[^\"]*\"|\u201c[^\u201d]*\u201d|\u00ab[^\u00bb]*\u00bb|\u201e[^\u201c\u201d]*[\u201c\u201d]"
)
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(A-Z])")


@dataclass
class Block:
    """One paragraph of the story and its place in the structure."""

    start: int
    """Offset of the paragraph's first non-space character."""
    end: int
    """Offset just past its last non-space character."""
    role: BlockRole
    """body | heading | break | front_matter."""
    chapter: int
    """Chapter number from 1, counted (text before the first heading is chapter 1)."""
    scene: int
    """Running scene number from 1 across the whole story."""
    title: str = ""
    """The heading text, for headings."""
    cue: str = ""
    """Why a scene starts at this block (chapter, break, wake, time, arrive, ...), else ''."""


# ----------------------------------------------------------------------------- paragraphs


def paragraphs(text: str) -> list[tuple[int, int]]:
    """[start, end) of every paragraph, whitespace trimmed (see the module rules)."""
    out = _split(text, _PARA_SPLIT)
    if _one_paragraph_per_line(text, out):
        out = _split(text, re.compile(r"\n"))
    elif _indented_paragraphs(text, out):
        out = _split(text, re.compile(r"\n(?=[ \t\u3000]+\S)"))
    return [piece for span in out for piece in _split_glued_heading(text, span)]


def _split(text: str, sep: re.Pattern[str]) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for m in [*sep.finditer(text), None]:
        end = m.start() if m else len(text)
        chunk = text[pos:end]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            out.append((pos + lead, pos + lead + len(stripped)))
        if m:
            pos = m.end()
    return out


def _one_paragraph_per_line(text: str, paras: list[tuple[int, int]]) -> bool:
    """True for texts with (almost) no blank lines whose lines are whole paragraphs."""
    lines = [l for l in text.split("\n") if l.strip()]
    if len(lines) < 6 or len(paras) * 3 > len(lines):
        return False
    lengths = sorted(len(l) for l in lines)
    return lengths[len(lengths) // 2] > 110 or lengths[-len(lengths) // 4] > 160


def _indented_paragraphs(text: str, paras: list[tuple[int, int]]) -> bool:
    """True for hard-wrapped texts without blank lines whose paragraphs start indented."""
    lines = [l for l in text.split("\n") if l.strip()]
    if len(lines) < 10 or len(paras) > max(1, len(lines) // 20):
        return False
    indented = sum(1 for l in lines if l[:1] in (" ", "\t", "\u3000"))
    return 0.05 * len(lines) <= indented <= 0.6 * len(lines)


def _split_glued_heading(text: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """'Chapter 3\\nIt was late...' -> the heading line and the rest."""
    start, end = span
    nl = text.find("\n", start, end)
    if nl < 0 or nl - start > 100:
        return [span]
    first = text[start:nl].strip()
    if not _CHAPTER.match(first) or _CHAPTER.match(" ".join(text[start:end].split())):
        return [span]
    rest = text[nl:end]
    rest_start = nl + len(rest) - len(rest.lstrip())
    return [(start, start + len(text[start:nl].rstrip())), (rest_start, end)]


def is_heading_text(para: str) -> bool:
    """True if a paragraph reads as a chapter heading."""
    flat = " ".join(para.split())
    return len(flat) <= 110 and bool(_CHAPTER.match(flat))


def detect_structure(text: str, hints: Any = None) -> list[Block]:
    """Blocks for every paragraph, with headings, scene breaks and front matter marked.

    `hints` (optional, e.g. a sources.Source) may carry offsets the file format marked:
    `.headings` [(start, end, level)], `.breaks` [(start, end)], `.front_matter` [(start, end)].
    """
    paras = paragraphs(text)
    roles = _roles(text, paras, hints)
    _mark_front_matter(text, paras, roles)
    explicit_breaks = any(r == "break" for r in roles)
    level = getattr(hints, "chapter_level", 1)
    sub_heads = [(s, e) for s, e, lvl in getattr(hints, "headings", None) or [] if lvl > level]
    subheading = {
        i
        for i, (s, e) in enumerate(paras)
        if roles[i] == "heading"
        and not is_heading_text(text[s:e])
        and any(a <= s and e <= b for a, b in sub_heads)
    }
    blocks: list[Block] = []
    chapter, scene = 1, 1
    seen_body = False  # body text since the last heading
    scene_paras = 0  # body paragraphs in the current scene
    pending_cue = ""
    prev_end = 0
    for i, (start, end) in enumerate(paras):
        role = roles[i]
        body = text[start:end]
        cue = ""
        if role == "heading" and i in subheading:
            # a heading below the chapter level (an HTML <h3> inside a chapter) opens a scene
            if scene_paras:
                scene += 1
                cue, scene_paras, pending_cue = "heading", 0, ""
        elif role == "heading":
            if seen_body:
                chapter += 1
                scene += 1
                cue = "chapter"
            seen_body = False
            scene_paras = 0
        elif role == "break":
            if scene_paras:
                pending_cue = "break"
        elif role == "body":
            if pending_cue:
                scene += 1
                cue, pending_cue, scene_paras = pending_cue, "", 0
            elif scene_paras and not explicit_breaks:
                blanks = text.count("\n", prev_end, start) - 1
                found = scene_cue(text, paras, i, roles, blanks, scene_paras)
                if found:
                    scene += 1
                    cue, scene_paras = found, 0
            seen_body = True
            scene_paras += 1
        blocks.append(
            Block(start, end, role, chapter, scene, " ".join(body.split()) if role == "heading" else "", cue)
        )
        prev_end = end
    return blocks


def _roles(text: str, paras: list[tuple[int, int]], hints: Any) -> list[BlockRole]:
    hint_heads = [(s, e) for s, e, *_ in getattr(hints, "headings", None) or []]
    hint_breaks = list(getattr(hints, "breaks", None) or [])
    hint_front = list(getattr(hints, "front_matter", None) or [])

    hint_heads.sort()
    hint_breaks.sort()
    hint_front.sort()

    def inside(span: tuple[int, int], marks: Sequence[tuple[int, int]]) -> bool:
        """The paragraph lies in a mark, or a mark starts inside the paragraph."""
        k = bisect.bisect_right(marks, (span[0], float("inf")))
        return any(
            (s <= span[0] and span[1] <= e) or span[0] <= s < span[1] for s, e in marks[max(0, k - 2) : k + 2]
        )

    roles: list[BlockRole] = []
    for span in paras:
        body = text[span[0] : span[1]]
        if inside(span, hint_front):
            roles.append("front_matter")
        elif is_break_text(body) or inside(span, hint_breaks):
            roles.append("break")
        elif is_heading_text(body) or (inside(span, hint_heads) and len(body) <= 200):
            roles.append("heading")
        else:
            roles.append("body")
    for i in _numbered_headings(text, paras, roles):
        roles[i] = "heading"
    return roles


_BARE_NUMBER = re.compile(r"^\s*(?:#{1,6}\s*)?([0-9]{1,3}|[IVXLC]{1,7})\.?\s*$")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def _roman(s: str) -> int:
    total = 0
    for a, b in zip(s, s[1:] + " "):
        v = _ROMAN[a]
        total += -v if b != " " and _ROMAN[b] > v else v
    return total


def _numbered_headings(text: str, paras: Sequence[tuple[int, int]], roles: Sequence[str]) -> list[int]:
    """Paragraphs holding only a number ("1", "IV.") are headings when there are two or more
    and they count up from 1 or I (a restart at 1 allowed)."""
    found = []
    for i, (s, e) in enumerate(paras):
        m = _BARE_NUMBER.match(text[s:e]) if roles[i] == "body" and e - s <= 12 else None
        if m:
            v = m.group(1)
            found.append((i, int(v) if v.isdigit() else _roman(v)))
    if len(found) < 2 or found[0][1] != 1:
        return []
    good = sum(1 for (_, a), (_, b) in itertools.pairwise(found) if b == a + 1 or b == 1)
    return [i for i, _ in found] if good >= 0.8 * (len(found) - 1) else []


def _mark_front_matter(text: str, paras: list[tuple[int, int]], roles: list[BlockRole]) -> None:
    """Turn note paragraphs into front matter, in place (rules in the module docstring)."""
    para = [text[s:e] for s, e in paras]
    n = len(paras)
    # 1. Labelled notes at the top (first 8 paragraphs, before the first heading) and
    #    any unlabelled paragraph before the last of them.
    first_head = next(
        (i for i, r in enumerate(roles) if r == "heading" and not _NOTES_HEADING.match(para[i].strip())), n
    )
    top = []
    for i in range(min(12, first_head)):
        if roles[i] != "body":
            continue
        if _FRONT.match(para[i]):
            top.append(i)
        elif _QUOTED.search(para[i]):
            break  # speech: the story has begun; a later "Note:" is the story's own
    if top:
        for i in range(top[-1] + 1):
            if roles[i] in ("body", "heading"):
                roles[i] = "front_matter"
        # and short remarks between the last label and the first heading
        rest = [i for i in range(top[-1] + 1, first_head) if roles[i] == "body"]
        if first_head < n and rest and len(rest) <= 2 and all(len(para[i]) <= 200 for i in rest):
            for i in rest:
                roles[i] = "front_matter"
    # 1b. An unlabelled author's note opening the story: one of the first three paragraphs,
    #     before any speech, written about the story (two or more cues such as "fic",
    #     "review", "I don't own", "the series", "my first", "hope you enjoy").
    for i in range(min(3, first_head)):
        if roles[i] != "body" or _QUOTED.search(para[i]):
            break
        if len({m.group(0).lower() for m in _META.finditer(para[i])}) >= 2:
            for j in range(i + 1):
                if roles[j] == "body":
                    roles[j] = "front_matter"
        else:
            break
    # 2. A title, byline, dedication or epigraph before the first of two or more chapter
    #    headings, when it is short.
    heads = [i for i, r in enumerate(roles) if r == "heading"]
    if len(heads) >= 2 and first_head > 0:
        before = [i for i in range(first_head) if roles[i] == "body"]
        if (
            sum(len(para[i]) for i in before) <= 1500
            and len(before) <= 12
            and all(len(para[i]) <= 600 for i in before)
        ):
            for i in before:
                roles[i] = "front_matter"
    # A title followed by a byline at the very top, even without headings.
    if (
        n >= 3
        and roles[0] == "body"
        and len(para[0]) <= 100
        and "\n" not in para[0].strip()
        and roles[1] == "body"
        and _BYLINE.match(para[1])
        and not _QUOTED.search(para[0])
    ):
        roles[0] = roles[1] = "front_matter"
    # 3. Labelled notes right after a heading.
    for h in heads:
        i = h + 1
        while i < n and i <= h + 4 and roles[i] in ("body", "heading"):
            if roles[i] == "body":
                if not _FRONT.match(para[i]):
                    break
                roles[i] = "front_matter"
            i += 1
    # 3b. Title-page matter between two headings (under 200 characters of capitalised words,
    #     as "London: Printed
    #     for T. Egerton" between "VOL. II." and "CHAPTER I."): the headings open one chapter.
    for a, b in itertools.pairwise(heads):
        between = [i for i in range(a + 1, b) if roles[i] == "body"]
        if (
            between
            and len(between) <= 3
            and sum(len(para[i]) for i in between) < 200
            and all(_titleish(para[i]) for i in between)
        ):
            for i in between:
                roles[i] = "front_matter"
    # 3c. A title page before a heading: a run of 3+ short unquoted lines, one of them in
    #     capitals or a byline ("PRIDE AND PREJUDICE:", "A Novel.", "By the Author of ...").
    for h in heads:
        run = []
        i = h - 1
        while (
            i >= 0
            and roles[i] in ("body", "front_matter")
            and len(para[i]) <= 60
            and (_titleish(para[i]) or roles[i] == "front_matter")
        ):
            run.append(i)
            i -= 1
        if len(run) >= 3 and any(para[j].isupper() or _BYLINE.match(para[j]) for j in run):
            for j in run:
                roles[j] = "front_matter"
    # 4. Author's notes anywhere; sign-offs in the last paragraphs of a chapter; printers'
    #    marks ("[Illustration: ...]", "END OF VOL. I.").
    for i in range(n):
        if roles[i] == "body" and (
            re.match(r"^\s*\[(?:illustration|image|picture)\b", para[i], re.I)
            or re.match(r"^\s*(?:the\s+)?end\s+of\s+(?:vol|volume|book|part)\b.{0,20}$", para[i], re.I)
        ):
            roles[i] = "front_matter"
    ends = [h - 1 for h in heads if h > 0] + [n - 1]
    tail = {j for e in ends for j in range(max(0, e - 2), e + 1)}
    for i in range(n):
        if roles[i] != "body":
            continue
        if _AN.match(para[i]) or (i in tail and _SIGNOFF.match(para[i]) and len(para[i]) < 400):
            roles[i] = "front_matter"
            # a sign-off ends the chapter: what follows it up to the heading is notes too
            if i in tail:
                for j in range(i + 1, n):
                    if roles[j] == "heading":
                        break
                    if roles[j] == "body" and j in tail:
                        roles[j] = "front_matter"
    # 5. A "Preface", "Foreword", "Afterword" ... heading over notes only (no story text before
    #    the next heading or the end) is part of the notes, not a chapter.
    heads = [i for i, r in enumerate(roles) if r == "heading"]
    for h in heads:
        if not _NOTES_HEADING.match(" ".join(para[h].split())):
            continue
        j = h + 1
        while j < n and roles[j] in ("front_matter", "break"):
            j += 1
        if j > h + 1 and (j == n or roles[j] == "heading"):
            roles[h] = "front_matter"


def _titleish(para: str) -> bool:
    """A title-page line: a byline, or mostly capitalised words ("A Novel.", "In Three Volumes.")."""
    words = re.findall(r"[^\W\d_]+", para)
    if not words or _BYLINE.match(para):
        return bool(words)
    return sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def summary_block(text: str, blocks: Sequence[Block]) -> Block | None:
    """The front-matter block holding the story's summary ("Summary: ..."), if any."""
    for b in blocks:
        if b.role == "front_matter" and re.match(
            r"^\s*[(\[]?\s*(?:summary|synopsis)\b", text[b.start : b.end], re.IGNORECASE
        ):
            return b
    return None


# ----------------------------------------------------------------------------- scene cues

_POSSESSIVE = "her|his|my|their|our"
_REFLEXIVE = r"(?:herself|himself|themselves|myself|ourselves)"
_WAKE = re.compile(
    rf"\b(?:woke|awoke|awoken|awakened|awakens|jolted awake|"
    rf"startled awake|came to (?:{_POSSESSIVE}) senses)\b",
    re.IGNORECASE,
)
_EYES_OPEN = re.compile(rf"\b(?:open(?:ed|s)?|blinked open) (?:{_POSSESSIVE}|your) eyes\b", re.IGNORECASE)
_DREAM_CONTEXT = re.compile(r"\b(?:dream\w*|nightmare\w*|unconscious|passed out|fainted)\b", re.IGNORECASE)
_TRANSPORT = re.compile(
    r"\b(?:transport|teleport|apparat|disapparat|whisk|orb|shimmer|flash)(?:ed|s|ing)\b"
    r"(?: \w+){0,3}? (?:to|into|back to|away to|off to)\b",
    re.IGNORECASE,
)
_ARRIVE = re.compile(
    r"\b(?:arriv(?:ed|es|ing)|landed|pulled up) (?:at|in|on|outside|home|back)\b(?! the door)"
    r"|\b(?:got|gets|came|returned|headed|went|drove|walked) (?:back )?home\b"
    rf"|\b(?:reached|entered) (?:the|{_POSSESSIVE}|[A-Z]\w+'s) (?!door|room\b)"
    rf"|\bmade (?:{_POSSESSIVE}) way (?:to|into|back|home|down to|up to)\b"
    rf"|\bfound {_REFLEXIVE} (?:\w+ )?(?:in|at|on|outside)\b",
    re.IGNORECASE,
)
_SEAT = re.compile(
    r"\bfound (?:a|an|the|some|an empty|a quiet) (?:\w+ ){0,3}?(?:bench|seat|spot|table|booth|"
    r"stool|couch|sofa|rock|log|corner|place to sit)\b",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"^(?:(?:early |late )?(?:the|that) (?:next|following) (?:morning|day|night|evening|afternoon|"
    r"week|month|year|weekend)\b|(?:early |late )?next (?:morning|day|night|evening|week)\b|"
    r"(?:much |some )?later(?: that| the same)? ?(?:day|night|evening|afternoon|morning)?\b,?"
    r"|meanwhile\b|afterwards?,|"
    r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several|a few|many|some|"
    r"\d+)(?: \w+)? (?:minutes?|hours?|days?|weeks?|months?|years?) (?:later|passed|went by|"
    r"had passed|afterwards?)\b|(?:that|this) (?:night|evening|afternoon)\b,|"
    r"the (?:morning|evening|night|day) after\b|back (?:at|in) (?=[A-Z]))",
    re.IGNORECASE,
)

#: Words before an arrival that make it hypothetical, negated or past-perfect (not a move now).
_HYPOTHETICAL = re.compile(
    r"\b(?:if|unless|would|could|should|might|must|shall|will|had|never|"
    r"not|whether|until|before|once|wanted|wished|hoped|planned)\b|n't\b",
    re.IGNORECASE,
)


def first_narration_sentence(para: str) -> str:
    """The paragraph's first sentence once quoted speech is taken out ('' if it is all speech)."""
    narration = " ".join(_QUOTED.sub(" ", para).split())
    m = _SENTENCE_END.search(narration)
    sentence = narration[: m.end()] if m else narration
    return sentence.strip(" ,;:-\u2014\u2013")


def opens_on_waking(sentence: str, strict: bool = False) -> bool:
    """'woke'/'awoke' (or, unless strict, 'opened her eyes') in the sentence's first 8 words."""
    opening = " ".join(sentence.split()[:8])
    return bool(_WAKE.search(opening)) or (not strict and bool(_EYES_OPEN.search(opening)))


def scene_cue(
    text: str,
    paras: Sequence[tuple[int, int]],
    i: int,
    roles: Sequence[str],
    blank_lines: int = 1,
    scene_paras: int = 99,
) -> str:
    """Name of the change of place or time that opens paragraph i, or '' (conservative).

    Looks only at the paragraph's first narration sentence (quoted speech removed):
    - wake: woke/awoke/awakened in the sentence's first eight words ("Elizabeth awoke the next
      morning", "When I woke"), or "opened her eyes" there with a dream, nightmare or
      fainting in this or the two paragraphs before (a dream ends, a new scene begins);
    - transport: transported/teleported/whisked ... to (magic or machine carries them off);
    - time: the paragraph opens on a time jump ("The next morning", "Later that night",
      "Three days later", "Meanwhile", "Back at ...");
    - arrive: "arrived at/in", "got home", "reached the ...", "made her way to", "found
      herself in", or "found a (wooden) bench/seat/table" (settling in a new place);
      needs the scene so far to hold 2+ paragraphs.
    Two or more blank lines before the paragraph add weight but never suffice alone.
    """
    start, end = paras[i]
    para = text[start:end]
    first = first_narration_sentence(para)
    if not first:
        return ""
    if opens_on_waking(first, strict=True):
        return "wake"
    if opens_on_waking(first):
        ctx = " ".join(text[s:e] for s, e in paras[max(0, i - 2) : i + 1])
        if _DREAM_CONTEXT.search(ctx):
            return "wake"
    if _TRANSPORT.search(first):
        return "transport"
    if _TIME.match(first) and not para.lstrip().startswith(('"', "\u201c")):
        return "time"
    m = _ARRIVE.search(first) or _SEAT.search(first)
    if m and (scene_paras >= 2 or blank_lines >= 2) and not _HYPOTHETICAL.search(first[: m.start()]):
        return "arrive"
    return ""
