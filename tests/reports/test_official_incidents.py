"""The quarter's quick incident reports in the signed PDF (issue 21 item 3): counted by
severity and category and listed, the most severe first, with the time in the Pemda's
zone; a province's over its regencies and cities; none of another province's, and none
from outside the quarter."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import (
    Incident,
    IncidentCategory,
    IncidentLevel,
    IncidentSeverity,
    IncidentState,
)
from tests.exports.world import World
from tests.reports.test_official import get_pdf, pages_of, world

__all__ = ["world"]


S, C = IncidentSeverity, IncidentCategory
# (region, seq, when, severity, category, title, state, level)
QUARTER = [
    ("64.72", 1, datetime(2023, 10, 5, 2, 0, tzinfo=UTC), S.SEDANG, C.KAMPANYE_APK,
     "APK di jalur hijau", IncidentState.CLOSED, IncidentLevel.PEMDA),
    ("64.72", 2, datetime(2023, 11, 20, 6, 15, tzinfo=UTC), S.KRITIS, C.KONFLIK_PENDUKUNG,
     "Bentrok di depan KPU", IncidentState.HANDLING, IncidentLevel.NATIONAL),
    ("64.11", 1, datetime(2023, 12, 1, 1, 0, tzinfo=UTC), S.TINGGI, C.POLITIK_UANG,
     "Bagi-bagi uang di pasar", IncidentState.REPORTED, IncidentLevel.PEMDA),
    # Outside the quarter, and in another province: in neither report.
    ("64.72", 3, datetime(2024, 1, 2, 1, 0, tzinfo=UTC), S.KRITIS, C.BENCANA,
     "Banjir di gudang logistik", IncidentState.REPORTED, IncidentLevel.PEMDA),
    ("63.71", 1, datetime(2023, 11, 2, 1, 0, tzinfo=UTC), S.KRITIS, C.KEAMANAN,
     "Ancaman di Banjarmasin", IncidentState.REPORTED, IncidentLevel.PEMDA),
]  # fmt: skip


async def _quarter(session: AsyncSession, world: World) -> None:
    for region, seq, at, severity, category, title, state, level in QUARTER:
        session.add(
            Incident(
                number=f"LC/{region}/{at.year}/{seq:04d}",
                region_id=world.written.regions[region].id,
                year=at.year,
                seq=seq,
                category=category,
                severity=severity,
                state=state,
                level=level,
                occurred_at=at,
                # The instants above fall on the same day in WITA.
                occurred_on=at.date(),
                title=title,
                district="Samarinda Ulu",
                reporter_label="koordinator",
            )
        )
    await session.flush()


async def test_a_citys_report_counts_and_lists_its_own(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    await _quarter(session, world)
    text = " ".join(pages_of(await get_pdf(client)))
    assert (
        "LAPORAN CEPAT (KEJADIAN MENONJOL) 2 kejadian terjadi dalam triwulan ini: "
        "1 masih dalam penanganan, 1 dieskalasi. Menurut tingkat: kritis 1, sedang 1. "
        "Menurut kategori: Kampanye dan APK 1; Konflik antarpendukung 1."
    ) in text
    # The kritis one first; the time in WITA.
    kritis = text.index("LC/64.72/2023/0002")
    assert kritis < text.index("LC/64.72/2023/0001")
    assert "LC/64.72/2023/0002 20 November 2023, pukul 14.15 WITA Bentrok di depan KPU" in text
    assert "Ditangani Dieskalasi: Kementerian" in text
    assert "APK di jalur hijau Kampanye dan APK · Samarinda Ulu Sedang Ditutup" in text
    for absent in ("Bagi-bagi uang", "Banjir di gudang", "Banjarmasin"):
        assert absent not in text


async def test_a_provinces_report_covers_its_regencies_and_cities(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    await _quarter(session, world)
    text = " ".join(pages_of(await get_pdf(client, "64")))
    assert "3 kejadian terjadi dalam triwulan ini di seluruh provinsi" in text
    assert "Menurut tingkat: kritis 1, tinggi 1, sedang 1." in text
    assert "Bagi-bagi uang di pasar Politik uang · Kabupaten Paser, Samarinda Ulu" in text
    assert "Ancaman di Banjarmasin" not in text


async def test_a_quarter_without_incidents_says_so(client: httpx.AsyncClient, world: World) -> None:
    text = " ".join(pages_of(await get_pdf(client)))
    assert "Tidak ada laporan cepat untuk kejadian dalam triwulan ini." in text
