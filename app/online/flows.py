"""Work across domains: a counsellor's feedback on an exercise is a message in the case's thread
(naming the module it answers), and the answer is marked answered in the same transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from app.core.i18n import N_
from app.messages import service as messages
from app.online import service
from app.online.models import AnswerStatus, CourseExercise, CourseModule

# Stored in the thread as written (the thread keeps what was sent, in the centre's language).
FEEDBACK_HEADING = N_("Svar på din øvelse i modulet »%(module)s«")


def feedback_text(module_title: str, prompt: str, body: str) -> str:
    heading = FEEDBACK_HEADING % {"module": module_title}
    return f"{heading}\n„{prompt}“\n\n{body.strip()}"


def give_feedback(db: Session, *, case_id: int, answer_id: int, staff, body: str, now: datetime):
    """The counsellor's answer to a submitted exercise: one message in the thread, the answer marked."""
    answer = service.answer_of_case(db, case_id=case_id, answer_id=answer_id)
    if answer.status != AnswerStatus.submitted.value:
        raise service.OnlineError(f"a{answer_id}-body", N_("Der er allerede svaret på denne øvelse."))
    if not (body or "").strip():
        raise service.OnlineError(f"a{answer_id}-body", N_("Skriv dit svar til borgeren."))
    exercise = db.get(CourseExercise, answer.exercise_id)
    module = db.get(CourseModule, exercise.module_id)
    try:
        message = messages.send_staff_message(db, case_id=case_id, staff=staff,
                                              body=feedback_text(module.title, exercise.prompt, body), now=now)
    except messages.MessageError as err:
        raise service.OnlineError(f"a{answer_id}-body", err.message) from None
    service.mark_answered(db, answer=answer, message_id=message.id, staff_id=staff.id, now=now)
    return message
