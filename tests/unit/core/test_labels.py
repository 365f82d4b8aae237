"""Labels live on their enums: same stored strings, one msgid per member, one template filter."""

import pytest

from app.core.domain import Domain
from app.core.i18n import N_
from app.core.labels import LabelledEnum, label_of
from app.house import house
from app.plans.models import Aim


class Colour(LabelledEnum):
    red = "red", N_("Rød")
    dark_blue = "dark blue", N_("Mørkeblå")


def test_a_member_is_its_stored_string_and_carries_its_msgid():
    assert Colour.dark_blue == "dark blue" and Colour("dark blue") is Colour.dark_blue
    assert Colour.dark_blue.value == "dark blue" and Colour.dark_blue.label == "Mørkeblå"
    assert [c.value for c in Colour] == ["red", "dark blue"]


def test_the_label_of_a_member_a_stored_value_or_an_unknown_value():
    assert label_of(Colour.red) == "Rød"
    assert label_of("dark blue", Colour) == "Mørkeblå"
    assert label_of("green", Colour) == "green"  # old data is shown as stored, as `.get(v, v)` did


def test_every_label_enum_of_the_house_is_one_name_with_a_label_per_member():
    enums = house().label_enums
    assert len(enums) >= 20 and enums["Aim"] is Aim
    for enum_type in enums.values():
        assert issubclass(enum_type, LabelledEnum)
        assert all(isinstance(m.label, str) and m.label for m in enum_type), enum_type


def test_two_label_enums_of_one_name_are_refused():
    with pytest.raises(ValueError, match="two label enums of one name"):
        house().with_domains(Domain("test", label_enums=(Colour, type("Aim", (), {})))).label_enums


def test_a_template_shows_the_translated_label(app):
    env = app.state.templates["en"]
    assert env.from_string("{{ _(aim|label(Aim)) }}").render(aim="reduction") == \
        env.from_string('{{ _("Reduktion af forbruget") }}').render()
