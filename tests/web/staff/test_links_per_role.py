"""Menus and links come from the same role rules as the routes: a member of staff is never shown a
link to a page that answers 403 for their role. Proven by crawling every staff page each role can
reach in the demo centre and opening every link on it."""

import re
from html import unescape

import pytest

from app.demo import load_demo
from tests.factories import make_staff, sign_in_staff

LINK = re.compile(r'href="(/personale[^"#?]*)(?:\?[^"#]*)?(?:#[^"]*)?"')
NOT_CRAWLED = {"/personale/log-ud"}  # signing out ends the crawl's session
MAX_PAGES = 400


@pytest.mark.parametrize("role", ["reception", "counsellor", "leader", "admin"])
def test_no_staff_page_links_to_a_page_the_role_may_not_open(client, settings, clock, db, role):
    list(load_demo(settings, clock))
    sign_in_staff(client, make_staff(db, role=role, username=f"crawler-{role}"))
    seen, queue, refused = set(), ["/personale"], []
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or url in NOT_CRAWLED:
            continue
        seen.add(url)
        response = client.get(url, follow_redirects=False)
        if response.status_code == 403:
            refused.append(url)
            continue
        assert response.status_code < 500, url
        if response.status_code != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        for link in LINK.findall(response.text):
            link = unescape(link).rstrip("/") or "/personale"
            if link not in seen:
                queue.append(link)
    assert len(seen) > (3 if role == "reception" else 10), seen  # the crawl did reach the demo's pages
    assert refused == [], f"{role} is shown links that answer 403: {refused}"
