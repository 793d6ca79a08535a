"""Reading a Project Dialogism Novel Corpus folder (novel_text.txt, character_info.csv,
quotation_info.csv), for the training script and the benches. Development only: the
package never reads PDNC.
"""

from __future__ import annotations

import ast
import csv
from pathlib import Path

from audiodrama.model import Character

csv.field_size_limit(10**9)


# the authors of the PDNC novels, for leave-one-author-out runs (a novel not listed is an
# author of its own)
AUTHORS = {
    "Emma": "Jane Austen",
    "MansfieldPark": "Jane Austen",
    "NorthangerAbbey": "Jane Austen",
    "Persuasion": "Jane Austen",
    "PrideAndPrejudice": "Jane Austen",
    "SenseAndSensibility": "Jane Austen",
    "HardTimes": "Charles Dickens",
    "OliverTwist": "Charles Dickens",
    "AlicesAdventuresInWonderland": "Lewis Carroll",
    "AnneOfGreenGables": "L. M. Montgomery",
    "DaisyMiller": "Henry James",
    "TheAwakening": "Kate Chopin",
    "TheGambler": "Fyodor Dostoevsky",
    "TheInvisibleMan": "H. G. Wells",
    "TheSunAlsoRises": "Ernest Hemingway",
    "WinnieThePooh": "A. A. Milne",
}


def author(folder: Path) -> str:
    """The novel's author (AUTHORS), else the folder's name."""
    return AUTHORS.get(folder.name, folder.name)


def read_cast(folder: Path) -> list[Character]:
    """The gold character list: main name, aliases, gender."""
    cast = []
    with open(folder / "character_info.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            main = row["Main Name"].strip()
            aliases = ast.literal_eval(row["Aliases"]) if row["Aliases"].strip() else []
            g = {"F": "female", "M": "male"}.get(row.get("Gender", "").strip(), "unknown")
            cast.append(Character(main, [a for a in aliases if a != main], g))
    return cast


def load_novel(folder: Path) -> tuple[str, list[Character], list[tuple[int, int, int | None]]]:
    """(text, cast, gold quotes sorted by start: (start, end, index into cast or None))."""
    text = (folder / "novel_text.txt").read_text(encoding="utf-8")
    cast = read_cast(folder)
    alias_owner: dict[str, int] = {}
    for i, c in enumerate(cast):
        for n in c.all_names():
            alias_owner.setdefault(n, i)
    gold = []
    with open(folder / "quotation_info.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            spans = ast.literal_eval(row["quoteByteSpans"])
            who = alias_owner.get(row["speaker"].strip())
            gold.append((spans[0][0], spans[-1][1], who))
    gold.sort()
    return text, cast, gold
