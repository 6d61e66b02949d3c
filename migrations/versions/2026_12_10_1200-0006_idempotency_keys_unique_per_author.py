"""idempotency keys of imports unique per author, as the initial constraint meant to say

The initial schema made (created_by_id, api_key_id, idempotency_key) unique, but a batch
has either a user or an API key as its author, never both, and a NULL column makes two
rows distinct: the constraint never held, and twenty parallel imports with one key made
twenty batches. A unique index per kind of author holds; a batch whose author was deleted
(SET NULL) drops out of it, so deleting a user or a key cannot collide.

The old constraint stays: it holds nothing, and SQLite can drop a constraint only by
copying the table, whose DROP would delete every row error by cascade.

Keys already used twice (by that race) stay on their first batch only; the later
batches keep their results and lose the key.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_AUTHORS = ("created_by_id", "api_key_id")


def upgrade() -> None:
    op.execute(
        """
        UPDATE import_batches SET idempotency_key = NULL
        WHERE idempotency_key IS NOT NULL AND EXISTS (
            SELECT 1 FROM import_batches AS first
            WHERE first.idempotency_key = import_batches.idempotency_key
              AND first.id < import_batches.id
              AND (first.created_by_id = import_batches.created_by_id
                   OR first.api_key_id = import_batches.api_key_id))
        """
    )
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        for author in _AUTHORS:
            batch_op.create_index(
                f"ix_import_batches_{author}_idempotency_key",
                [author, "idempotency_key"],
                unique=True,
            )


def downgrade() -> None:
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        for author in reversed(_AUTHORS):
            batch_op.drop_index(f"ix_import_batches_{author}_idempotency_key")
