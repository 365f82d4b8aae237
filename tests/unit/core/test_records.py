"""The read records (app.core.prepared, declared in each domain's queries.py) stand in for model objects
in templates and rules: each has its model's columns, in order, and every property the model derives
from them, with the same values for the same row."""

from __future__ import annotations

from dataclasses import fields

import pytest

from app.booking.models import BookingNotice, CounsellingBooking, CounsellingSession
from app.booking.queries import BookingRecord, NoticeRecord, SessionRecord
from app.cases.models import CitizenCase
from app.cases.queries import CaseRecord
from app.core.models import WebSession
from app.core.sessions import SignedIn
from app.requests.models import TreatmentRequest
from app.requests.queries import RequestRecord

PAIRS = [(CounsellingBooking, BookingRecord), (CounsellingSession, SessionRecord), (BookingNotice, NoticeRecord),
         (TreatmentRequest, RequestRecord), (CitizenCase, CaseRecord), (WebSession, SignedIn)]


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
