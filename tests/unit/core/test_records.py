"""The read records (app.core.prepared, declared in each domain's queries.py) stand in for model objects
in templates and rules: each has its model's columns, in order, and every property the model derives
from them, with the same values for the same row."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass, fields

import pytest
from sqlalchemy import bindparam, select

from app.booking.models import BookingNotice, CounsellingBooking, CounsellingSession
from app.booking.queries import BookingRecord, NoticeRecord, SessionRecord
from app.cases.models import CitizenCase
from app.cases.queries import CaseRecord
from app.core.models import WebSession
from app.core.prepared import PreparedRead
from app.core.sessions import SignedIn
from app.requests.models import TreatmentRequest
from app.requests.queries import RequestRecord
from tests.factories import make_case

PAIRS = [(CounsellingBooking, BookingRecord), (CounsellingSession, SessionRecord), (BookingNotice, NoticeRecord),
         (TreatmentRequest, RequestRecord), (CitizenCase, CaseRecord), (WebSession, SignedIn)]


SignedInCases = PreparedRead(select(CitizenCase.__table__).where(CitizenCase.id == bindparam("case_id")), CaseRecord)


def derived_properties(model) -> set[str]:
    """The properties the project gives a model (SQLModel's and pydantic's own are not for templates)."""
    return {name for cls in model.__mro__ if cls.__module__.startswith("app.")
            for name, value in vars(cls).items() if isinstance(value, property)}


def test_the_pairs_are_not_empty_and_some_have_derived_properties():
    assert PAIRS and derived_properties(CounsellingSession) == {"free"}
    assert derived_properties(CounsellingBooking) == {"is_active"}


@pytest.mark.parametrize(("model", "record"), PAIRS, ids=lambda c: c.__name__)
def test_a_record_has_its_models_columns_in_order_then_its_joined_fields(model, record):
    columns = [column.key for column in model.__table__.columns]
    assert [f.name for f in fields(record)][:len(columns)] == columns


@pytest.mark.parametrize(("model", "record"), PAIRS, ids=lambda c: c.__name__)
def test_a_record_has_every_derived_property_of_its_model(model, record):
    missing = {name for name in derived_properties(model) if not isinstance(getattr(record, name, None), property)}
    assert not missing, f"{record.__name__} lacks {missing}: put them on a mixin both inherit"


@pytest.mark.parametrize(("model", "record"), PAIRS, ids=lambda c: c.__name__)
def test_a_record_is_frozen_and_has_no_dict(model, record):
    assert record.__dataclass_params__.frozen and record.__dictoffset__ == 0  # slots all the way down


def test_a_record_read_is_the_record_its_class_makes_and_stays_frozen(db, clock):
    case, _ = make_case(db, now=clock.now())
    db.commit()
    (read,) = SignedInCases.all(db, case_id=case.id)
    made = CaseRecord(**{f.name: getattr(read, f.name) for f in fields(CaseRecord)})
    assert read == made and hash(read) == hash(made) and repr(read) == repr(made) and read.id == case.id
    with pytest.raises(FrozenInstanceError):
        read.pseudonym = "changed"


@dataclass(frozen=True, slots=True)
class Checked:
    """A record whose __init__ does more than fill its fields: PreparedRead must call it."""

    id: int

    def __post_init__(self):
        object.__setattr__(self, "id", self.id * 10)


def test_a_record_with_a_post_init_is_made_through_its_class(db, clock):
    case, _ = make_case(db, now=clock.now())
    db.commit()
    read = PreparedRead(select(CitizenCase.id).where(CitizenCase.id == bindparam("case_id")), Checked) \
        .first(db, case_id=case.id)
    assert read.id == case.id * 10
