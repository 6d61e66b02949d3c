"""Recommendations in Pemda reports (issue 19 item 6)

One row per recommendation made in a Pemda's report for a period
(`report_recommendations`): the text, the Pemda's agency responsible, the due date, the
follow-up (status open|in_progress|done and a note), who created and last changed it,
when it was done, and a version for If-Match. Keyed by (period, region) like the
comments, so it needs no written report row.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-14 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(column: str, table: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{table}.id"],
        name=op.f(f"fk_report_recommendations_{column}_{table}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "report_recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "in_progress",
                "done",
                name="recommendation_status",
                native_enum=False,
                create_constraint=True,
                length=11,
            ),
            nullable=False,
        ),
        sa.Column("follow_up", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        _fk("period_id", "periods", "RESTRICT"),
        _fk("region_id", "regions", "RESTRICT"),
        _fk("agency_id", "agencies", "RESTRICT"),
        _fk("created_by_id", "users", "SET NULL"),
        _fk("updated_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_recommendations")),
    )
    op.create_index(
        op.f("ix_report_recommendations_agency_id"), "report_recommendations", ["agency_id"]
    )
    op.create_index(
        "ix_report_recommendations_pemda", "report_recommendations", ["region_id", "period_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_report_recommendations_pemda", table_name="report_recommendations")
    op.drop_index(op.f("ix_report_recommendations_agency_id"), table_name="report_recommendations")
    op.drop_table("report_recommendations")
