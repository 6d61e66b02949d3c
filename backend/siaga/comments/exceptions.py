from __future__ import annotations

from siaga.auth.exceptions import Forbidden
from siaga.core.errors import AppError


class CommentNotAllowed(Forbidden):
    # Viewers and read-only API keys follow the conversation; they do not take part.
    message = (
        "Anda hanya dapat membaca percakapan ini (you may read this conversation, not write in it)"
    )


class CommentsRateLimited(AppError):
    status_code = 429
    code = "rate_limited"
    message = "Terlalu banyak komentar; coba lagi sebentar (too many comments; try again shortly)"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            details=[{"retry_after_seconds": retry_after, "reason": "comments"}],
            headers={"Retry-After": str(retry_after)},
        )
