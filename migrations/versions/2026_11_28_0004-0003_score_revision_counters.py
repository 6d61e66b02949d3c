"""score revision counters, kept by triggers

Every insert, update or delete of an answer bumps its (period, Pemda) counter in the same
transaction, and any change to periods, regions, agencies or the framework bumps row
(0, 0). Triggers rather than application code, so bulk imports, seeds and manual SQL are
counted too. PostgreSQL: statement-level triggers with transition tables (one upsert per
statement, however many rows); SQLite: row-level triggers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 00:04:04.436081
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


REFERENCE_TABLES = (
    "periods",
    "regions",
    "agencies",
    "frameworks",
    "dimensions",
    "indicators",
    "category_thresholds",
)
EVENTS = ("insert", "update", "delete")

PG_ANSWER_FUNCTION = """
CREATE FUNCTION siaga_bump_answer_revisions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Sorted, so concurrent statements take the counter rows' locks in one order.
    INSERT INTO score_revisions (period_id, region_id, revision)
    SELECT period_id, region_id, count(*) FROM changed_rows
    GROUP BY period_id, region_id ORDER BY period_id, region_id
    ON CONFLICT (period_id, region_id)
    DO UPDATE SET revision = score_revisions.revision + EXCLUDED.revision;
    RETURN NULL;
END $$
"""
PG_REFERENCE_FUNCTION = """
CREATE FUNCTION siaga_bump_reference_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO score_revisions (period_id, region_id, revision) VALUES (0, 0, 1)
    ON CONFLICT (period_id, region_id)
    DO UPDATE SET revision = score_revisions.revision + 1;
    RETURN NULL;
END $$
"""
SQLITE_BUMP = """
    INSERT INTO score_revisions (period_id, region_id, revision) VALUES ({key}, 1)
    ON CONFLICT (period_id, region_id) DO UPDATE SET revision = revision + 1;
"""


def _create_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_ANSWER_FUNCTION)
        op.execute(PG_REFERENCE_FUNCTION)
        # An answer's period and Pemda are its natural key and never change on update,
        # so the new rows name every counter an update touches.
        for event, table in (("insert", "NEW"), ("update", "NEW"), ("delete", "OLD")):
            op.execute(
                f"CREATE TRIGGER trg_submissions_revision_{event} AFTER {event.upper()} "
                f"ON submissions REFERENCING {table} TABLE AS changed_rows "
                "FOR EACH STATEMENT EXECUTE FUNCTION siaga_bump_answer_revisions()"
            )
        for name in REFERENCE_TABLES:
            op.execute(
                f"CREATE TRIGGER trg_{name}_revision AFTER INSERT OR UPDATE OR DELETE "
                f"ON {name} FOR EACH STATEMENT EXECUTE FUNCTION siaga_bump_reference_revision()"
            )
        return
    for event in EVENTS:
        row = "OLD" if event == "delete" else "NEW"
        key = f"{row}.period_id, {row}.region_id"
        op.execute(
            f"CREATE TRIGGER trg_submissions_revision_{event} AFTER {event.upper()} "
            f"ON submissions FOR EACH ROW BEGIN {SQLITE_BUMP.format(key=key)} END"
        )
    for name in REFERENCE_TABLES:
        for event in EVENTS:
            op.execute(
                f"CREATE TRIGGER trg_{name}_revision_{event} AFTER {event.upper()} "
                f"ON {name} FOR EACH ROW BEGIN {SQLITE_BUMP.format(key='0, 0')} END"
            )


def _drop_triggers() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for event in EVENTS:
        suffix = " ON submissions" if postgres else ""
        op.execute(f"DROP TRIGGER IF EXISTS trg_submissions_revision_{event}{suffix}")
    for name in REFERENCE_TABLES:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS trg_{name}_revision ON {name}")
        else:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER IF EXISTS trg_{name}_revision_{event}")
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS siaga_bump_answer_revisions()")
        op.execute("DROP FUNCTION IF EXISTS siaga_bump_reference_revision()")


def upgrade() -> None:
    op.create_table(
        "score_revisions",
        sa.Column("period_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("region_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("period_id", "region_id", name=op.f("pk_score_revisions")),
    )
    # Counters start from the answers already there.
    op.execute(
        "INSERT INTO score_revisions (period_id, region_id, revision) "
        "SELECT period_id, region_id, count(*) FROM submissions GROUP BY period_id, region_id"
    )
    op.execute("INSERT INTO score_revisions (period_id, region_id, revision) VALUES (0, 0, 1)")
    _create_triggers()


def downgrade() -> None:
    _drop_triggers()
    op.drop_table("score_revisions")
