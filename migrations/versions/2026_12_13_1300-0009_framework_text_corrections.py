"""framework text corrections (issue 18 item 4)

Four PEMILU2024 indicators get corrected texts (see docs framework.md): K2.01 and K2.02
name the Pilkada, whose NPHD grants a Pemda funds; K5.01 is about Satlinmas personnel the
Pemda supplies; K1.05 asks whether the previous report's recommendations were followed up
(Siaga measures a report's timeliness itself from its receipt). Texts only: codes, types,
weights and scoring stay, so no score moves.

Only a text that still holds the old wording is changed, in both directions, so an
administrator's own edit of an indicator survives an upgrade and a downgrade.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-13 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FRAMEWORK = "PEMILU2024"

# (indicator, column, old text, new text)
CORRECTIONS: tuple[tuple[str, str, str, str], ...] = (
    (
        "K1.05",
        "name",
        "Laporan triwulan pemantauan disampaikan tepat waktu",
        "Rekomendasi laporan pemantauan triwulan sebelumnya ditindaklanjuti",
    ),
    (
        "K1.05",
        "evidence_guidance",
        "Wajib: tanda terima laporan",
        "Wajib: laporan tindak lanjut rekomendasi",
    ),
    (
        "K2.01",
        "name",
        "Realisasi hibah Pemilu/Pilkada kepada KPU dan Bawaslu sesuai NPHD (persen)",
        "Realisasi hibah Pilkada kepada KPU dan Bawaslu daerah sesuai NPHD (persen)",
    ),
    (
        "K2.02",
        "name",
        "Dukungan dana pengamanan untuk Polri dan TNI",
        "Hibah pengamanan Pilkada untuk Polri dan TNI sesuai NPHD",
    ),
    (
        "K5.01",
        "name",
        "TPS yang dijaga dua anggota Linmas yang didanai Pemda (persen)",
        "TPS yang dijaga dua anggota Satlinmas yang disiapkan Pemda (persen)",
    ),
    (
        "K5.01",
        "evidence_guidance",
        "Wajib: SK Linmas, bukti pembayaran",
        "Wajib: SK penugasan Satlinmas, daftar Satlinmas per TPS",
    ),
)


def _apply(forward: bool) -> None:
    for code, column, old, new in CORRECTIONS:
        before, after = (old, new) if forward else (new, old)
        # The column name comes from the constant above, never from input.
        op.execute(
            sa.text(
                f"UPDATE indicators SET {column} = :after "  # noqa: S608
                f"WHERE code = :code AND {column} = :before AND framework_id IN "
                "(SELECT id FROM frameworks WHERE code = :framework)"
            ).bindparams(after=after, before=before, code=code, framework=_FRAMEWORK)
        )


def upgrade() -> None:
    _apply(forward=True)


def downgrade() -> None:
    _apply(forward=False)
