"""Which staff pages a role may open, read from the routes' own role checks (`require_roles`).

Templates ask `staff_may(user, "/personale/sager/{case_id}")` before they show a link, so a menu or
a link is never offered to a role the route itself would answer 403; there is no second list of
who may see what to keep in step.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from fastapi.routing import APIRoute


def dependency_calls(dependant) -> Iterator:
    for dep in dependant.dependencies:
        yield dep.call
        yield from dependency_calls(dep)


def allowed_roles(route: APIRoute) -> set[str] | None:
    """The roles a route lets in (every role check along its dependencies must pass); None if it
    has no role check (pages open to every signed-in member of staff, or no staff page at all)."""
    sets = [getattr(call, "allowed_roles", None) for call in dependency_calls(route.dependant)]
    sets = [set(s) for s in sets if s is not None]
    return set.intersection(*sets) if sets else None


class StaffAccess:
    def __init__(self, routes: Iterable):
        self._roles: dict[str, frozenset[str] | None] = {}
        for route in routes:
            if isinstance(route, APIRoute) and "GET" in route.methods and route.path.startswith("/personale"):
                roles = allowed_roles(route)
                self._roles[route.path] = None if roles is None else frozenset(roles)

    def __call__(self, user, route_path: str) -> bool:
        """May `user` open the GET page declared at `route_path` (the route's own path, with its
        {parameters})? An unknown path is a mistake in a template, not a "no"."""
        roles = self._roles[route_path]
        return user is not None and (roles is None or user.role in roles)
