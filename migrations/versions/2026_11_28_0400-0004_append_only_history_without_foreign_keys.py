"""append-only history without foreign keys

`audit_events` and `submission_versions` record who did what to which object, as it was.
Like django-simple-history's history tables, they now keep the ids they refer to (the
actor's user or API key, the version's answer) as plain indexed numbers without foreign
keys:

- a key with ON DELETE SET NULL or CASCADE would rewrite or erase that record when an
  account or an answer is removed; the record should outlive both (the actor's label is
  kept beside the ids);
- each key costs a check per row, and the check on a version's answer locks the answer's
  row: a 100,000-answer import writes 200,000 history rows, and these checks took about
  as long as writing the rows themselves (bench/RESULTS.md).

The application never deletes answers or accounts; versions are still unique per
(answer, version), which also indexes them by answer. The index of audit events by user
leaves out events without one (API keys, the system): it is only ever searched for a user.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, referred table, ON DELETE)
HISTORY_KEYS = {
    "audit_events": (
        ("actor_user_id", "users", "SET NULL"),
        ("actor_api_key_id", "api_keys", "SET NULL"),
    ),
    "submission_versions": (
        ("submission_id", "submissions", "CASCADE"),
        ("actor_user_id", "users", "SET NULL"),
        ("actor_api_key_id", "api_keys", "SET NULL"),
    ),
}


def upgrade() -> None:
    for table, keys in HISTORY_KEYS.items():
        with op.batch_alter_table(table) as batch:
            for column, referred, _ in keys:
                batch.drop_constraint(f"fk_{table}_{column}_{referred}", type_="foreignkey")
    op.drop_index("ix_audit_events_actor_user_id", table_name="audit_events")
    op.create_index(
        "ix_audit_events_actor_user_id",
        "audit_events",
        ["actor_user_id"],
        postgresql_where=sa.text("actor_user_id IS NOT NULL"),
        sqlite_where=sa.text("actor_user_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_audit_events_actor_user_id", table_name="audit_events")
    op.create_index("ix_audit_events_actor_user_id", "audit_events", ["actor_user_id"])
    for table, keys in HISTORY_KEYS.items():
        with op.batch_alter_table(table) as batch:
            for column, referred, on_delete in keys:
                batch.create_foreign_key(
                    f"fk_{table}_{column}_{referred}",
                    referred,
                    [column],
                    ["id"],
                    ondelete=on_delete,
                )
