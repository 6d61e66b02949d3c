"""Signatures as Standard Webhooks defines them, checked with the reference library."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from siaga.core.types import utcnow
from siaga.webhooks import signing

KEY = "k" * 40


def _headers(pairs: list[tuple[bytes, bytes]]) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in pairs}


def test_secret_is_whsec_base64_of_32_bytes_and_derived() -> None:
    nonce = signing.new_nonce()
    secret = signing.derive_secret(KEY, nonce)
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert signing.derive_secret(KEY, nonce) == secret  # the same nonce, the same secret
    assert signing.derive_secret(KEY, signing.new_nonce()) != secret
    assert signing.derive_secret("x" * 40, nonce) != secret  # the table alone is not enough


def test_body_is_type_timestamp_data() -> None:
    occurred = datetime(2026, 12, 15, 1, 2, 3, tzinfo=UTC)
    body = signing.body("report.accepted", occurred, {"region": "64.72", "nama": "Sāmarinda"})
    assert json.loads(body) == {
        "type": "report.accepted",
        "timestamp": "2026-12-15T01:02:03+00:00",
        "data": {"region": "64.72", "nama": "Sāmarinda"},
    }


def test_signature_verifies_with_the_reference_library() -> None:
    secret = signing.derive_secret(KEY, signing.new_nonce())
    payload = signing.body("ping", utcnow(), {"x": 1})
    sent_at = utcnow()
    headers = _headers(signing.headers("msg_1", [secret], payload, sent_at))
    assert headers["webhook-id"] == "msg_1"
    assert headers["webhook-timestamp"] == str(int(sent_at.timestamp()))
    assert Webhook(secret).verify(payload, headers) == json.loads(payload)
    # The signature is v1, + base64(HMAC-SHA256(key, id.timestamp.body)) (api.md).
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"msg_1.{headers['webhook-timestamp']}.".encode() + payload
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == f"v1,{expected}"
    # A changed body, or another secret, does not verify.
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(payload + b" ", headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.derive_secret(KEY, "other")).verify(payload, headers)


def test_during_rotation_both_secrets_sign() -> None:
    old_nonce, new_nonce = signing.new_nonce(), signing.new_nonce()
    now = utcnow()
    signers = signing.signing_secrets(KEY, new_nonce, old_nonce, now + timedelta(hours=1), now)
    assert len(signers) == 2
    payload = b'{"type":"ping"}'
    headers = _headers(signing.headers("msg_2", signers, payload, now))
    assert len(headers["webhook-signature"].split(" ")) == 2
    for nonce in (old_nonce, new_nonce):
        Webhook(signing.derive_secret(KEY, nonce)).verify(payload, headers)
    # After the grace period only the new one signs.
    later = signing.signing_secrets(KEY, new_nonce, old_nonce, now, now)
    assert later == [signing.derive_secret(KEY, new_nonce)]
