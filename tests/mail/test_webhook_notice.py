"""The e-mail of a failing webhook endpoint (webhook.failed), on by default for its admins."""

from __future__ import annotations

from siaga.mail import preferences, templates

DATA = {
    "endpoint": 3,
    "url": "https://hooks.example.go.id/siaga",
    "event_type": "report.accepted",
    "attempts": 8,
    "status_code": 500,
    "error": None,
}


def _render(kind: str, **data: object) -> templates.Rendered:
    return templates.render(
        "webhook.failed",
        {**DATA, "kind": kind, **data},
        url="https://siaga.example.go.id/admin/webhook",
        settings_url="https://siaga.example.go.id/profil",
        instance="Siaga",
        greeting_name="Admin",
    )


def test_a_failed_delivery_and_a_disabled_endpoint_read_differently() -> None:
    failed = _render("delivery_failed")
    assert failed.subject == "[Siaga] Webhook gagal dikirim"
    assert "https://hooks.example.go.id/siaga" in failed.text and "8 kali" in failed.text
    assert "https://siaga.example.go.id/admin/webhook" in failed.text
    gone = _render("gone", status_code=410)
    assert gone.subject == "[Siaga] Webhook dinonaktifkan" and "410" in gone.text
    timeout = _render("failing", status_code=None, error="timeout")
    assert "terlalu lama gagal" in timeout.text and "timeout" in timeout.text


def test_it_is_mailed_unless_turned_off() -> None:
    assert preferences.by_default("webhook.failed")
    assert "webhook.failed" in preferences.CHOOSABLE
