"""Staff authorisation: the signed-in user, and role checks as dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from app.core.deps import DB
from app.staff.models import Role, StaffUser
from app.staff.session import NeedsStaff, StaffSession


class Forbidden(Exception):
    """Signed in, but the role may not do this: a 403 page."""


def current_staff(session: StaffSession, db: DB) -> StaffUser:
    user = db.get(StaffUser, session.staff_id)
    if user is None or not user.active:
        raise NeedsStaff()
    return user


CurrentStaff = Annotated[StaffUser, Depends(current_staff)]


def require_roles(*roles: Role):
    allowed = {r.value for r in roles}

    async def check(user: CurrentStaff) -> StaffUser:  # async: pure, so no thread-pool hop
        if user.role not in allowed:
            raise Forbidden()
        return user

    check.allowed_roles = allowed  # read by the role-matrix test
    return check


# Who may do what. Admin may do everything a leader may; leaders see statistics.
RECEPTION_UP = (Role.reception, Role.counsellor, Role.leader, Role.admin)
COUNSELLING = (Role.counsellor, Role.leader, Role.admin)
LEADERSHIP = (Role.leader, Role.admin)
ADMIN = (Role.admin,)

AnyStaff = Annotated[StaffUser, Depends(require_roles(*RECEPTION_UP))]
Counsellor = Annotated[StaffUser, Depends(require_roles(*COUNSELLING))]
Leader = Annotated[StaffUser, Depends(require_roles(*LEADERSHIP))]
Admin = Annotated[StaffUser, Depends(require_roles(*ADMIN))]
