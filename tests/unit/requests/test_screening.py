"""AUDIT (0–40) and DUDIT (0–44) scoring, bands and the carried answers."""

import pytest

from app.requests import screening
from app.requests.screening import audit_band, dudit_band, parse_answers, score


def test_audit_has_10_items_and_dudit_11_with_the_right_maximum():
    assert len(screening.AUDIT) == 10 and len(screening.DUDIT) == 11
    assert sum(max(i.scores) for i in screening.AUDIT) == 40
    assert sum(max(i.scores) for i in screening.DUDIT) == 44


def test_the_last_two_items_score_0_2_4():
    for items in (screening.AUDIT, screening.DUDIT):
        assert [i.scores for i in items[-2:]] == [(0, 2, 4), (0, 2, 4)]
        assert all(i.scores == (0, 1, 2, 3, 4) for i in items[:-2])


@pytest.mark.parametrize("answers, total", [
    ([0] * 10, 0),
    ([4] * 8 + [4, 4], 40),
    ([1, 1, 1, 1, 1, 1, 1, 0, 0, 0], 7),
    ([1, 1, 1, 1, 1, 1, 0, 0, 2, 0], 8),
    ([0] * 8 + [2, 4], 6),
])
def test_audit_score(answers, total):
    assert score("audit", answers) == total


@pytest.mark.parametrize("answers, total", [
    ([0] * 11, 0),
    ([4] * 11, 44),
    ([1] + [0] * 8 + [2, 2], 5),
])
def test_dudit_score(answers, total):
    assert score("dudit", answers) == total


@pytest.mark.parametrize("value", ["1", "3", "5", "-1", "x", ""])
def test_items_scored_0_2_4_refuse_other_values(value):
    with pytest.raises(screening.ScreeningError) as err:
        parse_answers("audit", ["0"] * 8 + [value, "0"])
    assert err.value.missing == [8]


def test_missing_answers_are_named():
    with pytest.raises(screening.ScreeningError) as err:
        parse_answers("dudit", ["0", None, "4"])
    assert err.value.missing == [1] + list(range(3, 11))


@pytest.mark.parametrize("total, band", [(0, "low"), (7, "low"), (8, "harmful"), (19, "harmful"),
                                         (20, "dependence"), (40, "dependence")])
def test_audit_bands(total, band):
    assert audit_band(total) == band


@pytest.mark.parametrize("total, sex, band", [
    (5, "male", "low"), (6, "male", "problems"), (1, "female", "low"), (2, "female", "problems"),
    (2, None, "problems"), (24, "male", "problems"), (25, "female", "dependence"), (25, "male", "dependence"),
])
def test_dudit_bands_depend_on_sex(total, sex, band):
    assert dudit_band(total, sex) == band


def test_every_band_has_a_plain_danish_explanation():
    for kind, totals in (("audit", (0, 8, 20)), ("dudit", (0, 2, 25))):
        for t in totals:
            assert screening.explanation(kind, t, "female").startswith("Dit svar tyder")


def test_carried_answers_are_rescored_and_tampering_is_ignored():
    encoded = screening.encode("dudit", [1] * 9 + [2, 4], "female")
    assert screening.decode(encoded) == ("dudit", "female", [1] * 9 + [2, 4])
    assert screening.decode("dudit:female:" + ",".join(["1"] * 9 + ["3", "4"])) is None
    assert screening.decode("audit::1,2") is None and screening.decode("evil:x:1") is None
    assert screening.decode(None) is None
