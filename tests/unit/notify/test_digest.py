"""The daily digest: sections other domains declare, one digest a day per counsellor, counts only."""

from datetime import timedelta

import pytest
from sqlmodel import select

from app.core.i18n import Msg, N_
from app.core.domain import Domain
from app.house import house
from app.notify.digest import DigestItem, build_digest, queue_digests
from app.notify.models import OutboxMessage
from app.notify.runner import run_once
from tests.factories import make_staff


@pytest.fixture
def fake_section():
    calls = []

    def waiting_things(db, *, staff, now):
        calls.append(staff.username)
        n = 3 if staff.username == "mette" else 0
        return DigestItem(Msg(N_("Der er %(count)s opfølgningsopkald, der skal foretages."), count=n), n)

    def broken(db, *, staff, now):
        raise RuntimeError("a domain's bug")

    return calls, house().with_domains(Domain("test", digest_sections=(waiting_things, broken)))


def staff_with_mail(db, clock, username, role="counsellor", first_name="Mette"):
    user = make_staff(db, username=username, role=role, first_name=first_name, now=clock.now())
    user.email = f"{username}@kommune.example"
    db.commit()
    return user


def digests(db):
    db.rollback()
    return list(db.exec(select(OutboxMessage).where(OutboxMessage.kind == "staff_digest")))


def test_each_counsellor_with_something_to_report_gets_one_digest_a_day(db, clock, engine, channels_on,
                                                                         smtp_server, fake_section):
    calls, extended = fake_section
    mette = staff_with_mail(db, clock, "mette")
    staff_with_mail(db, clock, "jonas", first_name="Jonas")  # nothing to report
    staff_with_mail(db, clock, "lars", role="reception", first_name="Lars")  # not a counsellor
    # 10.00 in Copenhagen, after the digest hour (7): two runners, two ticks, still one digest.
    run_once(engine, config=channels_on, clock=clock, house=extended)
    run_once(engine, config=channels_on, clock=clock, house=extended)
    (row,) = digests(db)
    assert row.staff_id == mette.id and row.status == "sent"
    assert row.dedupe_key == f"staff-digest:{mette.id}:2026-11-23"
    (_, mail), = smtp_server.messages
    assert mail["Subject"] == "Dagens overblik"
    assert "- Der er 3 opfølgningsopkald, der skal foretages." in mail.get_content()
    assert "lars" not in calls

    clock.advance(days=1)
    run_once(engine, config=channels_on, clock=clock, house=extended)
    assert len(digests(db)) == 2


def test_no_digest_before_the_digest_hour(db, clock, engine, channels_on, fake_section):
    calls, extended = fake_section
    staff_with_mail(db, clock, "mette")
    clock.set(clock.now().replace(hour=5))  # 06.00 in Copenhagen
    run_once(engine, config=channels_on, clock=clock, house=extended)
    assert digests(db) == []
    clock.advance(hours=1)
    run_once(engine, config=channels_on, clock=clock, house=extended)
    assert len(digests(db)) == 1


def test_a_broken_section_does_not_cost_the_others(db, clock, fake_section):
    calls, extended = fake_section
    mette = staff_with_mail(db, clock, "mette")
    items = build_digest(db, staff=mette, now=clock.now(), sections=extended.digest_sections)
    assert [i.count for i in items] == [3]


def test_no_digest_is_queued_while_e_mail_is_off(db, clock, channels_off, fake_section):
    calls, extended = fake_section
    staff_with_mail(db, clock, "mette")
    assert queue_digests(db, now=clock.now() + timedelta(hours=1), config=channels_off, house=extended) == 0
