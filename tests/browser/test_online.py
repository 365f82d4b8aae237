"""The whole online course in a browser on a phone, JS on and off, axe clean: the citizen signs in with the
code alone, reads every module, saves a draft and sends every exercise, writes the diary for today and a
past day, sees the week and the 12-week chart; a counsellor answers an exercise and the answer arrives in
the thread naming the module. A citizen starts the course themselves right after a request."""

import re

import pytest
from playwright.sync_api import expect

from app.core.clock import Clock, local_date
from app.online import service
from app.requests import flows as request_flows, service as requests_service
from tests.browser.conftest import staff_sign_in
from tests.factories import make_staff
from tests.factories.online import make_online_case

pytestmark = pytest.mark.browser


def _sign_in(phone, live_server, code):
    phone.goto(live_server.url + "/status")
    phone.get_by_label("Din personlige kode").fill(code.display)
    phone.get_by_role("button", name="Gå til Min side").click()
    expect(phone.locator("h1")).to_have_text("Min side")


def test_the_whole_course_and_the_diary_on_a_phone(live_server, phone, axe):
    now = Clock().now()
    with live_server.db() as db:
        case, code, _assignment, version = make_online_case(db, now=now)
        modules = service.modules_of(db, version.id)
        exercises = service.exercises_of(db, version.id)
    _sign_in(phone, live_server, code)
    phone.get_by_role("link", name="Gå til dit forløb og din dagbog").click()
    expect(phone.locator("h1")).to_have_text("Dit online forløb")
    axe(phone)

    for index, module in enumerate(modules):
        phone.goto(live_server.url + "/min-side/online")
        phone.get_by_role("link", name=module.title).click()
        expect(phone.locator("h1")).to_have_text(module.title)
        if index == 0:
            axe(phone)
        mine = [e for e in exercises if e.module_id == module.id]
        for number, exercise in enumerate(mine, start=1):
            phone.goto(live_server.url + f"/min-side/online/modul/{module.id}")
            phone.get_by_role("link", name=re.compile(f"Skriv dit svar – øvelse {number}")).click()
            expect(phone.locator("h1")).to_have_text(f"Øvelse {exercise.position}")
            field = phone.get_by_label(exercise.prompt)
            if index == 0 and number == 1:
                # An empty answer sent: the error summary, nothing lost, axe clean.
                phone.get_by_role("button", name="Send til din behandler").click()
                expect(phone.locator(".error-summary")).to_contain_text("Skriv dit svar, før du sender det")
                axe(phone)
                field.fill("Det gode: ro i hovedet.")
                phone.get_by_role("button", name="Gem kladde").click()
                expect(phone.get_by_role("status")).to_contain_text("gemt som kladde")
                expect(field).to_have_value("Det gode: ro i hovedet.")
                field.fill("Det gode: ro i hovedet. Det mindre gode: jeg sover dårligt.")
            else:
                field.fill(f"Mit svar på modul {index + 1}, øvelse {number}.")
            phone.get_by_role("button", name="Send til din behandler").click()
            expect(phone.get_by_role("status")).to_contain_text("Dit svar er sendt til din behandler")
            expect(phone.get_by_text("Sendt – venter på svar")).to_be_visible()
            if index == 0 and number == 1:
                axe(phone)
        phone.goto(live_server.url + f"/min-side/online/modul/{module.id}")
        if (following := modules[index + 1] if index + 1 < len(modules) else None) is not None:
            expect(phone.get_by_role("link", name=f"Næste modul: {following.title}")).to_be_visible()
    phone.goto(live_server.url + "/min-side/online")
    expect(phone.get_by_text("5 af 5 moduler er gennemført.")).to_be_visible()

    # The diary: today with the helper, then the day before from the day's own page.
    phone.get_by_role("link", name="Skriv i dagbogen for i dag").click()
    expect(phone.locator("h1")).to_contain_text("Dagbog for")
    axe(phone)
    phone.get_by_label("Øl, 33 cl (4,6 %)").fill("to")
    phone.get_by_role("button", name="Gem dagen").click()
    expect(phone.locator(".error-summary")).to_contain_text("Skriv et tal")
    expect(phone.get_by_label("Øl, 33 cl (4,6 %)")).to_have_value("to")
    axe(phone)
    phone.get_by_label("Øl, 33 cl (4,6 %)").fill("2")
    phone.get_by_label("Flaske vin, 75 cl (12 %)").fill("1")
    phone.get_by_role("button", name="Gem dagen").click()
    expect(phone.get_by_role("status")).to_contain_text("Dagen er gemt")
    expect(phone.locator("h1")).to_have_text("Din dagbog")
    expect(phone.get_by_text("7,9 genstande").first).to_be_visible()
    axe(phone)
    today = local_date(Clock().now())
    phone.goto(live_server.url + f"/min-side/online/dagbog/{today.isoformat()}")
    phone.get_by_role("link", name=re.compile("Skriv for dagen før")).click()
    phone.get_by_label("Hash eller pot").check()
    phone.get_by_label("Øl, 33 cl (4,6 %)").fill("0")
    phone.get_by_role("button", name="Gem dagen").click()
    expect(phone.get_by_role("status")).to_contain_text("Dagen er gemt")
    phone.goto(live_server.url + "/min-side/online/dagbog")
    phone.get_by_label("Højst så mange genstande om ugen").fill("10")
    phone.get_by_role("button", name="Gem mit mål").click()
    expect(phone.get_by_text("Dit mål: højst 10 genstande om ugen.")).to_be_visible()
    expect(phone.locator("svg.chart line.chart-goal").first).to_be_attached()
    expect(phone.get_by_role("table")).to_contain_text("Uge")
    axe(phone)

    # The counsellor answers the first exercise at a desktop; the citizen reads it in the thread.
    with live_server.db() as db:
        staff = make_staff(db, role="counsellor", username="mette", now=Clock().now())
    staff_page = phone.context.browser.new_page(viewport={"width": 1280, "height": 900})
    staff_sign_in(staff_page, live_server, staff.username)
    staff_page.goto(live_server.url + "/personale/online")
    staff_page.get_by_role("link", name=case.pseudonym).first.click()
    staff_page.get_by_label(re.compile("Dit svar til borgeren")).first.fill("Tak for dit svar. Søvnen taler vi om.")
    staff_page.get_by_role("button", name="Send svar på øvelsen").first.click()
    expect(staff_page.get_by_role("status")).to_contain_text("Dit svar er sendt til borgeren")
    staff_page.close()
    phone.goto(live_server.url + "/min-side/beskeder")
    expect(phone.get_by_text(f"Svar på din øvelse i modulet »{modules[0].title}«")).to_be_visible()
    expect(phone.get_by_text("Søvnen taler vi om.")).to_be_visible()


def test_a_citizen_starts_the_course_right_after_an_anonymous_request(live_server, phone, axe):
    now = Clock().now()
    with live_server.db() as db:
        service.load_builtin_courses(db, now=now)
        _case, code, _req = request_flows.submit_request(
            db, intake=requests_service.Intake(area="alcohol", for_relative=False, anonymous=True, display_name="Kim"),
            now=now)
        db.commit()
    _sign_in(phone, live_server, code)
    expect(phone.get_by_text("Et online forløb, mens du venter")).to_be_visible()
    phone.get_by_role("link", name="Læs om forløbet").click()
    expect(phone.locator("h1")).to_have_text("Et online forløb")
    axe(phone)
    phone.get_by_role("button", name="Begynd forløbet").click()
    expect(phone.get_by_role("status")).to_contain_text("Dit online forløb er klar")
    expect(phone.get_by_text("0 af 5 moduler er gennemført.")).to_be_visible()
    axe(phone)
    # Three AUDIT-C questions at the start, with an incomplete answer first.
    phone.get_by_role("link", name="Svar på spørgsmålene").click()
    expect(phone.locator("h1")).to_have_text("Tre spørgsmål om dit forbrug")
    axe(phone)
    phone.locator("#q0-2").check()
    phone.get_by_role("button", name="Gem mine svar").click()
    expect(phone.locator(".error-summary")).to_contain_text("Svar på alle tre spørgsmål")
    expect(phone.locator("#q0-2")).to_be_checked()
    axe(phone)
    phone.locator("#q1-1").check()
    phone.locator("#q2-0").check()
    phone.get_by_role("button", name="Gem mine svar").click()
    expect(phone.get_by_role("status")).to_contain_text("Tak for dine svar")
    expect(phone.get_by_role("link", name="Svar på spørgsmålene")).to_have_count(0)
