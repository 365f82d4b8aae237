"""Self-screening: AUDIT (alcohol, WHO) and DUDIT (drugs, Karolinska). Pure scoring, no storage.

AUDIT: the WHO's Alcohol Use Disorders Identification Test, free to reproduce (not to sell).
DUDIT: Drug Use Disorders Identification Test, © Berman, Bergman, Palmstierna & Schlyter, Karolinska
Institutet; free to use with attribution. There is no official Danish DUDIT: the wording here is the
centre's own translation and is marked as such on the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.i18n import N_

FREQ_0_4 = [N_("Aldrig"), N_("Højst en gang om måneden"), N_("2–4 gange om måneden"), N_("2–3 gange om ugen"),
            N_("4 gange om ugen eller mere")]
HOW_OFTEN = [N_("Aldrig"), N_("Sjældnere end en gang om måneden"), N_("Hver måned"), N_("Hver uge"),
             N_("Dagligt eller næsten dagligt")]
DUDIT_FREQ = [N_("Aldrig"), N_("En gang om måneden eller sjældnere"), N_("2–4 gange om måneden"),
              N_("2–3 gange om ugen"), N_("4 gange om ugen eller oftere")]
HURT = [N_("Nej"), N_("Ja, men ikke inden for det sidste år"), N_("Ja, inden for det sidste år")]
HURT_SCORES = (0, 2, 4)


@dataclass(frozen=True)
class Item:
    text: str
    options: tuple[str, ...]
    scores: tuple[int, ...] = (0, 1, 2, 3, 4)

    @property
    def choices(self) -> list[tuple[int, str]]:
        return list(zip(self.scores, self.options))


def _five(text, options=HOW_OFTEN):
    return Item(text, tuple(options))


def _three(text):
    return Item(text, tuple(HURT), HURT_SCORES)


AUDIT = (
    _five(N_("Hvor tit drikker du alkohol?"), FREQ_0_4),
    _five(N_("Hvor mange genstande drikker du på en typisk dag, hvor du drikker?"),
          ["1–2", "3–4", "5–6", "7–9", N_("10 eller flere")]),
    _five(N_("Hvor tit drikker du 6 genstande eller flere ved samme lejlighed?")),
    _five(N_("Hvor tit i det sidste år har du ikke kunnet holde op med at drikke, når du først var begyndt?")),
    _five(N_("Hvor tit i det sidste år har du ikke kunnet gøre det, der normalt blev forventet af dig, fordi du havde drukket?")),
    _five(N_("Hvor tit i det sidste år har du haft brug for en genstand om morgenen for at komme i gang efter at have drukket meget dagen før?")),
    _five(N_("Hvor tit i det sidste år har du haft skyldfølelse eller dårlig samvittighed, efter at du havde drukket?")),
    _five(N_("Hvor tit i det sidste år har du ikke kunnet huske, hvad der skete aftenen før, fordi du havde drukket?")),
    _three(N_("Er du selv eller en anden kommet til skade, fordi du havde drukket?")),
    _three(N_("Har en i familien, en ven, en læge eller en anden sundhedsperson været bekymret over din brug af alkohol eller foreslået, at du skulle skære ned?")),
)

DUDIT = (
    _five(N_("Hvor tit tager du andre stoffer end alkohol?"), DUDIT_FREQ),
    _five(N_("Hvor tit tager du mere end én slags stof ved samme lejlighed?"), DUDIT_FREQ),
    _five(N_("Hvor mange gange tager du stoffer på en typisk dag, hvor du tager stoffer?"),
          ["0", "1–2", "3–4", "5–6", N_("7 eller flere")]),
    _five(N_("Hvor tit er du stærkt påvirket af stoffer?")),
    _five(N_("Hvor tit i det sidste år har du haft så stor trang til stoffer, at du ikke kunne lade være?")),
    _five(N_("Hvor tit i det sidste år har du ikke kunnet holde op med at tage stoffer, når du først var begyndt?")),
    _five(N_("Hvor tit i det sidste år har du taget stoffer og så ikke fået gjort noget, du skulle have gjort?")),
    _five(N_("Hvor tit i det sidste år har du haft brug for at tage et stof om morgenen efter at have taget meget dagen før?")),
    _five(N_("Hvor tit i det sidste år har du haft skyldfølelse eller dårlig samvittighed, fordi du havde taget stoffer?")),
    _three(N_("Er du selv eller en anden kommet til skade (fysisk eller psykisk), fordi du havde taget stoffer?")),
    _three(N_("Har en i familien, en ven, en læge, en sygeplejerske eller en anden været bekymret over dit brug af stoffer eller sagt, at du skulle holde op?")),
)

TESTS = {"audit": AUDIT, "dudit": DUDIT}
MAX_SCORE = {"audit": 40, "dudit": 44}


class ScreeningError(ValueError):
    """Answers missing or out of range."""

    def __init__(self, missing: list[int]):
        super().__init__("incomplete screening")
        self.missing = missing  # 0-based item numbers


def parse_answers(kind: str, raw: list[str | None]) -> list[int]:
    """Each answer must be one of its item's scores; raises ScreeningError naming the items that are not."""
    items = TESTS[kind]
    answers, missing = [], []
    for i, item in enumerate(items):
        value = raw[i] if i < len(raw) else None
        try:
            score = int(value) if value not in (None, "") else None
        except ValueError:
            score = None
        if score is None or score not in item.scores:
            missing.append(i)
        else:
            answers.append(score)
    if missing:
        raise ScreeningError(missing)
    return answers


def score(kind: str, answers: list[int]) -> int:
    """The sum of the item scores (AUDIT 0–40, DUDIT 0–44)."""
    items = TESTS[kind]
    if len(answers) != len(items) or any(a not in item.scores for a, item in zip(answers, items)):
        raise ScreeningError([i for i, (a, item) in enumerate(zip(answers, items)) if a not in item.scores])
    return sum(answers)


def audit_band(total: int) -> str:
    """Danish AUDIT bands: 0–7 no problem, 8–19 harmful use, 20+ likely dependence."""
    if total >= 20:
        return "dependence"
    if total >= 8:
        return "harmful"
    return "low"


def dudit_band(total: int, sex: str | None) -> str:
    """DUDIT: 6+ (men) or 2+ (women) suggests drug-related problems; 25+ likely dependence.
    When sex is not given the lower threshold is used, so nobody is falsely reassured."""
    if total >= 25:
        return "dependence"
    threshold = 6 if sex == "male" else 2
    return "problems" if total >= threshold else "low"


def band(kind: str, total: int, sex: str | None = None) -> str:
    return audit_band(total) if kind == "audit" else dudit_band(total, sex)


EXPLANATIONS = {
    ("audit", "low"): N_("Dit svar tyder ikke på, at alkohol er et problem for dig lige nu. Er du alligevel bekymret, er du velkommen til at tale med os."),
    ("audit", "harmful"): N_("Dit svar tyder på, at du drikker så meget, at det kan skade dit helbred eller give problemer i din hverdag. Mange får det bedre af at skære ned – og vi kan hjælpe dig med det."),
    ("audit", "dependence"): N_("Dit svar tyder på, at du kan være afhængig af alkohol. Det er ikke din skyld, og det kan behandles. Tal med os om, hvilken hjælp der passer til dig – stop ikke brat, hvis du drikker meget hver dag, men tal med en læge eller med os først."),
    ("dudit", "low"): N_("Dit svar tyder ikke på, at stoffer er et problem for dig lige nu. Er du alligevel bekymret, er du velkommen til at tale med os."),
    ("dudit", "problems"): N_("Dit svar tyder på, at dit brug af stoffer giver eller kan give dig problemer. Det er en god idé at tale med os om det – det er gratis, og du kan være anonym."),
    ("dudit", "dependence"): N_("Dit svar tyder på, at du kan være afhængig af stoffer. Det kan behandles, og du behøver ikke klare det alene. Tal med os om, hvilken hjælp der passer til dig."),
}


def explanation(kind: str, total: int, sex: str | None = None) -> str:
    return EXPLANATIONS[(kind, band(kind, total, sex))]


SEXES = ("male", "female", "")


def encode(kind: str, answers: list[int], sex: str | None = None) -> str:
    """Carry answers between pages as one hidden field, e.g. "dudit:male:1,0,2,...". Re-scored on arrival."""
    return f"{kind}:{sex or ''}:{','.join(str(a) for a in answers)}"


def decode(value: str | None) -> tuple[str, str | None, list[int]] | None:
    """(kind, sex, answers) from a hidden field, or None when absent or invalid."""
    parts = (value or "").split(":")
    if len(parts) != 3 or parts[0] not in TESTS or parts[1] not in SEXES:
        return None
    try:
        answers = parse_answers(parts[0], parts[2].split(","))
    except ScreeningError:
        return None
    return parts[0], parts[1] or None, answers
