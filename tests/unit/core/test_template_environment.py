"""The app's Jinja environments: templates share the environment's globals (no per-render merge)."""

from __future__ import annotations

import pytest


def test_templates_see_the_environments_globals_even_those_added_after_loading(app):
    env = app.state.templates["da"]
    template = env.from_string("{{ lang }}/{{ added_later|default('none') }}")
    assert template.render() == "da/none"
    env.globals["added_later"] = "yes"
    try:
        assert template.render() == "da/yes"
    finally:
        del env.globals["added_later"]


def test_loading_a_template_with_globals_is_refused_so_they_cannot_leak_into_every_page(app):
    env = app.state.templates["da"]
    with pytest.raises(TypeError):
        env.get_template("public/cases/min_side.html", globals={"lang": "leak"})
    with pytest.raises(TypeError):
        env.select_template(["public/cases/min_side.html"], globals={"lang": "leak"})
    assert env.globals["lang"] == "da"


def test_template_globals_of_its_own_still_overlay_the_environments(app):
    env = app.state.templates["da"]
    template = env.from_string("{{ lang }}", globals={"lang": "own"})
    assert template.render() == "own" and env.globals["lang"] == "da"
