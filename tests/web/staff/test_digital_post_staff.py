"""Staff and Digital Post: a decision made on the case page goes by Digital Post to a verified
citizen; one who cannot receive it shows up as "send med fysisk post" with the printable letter, and
recording the posted letter puts the post rule on the complaint deadline."""

from sqlmodel import select

from app.decisions.models import Decision
from app.house import house
from app.notify.runner import run_once
from tests.factories import make_case, make_staff, sign_in_staff
from tests.factories.digital_post import verify
from tests.web.staff.test_decisions_and_complaints import DECISION_FORM


def _verified_case(db, clock, cpr="010190-1234"):
    case, _ = make_case(db, now=clock.now(), anonymous=False, full_name="Mette Hansen")
    verify(db, case, cpr=cpr, now=clock.now())
    db.commit()
    return case


def _decide(client, db, clock, case):
    sign_in_staff(client, make_staff(db, role="counsellor", username="behandler-dp", now=clock.now()))
    response = client.submit(f"/personale/sager/{case.id}/afgoerelser", DECISION_FORM)
    assert response.status_code == 303
    return response


def test_a_decision_made_by_staff_goes_by_digital_post_and_the_page_says_so(client, db, clock, app, sf1601):
    case = _verified_case(db, clock)
    page = client.get(_decide(client, db, clock, case).headers["location"])
    assert "sendes med Digital Post" in page.text
    run_once(app.state.engine, config=sf1601.config, clock=clock, house=house())
    assert len(sf1601.letters) == 1
    page = client.get(f"/personale/sager/{case.id}/afgoerelser")
    assert "Sendt med Digital Post 23.11.2026" in page.text
    assert "Registrér som sendt med posten" not in page.text  # delivered: no post form


def test_not_registered_citizen_shows_staff_send_by_physical_post_with_the_printable_letter(
        client, db, clock, app, sf1601):
    case = _verified_case(db, clock, cpr="020280-5678")
    sf1601.not_registered.add("0202805678")
    _decide(client, db, clock, case)
    run_once(app.state.engine, config=sf1601.config, clock=clock, house=house())
    page = client.get(f"/personale/sager/{case.id}/afgoerelser")
    assert "Send med fysisk post" in page.text and "Borgeren kan ikke modtage Digital Post." in page.text
    db.rollback()
    decision = db.exec(select(Decision)).one()
    assert f"/personale/sager/{case.id}/afgoerelser/{decision.id}/brev" in page.text
    assert client.get(f"/personale/sager/{case.id}/afgoerelser/{decision.id}/brev").status_code == 200
    # The case page lists the letter and offers its PDF to print.
    case_page = client.get(f"/personale/sager/{case.id}")
    assert "borgeren kan ikke modtage Digital Post – send med fysisk post" in case_page.text
    pdf = client.get(f"/personale/sager/{case.id}/digital-post/1/brev.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/personale/sager/{case.id + 1}/digital-post/1/brev.pdf").status_code == 404
    # Recorded as posted on Monday: the post rule applies (received Saturday, deadline Monday 28.12).
    response = client.submit(f"/personale/sager/{case.id}/afgoerelser/{decision.id}/post", {"posted_on": "23.11.2026"})
    assert response.status_code == 303
    db.rollback()
    db.expire_all()
    posted = db.get(Decision, decision.id)
    assert posted.delivered_by == "physical_post" and "28.12.2026" in posted.complaint_guide


def test_an_unverified_citizens_decision_is_never_offered_to_digital_post(client, db, clock, app, sf1601):
    case, _ = make_case(db, now=clock.now(), anonymous=False, full_name="Kun Skrevet")
    page = client.get(_decide(client, db, clock, case).headers["location"])
    assert "Digital Post" not in page.text.split("<h2 id=\"ny-afgoerelse\"")[0]
    run_once(app.state.engine, config=sf1601.config, clock=clock, house=house())
    assert sf1601.posts == 0 and sf1601.lookups == []
