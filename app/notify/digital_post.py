"""The Digital Post channel's transport: an HTTP client shaped like KOMBIT's SF1601 on the service
platform (serviceplatformen), with the municipality's certificate (client TLS) and token.

Two calls, both under DIGITAL_POST_URL (the platform's ".../service/" base):
- `GET PostForespoerg_1/digitalpost?cprNumber=…` → `{"result": true|false}`: can this citizen receive
  Digital Post (registered, not exempted)? Asked before every letter; a citizen can unsubscribe.
- `POST KombiPostAfsend_1/memos` with the MeMo in a `kombi_request` (app/notify/memo.py), headers
  `X-TransaktionsId` and `X-TransaktionsTid`, the token as the Authorization header.

Exactly once: the transaction id we send is the MeMo's own messageUUID, fixed when the letter was
queued, so a retry after a timeout (the letter may have arrived; we never heard) carries the same id
and the same messageUUID. Digital Post refuses a messageUUID it already has; that answer (409) means
the letter is there, and counts as delivered.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from datetime import datetime, timezone

import httpx

from app.notify.channels import SendError
from app.notify.memo import cpr_digits, kombi_request, message_uuid_of
from app.notify.models import OutboxMessage

# last_error of a letter the citizen cannot receive: the staff pages read it to say "send by post".
NOT_REGISTERED = "recipient cannot receive Digital Post"
ALREADY_THERE = 409


@dataclass
class DigitalPostSender:
    url: str
    cert: str
    key: str
    token: str
    timeout: float

    def _client(self) -> httpx.Client:
        verify: ssl.SSLContext | bool = True
        if self.cert:
            verify = ssl.create_default_context()
            verify.load_cert_chain(self.cert, self.key or None)
        return httpx.Client(base_url=self.url.rstrip("/") + "/", verify=verify, timeout=self.timeout)

    def _headers(self, transaction_id: str) -> dict[str, str]:
        # Wall-clock time: the platform's own log stamp for the call, not a fact about the letter.
        headers = {"X-TransaktionsId": transaction_id,
                   "X-TransaktionsTid": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
        if self.token:
            headers["Authorization"] = self.token
        return headers

    def can_receive(self, client: httpx.Client, cpr: str, transaction_id: str) -> bool:
        response = client.get("PostForespoerg_1/digitalpost", params={"cprNumber": cpr_digits(cpr)},
                              headers=self._headers(transaction_id))
        if response.status_code >= 300:
            raise SendError(f"lookup HTTP {response.status_code}")
        try:
            return response.json().get("result") is True
        except ValueError:
            raise SendError("lookup answer not JSON") from None

    def send(self, row: OutboxMessage) -> None:
        if not row.recipient or not row.attachment:
            raise SendError("no verified CPR or no letter", permanent=True)
        memo = row.attachment
        message_uuid = message_uuid_of(memo)
        try:
            with self._client() as client:
                if not self.can_receive(client, row.recipient, message_uuid):
                    raise SendError(NOT_REGISTERED, permanent=True)
                response = client.post("KombiPostAfsend_1/memos", content=kombi_request(memo), headers={
                    **self._headers(message_uuid), "Content-Type": "application/xml"})
        except httpx.HTTPError as exc:
            raise SendError(type(exc).__name__) from None
        except (OSError, ssl.SSLError) as exc:  # a certificate file that cannot be read
            raise SendError(type(exc).__name__) from None
        if response.status_code == ALREADY_THERE:
            return
        if response.status_code >= 300:
            permanent = 400 <= response.status_code < 500 and response.status_code not in {408, 429}
            raise SendError(f"HTTP {response.status_code}", permanent=permanent)
