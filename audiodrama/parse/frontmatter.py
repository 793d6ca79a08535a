"""Front matter: the paragraphs of a story that are notes, not story (rules in parse.structure's
docstring): labelled notes, titles and bylines, sign-offs, printers' marks."""

from __future__ import annotations

import itertools
import re
from typing import Literal

from audiodrama.parse.scenecues import QUOTED

BlockRole = Literal["body", "heading", "break", "front_matter"]

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


def mark_front_matter(text: str, paras: list[tuple[int, int]], roles: list[BlockRole]) -> None:
    """Turn note paragraphs into front matter, in place (rules in parse.structure's docstring)."""
    para = [text[s:e] for s, e in paras]
    first_head = next(
        (i for i, r in enumerate(roles) if r == "heading" and not _NOTES_HEADING.match(para[i].strip())),
        len(paras),
    )
    _top_notes(para, roles, first_head)
    _opening_note(para, roles, first_head)
    heads = [i for i, r in enumerate(roles) if r == "heading"]
    _title_before_chapters(para, roles, first_head, heads)
    _notes_after_headings(para, roles, heads)
    _title_pages(para, roles, heads)
    _notes_anywhere(para, roles, heads)
    _notes_headings(para, roles)


def _top_notes(para: list[str], roles: list[BlockRole], first_head: int) -> None:
    """1. Labelled notes at the top (first 12 paragraphs, before the first heading) and
    any unlabelled paragraph before the last of them."""
    n = len(para)
    top = []
    for i in range(min(12, first_head)):
        if roles[i] != "body":
            continue
        if _FRONT.match(para[i]):
            top.append(i)
        elif QUOTED.search(para[i]):
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


def _opening_note(para: list[str], roles: list[BlockRole], first_head: int) -> None:
    """1b. An unlabelled author's note opening the story: one of the first three paragraphs,
    before any speech, written about the story (two or more cues such as "fic", "review",
    "I don't own", "the series", "my first", "hope you enjoy")."""
    for i in range(min(3, first_head)):
        if roles[i] != "body" or QUOTED.search(para[i]):
            break
        if len({m.group(0).lower() for m in _META.finditer(para[i])}) >= 2:
            for j in range(i + 1):
                if roles[j] == "body":
                    roles[j] = "front_matter"
        else:
            break


def _title_before_chapters(
    para: list[str], roles: list[BlockRole], first_head: int, heads: list[int]
) -> None:
    """2. A title, byline, dedication or epigraph before the first of two or more chapter
    headings, when it is short; and a title followed by a byline at the very top, even
    without headings."""
    n = len(para)
    if len(heads) >= 2 and first_head > 0:
        before = [i for i in range(first_head) if roles[i] == "body"]
        if (
            sum(len(para[i]) for i in before) <= 1500
            and len(before) <= 12
            and all(len(para[i]) <= 600 for i in before)
        ):
            for i in before:
                roles[i] = "front_matter"
    if (
        n >= 3
        and roles[0] == "body"
        and len(para[0]) <= 100
        and "\n" not in para[0].strip()
        and roles[1] == "body"
        and _BYLINE.match(para[1])
        and not QUOTED.search(para[0])
    ):
        roles[0] = roles[1] = "front_matter"


def _notes_after_headings(para: list[str], roles: list[BlockRole], heads: list[int]) -> None:
    """3. Labelled notes right after a heading."""
    n = len(para)
    for h in heads:
        i = h + 1
        while i < n and i <= h + 4 and roles[i] in ("body", "heading"):
            if roles[i] == "body":
                if not _FRONT.match(para[i]):
                    break
                roles[i] = "front_matter"
            i += 1


def _title_pages(para: list[str], roles: list[BlockRole], heads: list[int]) -> None:
    """3b. Title-page matter between two headings (under 200 characters of capitalised words,
    as "London: Printed for T. Egerton" between "VOL. II." and "CHAPTER I."): the headings
    open one chapter. 3c. A title page before a heading: a run of 3+ short unquoted lines,
    one of them in capitals or a byline ("PRIDE AND PREJUDICE:", "A Novel.", "By the Author
    of ...")."""
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


_ILLUSTRATION = re.compile(r"^\s*\[(?:illustration|image|picture)\b", re.I)
_END_OF_VOLUME = re.compile(r"^\s*(?:the\s+)?end\s+of\s+(?:vol|volume|book|part)\b.{0,20}$", re.I)


def _notes_anywhere(para: list[str], roles: list[BlockRole], heads: list[int]) -> None:
    """4. Author's notes anywhere; sign-offs in the last paragraphs of a chapter; printers'
    marks ("[Illustration: ...]", "END OF VOL. I.")."""
    n = len(para)
    for i in range(n):
        if roles[i] == "body" and (_ILLUSTRATION.match(para[i]) or _END_OF_VOLUME.match(para[i])):
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


def _notes_headings(para: list[str], roles: list[BlockRole]) -> None:
    """5. A "Preface", "Foreword", "Afterword" ... heading over notes only (no story text
    before the next heading or the end) is part of the notes, not a chapter."""
    n = len(para)
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
