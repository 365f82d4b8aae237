"""/personale/notifikationer: leaders and admins see which channels are off and the outbox, with
recipients masked; staff e-mail can be given when creating a member of staff."""

from app.notify import service
from tests.factories import make_case, make_staff, sign_in_staff


def test_page_says_channels_are_off_and_portal_still_works(client, db):
    sign_in_staff(client, make_staff(db, role="leader", username="leder"))
    page = client.get("/personale/notifikationer")
    assert page.status_code == 200
    assert page.text.count("Slået fra") == 3  # e-mail, SMS and Digital Post
    assert "DIGITAL_POST_URL" in page.text
    assert "Der sendes ingen e-mails eller SMS" in page.text


def test_outbox_shows_counts_and_masked_recipients(client, db, clock, app):
    from app.notify.config import configure
    from app.core.config import NotifySettings
    config = configure(app.state.settings.with_(notify=NotifySettings(smtp_host="127.0.0.1", smtp_from="post@kommune.example")),
                       app.state.centre)
    case, _ = make_case(db, now=clock.now(), anonymous=False, email="mette.hansen@gmail.com")
    service.enqueue(db, case=case, kind="new_message", dedupe_key="message:1", now=clock.now(), config=config)
    db.commit()
    sign_in_staff(client, make_staff(db, role="admin", username="admin"))
    page = client.get("/personale/notifikationer")
    assert page.status_code == 200
    assert "m•••@g•••.com" in page.text
    assert "mette.hansen@gmail.com" not in page.text
    assert "Ny besked" in page.text and "Venter" in page.text


def test_page_warns_when_configured_text_would_reveal_treatment(client, db, app):
    from app.notify.config import configure
    from app.core.config import NotifySettings
    configure(app.state.settings.with_(notify=NotifySettings(smtp_host="h", smtp_from="rusmiddelcentret@haderslev.dk")),
              app.state.centre)
    sign_in_staff(client, make_staff(db, role="leader", username="leder"))
    page = client.get("/personale/notifikationer")
    assert "rusmiddel" in page.text.lower() and "bliver ikke sendt" in page.text


def test_counsellors_and_reception_may_not_see_the_outbox(client, db):
    sign_in_staff(client, make_staff(db, role="counsellor", username="behandler"))
    assert client.get("/personale/notifikationer").status_code == 403


def test_admin_can_give_a_new_staff_member_an_e_mail_address(client, db):
    from sqlmodel import select
    from app.staff.models import StaffUser
    sign_in_staff(client, make_staff(db, role="admin", username="admin"))
    form = {"full_name": "Sofie Sørensen", "first_name": "Sofie", "username": "sofie", "role": "counsellor",
            "password": "a long enough password", "email": "sofie@kommune.example"}
    assert client.submit("/personale/medarbejdere", form).status_code == 303
    db.rollback()
    assert db.exec(select(StaffUser).where(StaffUser.username == "sofie")).one().email == "sofie@kommune.example"


def test_invalid_staff_e_mail_is_shown_next_to_the_field_and_kept(client, db):
    sign_in_staff(client, make_staff(db, role="admin", username="admin"))
    form = {"full_name": "Sofie Sørensen", "first_name": "Sofie", "username": "sofie", "role": "counsellor",
            "password": "a long enough password", "email": "ikke-en-adresse"}
    page = client.submit("/personale/medarbejdere", form)
    assert page.status_code == 422
    assert 'href="#email"' in page.text and 'value="ikke-en-adresse"' in page.text
