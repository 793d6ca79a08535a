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
        # offices that stand before a name in the period's fiction (`Inspector Rook`); male
        # as a prior only, as `doctor` is: the pronouns decide
        "inspector",
        "constable",
        "superintendent",
        "sheriff",
        "squire",
        "deacon",
        "bishop",
        "parson",
        "pastor",
        "judge",
        "governor",
        "corporal",
        "commodore",
        "commander",
        "marshal",
        "grandfather",
        "grandpa",
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
        "grandmother",
        "grandma",
        "granny",
    ]
)
HONORIFICS = HONORIFICS_MALE | HONORIFICS_FEMALE

# titles of an office, which `the` + the title in lower case names (`the captain` is the
# story's one captain; `the lady`, `the master` are anyone so described)
OFFICES = frozenset(
    [
        "captain",
        "colonel",
        "major",
        "general",
        "admiral",
        "lieutenant",
        "sergeant",
        "inspector",
        "constable",
        "doctor",
        "professor",
        "judge",
        "governor",
        "sheriff",
        "squire",
        "parson",
        "bishop",
        "commodore",
        "commander",
        "corporal",
    ]
)
