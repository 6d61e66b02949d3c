from __future__ import annotations

from siaga.core.errors import InvalidInput, NotFound


class WebhookNotFound(NotFound):
    code = "webhook_not_found"
    message = "Webhook tidak ditemukan (webhook not found)"


class DeliveryNotFound(NotFound):
    code = "webhook_delivery_not_found"
    message = "Pengiriman webhook tidak ditemukan (webhook delivery not found)"


class WebhookUrlRefused(InvalidInput):
    code = "webhook_url_refused"
    message = "Alamat webhook tidak diizinkan (the webhook URL is not allowed)"
