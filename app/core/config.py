"""Settings, read once from the environment and passed explicitly to create_app()."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

APP_DIR = Path(__file__).resolve().parent.parent
DEFAULT_CENTRE_FILE = APP_DIR / "centre" / "haderslev.toml"
MIN_SECRET_LENGTH = 32
DEV_SECRET = "dev-secret-not-for-production"


@dataclass(frozen=True)
class NotifySettings:
    """Outside-the-portal channels (app/notify). Empty host/URL = that channel is off."""

    smtp_host: str = ""
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""  # the address only; the display name is centre.notification_sender_name
    sms_gateway_url: str = ""
    sms_gateway_token: str = ""
    sms_sender: str = ""  # alphanumeric sender, max 11 characters; empty = derived from the sender name
    # The address citizens are told to sign in at. It appears in outgoing text, so it must be
    # neutral too (checked like the templates; the staff page warns when it is not).
    portal_url: str = ""
    timeout_seconds: float = 15.0
    max_attempts: int = 6
    backoff_seconds: float = 60.0  # 1 min, 2, 4, 8 ... capped at backoff_max_seconds
    backoff_max_seconds: float = 6 * 3600.0
    claim_timeout_seconds: float = 600.0  # a "sending" row older than this is a crashed runner's
    batch_size: int = 50
    digest_hour: int = 7  # the daily staff digest is queued from this local hour
    # Digital Post through KOMBIT's SF1601 (app/notify/digital_post.py). The URL is the service
    # platform's base ("…/service/"); empty = the channel is off. Certificate and key: the
    # municipality's OCES system certificate (PEM files) for client TLS; the token: the whole
    # Authorization value the STS issued. The sender is the municipality by its CVR number.
    digital_post_url: str = ""
    digital_post_cert: str = ""
    digital_post_key: str = ""
    digital_post_token: str = ""
    digital_post_sender_cvr: str = ""
    digital_post_timeout_seconds: float = 30.0  # a MeMo with two PDFs is larger than an SMS

    @property
    def digital_post_on(self) -> bool:
        # Without the sender's CVR no MeMo can be built: the channel stays off rather than fail every letter.
        return bool(self.digital_post_url and self.digital_post_sender_cvr)

    @property
    def email_on(self) -> bool:
        return bool(self.smtp_host and self.smtp_from)

    @property
    def sms_on(self) -> bool:
        return bool(self.sms_gateway_url)


@dataclass(frozen=True)
class MitidSettings:
    """MitID through NemLog-in (app/identity). Off unless every path and the base URL are set."""

    base_url: str = ""  # the portal's public address, e.g. https://rusmiddel.haderslev.dk
    entity_id: str = ""  # empty: <base_url>/mitid/metadata (NemLog-in wants a stable one)
    sign_key: str = ""  # PEM paths: the OCES/VOCES certificate that signs our requests
    sign_cert: str = ""
    encryption_key: str = ""  # NemLog-in encrypts assertions to this one
    encryption_cert: str = ""
    idp_metadata: str = ""  # path to NemLog-in's metadata (integration test or production)
    # NSIS levels of assurance we accept; Low is never enough for health and social data.
    accepted_loa: tuple[str, ...] = ("https://data.gov.dk/concept/core/nsis/loa/Substantial",
                                     "https://data.gov.dk/concept/core/nsis/loa/High")
    xmlsec1: str = ""  # empty: found on PATH
    clock_skew_seconds: int = 60

    @property
    def enabled(self) -> bool:
        return all((self.base_url, self.sign_key, self.sign_cert, self.encryption_key, self.encryption_cert,
                    self.idp_metadata))

    def missing(self) -> list[str]:
        """The settings still unset when some are: half a MitID set-up is a mistake, not "off"."""
        given = {"MITID_BASE_URL": self.base_url, "MITID_SP_SIGN_KEY": self.sign_key,
                 "MITID_SP_SIGN_CERT": self.sign_cert, "MITID_SP_ENCRYPTION_KEY": self.encryption_key,
                 "MITID_SP_ENCRYPTION_CERT": self.encryption_cert, "MITID_IDP_METADATA": self.idp_metadata}
        return [name for name, value in given.items() if not value] if any(given.values()) else []

    @property
    def sp_entity_id(self) -> str:
        return self.entity_id or f"{self.base_url.rstrip('/')}/mitid/metadata"


@dataclass(frozen=True)
class StaffOidcSettings:
    """Staff sign-in at the municipality's own identity provider (OpenID Connect, app/staff/oidc.py).
    Off while the issuer or the client id is empty: then only the password and TOTP sign-in exist."""

    issuer: str = ""  # discovery at <issuer>/.well-known/openid-configuration
    client_id: str = ""
    client_secret: str = ""  # empty: a public client (PKCE only, token_endpoint_auth_method none)
    role_claim: str = "groups"
    # (value of the role claim, portal role) pairs, from "rp-admin=admin,rp-counsellor=counsellor"
    role_map: tuple[tuple[str, str], ...] = ()
    label: str = ""  # the button says "Log ind med <label>"
    # acr values that count as the second factor at the provider (besides "mfa" in amr)
    mfa_acr: tuple[str, ...] = ()
    timeout_seconds: float = 10.0

    @property
    def enabled(self) -> bool:
        return bool(self.issuer and self.client_id)


@dataclass(frozen=True)
class Settings:
    environment: str = "development"  # development | test | production
    secret_key: str = DEV_SECRET
    database_url: str = "sqlite:///var/rusmiddelportalen.db"
    # PostgreSQL in production: the portal runs as a role that owns no table (row-level security binds
    # it, app.core.tenancy); migrations and `tenants add` run as the owner. Empty: DATABASE_URL for both.
    migration_database_url: str = ""
    centre_file: Path = DEFAULT_CENTRE_FILE
    max_body_bytes: int = 256 * 1024
    staff_idle_minutes: int = 30
    citizen_idle_minutes: int = 20
    session_max_hours: int = 12
    # After `free` verified failures a key is paced (app/core/throttle.py): a password's or a TOTP
    # member's key books turns base * 2**(n - free - 1) seconds apart, capped at max; a personal
    # code's selector one turn every `code_interval`. A turn further ahead than `queue` is refused.
    throttle_free_attempts: int = 5
    throttle_base_seconds: float = 1.0
    throttle_max_seconds: float = 60.0
    throttle_code_interval_seconds: float = 0.25
    # Below a reverse proxy's read timeout (nginx: 60 s), so a queued owner gets an answer, not a 504.
    throttle_queue_seconds: float = 45.0
    # Answers to a paced address (and refusals) come after this pause, jittered: one guess per pause
    # per connection, however fast the client sends. Waiting costs the server nothing.
    throttle_pause_seconds: float = 1.0
    # New cases one connection may open per hour: treatment requests and bookings without a code.
    new_cases_per_connection_hour: int = 5
    # Bounds the number of argon2 verifications running at once in one process, so a flood of
    # guesses queues up instead of starving ordinary pages of CPU.
    argon2_concurrency: int = 2
    # Requests holding a database session at once in one process. Waiting happens in the event
    # loop, before a pooled connection or a worker thread is taken, so a burst of requests queues
    # instead of filling the thread pool with threads that wait for connections (a deadlock).
    db_concurrency: int = 10
    # Staff must pass TOTP after the password. Only a demo may turn it off (REQUIRE_STAFF_2FA=false);
    # production refuses to start without it.
    require_staff_2fa: bool = True
    show_staff_first_name_in_log: bool = True
    log_level: str = "INFO"
    # The reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For and
    # X-Forwarded-Proto are believed. Empty: none, and the connecting address is the client's. Set it
    # behind a proxy, or every citizen shares the proxy's address and so its throttle key.
    trusted_proxies: str = ""
    notify: NotifySettings = field(default_factory=NotifySettings)
    mitid: MitidSettings = field(default_factory=MitidSettings)

    staff_oidc: StaffOidcSettings = field(default_factory=StaffOidcSettings)
    extra: dict = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def secure_cookies(self) -> bool:
        return self.environment == "production"

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    def check(self) -> None:
        if self.environment == "production" and self.secret_key == DEV_SECRET:
            raise RuntimeError("SECRET_KEY skal sættes i produktion (refusing default secret).")
        if self.environment == "production" and len(self.secret_key) < MIN_SECRET_LENGTH:
            # It signs every session and CSRF token: a short one can be guessed offline.
            raise RuntimeError(f"SECRET_KEY skal have mindst {MIN_SECRET_LENGTH} tegn i produktion "
                               "(fx python -c 'import secrets; print(secrets.token_urlsafe(48))').")
        if self.mitid.missing():
            raise RuntimeError("MitID er kun delvist sat op; mangler: " + ", ".join(self.mitid.missing()))
        if any(loa.rstrip("/").endswith("/Low") for loa in self.mitid.accepted_loa):
            raise RuntimeError("MitID-sikringsniveau Low giver ikke adgang til helbreds- og sociale data (MITID_ACCEPTED_LOA).")
        if self.environment == "production" and not self.require_staff_2fa:
            raise RuntimeError("To-trins-login kan ikke slås fra i produktion (REQUIRE_STAFF_2FA).")
        if self.environment == "production" and self.notify.digital_post_url and not self.notify.digital_post_on:
            # Half-configured, the channel would stay off without a word and every letter wait for post.
            raise RuntimeError("DIGITAL_POST_URL er sat, men DIGITAL_POST_SENDER_CVR mangler: Digital Post kan ikke "
                               "sende uden kommunens CVR-nummer.")

        if self.environment == "production" and self.staff_oidc.enabled \
                and not self.staff_oidc.issuer.startswith("https://"):
            raise RuntimeError("STAFF_OIDC_ISSUER skal være en https-adresse i produktion.")
        if self.staff_oidc.enabled and not self.staff_oidc.role_map:
            raise RuntimeError("STAFF_OIDC_ROLE_MAP skal sættes, når STAFF_OIDC_ISSUER er sat "
                               "(fx rp-admin=admin,rp-counsellor=counsellor).")


def _bool(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def _psycopg(url: str) -> str:
    """Accept plain postgres URLs and use psycopg 3."""
    for plain in ("postgres://", "postgresql://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


def settings_from_env(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    base = Settings()
    url = _psycopg(env.get("DATABASE_URL", base.database_url))
    return replace(
        base,
        environment=env.get("APP_ENV", base.environment),
        secret_key=env.get("SECRET_KEY", base.secret_key),
        database_url=url,
        migration_database_url=_psycopg(env.get("MIGRATION_DATABASE_URL", "")),
        centre_file=Path(env.get("CENTRE_FILE", str(base.centre_file))),
        require_staff_2fa=_bool(env.get("REQUIRE_STAFF_2FA"), base.require_staff_2fa),
        log_level=env.get("LOG_LEVEL", base.log_level),
        trusted_proxies=env.get("TRUSTED_PROXIES", base.trusted_proxies).strip(),
        throttle_free_attempts=int(env.get("THROTTLE_FREE_ATTEMPTS", base.throttle_free_attempts)),
        throttle_base_seconds=float(env.get("THROTTLE_BASE_SECONDS", base.throttle_base_seconds)),
        throttle_max_seconds=float(env.get("THROTTLE_MAX_SECONDS", base.throttle_max_seconds)),
        throttle_pause_seconds=float(env.get("THROTTLE_PAUSE_SECONDS", base.throttle_pause_seconds)),
        throttle_code_interval_seconds=float(env.get("THROTTLE_CODE_INTERVAL_SECONDS",
                                                     base.throttle_code_interval_seconds)),
        throttle_queue_seconds=float(env.get("THROTTLE_QUEUE_SECONDS", base.throttle_queue_seconds)),
        new_cases_per_connection_hour=int(env.get("NEW_CASES_PER_CONNECTION_HOUR", base.new_cases_per_connection_hour)),
        db_concurrency=int(env.get("DB_CONCURRENCY", base.db_concurrency)),
        notify=notify_settings_from_env(env),
        mitid=mitid_settings_from_env(env),
        staff_oidc=staff_oidc_settings_from_env(env),
    )


def _csv(text: str) -> tuple[str, ...]:
    """A comma-separated setting as its non-empty, trimmed values."""
    return tuple(v.strip() for v in text.split(",") if v.strip())


def mitid_settings_from_env(env: dict[str, str]) -> MitidSettings:
    base = MitidSettings()
    return replace(
        base,
        base_url=env.get("MITID_BASE_URL", base.base_url),
        entity_id=env.get("MITID_SP_ENTITY_ID", base.entity_id),
        sign_key=env.get("MITID_SP_SIGN_KEY", base.sign_key),
        sign_cert=env.get("MITID_SP_SIGN_CERT", base.sign_cert),
        encryption_key=env.get("MITID_SP_ENCRYPTION_KEY", base.encryption_key),
        encryption_cert=env.get("MITID_SP_ENCRYPTION_CERT", base.encryption_cert),
        idp_metadata=env.get("MITID_IDP_METADATA", base.idp_metadata),
        accepted_loa=_csv(env.get("MITID_ACCEPTED_LOA", "")) or base.accepted_loa,
        xmlsec1=env.get("XMLSEC1_PATH", base.xmlsec1),
    )


def _role_map(text: str) -> tuple[tuple[str, str], ...]:
    """"rp-admin=admin, rp-counsellor=counsellor" -> (("rp-admin", "admin"), ("rp-counsellor", "counsellor"))."""
    pairs = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        claim_value, sep, role = item.rpartition("=")
        if not sep or not claim_value.strip() or not role.strip():
            raise RuntimeError(f"STAFF_OIDC_ROLE_MAP: '{item}' er ikke på formen gruppe=rolle.")
        pairs.append((claim_value.strip(), role.strip()))
    return tuple(pairs)


def staff_oidc_settings_from_env(env: dict[str, str]) -> StaffOidcSettings:
    base = StaffOidcSettings()
    return replace(
        base,
        issuer=env.get("STAFF_OIDC_ISSUER", base.issuer).strip(),  # exactly as the tokens' iss
        client_id=env.get("STAFF_OIDC_CLIENT_ID", base.client_id).strip(),
        client_secret=env.get("STAFF_OIDC_CLIENT_SECRET", base.client_secret),
        role_claim=env.get("STAFF_OIDC_ROLE_CLAIM", "").strip() or base.role_claim,
        role_map=_role_map(env.get("STAFF_OIDC_ROLE_MAP", "")),
        label=env.get("STAFF_OIDC_LABEL", base.label).strip(),
        mfa_acr=_csv(env.get("STAFF_OIDC_MFA_ACR", "")),
    )


def notify_settings_from_env(env: dict[str, str]) -> NotifySettings:
    base = NotifySettings()
    return replace(
        base,
        smtp_host=env.get("SMTP_HOST", base.smtp_host),
        smtp_port=int(env.get("SMTP_PORT", base.smtp_port)),
        smtp_starttls=_bool(env.get("SMTP_STARTTLS"), base.smtp_starttls),
        smtp_user=env.get("SMTP_USER", base.smtp_user),
        smtp_password=env.get("SMTP_PASSWORD", base.smtp_password),
        smtp_from=env.get("SMTP_FROM", base.smtp_from),
        sms_gateway_url=env.get("SMS_GATEWAY_URL", base.sms_gateway_url),
        sms_gateway_token=env.get("SMS_GATEWAY_TOKEN", base.sms_gateway_token),
        sms_sender=env.get("SMS_SENDER", base.sms_sender),
        portal_url=env.get("NOTIFY_PORTAL_URL", base.portal_url),
        max_attempts=int(env.get("NOTIFY_MAX_ATTEMPTS", base.max_attempts)),
        backoff_seconds=float(env.get("NOTIFY_BACKOFF_SECONDS", base.backoff_seconds)),
        claim_timeout_seconds=float(env.get("NOTIFY_CLAIM_TIMEOUT_SECONDS", base.claim_timeout_seconds)),
        digest_hour=int(env.get("NOTIFY_DIGEST_HOUR", base.digest_hour)),
        digital_post_url=env.get("DIGITAL_POST_URL", base.digital_post_url).strip(),
        digital_post_cert=env.get("DIGITAL_POST_CERT", base.digital_post_cert),
        digital_post_key=env.get("DIGITAL_POST_KEY", base.digital_post_key),
        digital_post_token=env.get("DIGITAL_POST_TOKEN", base.digital_post_token),
        digital_post_sender_cvr=env.get("DIGITAL_POST_SENDER_CVR", base.digital_post_sender_cvr).strip(),
        digital_post_timeout_seconds=float(env.get("DIGITAL_POST_TIMEOUT_SECONDS", base.digital_post_timeout_seconds)),
    )


@lru_cache
def get_settings() -> Settings:
    return settings_from_env()


@dataclass(frozen=True)
class Centre:
    """Centre-specific texts and facts: data, not code (see app/centre/*.toml)."""

    name: str
    municipality: str
    address: str
    postcode_city: str
    phone: str
    email: str
    opening_hours: str
    open_counselling_text: str
    youth_services_name: str
    youth_services_url: str
    youth_services_phone: str
    gambling_help_name: str
    gambling_help_url: str
    accessibility_statement_url: str
    quick_exit_url: str
    notification_sender_name: str
    min_age: int = 18
    move_max_age: int = 29
    retention_years_doctor: int = 10
    retention_years_other: int = 5
    anonymous_unvisited_days: int = 30
    waitlist_hold_minutes: int = 120  # how long a freed place is held for the next person on a waiting list
    raw: dict = field(default_factory=dict)


def load_centre(path: Path) -> Centre:
    return centre_from_toml(Path(path).read_text(encoding="utf-8"))


def centre_from_toml(source: str) -> Centre:
    """A centre from its TOML text (a file, or a tenant's stored copy: app.tenants)."""
    data = tomllib.loads(source)
    known = {f for f in Centre.__dataclass_fields__ if f != "raw"}
    return Centre(**{k: v for k, v in data.items() if k in known}, raw=data)
