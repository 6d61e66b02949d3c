from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from siaga.core.pagination import Page
from siaga.models import Role

# `\s` differs between the regex dialects that read this pattern: pydantic's (Rust: also
# U+0085), Python's (also U+001C-U+001F) and JSON Schema's (ECMA: also U+FEFF), so clients
# validating against the OpenAPI document would accept addresses the API refuses. Naming
# the extra characters makes every dialect exclude the same set.
_NOT_AT_OR_SPACE = r"[^@\s\x1c-\x1f\x85\ufeff]"
Email = Annotated[
    str,
    Field(
        max_length=254,
        pattern=rf"^{_NOT_AT_OR_SPACE}+@{_NOT_AT_OR_SPACE}+\.{_NOT_AT_OR_SPACE}+$",
    ),
]
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
    full_name: str = Field(default="", max_length=200)
    email: Email | None = None
    role: Role
    region: str | None = Field(default=None, max_length=20, description="Scope region code")
    agency: str | None = Field(default=None, max_length=80, description="Agency (operators)")
    password: str = Password


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full_name: str | None = Field(default=None, max_length=200)
    email: Email | None = None
    is_active: bool | None = Field(
        default=None, description="false disables the account and ends its sessions at once"
    )
    password: str | None = Field(default=None, min_length=1, max_length=128)
