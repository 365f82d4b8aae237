"""Imports each domain's demo loader so it registers in app.demo.DEMO_LOADERS."""
