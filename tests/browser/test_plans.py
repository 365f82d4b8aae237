"""Browser flows for the treatment plan: the citizen proposes a goal and agrees to the plan on a phone,
the counsellor revises the plan. JS on and off; zero axe violations on every page."""

import re

import pytest
from playwright.sync_api import expect

from app.appointments import service as appointments
from app.core.clock import Clock
from app.plans import service
from tests.browser.conftest import staff_sign_in
from tests.factories import make_case, make_staff

pytestmark = pytest.mark.browser


def _arrange(live_server):
    now = Clock().now()
    with live_server.db() as db:
        staff = make_staff(db, role="counsellor", username="mette", now=now)
        case, code = make_case(db, now=now)
        service.create_plan(db, case_id=case.id, staff=staff, treatment_form="outpatient", aim="reduction",
                            medical=["craving"], under_30=True, now=now)
        service.add_goal(db, case_id=case.id, life_area="substance", citizen_words="Ikke drikke på hverdage",
                         steps="Tælle genstande", status="in_progress", now=now)
        tomorrow = (now.date().toordinal() + 1)
        from datetime import date
        appointments.book_appointment(db, case_id=case.id, staff_id=staff.id, kind="individual",
                                      day=date.fromordinal(tomorrow).isoformat(), time="10:00",
                                      duration_minutes="60", location="Sundhedscentret", video_url="",
                                      starts_treatment=False, note="", discharged_at=None, now=now)
        db.commit()
        return staff, case, code


def test_citizen_proposes_a_goal_and_agrees_to_the_plan(live_server, phone, axe):
    _staff, _case, code = _arrange(live_server)
    phone.goto(live_server.url + "/status")
    phone.get_by_label("Din personlige kode").fill(code.display)
    phone.get_by_role("button", name="Gå til Min side").click()
    expect(phone.locator("h1")).to_have_text("Min side")
    expect(phone.get_by_role("link", name="Læg i kalender")).to_be_visible()
    axe(phone)
    phone.get_by_role("link", name="Se din plan og dine mål").click()
    expect(phone.locator("h1")).to_have_text("Din behandlingsplan")
    expect(phone.get_by_text("Ikke drikke på hverdage")).to_be_visible()
    axe(phone)

    # An empty proposal: the error summary links to the field, what was chosen is kept.
    phone.get_by_label("Socialt liv og familie").check()
    phone.get_by_role("button", name="Send forslag").click()
    expect(phone.locator(".error-summary")).to_contain_text("Skriv målet med dine egne ord")
    expect(phone.get_by_label("Socialt liv og familie")).to_be_checked()
    axe(phone)
    phone.get_by_label("Dit mål med dine egne ord").fill("Spise aftensmad med min søster hver søndag")
    phone.get_by_role("button", name="Send forslag").click()
    expect(phone.get_by_role("status")).to_contain_text("Dit forslag er sendt")
    expect(phone.get_by_text("Spise aftensmad med min søster hver søndag")).to_be_visible()
    expect(phone.get_by_text("Dit forslag – venter på din behandler")).to_be_visible()
    axe(phone)

    phone.get_by_role("button", name="Jeg er enig i planen").click()
    expect(phone.get_by_role("status")).to_contain_text("Din behandler kan se, at du er enig")
    expect(phone.get_by_text(re.compile("Du har sagt, at du er enig i planen"))).to_be_visible()
    axe(phone)

    phone.get_by_role("link", name="Vis planen til udskrift").click()
    expect(phone.locator("h1")).to_have_text("Behandlingsplan")
    axe(phone)


def test_counsellor_answers_a_proposal_and_revises_the_plan(live_server, phone, axe):
    staff, case, _code = _arrange(live_server)
    with live_server.db() as db:
        service.propose_goal(db, case_id=case.id, life_area="work", citizen_words="Begynde på VUC",
                             now=Clock().now())
        db.commit()
    phone.set_viewport_size({"width": 1280, "height": 900})  # staff work at a desktop
    staff_sign_in(phone, live_server, staff.username)
    phone.goto(live_server.url + f"/personale/sager/{case.id}/plan")
    expect(phone.locator("h1")).to_have_text("Behandlingsplan")
    expect(phone.get_by_text("Forslag fra borgeren")).to_be_visible()
    axe(phone)

    proposal = phone.locator("article", has_text="Begynde på VUC")
    proposal.get_by_label("Tag målet med i planen").check()
    proposal.get_by_role("button", name="Send svar").click()
    expect(phone.get_by_role("status")).to_contain_text("Dit svar er gemt")

    revision = phone.locator("section", has=phone.get_by_role("heading", name="Revidér planen"))
    revision.get_by_label("Behandlingsform").select_option("day")
    revision.get_by_label("Stoffrihed / ophør").check()
    revision.get_by_role("button", name="Gem revision").click()
    expect(phone.locator(".error-summary")).to_contain_text("Skriv kort, hvad der er ændret")
    axe(phone)
    revision = phone.locator("section", has=phone.get_by_role("heading", name="Revidér planen"))
    expect(revision.get_by_label("Behandlingsform")).to_have_value("day")
    revision.get_by_label("Hvad er ændret, eller hvorfor revideres planen?").fill("Dagbehandling fra december")
    revision.get_by_role("button", name="Gem revision").click()
    expect(phone.get_by_role("status")).to_contain_text("Planen er revideret")
    expect(phone.locator("dd", has_text="Dagbehandling")).to_be_visible()
    axe(phone)

    phone.get_by_role("link", name="Se og sammenlign versioner").click()
    expect(phone.locator("h1")).to_have_text("Versioner af planen")
    expect(phone.get_by_role("cell", name="Dagbehandling fra december")).to_be_visible()
    expect(phone.get_by_role("row", name=re.compile("Nyt mål.*Begynde på VUC"))).to_be_visible()
    axe(phone)

    for url in ("/personale/planer", "/personale/gavekort", "/personale/opfoelgning",
                f"/personale/sager/{case.id}/aftaler", f"/personale/sager/{case.id}/udskrivning"):
        phone.goto(live_server.url + url)
        axe(phone)
