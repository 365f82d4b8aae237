"""Templates and the small helpers every route uses: render(), see_other(), csrf, flash."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2_fragments import render_block

from app.core import i18n
from app.core.labels import label_of
from app.core.template_i18n import enable_compile_time_translations

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
CSRF_COOKIE = "rp_csrf"
FLASH_COOKIE = "rp_besked"


def _static_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


class _Environment(Environment):
    def make_globals(self, d):
        # Jinja layers a template's own globals over the environment's in a ChainMap and flattens it
        # into a dict on every render: 7 µs for our 18 globals, more than one of Min side's queries.
        # Our templates have no globals of their own, so they share the environment's dict itself
        # (later changes to it are still seen, as through the ChainMap).
        return self.globals if not d else super().make_globals(d)

    # Jinja adds globals given here to the cached template's globals: with the dict shared, to every
    # template and request. Values for one render belong in its context.
    def get_template(self, name, parent=None, globals=None):
        _refuse_template_globals(globals)
        return super().get_template(name, parent)

    def select_template(self, names, parent=None, globals=None):
        _refuse_template_globals(globals)
        return super().select_template(names, parent)


def _refuse_template_globals(template_globals) -> None:
    if template_globals:
        raise TypeError("templates here take no globals of their own: pass the values in the render context")


def build_environments(settings, centre, staff_menu, label_enums=None) -> dict[str, Environment]:
    """One Jinja environment per language, so gettext is bound once and not per request. `label_enums`
    (the house's, by name) are globals, so a template shows a stored value's label as `v|label(Name)`."""
    version = _static_version()
    envs = {}
    for lang in i18n.LANGUAGES:
        env = _Environment(
            loader=FileSystemLoader(TEMPLATES_DIR),
            autoescape=select_autoescape(["html", "xml"]),
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
            # Checking every template file's mtime on each render costs a stat() per include;
            # only a developer editing templates needs it.
            auto_reload=settings.environment == "development",
        )
        env.install_gettext_translations(i18n.translations(lang), newstyle=True)
        enable_compile_time_translations(env, i18n.translations(lang))
        env.globals["tr"] = lambda m, _l=lang: i18n.translate_message(_l, m)
        env.filters["dato"] = lambda v, _l=lang: i18n.format_day(v, _l)
        env.filters["tid"] = lambda v, _l=lang: i18n.format_time(v, _l)
        env.filters["ugedag"] = lambda v, _l=lang: i18n.format_weekday(v, _l)
        env.filters["langdato"] = lambda v, _l=lang: i18n.format_long_day(v, _l)
        env.filters["label"] = label_of  # the msgid: translated where shown, `_(v|label(Name))`
        env.globals.update(label_enums or {})
        env.globals.update(centre=centre, lang=lang, languages=i18n.LANGUAGES, static_version=version,
                           settings=settings, staff_menu=staff_menu)
        envs[lang] = env
    return envs


def language(request: Request) -> str:
    return i18n.pick_language(request.cookies.get(i18n.LANG_COOKIE))


def translate(request: Request, message: str, **kwargs) -> str:
    text = i18n.translations(language(request)).gettext(message)
    return text % kwargs if kwargs else text


def csrf_token(request: Request) -> str:
    signer = request.app.state.signer
    return signer.csrf_token(request.scope["state"]["csrf_binding"])


def is_htmx(request: Request) -> bool:
    """htmx asked (it sends HX-Request); the same URL without JavaScript gets the whole page."""
    return request.headers.get("HX-Request") == "true"


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200,
    block: str | None = None, headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render a page; for an htmx request naming a block, only that block."""
    env = request.app.state.templates[language(request)]
    ctx = {
        "request": request,
        "csrf_token": csrf_token(request),
        "path": request.scope["path"],
        "flash": request.scope["state"].get("flash"),
        **(context or {}),
    }
    if block and is_htmx(request):
        html = render_block(env, template, block, **ctx)
    else:
        html = env.get_template(template).render(**ctx)
    response = HTMLResponse(html, status_code=status, headers=headers)
    response.headers["Vary"] = "HX-Request, Cookie"
    return response


def see_other(url: str, *, flash: str | None = None) -> RedirectResponse:
    """POST-redirect-GET. A flash is a message key shown once on the next page."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        response.set_cookie(FLASH_COOKIE, flash, max_age=60, httponly=True, samesite="lax", path="/")
    return response


def safe_next(url: str | None, default: str = "/") -> str:
    """Only same-site relative paths: never an open redirect."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return default
    return url
