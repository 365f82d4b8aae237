"""Builders for test data, through the services so the rules apply."""

from __future__ import annotations

from app.cases import service as cases
from app.core.clock import Clock
from app.staff import service as staff_service
from app.staff.models import StaffUser

PASSWORD = "correct horse battery"


def make_staff(db, *, role: str = "counsellor", username: str | None = None, first_name: str = "Mette",
               now=None) -> StaffUser:
    now = now or Clock().now()
    user = staff_service.create_staff(
        db, username=username or f"{role}-{first_name.lower()}", first_name=first_name,
        full_name=f"{first_name} Testesen", role=role, password=PASSWORD, now=now,
    )
    db.commit()
    return user


def sign_in_staff(client, user: StaffUser) -> None:
    response = client.submit("/personale/log-ind", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 303, response.text


def make_case(db, *, now, anonymous: bool = True, **contact):
    case, code = cases.open_case(db, now=now, anonymous=anonymous, contact=cases.ContactDetails(**contact))
    db.commit()
    return case, code


def sign_in_citizen(client, code) -> None:
    response = client.submit("/status", {"code": code.display})
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/min-side"
