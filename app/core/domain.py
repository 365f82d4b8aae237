"""What a domain can contribute to the app, as plain data.

Each domain folder has a `domain.py` whose `DOMAIN` lists its routers, panels, jobs, retention rules,
export sections, menu items and demo data. Nothing registers itself by being imported: the one
composition root (`app.house`) reads the declarations of the domains it lists, in its order, and
the web app, the CLI, the jobs runner, the purge, the demo loader and the tests all take what they
need from the house it assembles.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.core.i18n import Msg


@dataclass(frozen=True)
class MinSidePanel:
    """fn(db, case, now, found) -> Panel | None; `probes` are cheap SQL facts about the case that all
    run in one statement before any panel (see app.cases.panels)."""
    fn: Callable
    probes: Mapping[str, Callable] = field(default_factory=dict)


@dataclass(frozen=True)
class MenuItem:
    url: str
    label: Msg | str
    roles: frozenset[str]
    order: int = 100

    @classmethod
    def of(cls, url: str, label, roles, order: int = 100) -> "MenuItem":
        return cls(url, label, frozenset(getattr(r, "value", r) for r in roles), order)


@dataclass(frozen=True)
class Named:
    """A named contribution run in order: a purge rule, a retention hold or a scheduled job."""
    name: str
    fn: Callable


@dataclass(frozen=True)
class Domain:
    name: str
    models: tuple[type, ...] = ()
    routers: tuple[Any, ...] = ()  # the citizens' HTML pages, included in the house's order
    staff_routers: tuple[Any, ...] = ()  # the back-office's HTML pages, included after every citizen page
    api_routers: tuple[Any, ...] = ()  # JSON under /api/v1
    min_side_panels: tuple[MinSidePanel, ...] = ()
    staff_case_panels: tuple[Callable, ...] = ()  # fn(db, case, now) -> Panel | None
    # Sections of a case's decisions page from domains that hang off decisions (the complaints about them),
    # so decisions need not import them.
    decision_page_panels: tuple[Callable, ...] = ()  # fn(db, case, now) -> Panel | None
    export_sections: tuple[Callable, ...] = ()  # fn(db, case, now) -> ExportSection | None
    case_file_sections: tuple[Callable, ...] = ()  # fn(db, case, complaint, now) -> CaseFileSection | None
    digest_sections: tuple[Callable, ...] = ()  # fn(db, *, staff, now) -> DigestItem | None
    purge_rules: tuple[Named, ...] = ()  # fn(db, ctx) -> rows removed
    retention_holds: tuple[Named, ...] = ()  # fn(db, now) -> case ids kept for now
    jobs: tuple[Named, ...] = ()  # fn(db, *, now, config, house) -> rows queued
    # fn(db, row, *, now, config): an outbox row went out; runs in the transaction that records it, so
    # what a domain writes about the delivery (a decision delivered by Digital Post) stands or falls with it.
    on_sent: tuple[Callable, ...] = ()
    menu_items: tuple[MenuItem, ...] = ()
    label_enums: tuple[type, ...] = ()  # LabelledEnums templates show: `value|label(Name)` (app.core.labels)
    demo_loaders: tuple[Callable, ...] = ()  # fn(db, now) -> lines to print
    commands: tuple[Callable, ...] = ()  # fn(subparsers): adds `python -m app <command>`
    # Run when a citizen signs out of Min side, before the session ends: a step may answer with where
    # the browser goes next (MitID's single logout at NemLog-in), so cases need not know MitID.
    sign_out_steps: tuple[Callable, ...] = ()  # fn(request, db, session, now) -> URL | None
