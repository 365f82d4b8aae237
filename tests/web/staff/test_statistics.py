"""The statistics page: leaders only, figures as computed, the small-cell rule, CSV equals the page."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest

from tests.factories import make_staff, sign_in_staff
from tests.factories.stats import build_complaints, build_counselling, build_courses, build_requests

PERIOD = "?fra=01.01.2026&til=23.11.2026"


@pytest.fixture
def leader_client(client, db, clock):
    build_requests(db)
    build_complaints(db)
    build_courses(db)
    build_counselling(db)
    db.commit()
    sign_in_staff(client, make_staff(db, role="leader", first_name="Lone", now=clock.now()))
    return client


def page_tables(html: str) -> dict[str, list[list[str]]]:
    """Every table on the page by its key: header row and body rows as text."""
    out = {}
    for key, body in re.findall(r'<table class="table table-stats" id="data-([a-z]+)">(.*?)</table>', html, re.S):
        rows = []
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            rows.append([unescape(re.sub(r"<[^>]+>", "", c)).strip()
                         for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)])
        out[key] = rows
    return out


def test_statistics_page_is_for_leaders_and_admins_only(client, db, clock):
    sign_in_staff(client, make_staff(db, role="counsellor", now=clock.now()))
    assert client.get("/personale/statistik").status_code == 403
    assert client.get("/personale/statistik/henvendelser.csv").status_code == 403


def test_page_shows_the_figures_with_small_cells_hidden(leader_client):
    html = leader_client.get("/personale/statistik" + PERIOD).text
    tables = page_tables(html)
    rows = {(r[0], r[1]): r for r in tables["henvendelser"][1:]}
    # Alcohol in total: 7 requests, 2 anonymous (28,6 %), 5 started, median 8, p90 18, 4 of 6 in time.
    assert rows[("Alkohol", "Alle aldre")] == ["Alkohol", "Alle aldre", "7", "28,6 %", "5", "8", "18", "66,7 %", "<5"]
    # Under 30: only 3 requests — every count and every figure from under 5 cases is hidden.
    assert rows[("Alkohol", "Under 30 år")] == ["Alkohol", "Under 30 år"] + ["<5"] * 7
    assert rows[("Alle områder", "Alle aldre")] == [
        "Alle områder", "Alle aldre", "13", "61,5 %", "10", "5,5", "18", "66,7 %", "<5"]
    assert tables["klager"][1] == ["5", "<5", "<5", "<5", "30", "60"]
    completion = {(r[0], r[1]): r for r in tables["faerdigbehandlet"][1:]}
    assert completion[("Alkohol", "Alle aldre")] == ["Alkohol", "Alle aldre", "6", "<5", "66,7 %", "55 %", "Ja"]
    assert completion[("Stoffer", "Alle aldre")] == ["Stoffer", "Alle aldre", "5", "<5", "20 %", "40 %", "Nej"]
    assert tables["opfoelgning"][1] == ["Efter 1 måned", "6", "<5", "<5", "<5", "50 %"]
    assert tables["raadgivning"][3] == ["I alt", "8", "6", "<5", "25 %", "<5"]
    assert "Ukendt alder (anonym)" in html


def test_small_cell_rule_hides_every_count_under_five():
    from app.stats.tables import count_cell, days_cell, rate_cell
    assert [count_cell(n) for n in (0, 1, 4, 5, 12)] == ["<5", "<5", "<5", "5", "12"]
    assert rate_cell(1, 4, "da") == "<5" and rate_cell(1, 5, "da") == "20 %" and rate_cell(2, 3 * 5, "da") == "13,3 %"
    assert days_cell(7.5, 4, "da") == "<5" and days_cell(7.5, 5, "da") == "7,5" and days_cell(7.5, 5, "en") == "7.5"


@pytest.mark.parametrize("key", ["henvendelser", "maaneder", "brud", "faerdigbehandlet", "forloeb", "revision",
                                 "opfoelgning", "raadgivning", "venteliste", "klager"])
def test_csv_equals_the_page_table(leader_client, key):
    html = leader_client.get("/personale/statistik" + PERIOD).text
    response = leader_client.get(f"/personale/statistik/{key}.csv" + PERIOD)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == page_tables(html)[key]


def test_breach_list_names_pseudonyms_only(leader_client, db):
    from app.cases.models import CitizenCase
    from app.requests.models import TreatmentRequest
    rows = page_tables(leader_client.get("/personale/statistik" + PERIOD).text)["brud"]
    assert [r[2:] for r in rows[1:]] == [["01.04.2026", "15.04.2026", "Ikke startet"],
                                         ["02.03.2026", "16.03.2026", "20.03.2026"]]
    pseudonyms = {c.pseudonym for c in db.exec(__import__("sqlmodel").select(CitizenCase))}
    assert {r[0] for r in rows[1:]} <= pseudonyms
    assert not any(req.cpr and req.cpr in str(rows) for req in db.exec(__import__("sqlmodel").select(TreatmentRequest)))


def test_charts_are_accessible_svg_without_inline_style(leader_client):
    html = leader_client.get("/personale/statistik" + PERIOD).text
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) >= 2
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert "style=" not in html and "<script>" not in html


@pytest.mark.parametrize("query", ["?fra=32.13.2026", "?fra=01.02.2026&til=01.01.2026", "?fra=01.01.0001",
                                   "?til=" + "9" * 19])
def test_bad_period_re_renders_with_a_message(leader_client, query):
    response = leader_client.get("/personale/statistik" + query)
    assert response.status_code == 422
    assert "fejlopsummering" in response.text
    assert leader_client.get("/personale/statistik/henvendelser.csv" + query).status_code == 422


def test_unknown_table_is_not_found(leader_client):
    assert leader_client.get("/personale/statistik/hemmelig.csv").status_code == 404
