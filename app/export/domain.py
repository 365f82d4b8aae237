"""The citizen's right of access: /min-side/mine-data, one section per domain's data."""

from app.core.domain import Domain
from app.export import domain_sections as sections, public, service

DOMAIN = Domain(
    "export",
    routers=(public.router,),
    export_sections=(service.case_section, sections.identity_section, sections.requests_section,
                     sections.messages_section,
                     sections.bookings_section, sections.appointments_section, sections.plan_section,
                     sections.decisions_section, sections.complaints_section),
)
