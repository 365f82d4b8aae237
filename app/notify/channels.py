"""Senders for the outside channels: e-mail over SMTP (stdlib smtplib), SMS over an HTTP gateway and
Digital Post over SF1601 (app/notify/digital_post.py).

A sender raises SendError with a reason that carries no personal data (an exception class name,
an SMTP reply code, an HTTP status) and says whether trying again could help.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr

import httpx

from app.notify.config import NotifyConfig
from app.notify.models import Channel, OutboxMessage


class SendError(Exception):
    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason[:200]
        self.permanent = permanent


@dataclass
class SmtpSender:
    host: str
    port: int
    starttls: bool
    user: str
    password: str
    from_address: str
    sender_name: str
    timeout: float

    def build(self, row: OutboxMessage) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = formataddr((self.sender_name, self.from_address))
        msg["To"] = row.recipient
        msg["Subject"] = row.subject
        # A stable id per outbox row lets a mail server or client drop a duplicate should a crash
        # between sending and recording ever make the runner send the same row again.
        domain = self.from_address.partition("@")[2] or "localhost"
        msg["Message-ID"] = f"<outbox-{row.id}.{int(row.created_at.timestamp())}@{domain}>"
        msg["Auto-Submitted"] = "auto-generated"
        msg.set_content(row.body)
        if row.attachment:
            msg.add_attachment(row.attachment, maintype="text", subtype="calendar",
                               filename=row.attachment_name or "aftale.ics", params={"method": "PUBLISH"})
        return msg

    def send(self, row: OutboxMessage) -> None:
        msg = self.build(row)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = sorted({code for code, _ in exc.recipients.values()})
            raise SendError(f"SMTP recipient refused {codes}", permanent=all(c >= 500 for c in codes)) from None
        except smtplib.SMTPResponseException as exc:
            raise SendError(f"SMTP {exc.smtp_code}", permanent=500 <= exc.smtp_code < 600
                            and exc.smtp_code not in {421, 451, 452}) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError(type(exc).__name__) from None


def msisdn(phone: str) -> str:
    """Danish numbers as the gateways want them: country code, digits only (45 + 8 digits)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone.strip().startswith("00"):
        digits = digits[2:]
    if len(digits) == 8:
        digits = "45" + digits
    return digits


@dataclass
class SmsGatewaySender:
    """POST JSON the way common Danish gateways take it (e.g. GatewayAPI):
    {"sender": "...", "recipients": [{"msisdn": 4512345678}], "message": "..."} with a bearer token."""

    url: str
    token: str
    sender: str
    timeout: float

    def payload(self, row: OutboxMessage) -> dict:
        number = msisdn(row.recipient)
        return {"sender": self.sender, "recipients": [{"msisdn": int(number) if number else 0}],
                "message": row.body}

    def send(self, row: OutboxMessage) -> None:
        if not msisdn(row.recipient):
            raise SendError("no usable phone number", permanent=True)
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = httpx.post(self.url, json=self.payload(row), headers=headers, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise SendError(type(exc).__name__) from None
        if response.status_code >= 300:
            # 4xx other than throttling means the request itself is wrong: retrying will not help.
            permanent = 400 <= response.status_code < 500 and response.status_code not in {408, 429}
            raise SendError(f"HTTP {response.status_code}", permanent=permanent)


class PortalSender:
    """The in-portal notice: shown on Min side, nothing to send."""

    def send(self, row: OutboxMessage) -> None:
        return None


def build_senders(config: NotifyConfig) -> dict[str, object]:
    s = config.settings
    senders: dict[str, object] = {Channel.portal.value: PortalSender()}
    if s.email_on:
        senders[Channel.email.value] = SmtpSender(s.smtp_host, s.smtp_port, s.smtp_starttls, s.smtp_user,
                                                  s.smtp_password, s.smtp_from, config.sender_name,
                                                  s.timeout_seconds)
    if s.sms_on:
        senders[Channel.sms.value] = SmsGatewaySender(s.sms_gateway_url, s.sms_gateway_token, config.sms_sender,
                                                      s.timeout_seconds)
    if s.digital_post_on:
        from app.notify.digital_post import DigitalPostSender  # it imports SendError from here
        senders[Channel.digital_post.value] = DigitalPostSender(
            s.digital_post_url, s.digital_post_cert, s.digital_post_key, s.digital_post_token,
            s.digital_post_timeout_seconds)
    return senders
