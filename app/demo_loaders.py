"""Imports each domain's demo loader so it registers in app.demo.DEMO_LOADERS."""

import app.requests.demo  # noqa: E402,F401
import app.decisions.demo  # noqa: F401,E402
import app.plans.demo  # noqa: F401,E402
import app.booking.demo  # noqa: F401,E402
