"""What the notify service needs from the app: the channel settings and the centre's sender name.

create_app() and the jobs runner call configure(); services then call enqueue() without having to
thread settings through every domain's service signature. It is configuration, identical in every
worker, not state.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.config import Centre, NotifySettings, Settings, get_settings, load_centre


@dataclass(frozen=True)
class NotifyConfig:
    settings: NotifySettings
    centre: Centre

    @property
    def sender_name(self) -> str:
        return self.centre.notification_sender_name

    @property
    def login_url(self) -> str:
        """Where citizens sign in with their code ("" when no public address is configured)."""
        base = self.settings.portal_url.rstrip("/")
        return f"{base}/status" if base else ""

    @property
    def staff_url(self) -> str:
        base = self.settings.portal_url.rstrip("/")
        return f"{base}/personale" if base else ""

    @property
    def sms_sender(self) -> str:
        # Alphanumeric senders are at most 11 characters and letters/digits only on most gateways.
        raw = self.settings.sms_sender or self.sender_name
        return "".join(ch for ch in raw if ch.isalnum())[:11]


_current: NotifyConfig | None = None


def configure(settings: Settings, centre: Centre) -> NotifyConfig:
    global _current
    _current = NotifyConfig(settings.notify, centre)
    return _current


def current() -> NotifyConfig:
    if _current is None:
        settings = get_settings()
        return configure(settings, load_centre(settings.centre_file))
    return _current
