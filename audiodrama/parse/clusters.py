"""Name forms grouped into people: which forms of a name are one character.

`Darcy` joins `Mr. Darcy`, `Frank` joins `Frank Churchill`, `Mr. Crawford` joins `Henry
Crawford`; titles keep apart who cannot be one person (`Mrs. Weston` and `Mr. Weston`, `Miss
Musgrove` and `Charles Musgrove`, titles.py), and so does a wife called by her husband's full
name (`Mrs. John Knightley`: John is not the plain `Mr. Knightley`, titles.named_apart).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from audiodrama.parse.names import HONORIFICS, gender_of_honorific
from audiodrama.parse.titles import (
    by_title,
    first_name_clash,
    first_name_gender,
    husbands_name,
    named_apart,
    titles_clash,
)


def cluster_forms(
    names: dict[str, float], run_counts: Counter[str], firsts: dict[str, tuple[str, int]]
) -> list[list[str]]:
    """The name forms (with their weights) grouped into one list per person."""
    # Longest forms first: they anchor the clusters the short forms join (a man's own
    # words count: `Henry Crawford` anchors before `Mr. Crawford`, which then joins it; but
    # `Mrs. Maylie` is first, and `Rose Maylie` is not her)
    forms = sorted(names, key=lambda n: (-len(n.split()), -_anchor_words(n), -names[n]))
    apart = named_apart(run_counts, firsts)
    families: dict[str, float] = defaultdict(float)  # by surname: all its forms' weight
    for f in names:
        if len(f.split()) > 1:
            families[f.split()[-1]] += names[f]
    clusters: list[list[str]] = []
    for form in forms:
        words = form.split()
        hon = words[0].lower().rstrip(".") in HONORIFICS
        target = None
        key_words = [w for w in (words[1:] if hon else words) if w.lower() not in ("the",)]
        best_score = 0.0
        if husbands_name(words, firsts):
            clusters.append([form])  # `Mrs. John Dashwood` is John's wife, not `Mrs. Dashwood`
            continue
        for ci, cl in enumerate(clusters):
            if not _may_join(words, hon, cl, firsts, apart):
                continue
            for other in cl:
                score = _join_score(hon, key_words, other, names, firsts, families)
                if score > best_score:
                    best_score, target = score, ci
        if target is None:
            clusters.append([form])
        else:
            clusters[target].append(form)
    return clusters


def main_name(cluster: list[str], names: dict[str, float]) -> str:
    """The name a cluster goes by: its full name (`_full_name`), else its most used form."""
    return _full_name(cluster, names) or max(cluster, key=lambda f: (names[f], len(f)))


def _full_name(cluster: list[str], names: dict[str, float]) -> str | None:
    """The name that says who the character is: a given name and surname (`Henry Crawford`)
    when the text also calls them by title and that surname (`Mr. Crawford`, which may be
    another member of the family elsewhere); None without one. (`Pooh Bear` is no full
    name: nobody is `Mr. Bear`.)"""
    titled = {f.split()[-1] for f in cluster if len(f.split()) == 2 and _core_words(f) == 1}
    full = [f for f in cluster if len(f.split()) == 2 and _core_words(f) == 2 and f.split()[-1] in titled]
    return max(full, key=lambda f: names[f]) if full else None


def _anchor_words(form: str) -> int:
    """A form's words without a man's title (a woman's title counts as a word)."""
    return len(form.split()) if gender_of_honorific(form.split()[0]) == "female" else _core_words(form)


def _core_words(form: str) -> int:
    """How many words of a name form are no title."""
    return sum(w.lower().rstrip(".") not in HONORIFICS for w in form.split())


def _may_join(
    words: list[str],
    hon: bool,
    cluster: list[str],
    firsts: dict[str, tuple[str, int]],
    apart: set[tuple[str, str]],
) -> bool:
    """Whether a name form may join a cluster at all, by titles and first names."""
    mine = _titles(words)
    if mine and any(titles_clash(a, b) for o in cluster for a in mine for b in _titles(o.split())):
        # `Mrs. Weston` never joins `Mr. Weston`, nor `Miss Miller` `Mrs. Miller`, nor `Miss
        # Oakes` her brother `the Reverend Mr. Oakes`
        return False
    if any(husbands_name(o.split(), firsts) for o in cluster):
        return False
    if apart and _told_apart(words, cluster, apart):
        return False
    # `Miss Musgrove` is not `Charles Musgrove`
    return not (hon and any(first_name_clash(words[0], o.split()[0], firsts) for o in cluster))


def _titles(words: list[str]) -> list[str]:
    """The titles a name form opens with, past a `the` (`the Reverend Mr. Oakes`: both)."""
    if words and words[0].lower() == "the":
        words = words[1:]
    out = []
    for w in words[:-1]:
        if w.lower().rstrip(".") not in HONORIFICS:
            break
        out.append(w)
    return out


def _told_apart(words: list[str], cluster: list[str], apart: set[tuple[str, str]]) -> bool:
    """A man's bare or titled surname (`Mr. Knightley`) and the full name of one the text
    tells apart from him (`John Knightley`, titles.named_apart)."""
    core = [w for w in words if w.lower().rstrip(".") not in HONORIFICS]
    if len(core) != 1 or gender_of_honorific(words[0]) == "female":
        return False
    return any(
        (o_core[0], o_core[1]) in apart and o_core[1] == core[0]
        for o_core in ([w for w in o.split() if w.lower().rstrip(".") not in HONORIFICS] for o in cluster)
        if len(o_core) == 2
    )


def _join_score(
    hon: bool,
    key_words: list[str],
    other: str,
    names: dict[str, float],
    firsts: dict[str, tuple[str, int]],
    families: dict[str, float],
) -> float:
    """How strongly a form (its words without the title) joins the cluster form `other`; 0: not."""
    ow = other.split()
    o_hon = ow[0].lower().rstrip(".") in HONORIFICS
    o_core = ow[1:] if o_hon else ow
    o_gender = gender_of_honorific(ow[0]) if o_hon else None
    n = len(key_words)
    if n and n < len(o_core) and (o_core[-n:] == key_words or o_core[:n] == key_words):
        # `Darcy` in `Mr. Darcy`, `Frank` in `Frank Churchill`
        if hon and o_core[:n] == key_words and n == 1 and not o_hon:
            return 0.0  # `Mr. Frank` is not how the text names Frank Churchill
        if not hon and o_hon and o_core[:n] == key_words and by_title(ow[0]):
            return 0.0  # `Sir John` is never plain `John`: that is someone else
        if not hon and not o_hon and n == 1 and len(o_core) == 2 and o_core[0] == key_words[0]:
            # a first name two full names share (`Charles` of `Charles Musgrove` and
            # `Charles Hayter`) is the one's whose family the story is about (the other is
            # written in full to tell him apart)
            return families.get(o_core[1], 0.0) + names[other]
        # a bare surname (`Weston`) is the man's
        return names[other] * (3 if not hon and o_gender == "male" else 1)
    if key_words == o_core and hon != o_hon:
        if not hon and by_title(ow[0]):
            return 0.0  # `Sir John` is never plain `John`, nor `Lady Catherine` `Catherine`
        # (a bare surname, `said Thorpe`, is a man's, not `Mrs. Thorpe`'s; but `Blanche` is
        # `Mlle. Blanche`, `Louisa` `Miss Louisa`, `Daisy Miller` `Miss Daisy Miller`)
        if hon or o_gender != "female" or len(o_core) > 1 or _womans_first_name(o_core, firsts):
            return names[other]
    return 0.0


def _womans_first_name(words: list[str], firsts: dict[str, tuple[str, int]]) -> bool:
    """A single word the first-name list gives women only."""
    return len(words) == 1 and first_name_gender(words[0], firsts) == "female"
