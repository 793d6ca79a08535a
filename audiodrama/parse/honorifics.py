"""Titles before a name (`Mr.`, `Lady`, `Captain`), lower case without the period, by the
gender they tell."""

from __future__ import annotations

HONORIFICS_MALE = frozenset(
    [
        "mr",
        "mister",
        "sir",
        "lord",
        "colonel",
        "captain",
        "col",
        "capt",
        "major",
        "general",
        "gen",
        "count",
        "baron",
        "duke",
        "prince",
        "king",
        "father",
        "uncle",
        "brother",
        "monsieur",
        "herr",
        "senor",
        "señor",
        "signor",
        "master",
        "dr",
        "doctor",
        "rev",
        "reverend",
        "professor",
        "prof",
        "lieutenant",
        "sergeant",
        "admiral",
    ]
)
HONORIFICS_FEMALE = frozenset(
    [
        "mrs",
        "miss",
        "ms",
        "lady",
        "madam",
        "madame",
        "mademoiselle",
        "mlle",
        "mme",
        "countess",
        "baroness",
        "duchess",
        "princess",
        "queen",
        "mother",
        "aunt",
        "sister",
        "dame",
        "senora",
        "señora",
        "signora",
        "mistress",
    ]
)
HONORIFICS = HONORIFICS_MALE | HONORIFICS_FEMALE
