"""Danish labels (translated where shown) for kinds, channels and statuses."""

from app.core.i18n import N_

KIND_LABELS = {
    "booking_confirmation": N_("Bekræftelse af tid"),
    "booking_reminder": N_("Påmindelse om tid"),
    "booking_cancelled": N_("Aflyst tid"),
    "new_message": N_("Ny besked"),
    "deadline_letter": N_("Brev om frist"),
    "plan_revision_due": N_("Plan skal revideres"),
    "followup_calls_due": N_("Opfølgningsopkald"),
    "staff_digest": N_("Dagligt overblik"),
}
CHANNEL_LABELS = {"email": N_("E-mail"), "sms": N_("SMS"), "portal": N_("I portalen")}
STATUS_LABELS = {
    "pending": N_("Venter"),
    "sending": N_("Sendes"),
    "sent": N_("Sendt"),
    "failed": N_("Fejlet"),
    "cancelled": N_("Annulleret"),
}
