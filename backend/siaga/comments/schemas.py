from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from siaga.core.pagination import Page
from siaga.core.roles import Role
from siaga.core.text import CleanText
from siaga.models import CommentKind

COMMENT_MAX_LENGTH = 4000


class CommentWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: Annotated[
        str, CleanText(max_length=COMMENT_MAX_LENGTH, min_length=1, multiline=True, strip=True)
    ] = Field(
        description=f"The message: 1 to {COMMENT_MAX_LENGTH} characters after surrounding "
        "whitespace is trimmed"
    )


class CommentAuthor(BaseModel):
    username: str = Field(description="The account's username, or the API key's name")
    full_name: str
    role: Role | None = Field(description="None for an API key")


class CommentRead(BaseModel):
    id: int
    kind: CommentKind = Field(
        description="`comment`, or `return`: a verifier's reason for sending the answer back"
    )
    body: str
    author: CommentAuthor
    created_at: datetime


class CommentPage(Page[CommentRead]):
    """The thread, oldest message first."""

    unread: int = Field(
        description="Messages by others the caller had not seen before this request "
        "(reading the thread marks them seen)"
    )
    last_read_id: int | None = Field(
        description="The newest message the caller had seen before this request: those "
        "after it are new to them"
    )
