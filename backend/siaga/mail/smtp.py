"""Talking to the SMTP server: SIAGA_SMTP_URL read once, one connection per batch.

`smtp://[user:password@]host[:port]` (port 25 by default) or `smtps://` (TLS from the
first byte, port 465 by default); `?starttls=true` requires STARTTLS and fails without
it, `false` never asks, unset uses it when the server offers it. `?verify=false` accepts
a server certificate that does not verify (an intranet relay with its own CA).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import parseaddr
from types import TracebackType
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

# Python's header folding may break a subject just over 78 characters right after
# "Subject:", which readers then show with a leading blank; RFC 5322 allows up to 998.
_POLICY = policy.SMTP.clone(max_line_length=998)
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
# An SMTP error's text can hold the server's whole reply; the log keeps the start.
ERROR_MAX_LENGTH = 500


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    use_tls: bool
    start_tls: bool | None
    username: str | None
    password: str | None
    validate_certs: bool

    @property
    def safe_url(self) -> str:
        """The server's address for the log, never the password."""
        scheme = "smtps" if self.use_tls else "smtp"
        user = f"{self.username}@" if self.username else ""
        return f"{scheme}://{user}{self.host}:{self.port}"


def _flag(query: dict[str, list[str]], name: str) -> bool | None:
    values = query.get(name)
    if not values:
        return None
    value = values[-1].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"SIAGA_SMTP_URL: {name}={value!r} is neither true nor false")


def parse_smtp_url(url: str) -> SmtpConfig:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("SIAGA_SMTP_URL must start with smtp:// or smtps://")
    if not parts.hostname:
        raise ValueError("SIAGA_SMTP_URL has no host")
    use_tls = parts.scheme == "smtps"
    query = parse_qs(parts.query)
    start_tls = _flag(query, "starttls")
    if use_tls and start_tls:
        raise ValueError("SIAGA_SMTP_URL: smtps:// is TLS already; starttls=true is for smtp://")
    return SmtpConfig(
        host=parts.hostname,
        port=parts.port or (465 if use_tls else 25),
        use_tls=use_tls,
        start_tls=False if use_tls else start_tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        validate_certs=_flag(query, "verify") is not False,
    )


@dataclass(frozen=True, slots=True)
class SendResult:
    ok: bool
    duration_ms: int
    error: str | None = None
    # The server refused this message for good (5xx to its recipient or its content):
    # retrying cannot help. A refused login or sender is the configuration's fault and
    # is retried, so that fixing the setting delivers what waited.
    permanent: bool = False


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]


def _permanent(exc: BaseException) -> bool:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(r.code >= 500 for r in exc.recipients)
    if isinstance(exc, aiosmtplib.SMTPRecipientRefused | aiosmtplib.SMTPDataError):
        return exc.code >= 500
    return False


class SmtpConnection:
    """One conversation with the server for a batch of messages: connected (and logged
    in) on entry, closed on exit. `send` never raises: each message's outcome is
    recorded, and a broken connection is reopened for the next message."""

    def __init__(self, config: SmtpConfig, timeout: float) -> None:
        self.config = config
        self.timeout = timeout
        self._client: aiosmtplib.SMTP | None = None
        # Why the server could not be reached: the rest of the batch fails at once
        # rather than waiting out the timeout once per message.
        self._unreachable: str | None = None

    def _new_client(self) -> aiosmtplib.SMTP:
        c = self.config
        return aiosmtplib.SMTP(
            hostname=c.host,
            port=c.port,
            use_tls=c.use_tls,
            start_tls=c.start_tls,
            username=c.username,
            password=c.password,
            validate_certs=c.validate_certs,
            timeout=self.timeout,
        )

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is None or not self._client.is_connected:
            client = self._new_client()
            try:
                await client.connect()
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                self._unreachable = describe(exc)
                client.close()
                raise
            self._client = client
        return self._client

    async def send(self, message: EmailMessage) -> SendResult:
        started = time.monotonic()
        if self._unreachable is not None:
            return SendResult(False, 0, self._unreachable)
        try:
            client = await self._connected()
            sender = parseaddr(str(message["From"]))[1]
            await client.sendmail(sender, [str(message["To"])], message.as_bytes(policy=_POLICY))
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            # The conversation may be in any state: the next message starts afresh.
            await self._drop()
            return SendResult(False, _ms(started), describe(exc), _permanent(exc))
        return SendResult(True, _ms(started))

    async def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            client.close()

    async def __aenter__(self) -> SmtpConnection:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        client, self._client = self._client, None
        if client is None or not client.is_connected:
            return
        try:
            await client.quit()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            client.close()


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
