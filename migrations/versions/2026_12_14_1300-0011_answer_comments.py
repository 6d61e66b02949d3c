"""answer comments (issue 19 item 5)

A conversation on every answer (`answer_comments`), keyed by the answer's natural key so
a question can come before the answer; a return's reason is its first message. How far
each user has read each thread (`comment_read_marks`) gives the task list its unread
counts. Comments are append-only like the answer's history (0004): the author is a plain
id with its label beside it, no foreign key.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-14 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "answer_comments",
        sa.Column("id", _BIG_ID, nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "comment", "return", name="comment_kind", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_user_id", sa.Integer(), nullable=True),
        sa.Column("author_api_key_id", sa.Integer(), nullable=True),
        sa.Column("author_label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["periods.id"],
            name=op.f("fk_answer_comments_period_id_periods"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["regions.id"],
            name=op.f("fk_answer_comments_region_id_regions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_answer_comments_indicator_id_indicators"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_comments")),
    )
    op.create_index(
        "ix_answer_comments_thread",
        "answer_comments",
        ["period_id", "region_id", "indicator_id", "id"],
    )
    op.create_index(
        "ix_answer_comments_author", "answer_comments", ["author_user_id", "created_at"]
    )
    op.create_table(
        "comment_read_marks",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("last_comment_id", sa.BigInteger(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_comment_read_marks_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["periods.id"],
            name=op.f("fk_comment_read_marks_period_id_periods"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["regions.id"],
            name=op.f("fk_comment_read_marks_region_id_regions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_comment_read_marks_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "user_id", "period_id", "region_id", "indicator_id", name=op.f("pk_comment_read_marks")
        ),
    )


def downgrade() -> None:
    op.drop_table("comment_read_marks")
    op.drop_index("ix_answer_comments_author", table_name="answer_comments")
    op.drop_index("ix_answer_comments_thread", table_name="answer_comments")
    op.drop_table("answer_comments")
