"""Bad input against every form: no 5xx, and nothing stored from a rejected request.

Every POST route is found in the app's routes itself, so a new form is fuzzed without anyone adding it
here (and `test_every_post_route_has_a_fuzz_case` fails if the harness cannot reach one). Each route is
reached in the state it needs — a signed-in citizen with a code, a member of staff with the second
factor (or half-way through it for the /to-trin pages), and real ids of a case, request, plan, goal,
complaint, appointment, booking, session, schedule, follow-up — and hypothesis then sends random
unicode (NUL, control characters, lone surrogates, right-to-left marks), fields at and beyond their
length limit, missing and duplicated fields, text where numbers, dates and ids belong, urlencoded and
multipart bodies, and missing, forged, expired or another browser's CSRF tokens. Bodies just under and
just over the size limit are sent to every route as well.

Rules checked on every response: never a 5xx (the TestClient also re-raises any exception); a bad
CSRF token is always 403; and when the answer rejects the input (4xx, or a form re-rendered with its
error summary) no row in any table was added, removed or changed. The only table left out is
`throttle`: counting a failed sign-in attempt before the secret is checked is the point of it.

Runs in both passes of scripts/test (SQLite and PostgreSQL). Reproducible: derandomized, no example
database. The state for each route is built inside the test, so no function-scoped fixture is shared
between hypothesis examples.
"""

from __future__ import annotations

import enum
import hashlib
import importlib
import os
import pkgutil
import time
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote, quote_from_bytes

import pytest
from hypothesis import HealthCheck, Phase, given, settings as hsettings, strategies as st
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import delete, event, select
from sqlmodel import Session

import app as app_package
from app.house import house
from app.appointments import service as appointments
from app.booking import service as booking
from app.complaints import service as complaints
from app.core import sessions
from app.core.clock import FixedClock
from app.core.config import Settings
from app.core.db import make_engine
from app.cases.citizen_session import citizen_session
from app.staff.session import staff_session, staff_session_password_only
from app.core.models import Throttle
from app.core.security import token_digest
from app.main import create_app
from app.plans import service as plans
from app.requests import flows as request_flows, service as requests_service
from tests.factories.booking import make_booking, make_session
from tests.factories.decisions import make_decision
from tests.conftest import START, PortalClient, empty_pg_database
from tests.factories import PASSWORD, make_staff, sign_in_citizen, sign_in_staff
from tests.factories.mitid import mitid_world

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
NOT_COMPARED = {"throttle"}  # failed attempts are counted before the secret is checked, on purpose
# A re-rendered staff form shows the case again, and every look at a case is logged for the citizen's
# access log: rows may be added to it by a rejected request, never changed or removed.
APPEND_ONLY = {"access_log"}

# Routes that read the form themselves (request.form()) instead of declaring Form parameters.
MANUAL_FIELDS = {
    "/behandling/send": ["age", "area", "for_whom", "anonymity", "display_name", "full_name", "phone", "email",
                         "cpr", "other_social_problems", "preferred_contact", "message", "attach_screening",
                         "help_wanted", "screening"],
    "/behandling/selvtest/{kind}": [f"q{i}" for i in range(11)] + ["sex"],
}
DEFAULT_MAX = 2000


# --- The routes ------------------------------------------------------------------------------------

def _walk(routes):
    for route in routes:
        if hasattr(route, "effective_candidates"):  # FastAPI keeps included routers nested
            yield from _walk(route.effective_candidates())
        else:
            yield route


def post_routes(application) -> dict[str, object]:
    """Path → the APIRoute of every POST in the app, found in the app's routes."""
    found = {}
    for candidate in _walk(application.routes):
        route = getattr(candidate, "original_route", candidate)
        if "POST" in (getattr(route, "methods", None) or ()):
            found[candidate.path] = route
    return found


def _dependants(dependant):
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def form_fields(path: str, route) -> dict[str, int]:
    """Field name → its max length, from the route's Form parameters (or MANUAL_FIELDS)."""
    fields = {}
    for dep in _dependants(route.dependant):
        for param in dep.body_params:
            limits = [getattr(m, "max_length", None) for m in param.field_info.metadata]
            fields[param.alias or param.name] = next((m for m in limits if m), DEFAULT_MAX)
    for name in MANUAL_FIELDS.get(path, []):
        fields.setdefault(name, DEFAULT_MAX)
    return fields


def reads_form_itself(route) -> bool:
    import inspect
    return "request.form()" in inspect.getsource(route.endpoint)


def needs(route) -> str:
    calls = {dep.call for dep in _dependants(route.dependant)}
    if citizen_session in calls or any(getattr(call, "citizen_optional", False) for call in calls):
        return "citizen"
    if staff_session in calls:
        return "staff"
    if staff_session_password_only in calls:
        return "staff_password_only"
    return "nobody"


# --- A world to fuzz in ----------------------------------------------------------------------------

@dataclass
class World:
    app: object
    engine: object
    clock: FixedClock
    serial: int = 0
    tables: list = field(default_factory=list)
    db_errors: list = field(default_factory=list)

    def next(self) -> int:
        self.serial += 1
        return self.serial


@pytest.fixture(scope="module")
def world(tmp_path_factory, pg_engine):
    if pg_engine is not None:
        url = empty_pg_database(pg_engine)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
        engine = make_engine(url)
        house().metadata.create_all(engine)
        engine.dispose()
    # MitID on, so NemLog-in's answer (/mitid/acs) and the rest of the round trip are fuzzed for real.
    settings = Settings(environment="test", secret_key="test-secret", database_url=url,
                        mitid=mitid_world(tmp_path_factory.mktemp("fuzz-mitid")).settings)
    clock = FixedClock(START)
    application = create_app(settings, clock=clock)
    tables = [t for t in house().metadata.sorted_tables if t.name not in NOT_COMPARED]
    fuzz_world = World(application, application.state.engine, clock, tables=tables)
    # The app answers a database error with a page (an out-of-range id in a URL is a 404), which
    # would hide form input that reached the database unchecked: record every one.
    event.listen(application.state.engine, "handle_error",
                 lambda ctx: fuzz_world.db_errors.append(repr(ctx.original_exception)[:300]))
    yield fuzz_world
    application.state.engine.dispose()


def snapshot(world: World) -> dict[str, object]:
    """Per table: row count and a digest of every row, in primary-key order (append-only tables: the rows)."""
    out = {}
    with world.engine.connect() as conn:
        for table in world.tables:
            rows = [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key.columns))]
            if table.name in APPEND_ONLY:
                out[table.name] = rows
                continue
            digest = hashlib.sha256(repr(rows).encode("utf-8", "surrogatepass")).hexdigest()
            out[table.name] = f"{len(rows)}:{digest[:16]}"
    return out


def changed_tables(before: dict, after: dict) -> set[str]:
    changed = set()
    for name, rows in after.items():
        old = before.get(name)
        if name in APPEND_ONLY:
            if rows[:len(old)] != old:
                changed.add(name)
        elif rows != old:
            changed.add(name)
    return changed


@dataclass
class Target:
    """What one route needs: a client in the right state, real ids, and values the route accepts."""

    client: PortalClient
    ids: dict[str, str]
    plausible: dict[str, list[str]] = field(default_factory=dict)


def _case_with_everything(db, world: World, staff):
    """A case with a request, plan, goal and proposal, decision, complaint, appointment and booking."""
    now = world.clock.now()
    case, code, req = request_flows.submit_request(
        db, intake=requests_service.Intake(area="alcohol", for_relative=False, anonymous=True, display_name="Kim"),
        now=now)
    plans.create_plan(db, case_id=case.id, staff=staff, treatment_form="outpatient", aim="reduction", medical=[],
                      under_30=False, now=now)
    goal = plans.add_goal(db, case_id=case.id, life_area="substance", citizen_words="Drikke mindre", steps="",
                          status="in_progress", now=now)
    proposal = plans.propose_goal(db, case_id=case.id, life_area="housing", citizen_words="Egen bolig", now=now)
    decision = make_decision(db, case, now=now, staff=staff, commit=False)
    complaint = complaints.file_complaint(db, case=case, subject=complaints.decision_subject(decision.id),
                                          text="Jeg er uenig", now=now)
    appointment = appointments.book_appointment(
        db, case_id=case.id, staff_id=staff.id, kind="individual", day=(now + timedelta(days=3)).strftime("%Y-%m-%d"),
        time="10:00", duration_minutes="60", location="Sundhedscentret", video_url="", starts_treatment=False,
        note="", discharged_at=None, now=now)
    counselling = make_session(db, now=now, commit=False)
    other = make_session(db, now=now, day=now.date() + timedelta(days=2), commit=False)
    booked = make_booking(db, counselling, now=now, case=case, commit=False)
    db.commit()
    return {"case": case, "code": code, "request": req, "goal": goal, "proposal": proposal, "decision": decision,
            "complaint": complaint, "appointment": appointment, "counselling": counselling, "other": other,
            "booking": booked.booking}


ONLINE_IDS = ("exercise_id", "answer_id", "day", "course_id", "module_id")


def _online_for(db, case, path, now) -> dict:
    """Online treatment's ids: the case's course, an exercise, a submitted answer, a day, a draft version."""
    if "/online" not in path:
        return {}
    from app.core.clock import local_date
    from app.online import service as online
    online.load_builtin_courses(db, now=now)
    course = online.courses(db)[0]
    version = online.latest_published(db, course.id)
    online.assign_course(db, case_id=case.id, version_id=version.id, now=now)
    exercises = online.exercises_of(db, version.id)
    answer = online.save_answer(db, case_id=case.id, exercise_id=exercises[1].id, body="Mit svar", submit=True,
                                now=now)
    draft = online.new_draft_version(db, course_id=course.id, staff_id=None, now=now)
    edited = "/moduler/" in path or "/oevelser/" in path
    return {"exercise_id": (online.exercises_of(db, draft.id) if edited else exercises)[0].id,
            "answer_id": answer.id, "day": local_date(now).isoformat(), "course_id": course.id,
            "module_id": online.modules_of(db, draft.id)[0].id,
            # not in any path: a value the assign form accepts (the other course)
            "version_id": online.latest_published(db, online.courses(db)[1].id).id}


def prepare(world: World, path: str, route) -> Target:
    """Build the state the route needs, through the services, and sign the client in."""
    n = world.next()
    with Session(world.engine, expire_on_commit=False) as db:
        db.execute(delete(Throttle))  # earlier routes' failed attempts must not lock this one's sign-in
        db.commit()
        staff = make_staff(db, role="admin", username=f"fuzz-admin-{n}", now=world.clock.now(),
                           totp=not path.startswith("/personale/to-trin/tilmeld"))
        victim = staff
        if "{staff_id}" in path or path.endswith("/behandler"):  # a colleague to deactivate or assign
            victim = make_staff(db, role="counsellor", username=f"fuzz-victim-{n}", now=world.clock.now())
        made = _case_with_everything(db, world, staff)
        now = world.clock.now()
        schedule = booking.save_schedule(db, values=booking.parse_schedule_form(
            {"weekday": "1", "start": "15.00", "duration_minutes": "120", "place": "Sundhedscentret", "capacity": "8"}),
            now=now)
        follow_up_id = 0
        if "{follow_up_id}" in path:  # follow-ups exist only after a discharge, which ends the course
            ended = plans.discharge_case(db, case_id=_case_with_everything(db, world, staff)["case"].id,
                                         reason="completed", note="", declines_follow_up=False, staff=staff, now=now)
            follow_up_id = plans.follow_ups_for_case(db, ended.case_id)[0].id
        other_session = sessions.start_session(db, kind=sessions.STAFF, staff_id=staff.id, now=now)
        online = _online_for(db, made["case"], path, now)
        db.commit()
    case, code = made["case"], made["code"]
    ids = {
        "case_id": case.id, "request_id": made["request"].id, "complaint_id": made["complaint"].id,
        "appointment_id": made["appointment"].id, "booking_id": made["booking"].id,
        "decision_id": made["decision"].id,
        "goal_id": made["proposal"].id if path.endswith("/svar") else made["goal"].id,
        "schedule_id": schedule.id, "staff_id": victim.id, "follow_up_id": follow_up_id, "number": 1,
        "kind": "audit", **online,
        "session_id": (token_digest(other_session) if path.startswith("/personale/sessioner")
                       else made["counselling"].id),
    }
    client = PortalClient(world.app, base_url="http://testserver")
    client.__enter__()
    kind = needs(route)
    if kind == "citizen":
        sign_in_citizen(client, code)
    elif kind == "staff":
        sign_in_staff(client, staff)
    elif kind == "staff_password_only":
        response = client.submit("/personale/log-ind", {"username": staff.username, "password": PASSWORD})
        assert response.status_code == 303
        assert client.get("/personale/to-trin").status_code == 200  # shows the QR code (pending secret)
    plausible = {
        "code": [code.display], "last_group": [code.display[-4:]], "username": [staff.username],
        "password": [PASSWORD], "current_password": [PASSWORD],
        "subject": [complaints.decision_subject(made["decision"].id), "other"],
        "session_id": [str(made["other"].id)], "other_session": [str(made["other"].id)],
        "booking_id": [str(made["booking"].id)], "counsellor_id": [str(victim.id)],
        "replaces_id": [str(made["decision"].id)], "version_no": ["1"],
        "version_id": [str(online.get("version_id", 1))], "action": ["save", "submit"], "weekly_units": ["10"],
        "point": ["start", "discharge"], "q0": ["0", "4"], "q1": ["2"], "q2": ["1"],
    }
    return Target(client=client, ids={k: str(v) for k, v in ids.items()}, plausible=plausible)


# --- What to send ----------------------------------------------------------------------------------

def _enum_values() -> list[str]:
    values = set()
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        if module.name.endswith(".models"):
            for obj in vars(importlib.import_module(module.name)).values():
                if isinstance(obj, type) and issubclass(obj, enum.Enum) and obj is not enum.Enum:
                    values.update(str(m.value) for m in obj)
    return sorted(values)


VALID_LOOKING = _enum_values() + [
    "1", "0", "2", "8", "60", "on", "true", "yes", "no", "unsure", "self", "relative", "30plus", "18-29",
    "under18", "anonymous", "identified", "in_person", "video", "accept", "reject", "male", "female",
    "2026-11-24", "2026-11-30", "24.11.2026", "10:00", "15.00", "Kim", "Hej, jeg vil gerne tale med nogen.",
    "20 30 40 50", "kim@example.dk", "010190-1234", "https://video.example.dk/rum", "/min-side",
]
WRONG_TYPES = [
    "", " ", "abc", "-1", "0", "1.5", "1e309", "NaN", "99999999999999999999", "2026-02-30", "31.02.2026",
    "25:61", "null", "[]", "{}", "true", "<script>alert(1)</script>", "' OR '1'='1' --", "1; DROP TABLE x",
    "%00", "../../etc/passwd", "//evil.example/", "javascript:alert(1)", "${7*7}", "{{7*7}}",
    "²", "①", "١٢", "１２",  # digits to str.isdigit() but not to int() (the first two), or not ASCII
]
NASTY = [
    "\x00", "a\x00b", "\x01\x02\x03", "\x1b[31mrød\x1b[0m", "\x7f", "\ud800", "\udfff", "x\udc80y", "\u202eevil",
    "\ufeff", "\u200b", "\uffff", "\U0001f600", "æøå ÆØÅ", "\r\n", "\t", "a\rb", "\u0085", "\u2028",
    "😀" * 300,
]
UNICODE = st.text(st.characters(codec="utf-8", exclude_categories=()), max_size=30) | st.text(
    st.characters(exclude_categories=()), max_size=30)
IDS_WRONG = ["0", "-1", "abc", "1.5", "99999999999999999999", "2147483648", "%00", "æ", "1 OR 1=1", "..", " 1"]
CSRF_MODES = ["missing", "forged", "expired", "other_browser"]
MISSING = object()


def value_strategy(name: str, max_length: int, target: Target):
    return st.one_of(
        st.sampled_from(target.plausible.get(name, []) + VALID_LOOKING),
        st.sampled_from(WRONG_TYPES),
        st.sampled_from(NASTY),
        UNICODE,
        st.sampled_from([max_length, max_length + 1]).map(lambda n: "å" * n),
    )


def request_strategy(fields: dict[str, int], params: list[str], target: Target):
    per_field = {
        name: st.one_of(st.just(MISSING), value_strategy(name, limit, target),
                        st.lists(value_strategy(name, limit, target), min_size=2, max_size=3))
        for name, limit in fields.items()
    }
    return st.fixed_dictionaries({
        "fields": st.fixed_dictionaries(per_field),
        "extra": st.dictionaries(UNICODE, st.sampled_from(NASTY + WRONG_TYPES), max_size=2),
        "params": st.fixed_dictionaries({p: st.one_of(st.just(target.ids[p]), st.sampled_from(IDS_WRONG))
                                         for p in params}),
        "csrf": st.sampled_from(["valid"] * 4 + CSRF_MODES),
        "encoding": st.sampled_from(["urlencoded", "urlencoded", "multipart"]),
    })


def _bytes(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")  # lone surrogates go out as the bytes a broken client sends


def encode_body(pairs: list[tuple[str, str]], encoding: str) -> tuple[bytes, str]:
    if encoding == "urlencoded":
        body = "&".join(f"{quote_from_bytes(_bytes(k), safe='')}={quote_from_bytes(_bytes(v), safe='')}"
                        for k, v in pairs)
        return body.encode("ascii"), "application/x-www-form-urlencoded"
    boundary = "fuzzboundary7MA4YWxkTrZu0gW"
    out = b""
    for key, value in pairs:
        out += (b"--" + boundary.encode() + b"\r\nContent-Disposition: form-data; name=\"" + _bytes(key)
                + b"\"\r\n\r\n" + _bytes(value) + b"\r\n")
    out += b"--" + boundary.encode() + b"--\r\n"
    return out, f"multipart/form-data; boundary={boundary}"


class _PastSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 5 * 3600  # tokens live 4 hours


def csrf_value(client: PortalClient, mode: str) -> str | None:
    binding = client.cookies.get("rp_csrf")
    if mode == "valid":
        return client.csrf()
    if mode == "missing":
        return None
    if mode == "forged":
        return "forged.token.value"
    if mode == "expired":
        return URLSafeTimedSerializer("test-secret", salt="csrf", signer=_PastSigner).dumps(binding)
    return client.app.state.signer.csrf_token("another-browser")


def rejected(response) -> bool:
    return response.status_code >= 400 or 'id="fejlopsummering"' in response.text


def url_for(path: str, params: dict[str, str]) -> str:
    for name, value in params.items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    return path


class Checker:
    """Sends requests and holds the invariants; the last snapshot is the next request's 'before'."""

    def __init__(self, world: World, target: Target, path: str, route=None):
        self.world, self.target, self.path, self.route = world, target, path, route
        self.before = snapshot(world)
        self.sent = 0

    def send(self, pairs, *, params=None, csrf="valid", encoding="urlencoded", raw: bytes | None = None):
        client = self.target.client
        client.csrf()  # make sure the browser has its CSRF cookie
        token = csrf_value(client, csrf)
        if token is not None:
            pairs = [("csrf_token", token)] + list(pairs)
        body, content_type = encode_body(pairs, encoding) if raw is None else (raw, "application/x-www-form-urlencoded")
        url = url_for(self.path, self.target.ids if params is None else params)
        self.world.db_errors.clear()
        response = client.post(url, content=body, headers={"content-type": content_type}, follow_redirects=False)
        self.sent += 1
        after = snapshot(self.world)
        note = f"POST {url} csrf={csrf} {encoding} → {response.status_code}"
        assert response.status_code < 500, note
        if params is None or params == self.target.ids:  # (a wrong id may be out of the integer range)
            assert not self.world.db_errors, f"{note}: input reached the database unchecked: {self.world.db_errors}"
        exempt = getattr(self.route.endpoint, "csrf_exempt", False)  # NemLog-in's cross-site POST
        if csrf != "valid" and not exempt and response.status_code != 413 and (params is None or params == self.target.ids):
            assert response.status_code == 403, note  # (an id like ".." may match no route at all: 404)
        if rejected(response):
            changed = changed_tables(self.before, after)
            assert not changed, f"{note}: a rejected request changed {sorted(changed)}"
        self.before = after
        return response


def _pairs(fields: dict) -> list[tuple[str, str]]:
    pairs = []
    for name, value in fields.items():
        if value is MISSING:
            continue
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, item))
    return pairs


# --- The tests -------------------------------------------------------------------------------------

def _route_paths() -> list[str]:
    settings = Settings(environment="test", secret_key="x", database_url="sqlite://")
    return sorted(post_routes(create_app(settings)))


ROUTE_PATHS = _route_paths()


def test_every_post_route_has_a_fuzz_case(app):
    """Every POST route the app serves is in the fuzz list and its form fields are known."""
    routes = post_routes(app)
    assert set(routes) == set(ROUTE_PATHS) and len(routes) > 40
    for path, route in routes.items():
        if reads_form_itself(route):
            assert path in MANUAL_FIELDS, f"{path} reads request.form() itself: list its fields in MANUAL_FIELDS"
        for name in {n for n in route.path.split("/") if n.startswith("{")}:
            assert name.strip("{}") in {"case_id", "request_id", "complaint_id", "appointment_id", "booking_id",
                                        "goal_id", "schedule_id", "staff_id", "follow_up_id", "number", "kind", "decision_id",
                                        "session_id", *ONLINE_IDS}, f"{path}: no id to fill {name} with"


@pytest.mark.parametrize("path", ROUTE_PATHS)
def test_bad_input_gives_no_5xx_and_stores_nothing_when_rejected(world, path):
    route = post_routes(world.app)[path]
    fields = form_fields(path, route)
    params = [p.strip("{}") for p in path.split("/") if p.startswith("{")]
    target = prepare(world, path, route)
    checker = Checker(world, target, path, route)
    limit = world.app.state.settings.max_body_bytes
    try:
        names = list(fields) or ["x"]
        # Fixed cases first: every field NUL-laden, every field at and one past its limit, each kind of bad token,
        # and bodies just under and just over the size limit.
        checker.send([(name, f"a\x00{name}") for name in names])
        checker.send([(name, "²") for name in names])  # isdigit() is true, int() fails
        checker.send([(name, "å" * fields.get(name, DEFAULT_MAX)) for name in names])  # at the form's limit
        checker.send([(name, "x" * (fields.get(name, DEFAULT_MAX) + 1)) for name in names])
        for mode in CSRF_MODES:
            checker.send([(name, "1") for name in names], csrf=mode)
        filler = limit - 2000
        assert checker.send([(names[0], "a" * filler)]).status_code < 500
        assert checker.send([], raw=b"x=" + b"a" * (limit + 1)).status_code == 413

        @hsettings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                   phases=[Phase.explicit, Phase.generate, Phase.shrink],
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                          HealthCheck.filter_too_much])
        @given(request_strategy(fields, params, target))
        def fuzz(plan):
            pairs = _pairs(plan["fields"]) + list(plan["extra"].items())
            checker.send(pairs, params=plan["params"], csrf=plan["csrf"], encoding=plan["encoding"])

        fuzz()
    finally:
        target.client.__exit__(None, None, None)
