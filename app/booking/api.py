"""JSON for the municipality's website: upcoming Åben Rådgivning sessions and free places.
No personal data: only the sessions themselves."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter
from pydantic import BaseModel

from app.booking import service
from app.core.deps import DB, Now

router = APIRouter(tags=["Åben Rådgivning"])


class SessionOut(BaseModel):
    id: int
    day: date
    starts_at: datetime
    ends_at: datetime
    place: str
    capacity: int
    free_places: int
    full: bool
    cancelled: bool
    relatives_only: bool
    video: bool
    booking_url: str


@router.get("/raadgivning", response_model=list[SessionOut], summary="Kommende tider til Åben Rådgivning")
def api_sessions(db: DB, now: Now) -> list[SessionOut]:
    """Sessions in the next six weeks, soonest first, with the number of free places."""
    return [SessionOut(
        id=s.id, day=s.day, starts_at=s.starts_at, ends_at=s.ends_at, place=s.place, capacity=s.capacity,
        free_places=s.free, full=s.status == "open" and s.free == 0, cancelled=s.status == "cancelled",
        relatives_only=s.relatives_only, video=s.video, booking_url=f"/raadgivning/{s.id}",
    ) for s in service.upcoming_sessions(db, now=now)]
