"""Appointments between a citizen and a counsellor (not Åben Rådgivning)."""

from app.appointments import public, staff
from app.appointments.models import Appointment
from app.core.domain import Domain

DOMAIN = Domain("appointments", models=(Appointment,), routers=(public.router,), staff_routers=(staff.router,))
