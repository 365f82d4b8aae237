"""The wording rule for everything that leaves the portal: nothing may reveal substance treatment.

An e-mail preview on a shared phone, an SMS on a locked screen, a mailbox a partner or employer can
read: whoever sees it must learn no more than "the municipality wants me to sign in". So subjects,
bodies, sender names, the sign-in address and calendar attachments are all checked against this list,
both by a test (every template, both languages) and at run time (enqueue withholds a message whose
text, filled in with real values, fails the check).

How the list was chosen:
- Stems, matched at the start of a word, so inflections and compounds are caught ("stof" catches
  stof, stoffer, stofmisbrug) while ordinary names are not ("Kristoffer" has no word starting "stof").
- Words that are only dangerous inside compounds are matched anywhere ("misbrug" in alkoholmisbrug,
  "rusmiddel" in Rusmiddelcentret and in a host name like rusmiddelportalen.example.dk).
- Some words are innocent in other Danish contexts ("behandling" as in "din sag er under behandling",
  "rådgivning" as in debt advice, "afhængig af" = depending on). They are still banned: a
  notification never needs them, and a false alarm in a test is cheap while a leak is not.
- The centre's own names (Rusmiddelcentret, Bramdruphus, Åben Rådgivning, MOVE), the legal
  references that name the treatment (§ 101, § 141, § 142) and the screening tools (AUDIT, DUDIT)
  reveal as much as the plain words.
- English equivalents, because the English catalogue is sent to citizens who chose English.
- "MOVE" is matched case-sensitively as a word: "move" is an ordinary English verb.
"""

from __future__ import annotations

import re

# Matched case-insensitively at the start of a word.
WORD_STEMS = [
    # Danish
    "alkohol", "stof", "misbrug", "rusmiddel", "rus", "behandl", "antabus", "afrusning", "abstinens",
    "rådgiv", "raadgiv", "afvænning", "afgiftning", "afgiftet", "afhængig", "narko", "hash", "kokain",
    "heroin", "amfetamin", "metadon", "methadon", "buprenorfin", "subutex", "naltrexon", "disulfiram",
    "druk", "spiritus", "bramdruphus", "døgnbehandl", "substitution", "trangdæmp", "ædru", "sprut",
    # English
    "alcohol", "drug", "substance", "addict", "abuse", "misuse", "treat", "therap", "counsel", "rehab",
    "detox", "withdrawal", "sober", "narcotic", "cannabis", "cocaine", "opioid", "dependenc", "intoxicat",
    "antabuse", "craving", "drink",
]
# Matched anywhere (inside compounds, host names and e-mail addresses).
ANYWHERE = ["misbrug", "rusmiddel", "alkohol", "abuse", "addict", "rehab", "detox", "behandl", "narko"]
# Matched as whole words, case-insensitively.
WHOLE_WORDS = ["audit", "dudit", "aa", "§ ?101", "§ ?141", "§ ?142", "101 ?a", "serviceloven", "sundhedsloven"]
# Matched as whole words, case-sensitively.
CASE_SENSITIVE_WORDS = ["MOVE"]

_STEMS = re.compile(r"(?<![\wæøå])(" + "|".join(map(re.escape, WORD_STEMS)) + ")", re.IGNORECASE)
_ANYWHERE = re.compile("(" + "|".join(map(re.escape, ANYWHERE)) + ")", re.IGNORECASE)
_WHOLE = re.compile(r"(?<![\wæøå])(" + "|".join(WHOLE_WORDS) + r")(?![\wæøå])", re.IGNORECASE)
_CASED = re.compile(r"(?<![\wæøå])(" + "|".join(CASE_SENSITIVE_WORDS) + r")(?![\wæøå])")


def revealing_words(text: str) -> list[str]:
    """The banned words found in text (empty when the text is neutral)."""
    found = []
    for pattern in (_STEMS, _ANYWHERE, _WHOLE, _CASED):
        found.extend(m.group(0) for m in pattern.finditer(text or ""))
    return sorted(set(found), key=str.lower)


def is_neutral(*texts: str) -> bool:
    return not any(revealing_words(t) for t in texts)
