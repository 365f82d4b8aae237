"""The staff menu: the pages the domains declare (`menu_items`), each with the roles that may see it."""

from __future__ import annotations

from collections.abc import Sequence

from app.core.domain import MenuItem


class StaffMenu:
    def __init__(self, items: Sequence[MenuItem]):
        urls = [item.url for item in items]
        if len(urls) != len(set(urls)):
            raise ValueError(f"a menu page declared twice: {sorted(u for u in urls if urls.count(u) > 1)}")
        self.items = tuple(sorted(items, key=lambda i: i.order))

    def __call__(self, user) -> list[MenuItem]:
        return [i for i in self.items if user.role in i.roles]
