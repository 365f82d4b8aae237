"""Translate constant template strings once, when a template is compiled, instead of on every render.

Each language has its own Jinja environment (app.core.web.build_environments), so `_("Min side")` has
one answer per environment. Called at render time, every `_()` goes through Jinja's context.call and
the i18n extension's wrapper: about 10 µs each, and a page has 20–60 of them, which made gettext half
the cost of rendering a page. Here such a call is compiled to the translated text itself, with the
same result as the i18n extension's "newstyle" gettext: the translation is trusted markup, the keyword
values are escaped into it (Markup's %), and the text is always %-formatted, even without values.

Only calls whose meaning is fixed at compile time are rewritten: `_` or `gettext` in a template that
never binds those names itself (so they are the environment's gettext), one constant string, plain
keyword arguments. A call of one string known only when rendering (`_(labels[status])`) becomes a
plain filter call with the environment's translations, the same result without Jinja's context.call
and the extension's wrapper (7–10 µs each; Min side made a dozen). Anything else compiles as before. The rewrite is on the template's syntax tree,
before code generation: a call without keyword arguments becomes a constant that Jinja's own constant
folding merges into the surrounding template text, so it costs nothing at render time. Extraction (babel, app.core.i18n_tools) reads the template
sources and is unaffected.
"""

from __future__ import annotations

import gettext as _gettext

from jinja2 import nodes, pass_eval_context
from markupsafe import Markup
from jinja2.compiler import CodeGenerator, Frame
from jinja2.visitor import NodeTransformer

GETTEXT_NAMES = ("_", "gettext")
RENDER_TIME_FILTER = "gettext_at_render"


def enable_compile_time_translations(env, translations: _gettext.NullTranslations) -> None:
    """Make `env` compile its templates with CompileTimeGettext, translating with `translations`
    (which must be the ones installed for the i18n extension)."""
    env.code_generator_class = CompileTimeGettext
    env.compile_time_translations = translations

    @pass_eval_context
    def gettext_at_render(eval_ctx, message):
        # What newstyle gettext returns: the translation made a string (None, a number, an undefined
        # label all render as before) and trusted as markup when autoescaping, then %-formatted.
        text = translations.gettext(message)
        return (Markup(text) if eval_ctx.autoescape else text) % {}

    env.filters[RENDER_TIME_FILTER] = gettext_at_render


class CompileTimeGettext(CodeGenerator):
    """Used by an environment with `compile_time_translations` set to a gettext translations object."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        translations = getattr(self.environment, "compile_time_translations", None)
        if translations is not None and not _binds_gettext_name(node):
            node = _ConstantTranslations(translations).visit(node)
        super().visit_Template(node, frame)


def _is_gettext_of_one(node: nodes.Call) -> bool:
    callee = node.node
    return (isinstance(callee, nodes.Name) and callee.name in GETTEXT_NAMES and callee.ctx == "load"
            and len(node.args) == 1 and node.dyn_args is None and node.dyn_kwargs is None)


def _binds_gettext_name(template: nodes.Template) -> bool:
    """Does the template assign `_`/`gettext` anywhere (set, for, with, macro or call arguments)?"""
    return any(name.name in GETTEXT_NAMES and name.ctx in ("store", "param") for name in template.find_all(nodes.Name))


class _ConstantTranslations(NodeTransformer):
    """`_("text", name=value)` -> the translated text as a constant, trusted as markup where autoescaping
    is on, %-formatted with the values (what newstyle gettext returns: Markup(translation) % values).
    Without values the result is a constant that Jinja folds into the template's text."""

    def __init__(self, translations: _gettext.NullTranslations):
        self.translations = translations

    def visit_Call(self, node: nodes.Call, *args, **kwargs):
        node = self.generic_visit(node, *args, **kwargs)
        if not isinstance(node, nodes.Call) or not _is_gettext_of_one(node):
            return node
        lineno = node.lineno
        message = node.args[0]
        if not (isinstance(message, nodes.Const) and isinstance(message.value, str)):
            if node.kwargs:
                return node
            return nodes.Filter(message, RENDER_TIME_FILTER, [], [], None, None, lineno=lineno)
        text = self.translations.gettext(message.value)
        if node.kwargs:
            values = nodes.Dict([nodes.Pair(nodes.Const(k.key, lineno=lineno), k.value, lineno=lineno)
                                 for k in node.kwargs], lineno=lineno)
            return nodes.Mod(nodes.MarkSafeIfAutoescape(nodes.Const(text, lineno=lineno), lineno=lineno), values,
                             lineno=lineno)
        try:
            text = text % {}
        except (TypeError, ValueError, KeyError):
            return node  # a stray % fails at render time, as it would without this class
        return nodes.MarkSafeIfAutoescape(nodes.Const(text, lineno=lineno), lineno=lineno)
