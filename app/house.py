"""The one house plan: every domain, in order, and the app's parts assembled from their declarations.

The composition root (cosmicpython's bootstrap): the web app (`create_app`), the CLI, the jobs
runner, the purge, the demo loader, Alembic and the tests all take their routers, panels, jobs,
rules and models from `house()`; nothing registers itself by being imported. A new domain is a
folder with a `domain.py` and one line in `domains()`.

The order is the order of the citizen's pages, of Min side's probes, of the jobs, of the purge
rules and of the demo data (requests before the decisions and plans that refer to them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from sqlmodel import SQLModel

from app.cases.panels import MinSide
from app.core.domain import Domain
from app.core.menu import StaffMenu
from app.core.models import Throttle, WebSession


def domains() -> tuple[Domain, ...]:
    from app.account.domain import DOMAIN as account
    from app.appointments.domain import DOMAIN as appointments
    from app.audit.domain import DOMAIN as audit
    from app.booking.domain import DOMAIN as booking
    from app.cases.domain import DOMAIN as cases
    from app.complaints.domain import DOMAIN as complaints
    from app.decisions.domain import DOMAIN as decisions
    from app.earlier.domain import DOMAIN as earlier
    from app.export.domain import DOMAIN as export
    from app.identity.domain import DOMAIN as identity
    from app.messages.domain import DOMAIN as messages
    from app.notify.domain import DOMAIN as notify
    from app.online.domain import DOMAIN as online
    from app.plans.domain import DOMAIN as plans
    from app.requests.domain import DOMAIN as requests
    from app.retention.domain import DOMAIN as retention
    from app.site.domain import DOMAIN as site
    from app.staff.domain import DOMAIN as staff
    from app.stats.domain import DOMAIN as stats
    from app.tenants.domain import DOMAIN as tenants

    core = Domain("core", models=(WebSession, Throttle))  # sessions and throttles of both faces
    return (tenants, core, site, cases, identity, staff, account, requests, messages, decisions, plans, online, booking,
            appointments, earlier, complaints, export, audit, notify, stats, retention)


def _all(parts: tuple[Domain, ...], name: str) -> tuple:
    return tuple(item for domain in parts for item in getattr(domain, name))


@dataclass(frozen=True)
class House:
    domains: tuple[Domain, ...]
    min_side: MinSide = field(init=False)
    staff_menu: StaffMenu = field(init=False)

    def __post_init__(self):
        names = [d.name for d in self.domains]
        if len(names) != len(set(names)):
            raise ValueError(f"a domain listed twice: {names}")
        object.__setattr__(self, "min_side", MinSide(_all(self.domains, "min_side_panels")))
        object.__setattr__(self, "staff_menu", StaffMenu(_all(self.domains, "menu_items")))

    def with_domains(self, *extra: Domain) -> "House":
        """This house with more domains (tests add a section or rule of their own this way)."""
        return House(self.domains + extra)

    # Each contribution, in the house's order.
    @property
    def html_routers(self) -> tuple:
        return _all(self.domains, "routers") + _all(self.domains, "staff_routers")

    @property
    def sign_out_steps(self) -> tuple:
        return _all(self.domains, "sign_out_steps")

    @property
    def api_routers(self) -> tuple:
        return _all(self.domains, "api_routers")

    @property
    def models(self) -> tuple:
        return _all(self.domains, "models")

    @property
    def staff_case_panels(self) -> tuple:
        return _all(self.domains, "staff_case_panels")

    @property
    def decision_page_panels(self) -> tuple:
        return _all(self.domains, "decision_page_panels")

    @property
    def label_enums(self) -> dict[str, type]:
        """The enums templates name for labels, by class name (template globals, so a name is one enum)."""
        enums = _all(self.domains, "label_enums")
        by_name = {e.__name__: e for e in enums}
        if len(by_name) != len(enums):
            raise ValueError(f"two label enums of one name: {sorted(e.__name__ for e in enums)}")
        return by_name

    @property
    def export_sections(self) -> tuple:
        return _all(self.domains, "export_sections")

    @property
    def case_file_sections(self) -> tuple:
        return _all(self.domains, "case_file_sections")

    @property
    def digest_sections(self) -> tuple:
        return _all(self.domains, "digest_sections")

    @property
    def purge_rules(self) -> tuple:
        return _all(self.domains, "purge_rules")

    @property
    def retention_holds(self) -> tuple:
        return _all(self.domains, "retention_holds")

    @property
    def jobs(self) -> tuple:
        return _all(self.domains, "jobs")

    @property
    def on_sent(self) -> tuple:
        return _all(self.domains, "on_sent")

    @property
    def demo_loaders(self) -> tuple:
        return _all(self.domains, "demo_loaders")

    @property
    def commands(self) -> tuple:
        return _all(self.domains, "commands")

    @property
    def metadata(self):
        """Every table and index of every domain (Alembic's target, create_all in tests)."""
        assert self.models, "no models declared"
        return SQLModel.metadata


@cache
def house() -> House:
    return House(domains())
