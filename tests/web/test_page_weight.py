"""What keeps a citizen page light on a phone: compressed responses, assets cached for good under
versioned URLs, htmx (minified, deferred) only on pages that use it, and a description for search."""

import html
import re

import pytest

from app.core.web import _static_version
from tests.factories import make_case, sign_in_citizen

CITIZEN_PAGES = ["/", "/raadgivning", "/behandling", "/behandling/selvtest/audit", "/behandling/selvtest/dudit",
                 "/status", "/klage"]
ASSETS = ["/static/app.css", "/static/vendor/htmx-2.0.11.min.js"]


def _description(page: str) -> str | None:
    match = re.search(r'<meta name="description" content="([^"]*)">', page)
    return html.unescape(match.group(1)) if match else None


@pytest.mark.parametrize("path", ASSETS)
def test_static_assets_are_kept_for_a_year_as_immutable_and_set_no_cookie(make_client, path):
    response = make_client().get(path)  # a first visit: no cookies yet
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("path", ["/favicon.ico", "/robots.txt"])
def test_fixed_url_assets_are_cacheable_for_a_day_and_set_no_cookie(make_client, path):
    response = make_client().get(path)
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert "set-cookie" not in response.headers


def test_a_missing_static_file_is_not_cached(client):
    response = client.get("/static/findes-ikke.css")
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-store"


def test_the_page_that_follows_a_first_asset_request_still_sets_the_csrf_cookie(make_client):
    browser = make_client()
    browser.get("/static/app.css")
    assert "rp_csrf" in browser.get("/").cookies


@pytest.mark.parametrize("path", CITIZEN_PAGES)
def test_every_asset_url_in_a_page_carries_the_content_version(client, path):
    page = client.get(path).text
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert assets, "the page loads no stylesheet or script"
    assert all(url.endswith(f"?v={_static_version()}") for url in assets), assets


@pytest.mark.parametrize("path", ["/", *ASSETS])
def test_html_css_and_js_are_sent_gzip_compressed_when_the_browser_asks(client, path):
    response = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]


@pytest.mark.parametrize("path", CITIZEN_PAGES)
def test_a_page_without_htmx_attributes_loads_one_stylesheet_and_no_script(client, path):
    page = client.get(path).text
    assert " hx-" not in page
    assert len(re.findall(r'<link rel="stylesheet"', page)) == 1
    assert "<script" not in page and "htmx-config" not in page


def test_a_page_using_htmx_loads_the_minified_build_deferred_with_its_safe_config(client, db, clock):
    _case, code = make_case(db, now=clock.now())
    sign_in_citizen(client, code)
    page = client.get("/min-side/beskeder").text
    assert " hx-post=" in page
    scripts = re.findall(r"<script[^>]*>", page)
    assert len(scripts) == 1 and ".min.js?" in scripts[0] and " defer" in scripts[0]
    assert '"allowEval":false' in page and '"selfRequestsOnly":true' in page


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("path", CITIZEN_PAGES)
def test_every_citizen_page_has_a_meta_description_that_fits_a_search_result(client, path, lang):
    client.get(f"/sprog/{lang}")
    description = _description(client.get(path).text)
    assert description and 50 <= len(description) <= 160, description


def test_pages_with_their_own_task_describe_it_rather_than_the_centre(client):
    default = _description(client.get("/").text)
    for path in ["/raadgivning", "/behandling", "/status", "/klage", "/behandling/selvtest/audit"]:
        assert _description(client.get(path).text) != default, path
