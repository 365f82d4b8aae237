"""Demo data: the Haderslev centre's staff (with printed demo passwords), then each domain's own."""

from __future__ import annotations

from collections.abc import Iterator

from sqlmodel import select

from app.core.clock import Clock
from app.core.config import Settings
from app.core.db import make_engine, transaction
from app.staff import service as staff_service
from app.staff.models import StaffUser

DEMO_STAFF = [
    # username, first name, full name, role, password
    ("admin", "Anne", "Anne Admin", "admin", "demo-admin-2026"),
    ("leder", "Lars", "Lars Leder", "leader", "demo-leder-2026"),
    ("behandler", "Mette", "Mette Behandler", "counsellor", "demo-behandler-2026"),
    ("behandler2", "Jonas", "Jonas Behandler", "counsellor", "demo-behandler2-2026"),
    ("reception", "Rikke", "Rikke Reception", "reception", "demo-reception-2026"),
]

def load_demo(settings: Settings, clock: Clock | None = None) -> Iterator[str]:
    """The demo staff, then each domain's demo data (the house's demo_loaders, in its order)."""
    from app.house import house
    now = (clock or Clock()).now()
    engine = make_engine(settings.database_url)
    with transaction(engine) as db:
        yield "Demo-medarbejdere (brugernavn / adgangskode / rolle):"
        for username, first, full, role, password in DEMO_STAFF:
            if db.exec(select(StaffUser.id).where(StaffUser.username == username)).first() is None:
                staff_service.create_staff(db, username=username, first_name=first, full_name=full,
                                           role=role, password=password, now=now)
            yield f"  {username:<12} {password:<22} {role}"
        for loader in house().demo_loaders:
            yield from loader(db, now)
    engine.dispose()
