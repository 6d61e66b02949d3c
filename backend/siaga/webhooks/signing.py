"""Standard Webhooks signatures: the secrets, the body and the three headers.

An endpoint's secret is `whsec_` + base64 of 32 bytes derived from SIAGA_SECRET_KEY and
a random nonce stored with the endpoint: the database alone cannot sign (nor can a
leaked backup), and a rotation only draws a new nonce. During a rotation's grace period
both secrets sign, and `webhook-signature` carries both signatures separated by a space,
which receivers holding either secret accept (the standardwebhooks library does).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, no secret
USER_AGENT = "Siaga-Webhooks/1"


def new_nonce() -> str:
    return secrets.token_hex(32)


def derive_secret(secret_key: str, nonce: str) -> str:
    key = hmac.new(secret_key.encode(), f"webhook-secret:{nonce}".encode(), hashlib.sha256)
    return SECRET_PREFIX + base64.b64encode(key.digest()).decode("ascii")


def signing_secrets(
    secret_key: str,
    nonce: str,
    previous_nonce: str | None,
    previous_until: datetime | None,
    now: datetime,
) -> list[str]:
    """The secrets that sign now: the current one, and the previous one in its grace."""
    found = [derive_secret(secret_key, nonce)]
    if previous_nonce is not None and previous_until is not None and now < previous_until:
        found.append(derive_secret(secret_key, previous_nonce))
    return found


def message_id() -> str:
    return f"msg_{secrets.token_hex(16)}"


def body(event_type: str, occurred_at: datetime, data: dict[str, Any]) -> bytes:
    """The JSON body `{"type", "timestamp", "data"}`, exactly the bytes that are signed."""
    document = {"type": event_type, "timestamp": occurred_at.isoformat(), "data": data}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def headers(
    msg_id: str, signers: Sequence[str], payload: bytes, sent_at: datetime
) -> list[tuple[bytes, bytes]]:
    """The request headers of one attempt; `sent_at` is the real time of sending, which
    receivers compare with their clock (the library allows five minutes)."""
    signatures = " ".join(Webhook(secret).sign(msg_id, sent_at, payload) for secret in signers)
    return [
        (b"content-type", b"application/json"),
        (b"user-agent", USER_AGENT.encode()),
        (b"webhook-id", msg_id.encode()),
        (b"webhook-timestamp", str(int(sent_at.timestamp())).encode()),
        (b"webhook-signature", signatures.encode()),
    ]
