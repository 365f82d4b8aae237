"""Plain-text notification templates (app/templates/notify/<kind>.txt), one Jinja environment per
language. Each template has the blocks `subject`, `body` (e-mail) and `sms` (short; also the
in-portal notice)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2_fragments import render_block

from app.core import i18n
from app.core.web import TEMPLATES_DIR
from app.notify.config import NotifyConfig


@dataclass(frozen=True)
class Kind:
    name: str
    audience: str  # "citizen" | "staff"
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()


# Every kind, who it is for, and the context keys its template reads. "ics" (bytes) is never
# rendered: it becomes an e-mail attachment.
KINDS: dict[str, Kind] = {k.name: k for k in [
    Kind("booking_confirmation", "citizen", ("starts_at",), ("place", "ics")),
    Kind("booking_reminder", "citizen", ("starts_at",), ("place", "ics")),
    Kind("booking_cancelled", "citizen", ("starts_at",)),
    Kind("waitlist_offer", "citizen", ("starts_at", "held_until")),
    Kind("new_message", "citizen"),
    Kind("deadline_letter", "citizen"),
    Kind("plan_revision_due", "citizen", ("due_on",)),
    Kind("followup_calls_due", "staff", ("count",), ("due_on",)),
    Kind("staff_digest", "staff", ("items",)),
]}


class UnknownKind(ValueError):
    pass


class MissingContext(ValueError):
    pass


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    sms: str


@lru_cache
def _env(lang: str) -> Environment:
    # Plain text: no HTML escaping. StrictUndefined: a missing value is a bug, not an empty hole.
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=False, undefined=StrictUndefined,
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=False)
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)
    env.globals["tr"] = lambda m, _l=lang: i18n.translate_message(_l, m)
    env.filters["dato"] = lambda v, _l=lang: i18n.format_day(v, _l)
    env.filters["tid"] = lambda v, _l=lang: i18n.format_time(v, _l)
    env.filters["langdato"] = lambda v, _l=lang: i18n.format_long_day(v, _l)
    return env


def check_context(kind: str, context: dict, *, audience: str) -> Kind:
    spec = KINDS.get(kind)
    if spec is None or spec.audience != audience:
        raise UnknownKind(kind)
    missing = [key for key in spec.required if context.get(key) is None]
    if missing:
        raise MissingContext(f"{kind}: missing {', '.join(missing)}")
    return spec


def render_kind(kind: str, *, lang: str, context: dict, config: NotifyConfig) -> Rendered:
    spec = KINDS[kind]
    lang = i18n.pick_language(lang)
    values = {key: context.get(key) for key in spec.required + spec.optional if key != "ics"}
    values.update(sender_name=config.sender_name, login_url=config.login_url, staff_url=config.staff_url,
                  has_attachment=bool(context.get("ics")))
    env = _env(lang)
    name = f"notify/{kind}.txt"

    def block(which: str) -> str:
        return render_block(env, name, which, **values).strip()

    subject = " ".join(block("subject").split())  # one line, whatever the template's layout
    return Rendered(subject=subject, body=block("body") + "\n", sms=" ".join(block("sms").split()))
