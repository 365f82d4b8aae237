"""Every table and index of every domain, as the house declares them (Alembic's target metadata)."""

from app.house import house

metadata = house().metadata
