"""Pemda reports (issue 19 items 3 and 4)

One report per Pemda and period (`pemda_reports`): narrative sections, signatory, the
receipt number given on the first submission (unique), lateness decided by that first
submission, who submitted, accepted, returned or withdrew an acceptance and why, and a
version for ETag/If-Match. Its history (`pemda_report_events`) is append-only like the
answers' versions (0004): plain actor ids with a label, no foreign keys.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-14 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_STATES = ("draft", "submitted", "accepted", "returned")


def _user(column: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(column, sa.Integer(), nullable=True)


def _user_fk(column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["users.id"],
        name=op.f(f"fk_pemda_reports_{column}_users"),
        ondelete="SET NULL",
    )


def upgrade() -> None:
    op.create_table(
        "pemda_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                *_STATES,
                name="pemda_report_state",
                native_enum=False,
                create_constraint=True,
                length=9,
            ),
            nullable=False,
        ),
        sa.Column("situation", sa.Text(), nullable=False),
        sa.Column("risks", sa.Text(), nullable=False),
        sa.Column("obstacles", sa.Text(), nullable=False),
        sa.Column("conclusion", sa.Text(), nullable=False),
        sa.Column("signatory_name", sa.String(length=200), nullable=False),
        sa.Column("signatory_nip", sa.String(length=18), nullable=False),
        sa.Column("signatory_position", sa.String(length=200), nullable=False),
        sa.Column("receipt_number", sa.String(length=60), nullable=True),
        sa.Column("first_submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_late", sa.Boolean(), nullable=False),
        _user("submitted_by_id"),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        _user("accepted_by_id"),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        _user("returned_by_id"),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("unaccepted_at", sa.DateTime(timezone=True), nullable=True),
        _user("unaccepted_by_id"),
        sa.Column("unaccept_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _user("updated_by_id"),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["periods.id"],
            name=op.f("fk_pemda_reports_period_id_periods"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["regions.id"],
            name=op.f("fk_pemda_reports_region_id_regions"),
            ondelete="RESTRICT",
        ),
        _user_fk("submitted_by_id"),
        _user_fk("accepted_by_id"),
        _user_fk("returned_by_id"),
        _user_fk("unaccepted_by_id"),
        _user_fk("updated_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pemda_reports")),
        sa.UniqueConstraint(
            "period_id", "region_id", name=op.f("uq_pemda_reports_period_id_region_id")
        ),
        sa.UniqueConstraint("receipt_number", name=op.f("uq_pemda_reports_receipt_number")),
    )
    op.create_index(op.f("ix_pemda_reports_region_id"), "pemda_reports", ["region_id"])
    op.create_index("ix_pemda_reports_period_state", "pemda_reports", ["period_id", "state"])
    op.create_table(
        "pemda_report_events",
        sa.Column("id", _BIG_ID, nullable=False),
        sa.Column("report_id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                *_STATES,
                name="pemda_report_event_state",
                native_enum=False,
                create_constraint=True,
                length=9,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_api_key_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pemda_report_events")),
    )
    op.create_index("ix_pemda_report_events_report", "pemda_report_events", ["report_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_pemda_report_events_report", table_name="pemda_report_events")
    op.drop_table("pemda_report_events")
    op.drop_index("ix_pemda_reports_period_state", table_name="pemda_reports")
    op.drop_index(op.f("ix_pemda_reports_region_id"), table_name="pemda_reports")
    op.drop_table("pemda_reports")
