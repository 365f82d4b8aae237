"""Every table model, imported for Alembic's target metadata and for create_all in tests."""

from sqlmodel import SQLModel

from app.appointments.models import Appointment  # noqa: F401
from app.audit.models import AccessLogEntry  # noqa: F401
from app.booking.models import BookingNotice, CounsellingBooking, CounsellingSchedule, CounsellingSession  # noqa: F401
from app.cases.models import CitizenCase  # noqa: F401
from app.core.models import Throttle, WebSession  # noqa: F401
from app.decisions.models import Decision  # noqa: F401
from app.staff.models import StaffUser  # noqa: F401

metadata = SQLModel.metadata
