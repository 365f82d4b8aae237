"""Imports the modules that register retention rules and holds (add yours here)."""

import app.retention.service  # noqa: F401
import app.retention.closed_cases  # noqa: F401
