"""The app's Jinja environments: templates share the environment's globals (no per-render merge)."""

from __future__ import annotations


def test_templates_see_the_environments_globals_even_those_added_after_loading(app):
    env = app.state.templates["da"]
    template = env.from_string("{{ lang }}/{{ added_later|default('none') }}")
    assert template.render() == "da/none"
    env.globals["added_later"] = "yes"
    try:
        assert template.render() == "da/yes"
    finally:
        del env.globals["added_later"]


def test_template_globals_of_its_own_still_overlay_the_environments(app):
    env = app.state.templates["da"]
    template = env.from_string("{{ lang }}", globals={"lang": "own"})
    assert template.render() == "own" and env.globals["lang"] == "da"
