from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Shipped defaults: fine on a laptop, refused in production (see _refuse_defaults).
DEFAULT_SECRET_KEY = "dev-insecure-secret-key-change-me"  # noqa: S105
DEFAULT_DEMO_PASSWORD = "siaga-demo-2024"  # noqa: S105

_PROJECT_ROOT = Path(__file__).resolve().parents[3]
_DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{_PROJECT_ROOT / 'var' / 'siaga.db'}"
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")


def _split(value: str) -> list[str]:
    return [part.strip().rstrip("/") for part in value.split(",") if part.strip()]


def normalise_database_url(url: str) -> str:
    """Map the URL forms people type to the async drivers SQLAlchemy needs."""
    url = url.strip()
    for plain, driver in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgresql+psycopg2://", "postgresql+asyncpg://"),
        ("postgresql+psycopg://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    if url.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
        return url
    raise ValueError(
        "SIAGA_DATABASE_URL must be a postgresql:// or sqlite:/// URL "
        f"(got scheme {url.split(':', 1)[0]!r})"
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SIAGA_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Literal["development", "production", "test"] = "development"
    database_url: str = Field(
        default=_DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL; postgresql:// and sqlite:/// forms are normalised.",
    )
    storage_dir: Path = _PROJECT_ROOT / "var" / "evidence"
    secret_key: str = DEFAULT_SECRET_KEY
    demo_password: str = DEFAULT_DEMO_PASSWORD
    frontend_dist: Path = _PROJECT_ROOT / "frontend" / "dist"
    log_level: str = "INFO"
    # Sessions end after this long without a request, and in any case after max hours.
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    session_max_hours: int = Field(default=12, ge=1, le=24 * 30)
    # Failed logins allowed per account and per client address within the window.
    login_window_minutes: int = Field(default=15, ge=1)
    login_max_failures_per_account: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=30, ge=1)
    # Password checks (Argon2, ~0.1 s of CPU and 64 MiB each) run in threads, at most
    # this many at once per process (default: one per core, so that checks cannot take
    # every core from the requests being served); sign-ins beyond it get 429 at once.
    password_check_concurrency: int = Field(
        default_factory=lambda: min(16, os.cpu_count() or 2), ge=1, le=64
    )
    # Refusals (denied, rate limited, out of scope) audited per client address and
    # minute; more are counted in the next recorded one, so a flood cannot fill the table.
    audit_refusals_per_minute: int = Field(default=30, ge=1)
    # Send cookies only over HTTPS; defaults to on in production.
    cookie_secure: bool | None = None
    api_key_max_days: int = Field(default=730, ge=1)
    # Deadlines are dates; an answer is late when first submitted after the end of the
    # deadline day in this time zone.
    timezone: str = "Asia/Jakarta"
    # The installation's name on the sign-in page (GET /instance), e.g. "Siaga Kaltim".
    instance_name: str = Field(default="Siaga", min_length=1, max_length=100)
    # Evidence uploads larger than this are refused with 413 before they are read.
    max_upload_mb: int = Field(default=20, ge=1, le=1024)
    # Import files (CSV/XLSX) larger than this are refused with 413 while they arrive.
    import_max_mb: int = Field(default=50, ge=1, le=1024)
    # Echo SQL statements; only useful when debugging queries.
    sql_echo: bool = False
    # Where evidence contents live: `local` keeps them under storage_dir; `s3` puts them
    # in an S3-compatible bucket (MinIO, Ceph, AWS) so several API replicas share them.
    # Uploads are staged under storage_dir/.staging in both cases.
    storage_backend: Literal["local", "s3"] = "local"
    s3_bucket: str = ""
    # Empty for AWS itself; the server's URL (e.g. http://minio:9000) for anything else.
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    # Unset: boto3 looks for credentials itself (environment, instance profile).
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None
    # Key prefix inside the bucket, so one bucket can serve several deployments.
    s3_prefix: str = ""
    # Request bodies of the JSON API larger than this are refused with 413 before they
    # are read; uploads (evidence, imports, boundaries) have their own limits.
    max_body_kb: int = Field(default=1024, ge=1, le=1024 * 1024)
    # Browser origins (comma-separated, e.g. https://portal.example.go.id) allowed to
    # call the API from their pages with credentials; empty sends no CORS headers at all.
    cors_origins: str = ""
    # Strict-Transport-Security max-age sent on requests that arrived over HTTPS (directly
    # or through a trusted proxy's X-Forwarded-Proto); 0 turns it off.
    hsts_max_age: int = Field(default=31_536_000, ge=0)
    # Proxies whose X-Forwarded-For/-Proto are believed (uvicorn's forwarded_allow_ips).
    forwarded_allow_ips: str = "127.0.0.1"
    # `json`: one JSON object per log line; default json in production, text elsewhere.
    log_format: Literal["json", "text"] | None = None
    # Bearer token Prometheus must send to GET /metrics; unset, only loopback may scrape.
    metrics_token: SecretStr | None = None
    # Webhooks (siaga.webhooks). Seconds between the attempts of one delivery, each with
    # +-20 % jitter; after the last one the delivery has failed for good.
    webhook_retry_delays: str = "5,30,120,600,1800,7200,21600"
    # Hosts (exact names or IP addresses, comma-separated) a webhook may point at although
    # they resolve to loopback, private or link-local addresses, or serve plain HTTP in
    # production: receivers on the same intranet, added on purpose by the operator.
    webhook_allow_hosts: str = ""
    # One attempt (connect, send, answer) gives up after this long.
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # After a secret rotation the old secret signs too, for this long, so that receivers
    # can switch without losing a delivery.
    webhook_secret_grace_hours: int = Field(default=24, ge=0, le=24 * 30)
    # An endpoint whose attempts have all failed for this long, and at least
    # webhook_disable_after_failures times in a row, is disabled and its admins told.
    webhook_disable_after_hours: int = Field(default=24, ge=1, le=24 * 90)
    webhook_disable_after_failures: int = Field(default=10, ge=1, le=10_000)
    # How long a worker holds an endpoint it delivers to; a killed worker's deliveries are
    # taken up by another after this long. Longer than one attempt can last.
    webhook_lease_seconds: int = Field(default=60, ge=15, le=3600)
    # E-mail (siaga.mail): smtp://[user:password@]host[:port] or smtps:// (TLS from the
    # start), `?starttls=true` to require STARTTLS (false: never; unset: when offered).
    # Unset: e-mail is off (the inbox still works) and start-up says so.
    smtp_url: SecretStr | None = None
    mail_from: str = Field(default="Siaga <siaga@localhost>", min_length=3, max_length=200)
    # The SPA's address as recipients reach it, for the links in e-mails.
    public_url: str = "http://localhost:8000"
    # One SMTP conversation step (connect, a command) gives up after this long.
    mail_timeout_seconds: float = Field(default=15.0, gt=0, le=120)
    # Seconds between the attempts of one e-mail; after the last one it has failed.
    mail_retry_delays: str = "30,120,600,1800,7200,21600,43200"
    # The outbox worker (siaga.events.worker), which delivers notifications: `internal`
    # runs it inside `siaga serve` (one per server process; any number may run), while
    # `external` leaves it to `siaga worker` processes of their own.
    worker: Literal["internal", "external"] = "internal"
    # How long an idle worker waits before looking for new events again.
    worker_poll_seconds: float = Field(default=2.0, gt=0, le=300)
    # Events claimed and fanned out per transaction.
    worker_batch_size: int = Field(default=200, ge=1, le=5000)
    # How long a claim holds an event; a worker that dies lets it go after this long.
    worker_lease_seconds: int = Field(default=120, ge=5, le=24 * 3600)
    # Claims of an event whose fan-out keeps failing before it is given up.
    worker_max_attempts: int = Field(default=10, ge=1, le=100)

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        return normalise_database_url(value)

    @model_validator(mode="after")
    def _refuse_defaults(self) -> Settings:
        # A production deployment with the repository's published secrets would let
        # anyone forge tokens or log in as a demo user.
        if self.env == "production":
            if self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < 32:
                raise ValueError(
                    "SIAGA_SECRET_KEY must be set to a random value of at least 32 characters "
                    "in production"
                )
            if self.demo_password == DEFAULT_DEMO_PASSWORD:
                raise ValueError("SIAGA_DEMO_PASSWORD must not be the default in production")
            if self.database_url == _DEFAULT_DATABASE_URL:
                # The repository's own SQLite file: almost certainly a forgotten setting.
                raise ValueError("SIAGA_DATABASE_URL must be set in production")
            if self.cookie_secure is False:
                raise ValueError(
                    "SIAGA_COOKIE_SECURE=false is refused in production: session cookies "
                    "would travel over plain HTTP"
                )
            if self.metrics_token is not None and len(self.metrics_token) < 16:
                raise ValueError("SIAGA_METRICS_TOKEN must be at least 16 characters")
        return self

    @field_validator("webhook_retry_delays")
    @classmethod
    def _check_retry_delays(cls, value: str) -> str:
        try:
            delays = [int(part) for part in value.split(",") if part.strip()]
        except ValueError:
            delays = []
        if not delays or any(d < 0 or d > 7 * 24 * 3600 for d in delays):
            raise ValueError(
                "SIAGA_WEBHOOK_RETRY_DELAYS must be comma-separated seconds between 0 and "
                f"604800 (got {value!r})"
            )
        return value

    @model_validator(mode="after")
    def _lease_outlasts_an_attempt(self) -> Settings:
        # A lease that could end during an attempt would let a second worker send the
        # same delivery while the first is still sending it.
        if self.webhook_lease_seconds < 2 * self.webhook_timeout_seconds:
            raise ValueError(
                "SIAGA_WEBHOOK_LEASE_SECONDS must be at least twice SIAGA_WEBHOOK_TIMEOUT_SECONDS"
            )
        return self

    @field_validator("mail_retry_delays")
    @classmethod
    def _check_mail_delays(cls, value: str) -> str:
        try:
            delays = [int(part) for part in value.split(",") if part.strip()]
        except ValueError:
            delays = []
        if not delays or any(d < 0 or d > 7 * 24 * 3600 for d in delays):
            raise ValueError(
                "SIAGA_MAIL_RETRY_DELAYS must be comma-separated seconds between 0 and "
                f"604800 (got {value!r})"
            )
        return value

    @property
    def mail_retry_schedule(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.mail_retry_delays.split(",") if part.strip())

    @property
    def webhook_retry_schedule(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.webhook_retry_delays.split(",") if part.strip())

    @property
    def webhook_allowed_hosts(self) -> frozenset[str]:
        return frozenset(
            part.strip().lower().strip("[]")
            for part in self.webhook_allow_hosts.split(",")
            if part.strip()
        )

    @field_validator("cors_origins")
    @classmethod
    def _check_origins(cls, value: str) -> str:
        for origin in _split(value):
            # Credentials are allowed for listed origins, so a wildcard would let any
            # site act as the signed-in user.
            if not _ORIGIN.fullmatch(origin):
                raise ValueError(
                    f"SIAGA_CORS_ORIGINS entries must be scheme://host[:port] (got {origin!r})"
                )
        return value

    @property
    def cors_origin_list(self) -> list[str]:
        return _split(self.cors_origins)

    @property
    def json_logs(self) -> bool:
        return self.log_format == "json" or (self.log_format is None and self.env == "production")

    @model_validator(mode="after")
    def _require_bucket(self) -> Settings:
        if self.storage_backend == "s3" and not self.s3_bucket:
            raise ValueError("SIAGA_S3_BUCKET must be set when SIAGA_STORAGE_BACKEND=s3")
        return self

    @property
    def secure_cookies(self) -> bool:
        return self.cookie_secure if self.cookie_secure is not None else self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
