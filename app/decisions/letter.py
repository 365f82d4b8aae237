"""A decision as the letter Digital Post carries: the decision itself as a PDF (MainDocument) and
its complaint guide as a second PDF (AdditionalDocument), so the guide forvaltningsloven § 25
requires travels with it and can be found on its own.

Only the PDFs name the treatment; the title and the documents' labels and file names, which a
mailbox list shows, are neutral (checked by notify.enqueue_letter).
"""

from __future__ import annotations

from datetime import datetime

from app.core.i18n import N_, Msg, format_long_day, translate_message
from app.core.pdf import centre_letter
from app.decisions.models import Decision, LegalBasis, TreatmentType
from app.notify.memo import Document, Letter

TITLE = N_("Afgørelse i din sag")


def decision_letter(decision: Decision, *, centre, recipient: str, now: datetime, lang: str = "da") -> Letter:
    tr = lambda message: translate_message(lang, message)  # noqa: E731
    title = tr(TITLE)
    decided = tr(Msg(N_("Truffet %(date)s"), date=format_long_day(decision.decided_at, lang)))
    basis = tr(LegalBasis(decision.legal_basis).label) if decision.legal_basis in {b.value for b in LegalBasis} \
        else decision.legal_basis
    kind = tr(TreatmentType(decision.treatment_type).label)
    guide = decision.complaint_guide or tr(N_("Der er ikke givet klagevejledning."))
    main = centre_letter(centre, title=title, recipient=recipient, now=now, lang=lang,
                         heading=tr(Msg(N_("Afgørelse: %(type)s"), type=kind)), sections=(
                             ("", f"{decided} · {basis}"),
                             (tr(N_("Regler, vi har brugt")), decision.rules_applied),
                             (tr(N_("Begrundelse")), decision.considerations),
                             (tr(N_("Oplysninger, vi har lagt vægt på")), decision.key_facts),
                             (tr(N_("Klagevejledning")), guide),
                         ))
    guide_pdf = centre_letter(centre, title=tr(N_("Klagevejledning")), recipient=recipient, now=now, lang=lang,
                              heading=tr(N_("Klagevejledning")), sections=(("", guide),))
    return Letter(
        title=title,
        main=Document(label=tr(N_("Afgørelse")), filename="afgoerelse.pdf", content=main, language=lang),
        additional=(Document(label=tr(N_("Klagevejledning")), filename="klagevejledning.pdf", content=guide_pdf,
                             language=lang),),
        legal_notification=True,
    )
