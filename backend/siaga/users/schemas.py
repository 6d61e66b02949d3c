from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from siaga.core.pagination import Page
from siaga.core.text import CleanText, refused_class
from siaga.models import Role

# `\s` differs between the regex dialects that read this pattern: Python's (also
# U+001C-U+001F, U+0085) and JSON Schema's (ECMA: also U+FEFF), so clients validating
# against the OpenAPI document would accept addresses the API refuses. Naming the extra
# characters makes every dialect exclude the same set. The text rule is checked first
# (naming the character it refuses); the documented pattern holds both rules.
_NOT_AT_OR_SPACE = r"\s\x1c-\x1f\x85\ufeff"


def _email_pattern(excluded: str) -> str:
    part = f"[^@{excluded}]+"
    return rf"^{part}@{part}\.{part}$"


Email = Annotated[
    str,
    CleanText(
        max_length=254,
        pattern=_email_pattern(_NOT_AT_OR_SPACE),
        json_pattern=_email_pattern(_NOT_AT_OR_SPACE + refused_class()),
    ),
]
FullName = Annotated[str, CleanText(max_length=200)]
Username = Field(min_length=3, max_length=80, pattern=r"^[a-z0-9][a-z0-9._-]{2,79}$")
# The hashing cost is bounded by this length; 128 leaves room for passphrases.
Password = Field(min_length=1, max_length=128)


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    username: str
    full_name: str
    email: str | None
    role: Role
    region_code: str | None = Field(description="Scope root; null for a national account")
    agency_code: str | None
    is_active: bool
    last_login_at: datetime | None
    created_at: datetime


class UserPage(Page[UserRead]):
    pass


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Username
    full_name: FullName = ""
    email: Email | None = None
    role: Role
    region: str | None = Field(default=None, max_length=20, description="Scope region code")
    agency: str | None = Field(default=None, max_length=80, description="Agency (operators)")
    password: str = Password


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full_name: FullName | None = None
    email: Email | None = None
    is_active: bool | None = Field(
        default=None, description="false disables the account and ends its sessions at once"
    )
    password: str | None = Field(default=None, min_length=1, max_length=128)


# One's own account (users.self_service): PATCH /auth/me and POST /auth/password.
Phone = Field(
    default=None,
    max_length=30,
    pattern=r"^\+?[0-9][0-9 ]{3,28}$",
    description="Digits and spaces, optionally after a leading +",
)


class ProfileUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full_name: FullName | None = None
    email: Email | None = None
    phone: str | None = Phone
    locale: Literal["id", "en"] | None = None


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Password
