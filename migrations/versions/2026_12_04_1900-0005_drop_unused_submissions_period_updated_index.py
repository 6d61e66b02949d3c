"""drop the unused index of answers by (period, updated_at)

Migration 0002 added it for score ETags, which read the latest change per period. Since
0003 the ETags are sums of the trigger-kept `score_revisions` counters, and no query
filters or sorts answers by `updated_at` any more; the index only cost every answer
write (imports, edits, transitions) one more B-tree insert: 3-4 % of a 100,000-row
import on PostgreSQL.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 19:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index("ix_submissions_period_updated")


def downgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_submissions_period_updated", ["period_id", "updated_at"], unique=False
        )
