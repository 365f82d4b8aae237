"""The personal code is never stored or logged in clear: a full flow, then a grep of every table and the logs."""

import logging
import re

from sqlalchemy import select
from sqlmodel import SQLModel

from tests.factories import make_staff, sign_in_staff

STEP = {"age": "18_29", "area": "alcohol", "for_whom": "self", "anonymity": "anonymous"}


def dump_everything(db) -> str:
    db.rollback()
    lines = []
    for table in SQLModel.metadata.sorted_tables:
        for row in db.execute(select(table)).all():
            lines.append(f"{table.name}: " + " | ".join(str(v) for v in row))
    return "\n".join(lines)


def forms_of(display: str) -> list[str]:
    compact = display.replace("-", "")
    return [display, compact, display.lower(), compact.lower(), compact[6:19]]  # incl. the verifier alone


def test_full_flow_leaves_no_code_in_the_database_or_the_logs(client, make_client, db, caplog):
    caplog.set_level(logging.DEBUG)
    page = client.submit("/behandling/send", {**STEP, "display_name": "Kim", "message": "Hjælp"})
    code = re.search(r'name="code" value="([A-Z0-9-]+)"', page.text).group(1)
    assert client.submit("/kode/hent", {"code": code}).status_code == 200
    assert client.submit("/kode/gemt", {"code": code, "last_group": code[-4:]}).status_code == 303
    assert client.submit("/min-side/log-ud").status_code == 303
    assert client.submit("/status", {"code": code.lower().replace("-", " ")}).status_code == 303
    assert client.submit("/min-side/beskeder", {"body": "Hvornår kan jeg komme?"}).status_code == 303

    staff = make_client()
    sign_in_staff(staff, make_staff(db, first_name="Mette"))
    case_id = int(re.search(r'/personale/sager/(\d+)"', staff.get("/personale/indbakke").text).group(1))
    assert staff.submit(f"/personale/sager/{case_id}/beskeder", {"body": "På torsdag."}).status_code == 303
    reissued = staff.submit(f"/personale/sager/{case_id}/ny-kode")
    new_code = re.search(r'class="code-box">([A-Z0-9-]+)<', reissued.text).group(1)
    assert client.submit("/status", {"code": new_code}).status_code == 303
    assert "På torsdag." in client.get("/min-side/beskeder").text

    dump = dump_everything(db)
    logs = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert "På torsdag." in dump and "treatment_request" in dump  # the dump really holds the data
    for secret in forms_of(code) + forms_of(new_code):
        assert secret not in dump, "code found in the database"
        assert secret not in logs, "code found in the logs"
