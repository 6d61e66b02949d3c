from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from siaga.core.security import Capability
from siaga.core.text import CleanText
from siaga.models import Role


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Refused before any lookup: an attempted name is written to the audit log.
    username: Annotated[str, CleanText(max_length=80, min_length=1)]
    # Long enough for any passphrase, short enough that hashing cannot be abused.
    password: str = Field(min_length=1, max_length=1024)


class MeRead(BaseModel):
    kind: Literal["user", "api_key"]
    username: str = Field(description="User name, or `apikey:<prefix>` for an API key")
    full_name: str
    role: Role | None
    region_code: str | None = Field(description="Scope root; null for the whole nation")
    region_name: str | None
    agency_code: str | None
    agency_name: str | None
    capabilities: list[Capability]
    email: str | None = None
    phone: str | None = None
    locale: str | None = Field(default=None, description="`id` or `en`; null for an API key")
    must_change_password: bool = Field(
        default=False,
        description="Set by an administrator's reset: only GET /auth/me, POST "
        "/auth/password and POST /auth/logout answer until the password is changed",
    )


class LoginResponse(BaseModel):
    token: str = Field(description="Bearer token for scripts; the SPA uses the cookie instead")
    csrf_token: str = Field(
        description="Send as X-CSRF-Token with cookie requests that change data"
    )
    expires_at: datetime
    user: MeRead
