"""Translate constant template strings once, when a template is compiled, instead of on every render.

Each language has its own Jinja environment (app.core.web.build_environments), so `_("Min side")` has
one answer per environment. Called at render time, every `_()` goes through Jinja's context.call and
the i18n extension's wrapper: about 10 µs each, and a page has 20–60 of them, which made gettext half
the cost of rendering a page. Here such a call is compiled to the translated text itself, with the
same result as the i18n extension's "newstyle" gettext: the translation is trusted markup, the keyword
values are escaped into it (Markup's %), and the text is always %-formatted, even without values.

Only calls whose meaning is fixed at compile time are rewritten: `_` or `gettext` as the environment's
global (not a template variable), one constant string, plain keyword arguments, and a known autoescape
setting. Anything else compiles as before. Extraction (babel, app.core.i18n_tools) reads the template
sources and is unaffected.
"""

from __future__ import annotations

import gettext as _gettext

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.idtracking import VAR_LOAD_RESOLVE

GETTEXT_NAMES = ("_", "gettext")


class CompileTimeGettext(CodeGenerator):
    """Used by an environment with `compile_time_translations` set to a gettext translations object."""

    def visit_Call(self, node: nodes.Call, frame: Frame, forward_caller: bool = False) -> None:
        text = self._constant_translation(node, frame)
        if text is None:
            super().visit_Call(node, frame, forward_caller=forward_caller)
            return
        wrap = "Markup" if frame.eval_ctx.autoescape else "str"
        if not node.kwargs:
            self.write(f"{wrap}({text % {}!r})")  # checked by _constant_translation
            return
        self.write(f"({wrap}({text!r}) % {{")
        for keyword in node.kwargs:
            self.write(f"{keyword.key!r}: ")
            self.visit(keyword.value, frame)
            self.write(", ")
        self.write("})")

    def _constant_translation(self, node: nodes.Call, frame: Frame) -> str | None:
        translations: _gettext.NullTranslations | None = getattr(self.environment, "compile_time_translations",
                                                                 None)
        callee = node.node
        if (
            translations is None
            or not isinstance(callee, nodes.Name) or callee.name not in GETTEXT_NAMES or callee.ctx != "load"
            or len(node.args) != 1 or not isinstance(node.args[0], nodes.Const)
            or not isinstance(node.args[0].value, str)
            or node.dyn_args is not None or node.dyn_kwargs is not None
            or frame.eval_ctx.volatile
        ):
            return None
        # A name the template itself binds ({% set _ = ... %}, a macro argument) is not our gettext.
        ref = frame.symbols.find_ref(callee.name)
        load = frame.symbols.find_load(ref) if ref is not None else None
        if load is None or load[0] != VAR_LOAD_RESOLVE or load[1] != callee.name:
            return None
        text = translations.gettext(node.args[0].value)
        if not node.kwargs:
            try:
                text % {}
            except (TypeError, ValueError, KeyError):
                return None  # a stray % fails at render time, as it would without this class
        return text
