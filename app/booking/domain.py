"""Åben Rådgivning: weekly sessions, seats, bookings and cancellations."""

from app.booking import api, cli, demo, notifications, panels, public, service, staff, waitlist, waitlist_public, waitlist_staff
from app.booking.models import (
    ON_LIST, BookingNotice, BookingStatus, CounsellingBooking, CounsellingSchedule, CounsellingSession, OfferState,
    WaitlistEntry, WaitlistOffer, WaitStatus,
)
from sqlalchemy import or_

from app.core.panels import rows_of_case
from app.core.domain import Domain, MenuItem, MinSidePanel, Named
from app.core.i18n import N_
from app.staff.deps import RECEPTION_UP

DOMAIN = Domain(
    "booking",
    models=(CounsellingSchedule, CounsellingSession, CounsellingBooking, BookingNotice, WaitlistEntry, WaitlistOffer),
    routers=(public.router, waitlist_public.router),
    staff_routers=(staff.router, waitlist_staff.router),
    api_routers=(api.router,),
    min_side_panels=(MinSidePanel(panels.bookings_panel, probes={
        "bookings": rows_of_case(CounsellingBooking), "notices": rows_of_case(BookingNotice),
    }), MinSidePanel(panels.waitlist_panel, probes={
        # No IN (…) in a probe: the probes are one prepared statement.
        "waitlist": rows_of_case(WaitlistEntry, or_(*(WaitlistEntry.status == s for s in ON_LIST))),
        "lapsed": rows_of_case(WaitlistOffer, WaitlistOffer.state == OfferState.expired.value),
    })),
    staff_case_panels=(panels.staff_bookings_panel,),
    jobs=(Named("generate-sessions", notifications.lay_out_sessions),
          Named("expire-waitlist-offers", waitlist.expire_offers)),
    purge_rules=(Named("booking_source_tags", service.forget_past_source_tags),),
    label_enums=(BookingStatus, WaitStatus, OfferState),
    menu_items=(MenuItem.of("/personale/raadgivning", N_("Åben Rådgivning"), RECEPTION_UP, order=20),),
    demo_loaders=(demo.load_booking_demo,),
    commands=(cli.add_generate_command,),
)
