"""Imports each domain's demo loader so it registers in app.demo.DEMO_LOADERS."""

import app.booking.demo  # noqa: F401,E402
