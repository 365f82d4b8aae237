"""Tenants: the municipalities one installation serves (app.core.tenancy explains the separation)."""

from app.core.domain import Domain
from app.tenants.cli import add_tenant_commands
from app.tenants.models import Tenant

DOMAIN = Domain("tenants", models=(Tenant,), commands=(add_tenant_commands,))
