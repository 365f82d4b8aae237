"""Appointments between a citizen and a counsellor (not Åben Rådgivning)."""

from app.appointments import public
from app.appointments.models import Appointment, AppointmentKind, Attendance
from app.core.domain import Domain

# The staff pages for a case's appointments show the MOVE gift cards too, so they live in plans/.
DOMAIN = Domain("appointments", models=(Appointment,), routers=(public.router,),
                label_enums=(AppointmentKind, Attendance))
