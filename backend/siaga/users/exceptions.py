from __future__ import annotations

from siaga.core.errors import AppError, Conflict, NotFound


class UserNotFound(NotFound):
    # Also the answer for an account outside the caller's scope: the two are one.
    code = "user_not_found"
    message = "Pengguna tidak ditemukan (user not found)"


class UsernameTaken(Conflict):
    # The same words wherever the account lives, in the caller's scope or not: a
    # provincial administrator learns that the name is not free, and nothing else.
    code = "user_exists"

    def __init__(self, username: str) -> None:
        super().__init__(f"Pengguna {username!r} sudah ada (user exists)")


class NameAnswersExhausted(AppError):
    status_code = 429
    code = "rate_limited"
    message = (
        "Terlalu banyak nama pengguna yang sudah dipakai; coba lagi nanti atau pilih nama "
        "lain (too many usernames already taken; try again later)"
    )

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            details=[{"retry_after_seconds": retry_after, "reason": "username_checks"}],
            headers={"Retry-After": str(retry_after)},
        )


class AccountsNotAllowed(AppError):
    # Whatever its scopes, an API key never manages accounts or keys; nor does anyone
    # but an administrator.
    status_code = 403
    code = "forbidden"
    message = (
        "Hanya administrator yang masuk sebagai pengguna yang dapat mengelola akun "
        "(only an administrator signed in as a user may manage accounts)"
    )
