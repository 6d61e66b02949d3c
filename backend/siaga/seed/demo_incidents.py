"""The demo's quick incident reports (issue 21): a dozen incidents across Kalimantan
Timur, every category and severity, every state and level, in 2023-2024. Deterministic
(dates follow from the periods, never from today: two are still waiting to be
acknowledged, so the demo always shows overdue ones), told through incidents.rules as
the API would, numbered through the same counter, and idempotent: an incident already
there (same Pemda, time and title) is left as users changed it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.incidents import repository, rules
from siaga.models import (
    Incident,
    IncidentCategory,
    IncidentEvent,
    IncidentLevel,
    IncidentSeverity,
    IncidentState,
    Period,
    Region,
    User,
)
from siaga.regions.time_zones import WITA, province_zone
from siaga.seed.demo_users import NATIONAL_VERIFIER

C, S = IncidentCategory, IncidentSeverity
# Who acts at each level: the Pemda's coordinator, the province's verifier, the Ministry.
PEMDA, PROVINCE, MINISTRY = "pemda", "province", "ministry"


@dataclass(frozen=True)
class Spec:
    region: str
    period: str  # dates count from the period's first day
    day: int
    hour: int  # local (WITA)
    category: IncidentCategory
    severity: IncidentSeverity
    title: str
    description: str
    actions: str
    district: str
    village: str
    point: tuple[float, float] | None
    # What happened next: (hours after filing, who, "step:<state>" | "escalate" | "note", note)
    steps: tuple[tuple[int, str, str, str], ...] = ()


ACK = "Laporan diterima; tim Kesbangpol berkoordinasi dengan Forkopimda."
HANDLING = "Penanganan bersama Polres, Kodim, Bawaslu dan tim terpadu penanganan konflik."
RESOLVED = "Situasi kembali kondusif; para pihak sepakat menahan diri."
CLOSED = "Ditutup; notulen rapat tindak lanjut disimpan di Kesbangpol."
ESCALATE = "Eskalasi meningkat dan memerlukan dukungan satu tingkat di atas."

SPECS: tuple[Spec, ...] = (
    Spec(
        "64.07", "2023-Q3", 50, 21, C.KEAMANAN, S.SEDANG,
        "Ancaman terhadap anggota PPK",
        "Anggota PPK menerima pesan ancaman setelah rapat pleno rekapitulasi DPS.",
        "Korban didampingi ke Polsek; pengamanan kantor PPK ditambah.",
        "Barong Tongkok", "Simpang Raya", (-0.2375, 115.7),
        ((1, PEMDA, "step:acknowledged", ACK), (4, PEMDA, "step:handling", HANDLING),
         (72, PEMDA, "step:resolved", RESOLVED), (168, PEMDA, "step:closed", CLOSED)),
    ),
    Spec(
        "64.72", "2023-Q4", 20, 9, C.KAMPANYE_APK, S.RENDAH,
        "APK dipasang di pohon pelindung jalan",
        "Puluhan bendera dan spanduk dipaku pada pohon di sepanjang Jalan Juanda.",
        "Satpol PP menertibkan bersama Panwaslu Kecamatan.",
        "Samarinda Ulu", "Air Hitam", (-0.4948, 117.1436),
        ((20, PEMDA, "step:acknowledged", ACK), (26, PEMDA, "step:handling", HANDLING),
         (50, PEMDA, "step:resolved", RESOLVED), (120, PEMDA, "step:closed", CLOSED)),
    ),
    Spec(
        "64.71", "2023-Q4", 35, 14, C.NETRALITAS_ASN, S.SEDANG,
        "ASN hadir dalam deklarasi relawan calon",
        "Dua ASN dinas teknis terlihat mengenakan atribut relawan pada acara deklarasi.",
        "Temuan diteruskan ke BKPSDM dan Bawaslu Kota.",
        "Balikpapan Kota", "Klandasan Ilir", (-1.2735, 116.8289),
        ((6, PEMDA, "step:acknowledged", ACK), (30, PEMDA, "step:handling", HANDLING),
         (240, PEMDA, "step:resolved", "BKPSDM menjatuhkan teguran tertulis.")),
    ),
    Spec(
        "64.03", "2024-Q1", 20, 19, C.HOAKS_SARA, S.SEDANG,
        "Hoaks bernuansa SARA di grup percakapan warga",
        "Pesan berantai menuduh kelompok etnis tertentu memobilisasi pemilih dari luar daerah.",
        "Diskominfo mengajukan penurunan konten; tokoh adat diajak menenangkan warga.",
        "Tanjung Redeb", "Gayam", (2.15, 117.4833),
        ((3, PEMDA, "step:acknowledged", ACK),),
    ),
    Spec(
        "64.02", "2024-Q1", 30, 7, C.POLITIK_UANG, S.TINGGI,
        "Dugaan pembagian sembako oleh tim sukses",
        "Warga melaporkan pembagian paket sembako disertai kartu nama calon legislatif.",
        "Bukti foto diserahkan ke Bawaslu Kabupaten.",
        "Tenggarong", "Loa Ipuh", (-0.423, 116.987),
        ((2, PEMDA, "step:acknowledged", ACK), (5, PEMDA, "escalate", ESCALATE),
         (9, PROVINCE, "step:handling", HANDLING)),
    ),
    Spec(
        "64.74", "2024-Q1", 40, 8, C.LOGISTIK, S.TINGGI,
        "Surat suara kurang di tiga TPS",
        "KPPS di tiga TPS menerima surat suara DPRD kurang dari jumlah DPT.",
        "KPU Kota mengirim surat suara cadangan dari gudang logistik.",
        "Bontang Utara", "Api-Api", (0.133, 117.495),
        ((1, PEMDA, "step:acknowledged", ACK), (2, PEMDA, "step:handling", HANDLING),
         (8, PEMDA, "step:resolved", RESOLVED), (48, PEMDA, "step:closed", CLOSED)),
    ),
    Spec(
        "64.11", "2024-Q1", 41, 6, C.BENCANA, S.TINGGI,
        "Banjir menghambat distribusi logistik pemilu",
        "Sungai Mahakam meluap; speedboat logistik tidak dapat merapat di dua kampung.",
        "BPBD dan KPU memindahkan logistik ke titik aman; jalur alternatif disiapkan.",
        "Long Bagun", "Ujoh Bilang", None,
        ((1, PEMDA, "step:acknowledged", ACK), (2, PEMDA, "escalate", ESCALATE),
         (3, PROVINCE, "step:handling", HANDLING), (30, PROVINCE, "step:resolved", RESOLVED)),
    ),
    Spec(
        "64.72", "2024-Q1", 44, 13, C.KONFLIK_PENDUKUNG, S.KRITIS,
        "Bentrok pendukung di sekitar TPS",
        "Dua kelompok pendukung saling dorong saat penghitungan suara; tiga orang luka ringan.",
        "Polresta dan Kodim mengamankan lokasi; penghitungan dilanjutkan.",
        "Sungai Kunjang", "Loa Bakung", (-0.5106, 117.1017),
        ((0, PEMDA, "step:acknowledged", ACK), (1, PEMDA, "escalate", ESCALATE),
         (2, PROVINCE, "escalate", "Potensi meluas ke kecamatan lain; perlu koordinasi pusat."),
         (3, MINISTRY, "step:handling", HANDLING),
         (6, MINISTRY, "note", "Tim terpadu pusat memantau langsung bersama Polda.")),
    ),
    Spec(
        "64", "2024-Q2", 10, 10, C.NETRALITAS_ASN, S.TINGGI,
        "Pejabat provinsi mengunggah dukungan kepada bakal calon",
        "Seorang kepala dinas provinsi mengunggah foto dukungan kepada bakal calon gubernur.",
        "Inspektorat dan BKD provinsi memanggil yang bersangkutan.",
        "Samarinda Ulu", "Sidodadi", (-0.4985, 117.1497),
        ((4, PEMDA, "escalate", ESCALATE), (20, MINISTRY, "step:acknowledged", ACK)),
    ),
    Spec(
        "64.08", "2024-Q3", 60, 16, C.KAMPANYE_APK, S.RENDAH,
        "Baliho bakal calon di fasilitas umum",
        "Baliho bakal calon bupati dipasang di pagar sekolah dan puskesmas.",
        "Dicatat untuk diteruskan ke Satpol PP.",
        "Sangatta Utara", "Swarga Bara", (0.5, 117.55),
    ),
    Spec(
        "64.01", "2024-Q4", 20, 11, C.LAINNYA, S.SEDANG,
        "Penolakan warga terhadap lokasi TPS",
        "Warga menolak TPS di halaman rumah ibadah dan meminta lokasi dipindah.",
        "Camat memfasilitasi musyawarah dengan PPS dan tokoh agama.",
        "Tanah Grogot", "Tanah Periuk", (-1.9, 116.2),
        ((2, PEMDA, "step:acknowledged", ACK), (5, PEMDA, "step:handling", HANDLING)),
    ),
    Spec(
        "64.09", "2024-Q4", 56, 22, C.POLITIK_UANG, S.KRITIS,
        "Dugaan serangan fajar menjelang pemungutan suara",
        "Warga melaporkan amplop berisi uang dibagikan dari rumah ke rumah malam hari.",
        "Dilaporkan ke Bawaslu dan Polres; patroli malam ditambah.",
        "Penajam", "Nenang", (-1.25, 116.75),
    ),
)  # fmt: skip


def demo_incident_numbers() -> list[str]:
    """The numbers the demo's incidents get on an empty database: in the order of SPECS
    per Pemda and year of filing (every spec's year is its period's)."""
    seen: dict[tuple[str, int], int] = {}
    numbers = []
    for spec in SPECS:
        year = int(spec.period[:4])
        seen[spec.region, year] = seen.get((spec.region, year), 0) + 1
        numbers.append(rules.number(spec.region, year, seen[spec.region, year]))
    return numbers


def _actor(who: str, region: str, users: dict[str, User]) -> User:
    name = {
        PEMDA: f"koordinator.{region}",
        PROVINCE: f"verifikator.{rules.province_of(region)}",
        MINISTRY: NATIONAL_VERIFIER,
    }[who]
    return users[name]


def _event(
    incident: Incident, user: User, kind: str, at: datetime, note: str, from_state: object
) -> IncidentEvent:
    return IncidentEvent(
        incident_id=incident.id,
        kind=kind,
        from_state=from_state,
        state=incident.state,
        level=incident.level,
        note=note,
        actor_user_id=user.id,
        actor_label=user.username,
        created_at=at,
    )


async def _seed_one(
    session: AsyncSession, spec: Spec, region: Region, period: Period, users: dict[str, User]
) -> bool:
    zone = ZoneInfo(region.time_zone or province_zone(region.code) or WITA)
    local = datetime.combine(period.start_date + timedelta(days=spec.day), time(spec.hour))
    occurred = local.replace(tzinfo=zone)
    exists = await session.scalar(
        select(Incident.id).where(
            Incident.region_id == region.id,
            Incident.occurred_at == occurred,
            Incident.title == spec.title,
        )
    )
    if exists is not None:
        return False
    reported = occurred + timedelta(minutes=40)
    year = reported.astimezone(zone).year
    seq = await repository.next_seq(session, region.id, year)
    reporter = _actor(PEMDA, region.code, users)
    incident = Incident(
        number=rules.number(region.code, year, seq), region_id=region.id, year=year, seq=seq,
        category=spec.category, severity=spec.severity, state=IncidentState.REPORTED,
        level=IncidentLevel.PEMDA, occurred_at=occurred, occurred_on=local.date(),
        title=spec.title, description=spec.description, actions_taken=spec.actions,
        district=spec.district, village=spec.village,
        latitude=spec.point[0] if spec.point else None,
        longitude=spec.point[1] if spec.point else None,
        reported_at=reported, reported_by_id=reporter.id, reporter_label=reporter.username,
        version=1, updated_at=reported,
    )  # fmt: skip
    session.add(incident)
    await session.flush()
    events = [_event(incident, reporter, "reported", reported, "", None)]
    for hours, who, what, note in spec.steps:
        at = reported + timedelta(hours=hours)
        user = _actor(who, region.code, users)
        case = rules.Case(region.code, incident.state, incident.level, incident.severity, reported)
        if what == "escalate":
            target = rules.next_level(incident.level, region.code)
            assert target is not None and case.state in rules.OPEN, spec.title
            incident.level, incident.escalated_at = target, at
            events.append(_event(incident, user, "escalated", at, note, None))
        elif what == "note":
            events.append(_event(incident, user, "note", at, note, None))
        else:
            state = IncidentState(what.removeprefix("step:"))
            assert state in rules.STEPS[incident.state], spec.title
            before = incident.state
            incident.state = state
            if state == IncidentState.ACKNOWLEDGED:
                incident.acknowledged_at = at
            elif state == IncidentState.RESOLVED:
                incident.resolved_at = at
            elif state == IncidentState.CLOSED:
                incident.closed_at = at
            events.append(_event(incident, user, "step", at, note, before))
        incident.version += 1
        incident.updated_at = at
    session.add_all(events)
    return True


async def seed_incidents(
    session: AsyncSession,
    periods: dict[str, Period],
    regions: list[Region],
    users: dict[str, User],
) -> int:
    """The demo incidents not there yet; how many were created."""
    by_code = {r.code: r for r in regions}
    created = 0
    for spec in SPECS:
        if spec.region in by_code and spec.period in periods:
            created += await _seed_one(
                session, spec, by_code[spec.region], periods[spec.period], users
            )
    await session.flush()
    return created
