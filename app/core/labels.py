"""Labels live on their enums: a stored value and the Danish msgid shown for it, in one place.

    class Aim(LabelledEnum):
        abstinence = "abstinence", N_("Stoffrihed / ophør")

`Aim.abstinence == "abstinence"` as before (the database stores the same strings) and
`Aim.abstinence.label` is its msgid, marked with N_() so extraction finds it and translated where it is
shown. Columns hold plain strings, so a template names the enum: `{{ _(plan.aim|label(Aim)) }}` (the
`label` filter, registered in app.core.web; the enums are template globals declared by their domain's
`label_enums=`).
"""

from __future__ import annotations

import enum


class LabelledEnum(str, enum.Enum):
    """A str enum whose members are declared as `name = value, msgid`."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


def known_label(value, enum_type: type[LabelledEnum] | None = None) -> str | None:
    """The msgid for a member, or for a stored value of `enum_type`; None for a value it does not know."""
    if isinstance(value, LabelledEnum):
        return value.label
    if enum_type is not None:
        try:
            return enum_type(value).label
        except ValueError:
            pass
    return None


def label_of(value, enum_type: type[LabelledEnum] | None = None):
    """The msgid for a member or a stored value; a value the enum does not know (old data, a
    free-text kind) is shown as it is."""
    label = known_label(value, enum_type)
    return value if label is None else label
