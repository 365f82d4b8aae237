"""Channels are configured from the environment, and the SMTP login is used when given."""

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from app.core.config import settings_from_env
from app.notify.channels import SmtpSender
from app.notify.models import OutboxMessage
from tests.factories.ports import free_port
from tests.unit.notify.conftest import MailBox


def test_no_channel_is_on_by_default():
    notify = settings_from_env({}).notify
    assert not notify.email_on and not notify.sms_on


def test_channels_are_read_from_the_environment():
    notify = settings_from_env({
        "SMTP_HOST": "smtp.kommune.example", "SMTP_PORT": "2525", "SMTP_STARTTLS": "false", "SMTP_USER": "u",
        "SMTP_PASSWORD": "p", "SMTP_FROM": "post@kommune.example", "SMS_GATEWAY_URL": "https://sms.example/send",
        "SMS_GATEWAY_TOKEN": "t", "NOTIFY_PORTAL_URL": "https://selvbetjening.example", "NOTIFY_MAX_ATTEMPTS": "4",
    }).notify
    assert notify.email_on and notify.sms_on
    assert (notify.smtp_port, notify.smtp_starttls, notify.max_attempts) == (2525, False, 4)


def test_smtp_login_is_used_when_configured(clock):
    box, logins = MailBox(), []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.login == b"portal" and auth_data.password == b"hemmelig")

    controller = Controller(box, hostname="127.0.0.1", port=free_port(), authenticator=authenticator,
                            auth_require_tls=False)
    controller.start()
    try:
        sender = SmtpSender("127.0.0.1", controller.port, False, "portal", "hemmelig", "post@kommune.example",
                            "Haderslev Kommune", 5)
        row = OutboxMessage(id=1, kind="new_message", channel="email", dedupe_key="k", recipient="a@example.dk",
                            subject="Emne", body="Tekst", due_at=clock.now(), next_attempt_at=clock.now(),
                            created_at=clock.now())
        sender.send(row)
    finally:
        controller.stop()
    assert logins == [(b"portal", b"hemmelig")]
    assert len(box.messages) == 1
