from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from siaga.core.pagination import Page
from siaga.core.security import ApiKeyScope
from siaga.core.text import CleanText


class ApiKeyRead(BaseModel):
    prefix: str = Field(description="Public identifier of the key, shown in lists and logs")
    name: str
    region_code: str | None = Field(description="Scope root; null for the whole nation")
    scopes: list[ApiKeyScope]
    created_by: str | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="The secret key; shown only in this response")


class ApiKeyPage(Page[ApiKeyRead]):
    pass


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, CleanText(max_length=200, min_length=1)] = Field(
        examples=["SIPD Kemendagri"]
    )
    region: str | None = Field(
        default=None, max_length=20, description="Region subtree; omit for the whole nation"
    )
    scopes: list[ApiKeyScope] = Field(min_length=1, max_length=3)
    expires_in_days: int = Field(default=365, ge=1, le=3650)
