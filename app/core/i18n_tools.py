"""Keep the English catalogue in step with the Danish source strings.

    python -m app.core.i18n_tools check    # list untranslated / missing strings (exit 1 if any)
    python -m app.core.i18n_tools update   # add new msgids to the .po files (empty msgstr), drop obsolete
    python -m app.core.i18n_tools fill en FILE.json   # set translations from {"dansk": "English"}
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from app.core.i18n import LANGUAGES, DEFAULT_LANGUAGE, TRANSLATIONS_DIR

ROOT = Path(__file__).resolve().parent.parent.parent
METHOD_MAP = [("app/**.py", "python"), ("app/templates/**.html", "jinja2"), ("app/templates/**.txt", "jinja2")]
_JINJA = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
OPTIONS = {"app/templates/**.html": _JINJA, "app/templates/**.txt": _JINJA}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "translate": (2,)}


def extract() -> Catalog:
    catalog = Catalog(project="rusmiddelportalen", locale=DEFAULT_LANGUAGE)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), METHOD_MAP, OPTIONS, KEYWORDS, strip_comment_tags=True,
    ):
        if message:
            catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(lang: str) -> Path:
    return TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po"


def load(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang)
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


def problems(lang: str) -> list[str]:
    source = extract()
    target = load(lang)
    issues = []
    for message in source:
        if not message.id:
            continue
        found = target.get(message.id)
        if found is None:
            issues.append(f"missing: {message.id!r}")
        elif not found.string or (isinstance(found.string, tuple) and not all(found.string)):
            issues.append(f"untranslated: {message.id!r}")
        elif found.fuzzy:
            issues.append(f"fuzzy: {message.id!r}")
    return issues


def update() -> None:
    source = extract()
    for lang in LANGUAGES:
        if lang == DEFAULT_LANGUAGE:
            continue
        target = load(lang)
        target.update(source, no_fuzzy_matching=True)
        target.obsolete.clear()
        target.fuzzy = False
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            # No locations: they churn on every edit and make merges conflict.
            write_po(fh, target, width=100, sort_output=True, no_location=True, include_previous=False)


def fill(lang: str, translations: dict[str, str]) -> None:
    """Set msgstr for the given msgids (used when adding a batch of translations)."""
    catalog = load(lang)
    for msgid, text in translations.items():
        if msgid in catalog:
            catalog[msgid].string = text
            catalog[msgid].flags.discard("fuzzy")
    with po_path(lang).open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True, no_location=True, include_previous=False)


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
        return 0
    if argv[:1] == ["fill"]:
        import json
        fill(argv[1], json.loads(Path(argv[2]).read_text(encoding="utf-8")))
        return 0
    bad = [f"{lang}: {p}" for lang in LANGUAGES if lang != DEFAULT_LANGUAGE for p in problems(lang)]
    print("\n".join(bad) or "catalogue complete")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
