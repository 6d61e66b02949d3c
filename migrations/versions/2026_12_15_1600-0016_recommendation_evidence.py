"""Evidence files on a recommendation's follow-up (issue 19 item 6)

One row per file attached to a recommendation (`recommendation_evidence`): its sanitised
name, type and size, who uploaded it and when, and the content's SHA-256 pointing at
`evidence_blobs`, which the answers' files share (one stored object per content). Its own
table rather than a nullable link on `evidence_files`, whose readers all take a file to
belong to an answer. A file's content once per recommendation (unique), which is also the
index the recommendation lists read by.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-15 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "recommendation_evidence"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["report_recommendations.id"],
            name=op.f("fk_recommendation_evidence_recommendation_id_report_recommendations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["blob_sha256"],
            ["evidence_blobs.sha256"],
            name=op.f("fk_recommendation_evidence_blob_sha256_evidence_blobs"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_recommendation_evidence_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation_evidence")),
        sa.UniqueConstraint(
            "recommendation_id",
            "blob_sha256",
            name=op.f("uq_recommendation_evidence_recommendation_id_blob_sha256"),
        ),
    )
    op.create_index(op.f("ix_recommendation_evidence_blob_sha256"), TABLE, ["blob_sha256"])


def downgrade() -> None:
    op.drop_index(op.f("ix_recommendation_evidence_blob_sha256"), table_name=TABLE)
    op.drop_table(TABLE)
