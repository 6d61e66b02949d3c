"""score revision counters also count Pemda reports

The score table, explanation and trend show each Pemda's report (state, receipt number,
on time), so a report's change must change their ETags like an answer's does: every
insert, update or delete of a `pemda_reports` row bumps its (period, Pemda) counter, by
triggers as in 0003. PostgreSQL reuses 0003's statement-level function (it reads
`period_id` and `region_id` of the changed rows, which a report has too); SQLite gets
row-level triggers.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-15 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENTS = ("insert", "update", "delete")
SQLITE_BUMP = """
    INSERT INTO score_revisions (period_id, region_id, revision) VALUES ({key}, 1)
    ON CONFLICT (period_id, region_id) DO UPDATE SET revision = revision + 1;
"""


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for event in EVENTS:
        row = "OLD" if event == "delete" else "NEW"
        if postgres:
            # A report's period and Pemda are its natural key and never change on update.
            op.execute(
                f"CREATE TRIGGER trg_pemda_reports_revision_{event} AFTER {event.upper()} "
                f"ON pemda_reports REFERENCING {row} TABLE AS changed_rows "
                "FOR EACH STATEMENT EXECUTE FUNCTION siaga_bump_answer_revisions()"
            )
        else:
            key = f"{row}.period_id, {row}.region_id"
            op.execute(
                f"CREATE TRIGGER trg_pemda_reports_revision_{event} AFTER {event.upper()} "
                f"ON pemda_reports FOR EACH ROW BEGIN {SQLITE_BUMP.format(key=key)} END"
            )


def downgrade() -> None:
    suffix = " ON pemda_reports" if op.get_bind().dialect.name == "postgresql" else ""
    for event in EVENTS:
        op.execute(f"DROP TRIGGER IF EXISTS trg_pemda_reports_revision_{event}{suffix}")
