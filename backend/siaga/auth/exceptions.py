from __future__ import annotations

from siaga.core.errors import AppError


class NotAuthenticated(AppError):
    status_code = 401
    code = "not_authenticated"
    message = "Autentikasi diperlukan (authentication required)"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, headers={"WWW-Authenticate": 'Bearer realm="siaga"'})


class InvalidCredentials(AppError):
    # One message for unknown user, wrong password and disabled account: a login
    # must not reveal which accounts exist.
    status_code = 401
    code = "invalid_credentials"
    message = "Nama pengguna atau kata sandi salah (wrong username or password)"


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"
    message = "Anda tidak berwenang melakukan ini (not allowed)"


class AuditedRefusal(Forbidden):
    """A refusal decided past the route's capability check, by a rule about the object
    itself (separation of duties): auth.dependencies audits it as `authz.denied` on the
    object it names, as the capability check audits its own refusals."""

    def __init__(
        self,
        message: str | None = None,
        *,
        entity_type: str,
        entity_id: str,
        region_code: str | None,
        details: list[dict[str, object]] | None = None,
    ) -> None:
        super().__init__(message, details=details)
        self.entity_type = entity_type
        self.entity_id = entity_id
        self.region_code = region_code


class PasswordChangeRequired(AppError):
    # After an administrator's reset the account may only sign out or change its password.
    status_code = 403
    code = "password_change_required"
    message = "Kata sandi harus diganti terlebih dahulu (the password must be changed first)"


class CsrfFailed(AppError):
    status_code = 403
    code = "csrf_failed"
    message = "Header X-CSRF-Token tidak ada atau tidak cocok (missing or wrong CSRF token)"


class RateLimited(AppError):
    status_code = 429
    code = "rate_limited"
    message = "Terlalu banyak percobaan masuk; coba lagi nanti (too many login attempts)"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            details=[{"retry_after_seconds": retry_after}],
            headers={"Retry-After": str(retry_after)},
        )


class SignInBusy(AppError):
    # Every password check slot is busy: refused at once rather than queued (core.passwords).
    status_code = 429
    code = "rate_limited"
    message = (
        "Terlalu banyak permintaan masuk bersamaan; coba lagi sebentar "
        "(too many sign-ins at once; try again in a moment)"
    )

    def __init__(self) -> None:
        super().__init__(
            details=[{"retry_after_seconds": 1, "reason": "busy"}],
            headers={"Retry-After": "1"},
        )


class CredentialRefused(NotAuthenticated):
    """A real credential that no longer works (revoked or expired key, revoked session,
    disabled account): answered like any invalid one, but worth an audit record."""

    def __init__(
        self,
        answer: NotAuthenticated,
        *,
        entity_type: str,
        entity_id: str,
        region_code: str | None,
        reason: str,
    ) -> None:
        super().__init__(answer.message)
        self.entity_type = entity_type
        self.entity_id = entity_id
        self.region_code = region_code
        self.reason = reason
