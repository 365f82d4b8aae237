"""MitID through NemLog-in for citizens who want it (anonymity stays a right): sign-in, attaching an
anonymous case with consent, the person's cases, single logout."""

from app.core.domain import Domain, MinSidePanel, Named
from app.core.panels import rows_of_case
from app.identity import panels, public, service, staff
from app.identity.models import CaseIdentity, MitidAssertion, MitidLogin, MitidSession

DOMAIN = Domain(
    "identity",
    models=(CaseIdentity, MitidLogin, MitidAssertion, MitidSession),
    routers=(public.router,),
    staff_routers=(staff.router,),
    min_side_panels=(MinSidePanel(panels.min_side_panel, probes={"verified": rows_of_case(CaseIdentity)}),),
    staff_case_panels=(panels.staff_identity_panel,),
    purge_rules=(Named("mitid_logins", service.forget_old_logins),),
    sign_out_steps=(public.single_logout_step,),
)
