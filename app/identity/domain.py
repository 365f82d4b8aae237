"""MitID through NemLog-in for citizens who want it (anonymity stays a right)."""

from app.core.domain import Domain
from app.identity.models import CaseIdentity, MitidAssertion, MitidLogin, MitidSession

DOMAIN = Domain("identity", models=(CaseIdentity, MitidLogin, MitidAssertion, MitidSession))
