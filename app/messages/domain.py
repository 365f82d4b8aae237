"""Messages between a citizen and the centre (their pages are in the requests domain for now)."""

from app.core.domain import Domain
from app.messages.models import Message

DOMAIN = Domain("messages", models=(Message,))
