"""How the report writes numbers, dates and labels: Indonesian, as its readers write them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup

from siaga.models import (
    AnswerType,
    PeriodState,
    RecommendationStatus,
    RegionLevel,
    ReportState,
    SubmissionStatus,
)
from siaga.periods import quarters
from siaga.regions import time_zones
from siaga.scoring.schemas import PemdaScore

MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
LEVELS = {RegionLevel.PROVINCE: "Provinsi", RegionLevel.REGENCY: "Kabupaten",
          RegionLevel.CITY: "Kota"}  # fmt: skip
STATUS_LABELS = {
    None: "Belum diisi",
    SubmissionStatus.DRAFT: "Draf",
    SubmissionStatus.SUBMITTED: "Menunggu verifikasi",
    SubmissionStatus.VERIFIED: "Terverifikasi",
    SubmissionStatus.RETURNED: "Dikembalikan",
}
VIEW_LABELS = {
    "official": "resmi (hanya jawaban terverifikasi)",
    "provisional": "sementara (jawaban terkirim dan terverifikasi)",
}
# The period's state on the cover, and a warning for numbers that are not final yet.
PERIOD_STATE_LABELS = {
    PeriodState.PLANNED: "direncanakan (belum dibuka)",
    PeriodState.OPEN: "dibuka (pengisian masih berjalan)",
    PeriodState.CLOSED: "ditutup",
}
PERIOD_NOTICES = {
    PeriodState.PLANNED: (
        "Periode ini belum dibuka: belum ada jawaban, sehingga semua skor bernilai 0."
    ),
    PeriodState.OPEN: (
        "Angka sementara, triwulan belum ditutup: pengisian dan verifikasi masih berjalan, "
        "sehingga skor dapat berubah sampai periode ditutup."
    ),
}
# The Pemda report's state and its recommendations' follow-up, as the SPA names them; the
# first page says more of a draft (official.UNSENT).
REPORT_STATE_LABELS = {
    ReportState.DRAFT: "Draf",
    ReportState.SUBMITTED: "Dikirim",
    ReportState.ACCEPTED: "Diterima",
    ReportState.RETURNED: "Dikembalikan",
}
RECOMMENDATION_LABELS = {
    RecommendationStatus.OPEN: "Terbuka",
    RecommendationStatus.IN_PROGRESS: "Sedang ditindaklanjuti",
    RecommendationStatus.DONE: "Selesai",
}
# How the province's own Pemda and the mean over its subtree are named (issue 16, item 6):
# both used to read just "Kalimantan Timur".
OWN_SUFFIX = "(Pemprov, skor sendiri)"

DASH = "\u2013"  # en dash: "nothing to show" in tables


def number(value: float | None, digits: int = 2) -> str:
    """Indonesian decimal comma: 72,50; a dash when there is nothing to show."""
    if value is None:
        return DASH
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def percent(value: float | None) -> str:
    return DASH if value is None else f"{number(value)}%"


def css_string(text: str) -> Markup:
    """`text` as a quoted CSS string: anything but plain characters as a CSS escape, so a
    region name can neither end the string nor the style element."""
    safe = "".join(ch if ch.isalnum() or ch in " .,-_()·" else f"\\{ord(ch):x} " for ch in text)
    return Markup(f'"{safe}"')  # noqa: S704 - escaped character by character above


def long_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def change(current: float, previous: float | None) -> str:
    """R's change since the previous closed period, as an arrow and the difference."""
    if previous is None:
        return DASH
    delta = current - previous
    if abs(delta) < 0.005:
        return "tetap"
    return f"{'▲' if delta > 0 else '▼'} {number(abs(delta))}"


def display_name(item: PemdaScore) -> str:
    """A province's row is its own Pemda's score, not the mean over its regencies and
    cities: the name says so."""
    return f"{item.name} {OWN_SUFFIX}" if item.level == RegionLevel.PROVINCE else item.name


def short_number(value: float) -> str:
    """A value as people write it: 72,5 and 4, not 72,50 and 4,00."""
    text = number(value)
    return text.rstrip("0").rstrip(",") if "," in text else text


def answer_value(
    answer_type: AnswerType, value: float | None, target: float | None, rubric: Mapping[int, str]
) -> str:
    """An answer's value as the SPA shows it: "Ya", "75%", "3 \u2014 Terlaksana", "4 (target 3)"."""
    if value is None:
        return DASH
    if answer_type == AnswerType.YES_NO:
        return "Ya" if value else "Tidak"
    if answer_type == AnswerType.PERCENT:
        return f"{short_number(value)}%"
    if answer_type == AnswerType.LEVEL and int(value) in rubric:
        return f"{short_number(value)} \u2014 {rubric[int(value)]}"
    if answer_type == AnswerType.COUNT and target is not None:
        return f"{short_number(value)} (target {short_number(target)})"
    return short_number(value)


def local_time(moment: datetime, zone: str) -> str:
    """A moment on the Pemda's clock, the zone named: 5 Oktober 2023, pukul 14.05 WITA."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{long_date(local.date())}, pukul {local:%H.%M} {time_zones.abbreviation(zone)}"


def local_date(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def timeliness(first_submitted_at: datetime | None, is_late: bool | None) -> str:
    """Whether the report came by the deadline: decided once, at its first submission."""
    if first_submitted_at is None:
        return "belum mengirim"
    return "terlambat" if is_late else "tepat waktu"


def seat(name: str, level: RegionLevel) -> str:
    """The Pemda's name without its level word: "Samarinda" for "Kota Samarinda"."""
    # "Kab." is how regencies are often abbreviated in their own names.
    prefixes = (
        (f"{LEVELS[level]} ", "Kab. ") if level == RegionLevel.REGENCY else (f"{LEVELS[level]} ",)
    )
    for prefix in prefixes:
        if name.lower().startswith(prefix.lower()) and len(name) > len(prefix):
            return name[len(prefix) :]
    return name


def government(name: str, level: RegionLevel) -> str:
    """The letterhead's first line: PEMERINTAH KOTA SAMARINDA."""
    return f"Pemerintah {LEVELS[level]} {seat(name, level)}".upper()


def period_title(code: str, name: str) -> str:
    """TRIWULAN III TAHUN 2023 for 2023-Q3; another period by its own name."""
    quarter = quarters.parse(code)
    if quarter is None:
        return name.upper()
    return f"Triwulan {quarter.numeral} Tahun {quarter.year}".upper()
