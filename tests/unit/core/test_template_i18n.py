"""Constant template strings are translated when the template is compiled, with exactly the result the
i18n extension's newstyle gettext gives at render time."""

from __future__ import annotations

import gettext

import pytest
from jinja2 import DictLoader, Environment

from app.core import i18n
from app.core.template_i18n import RENDER_TIME_FILTER, CompileTimeGettext, enable_compile_time_translations

TEMPLATES = {
    "plain.html": '{{ _("Min side") }}',
    "values.html": '{{ _("Hej %(name)s.", name=who) }}',
    "percent.html": '{{ _("100%% sikkert") }}',
    "set.html": '{% set x = _("Log ud") %}[{{ x }}]',
    "macro.html": '{% macro m() %}{{ _("Log ud") }}{% endmacro %}{{ m() }}',
    "shadowed.html": '{% set _ = upper %}{{ _("Min side") }}',
    "macro_arg.html": '{% macro m(_) %}{{ _("Min side") }}{% endmacro %}{{ m(upper) }}',
    "loop_var.html": '{% for _ in [upper] %}{{ _("Min side") }}{% endfor %}',
    "autoescape_off.html": '{% autoescape false %}{{ _("Hej %(name)s.", name=who) }}{% endautoescape %}',
    "dynamic.html": '{{ _(message) }}',
    "dynamic_markup.html": '{{ _(labels[key]) }} {{ _(missing) }}',
    "dynamic_not_text.html": '[{{ _(nothing) }}][{{ _(number) }}][{{ _(labels["no such key"]) }}]',
    "dynamic_in_expression.html": '{{ (_(message) ~ "!")|upper }}',
    "dynamic_values.html": '{{ _(greeting, name=who) }}',
    "dynamic_text.txt": '{{ _(missing) }}',
    "text.txt": '{{ _("Hej %(name)s.", name=who) }}',
}


class Catalogue(gettext.NullTranslations):
    def gettext(self, message):
        return {"Min side": "My page", "Hej %(name)s.": "Hi <b>%(name)s</b>.", "Log ud": "Sign out"}.get(
            message, message)


def environment(compile_time: bool) -> Environment:
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=lambda name: name.endswith(".html"),
                      extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(Catalogue(), newstyle=True)
    if compile_time:
        enable_compile_time_translations(env, Catalogue())
    return env


CONTEXT = {"who": "<script>", "message": "Min side", "upper": str.upper, "greeting": "Hej %(name)s.",
           "labels": {"a": "Log ud"}, "key": "a", "missing": "Ikke oversat & <ukendt>",
           "nothing": None, "number": 3}


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_compiled_translation_renders_exactly_as_runtime_gettext(name):
    at_runtime = environment(False).get_template(name).render(**CONTEXT)
    at_compile_time = environment(True).get_template(name).render(**CONTEXT)
    assert at_compile_time == at_runtime


def test_values_are_escaped_into_the_trusted_translation():
    html = environment(True).get_template("values.html").render(who="<script>")
    assert html == "Hi <b>&lt;script&gt;</b>."


def test_calls_of_one_string_no_longer_call_the_template_gettext_when_rendering():
    env = environment(True)
    calls = []
    env.globals["_"] = lambda *a, **k: calls.append(a) or "called"
    assert env.get_template("plain.html").render() == "My page"
    assert env.get_template("values.html").render(who="Ole") == "Hi <b>Ole</b>."
    assert env.get_template("dynamic.html").render(message="Min side") == "My page"  # the filter translated it
    assert env.get_template("dynamic_values.html").render(greeting="x", who="Ole") == "called"  # values: a call
    assert env.get_template("shadowed.html").render(upper=str.upper) == "MIN SIDE"  # the template's own _
    assert calls == [("x",)]


def test_the_apps_english_environment_translates_at_compile_time(app):
    env = app.state.templates["en"]
    assert env.code_generator_class is CompileTimeGettext and RENDER_TIME_FILTER in env.filters
    translated = i18n.translations("en").gettext("Min side")
    assert translated != "Min side"
    source = env.loader.get_source(env, "public/cases/min_side.html")[0]
    code = env.compile(source, "public/cases/min_side.html", raw=True)
    assert f"<h1>{translated}</h1>" in code  # folded into the template's own text


def test_every_template_compiles_in_every_language(app):
    """Templates compile on first use; a template the rewrite could not compile would be a 500 on a rare page."""
    for lang, env in app.state.templates.items():
        names = env.list_templates(extensions=["html", "txt"])
        assert len(names) > 50
        for name in names:
            env.get_template(name)
