"""Demo data: Haderslev's weekly Åben Rådgivning at Sundhedscentret, a session for relatives and a
video-capable slot, with sessions generated for the coming weeks."""

from __future__ import annotations

from sqlmodel import select

from app.booking import service
from app.booking.models import CounsellingSchedule

PLACE = "Sundhedscentret, Clausensvej 25, 6100 Haderslev"
DEMO_SCHEDULES = [
    # weekday (0 = Monday), start, minutes, capacity, relatives only, video
    service.ScheduleInput(1, 15, 0, 120, PLACE, 8),
    service.ScheduleInput(2, 16, 0, 90, PLACE, 6, relatives_only=True),
    service.ScheduleInput(3, 9, 0, 60, PLACE, 4, video=True),
]


def load_booking_demo(db, now) -> list[str]:
    if db.exec(select(CounsellingSchedule.id)).first() is None:
        for values in DEMO_SCHEDULES:
            service.save_schedule(db, values=values, now=now)
    created = service.generate_sessions(db, now=now)
    return [f"Åben Rådgivning: {len(DEMO_SCHEDULES)} ugentlige tider, {created} nye tider lagt ud."]


