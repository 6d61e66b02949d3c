from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from siaga.core.types import utcnow
from siaga.models.base import Base, BigIntPK, str_enum


class ImportKind(enum.StrEnum):
    SUBMISSIONS = "submissions"
    REGIONS = "regions"
    AGENCIES = "agencies"
    INDICATORS = "indicators"
    USERS = "users"


class ImportStatus(enum.StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ImportBatch(Base):
    """One uploaded file, dry run or real, with its summary and its author."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    kind: Mapped[ImportKind] = mapped_column(str_enum(ImportKind, "import_kind"))
    dry_run: Mapped[bool]
    status: Mapped[ImportStatus] = mapped_column(
        str_enum(ImportStatus, "import_status"), default=ImportStatus.RUNNING
    )
    filename: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    region_code: Mapped[str | None] = mapped_column(String(20))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    # Scoped to its author (a user or an API key, never both): the same key from two
    # callers is two requests. Unique per kind of author (migration 0006).
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    row_count: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    unchanged_count: Mapped[int] = mapped_column(default=0)
    error_count: Mapped[int] = mapped_column(default=0)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (
        # Holds nothing, as one of the two authors is always NULL; left in place because
        # SQLite could drop it only by copying the table (migration 0006).
        UniqueConstraint("created_by_id", "api_key_id", "idempotency_key"),
        Index(
            "ix_import_batches_created_by_id_idempotency_key",
            "created_by_id",
            "idempotency_key",
            unique=True,
        ),
        Index(
            "ix_import_batches_api_key_id_idempotency_key",
            "api_key_id",
            "idempotency_key",
            unique=True,
        ),
        Index("ix_import_batches_created_at", "created_at"),
    )


class ImportRowError(Base):
    """One problem found in one cell or row of an import, in both languages."""

    __tablename__ = "import_row_errors"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("import_batches.id", ondelete="CASCADE"), index=True
    )
    row: Mapped[int]
    column: Mapped[str | None] = mapped_column(String(80))
    code: Mapped[str] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text, default="")
