"""Retention: what is deleted when (`python -m app purge`)."""

from app.core.domain import Domain, Named
from app.retention import cli, closed_cases, service

DOMAIN = Domain(
    "retention",
    purge_rules=(
        Named("web_sessions", service.purge_ended_sessions),
        Named("throttle", service.purge_stale_throttle_rows),
        Named("anonymous_unvisited_cases", service.purge_unvisited_anonymous_cases),
        Named("closed_cases_past_retention", closed_cases.purge_expired_closed_cases),
    ),
    commands=(cli.add_purge_command,),
)
