"""a time zone per region, so that deadlines end at midnight where the Pemda is

Until now one deployment-wide zone (SIAGA_TIMEZONE, WIB by default) decided lateness,
so a Kalimantan Timur answer sent at 23:30 WITA on the deadline counted as late.
Provinces are backfilled by the official division (Keppres 41/1987) from their
Kemendagri code; regencies and cities stay NULL and inherit their province's zone.
A province of unknown code stays NULL and falls back to the deployment's zone.

The table of province codes is copied here, not imported: a migration must not change
when application code does.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-12 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ZONES: dict[str, tuple[str, ...]] = {
    "Asia/Jakarta": (
        *("11", "12", "13", "14", "15", "16", "17", "18", "19", "21"),
        *("31", "32", "33", "34", "35", "36", "61", "62"),
    ),
    "Asia/Makassar": (
        *("51", "52", "53", "63", "64", "65"),
        *("71", "72", "73", "74", "75", "76"),
    ),
    "Asia/Jayapura": ("81", "82", "91", "92", "93", "94", "95", "96", "97"),
}


_CHECK = "time_zone IN ('Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura')"
_CHECK_NAME = "ck_regions_time_zone_indonesian"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if _sqlite():
        # Not batch mode: copying `regions` would drop it, and with foreign keys on that
        # deletes every boundary by cascade. SQLite adds a column with its CHECK in place.
        op.execute(
            f"ALTER TABLE regions ADD COLUMN time_zone VARCHAR(40) "
            f"CONSTRAINT {_CHECK_NAME} CHECK ({_CHECK})"
        )
    else:
        op.add_column("regions", sa.Column("time_zone", sa.String(length=40), nullable=True))
        op.create_check_constraint(op.f(_CHECK_NAME), "regions", _CHECK)
    regions = sa.table(
        "regions",
        sa.column("code", sa.String),
        sa.column("level", sa.String),
        sa.column("time_zone", sa.String),
    )
    for zone, codes in _ZONES.items():
        op.execute(
            regions.update()
            .where(regions.c.level == "province", regions.c.code.in_(codes))
            .values(time_zone=zone)
        )


def downgrade() -> None:
    if _sqlite():
        # A CHECK on the column itself does not stop SQLite from dropping it (3.35+).
        op.execute("ALTER TABLE regions DROP COLUMN time_zone")
    else:
        op.drop_constraint(op.f(_CHECK_NAME), "regions", type_="check")
        op.drop_column("regions", "time_zone")
