from __future__ import annotations

from siaga.auth.exceptions import Forbidden
from siaga.core.errors import NotFound


class NotificationNotFound(NotFound):
    # Also another user's item: an inbox is private, so its ids reveal nothing.
    code = "notification_not_found"
    message = "Pemberitahuan tidak ditemukan (notification not found)"


class NoInbox(Forbidden):
    message = (
        "Kunci API tidak memiliki kotak masuk; pemberitahuan hanya untuk pengguna "
        "(API keys have no inbox; other systems subscribe to webhooks)"
    )
