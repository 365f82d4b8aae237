"""The staff menu: each domain registers its pages with the roles that may see them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MenuItem:
    url: str
    label: str
    roles: frozenset[str]
    order: int = 100


_ITEMS: list[MenuItem] = []


def register_menu_item(url: str, label: str, roles, order: int = 100) -> None:
    if any(item.url == url for item in _ITEMS):
        return
    _ITEMS.append(MenuItem(url, label, frozenset(getattr(r, "value", r) for r in roles), order))


def staff_menu(user) -> list[MenuItem]:
    return sorted((i for i in _ITEMS if user.role in i.roles), key=lambda i: i.order)
