"""How the report writes numbers, dates and labels: Indonesian, as its readers write them."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup

from siaga.models import PeriodState, RegionLevel, SubmissionStatus
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
