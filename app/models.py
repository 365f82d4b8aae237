"""Every table model, imported for Alembic's target metadata and for create_all in tests."""

from sqlmodel import SQLModel

from app.account.models import RecoveryCode, StaffTotp  # noqa: F401
from app.appointments.models import Appointment  # noqa: F401
from app.audit.models import AccessLogEntry  # noqa: F401
from app.booking.models import BookingNotice, CounsellingBooking, CounsellingSchedule, CounsellingSession  # noqa: F401
from app.cases.models import CitizenCase  # noqa: F401
from app.complaints.models import Complaint  # noqa: F401
from app.core.models import Throttle, WebSession  # noqa: F401
from app.decisions.models import Decision  # noqa: F401
from app.messages.models import Message  # noqa: F401
from app.requests.models import TreatmentRequest  # noqa: F401
from app.notify.models import OutboxMessage  # noqa: F401
from app.plans.models import (  # noqa: F401
    Discharge, FollowUp, GiftCard, GoalComment, PlanGoal, PlanVersion, TreatmentPlan,
)
from app.staff.models import StaffUser  # noqa: F401
import app.stats.models  # noqa: F401,E402  (indexes for the statistics)

metadata = SQLModel.metadata
