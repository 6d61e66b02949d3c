from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from siaga.core.types import utcnow
from siaga.models.base import Base, BigIntPK, str_enum


class CommentKind(enum.StrEnum):
    COMMENT = "comment"
    # A verifier's reason for returning (or reopening) the answer: it opens the thread.
    RETURN = "return"


class AnswerComment(Base):
    """One message in the conversation on an answer.

    Keyed by the answer's natural key (period, region, indicator) rather than the answer
    row: an operator may ask about an indicator before answering it. Append-only like
    the answer's history, so the author is a plain id with the label beside it
    (migration 0004's reasoning): the message outlives an account's changes.
    """

    __tablename__ = "answer_comments"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="RESTRICT"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="RESTRICT"))
    kind: Mapped[CommentKind] = mapped_column(str_enum(CommentKind, "comment_kind"))
    body: Mapped[str] = mapped_column(Text)
    author_user_id: Mapped[int | None]
    author_api_key_id: Mapped[int | None]
    author_label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        # A thread in order, and the unread counts of a task list (one region's
        # indicators in one period): both walk this index.
        Index("ix_answer_comments_thread", "period_id", "region_id", "indicator_id", "id"),
        # The per-author rate limit looks at one author's latest messages.
        Index("ix_answer_comments_author", "author_user_id", "created_at"),
    )


class CommentReadMark(Base):
    """How far a user has read one thread: the newest comment id seen when they last
    opened it. Unread = comments by others with a larger id."""

    __tablename__ = "comment_read_marks"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    period_id: Mapped[int] = mapped_column(
        ForeignKey("periods.id", ondelete="CASCADE"), primary_key=True
    )
    region_id: Mapped[int] = mapped_column(
        ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True
    )
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True
    )
    last_comment_id: Mapped[int] = mapped_column(BigInteger)
    read_at: Mapped[datetime] = mapped_column(default=utcnow)
