"""Quick incident reports (issue 21)

`incidents`: one row per laporan cepat, numbered LC/<region>/<year>/<seq> from
`incident_counters` (one row per region and year, taken with an atomic upsert); its
category, severity, state (reported -> acknowledged -> handling -> resolved -> closed)
and level (pemda, province, national), when and where it happened (with the day in the
region's zone), what happened and what was done. `incident_events`: its timeline,
append-only. `incident_files`: photos and documents, whose content is an evidence blob.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-15 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "incident_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("incident_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column(
            "from_state",
            sa.Enum(
                "reported",
                "acknowledged",
                "handling",
                "resolved",
                "closed",
                name="incident_event_from_state",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=True,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "reported",
                "acknowledged",
                "handling",
                "resolved",
                "closed",
                name="incident_event_state",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column(
            "level",
            sa.Enum(
                "pemda",
                "province",
                "national",
                name="incident_event_level",
                native_enum=False,
                create_constraint=True,
                length=8,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_api_key_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_events")),
    )
    with op.batch_alter_table("incident_events", schema=None) as batch_op:
        batch_op.create_index("ix_incident_events_incident", ["incident_id", "id"], unique=False)

    op.create_table(
        "incident_counters",
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["regions.id"],
            name=op.f("fk_incident_counters_region_id_regions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("region_id", "year", name=op.f("pk_incident_counters")),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "netralitas_asn",
                "konflik_pendukung",
                "kampanye_apk",
                "politik_uang",
                "logistik",
                "keamanan",
                "bencana",
                "hoaks_sara",
                "lainnya",
                name="incident_category",
                native_enum=False,
                create_constraint=True,
                length=17,
            ),
            nullable=False,
        ),
        sa.Column(
            "severity",
            sa.Enum(
                "rendah",
                "sedang",
                "tinggi",
                "kritis",
                name="incident_severity",
                native_enum=False,
                create_constraint=True,
                length=6,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "reported",
                "acknowledged",
                "handling",
                "resolved",
                "closed",
                name="incident_state",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column(
            "level",
            sa.Enum(
                "pemda",
                "province",
                "national",
                name="incident_level",
                native_enum=False,
                create_constraint=True,
                length=8,
            ),
            nullable=False,
        ),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("actions_taken", sa.Text(), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=False),
        sa.Column("village", sa.String(length=100), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("reporter_label", sa.String(length=200), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(latitude IS NULL) = (longitude IS NULL)",
            name=op.f("ck_incidents_point_complete_or_absent"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["regions.id"],
            name=op.f("fk_incidents_region_id_regions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["users.id"],
            name=op.f("fk_incidents_reported_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
        sa.UniqueConstraint("number", name=op.f("uq_incidents_number")),
        sa.UniqueConstraint(
            "region_id", "year", "seq", name=op.f("uq_incidents_region_id_year_seq")
        ),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_incidents_region_occurred", ["region_id", "occurred_on"], unique=False
        )
        batch_op.create_index("ix_incidents_state_reported", ["state", "reported_at"], unique=False)

    op.create_table(
        "incident_files",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("location_kept", sa.Boolean(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploader_label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["blob_sha256"],
            ["evidence_blobs.sha256"],
            name=op.f("fk_incident_files_blob_sha256_evidence_blobs"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_files_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_incident_files_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_files")),
    )
    with op.batch_alter_table("incident_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_files_blob_sha256"), ["blob_sha256"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_incident_files_incident_id"), ["incident_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("incident_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_files_incident_id"))
        batch_op.drop_index(batch_op.f("ix_incident_files_blob_sha256"))

    op.drop_table("incident_files")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_state_reported")
        batch_op.drop_index("ix_incidents_region_occurred")

    op.drop_table("incidents")
    op.drop_table("incident_counters")
    with op.batch_alter_table("incident_events", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_events_incident")

    op.drop_table("incident_events")
