"""Indonesia's three time zones and which province lies in which.

Deadlines end at midnight where the Pemda is: Kalimantan Timur keeps WITA (UTC+8), so a
cut-off computed in WIB (UTC+7) would call an answer sent at 23:30 local time late.
The division follows Keppres 41/1987; a province stores its zone, a regency or city
inherits it unless it has its own.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WIB = "Asia/Jakarta"
WITA = "Asia/Makassar"
WIT = "Asia/Jayapura"

# IANA name -> the abbreviation Indonesians read on a clock.
ABBREVIATIONS: dict[str, str] = {WIB: "WIB", WITA: "WITA", WIT: "WIT"}
TIME_ZONES = tuple(ABBREVIATIONS)

# Kemendagri province code -> zone. The codes 92-97 include the Papua provinces formed
# in 2022 (Papua Barat Daya, Selatan, Tengah, Pegunungan), all WIT.
_PROVINCES: dict[str, str] = {
    **dict.fromkeys(("11", "12", "13", "14", "15", "16", "17", "18", "19", "21"), WIB),
    **dict.fromkeys(("31", "32", "33", "34", "35", "36"), WIB),
    **dict.fromkeys(("61", "62"), WIB),
    **dict.fromkeys(("51", "52", "53", "63", "64", "65"), WITA),
    **dict.fromkeys(("71", "72", "73", "74", "75", "76"), WITA),
    **dict.fromkeys(("81", "82", "91", "92", "93", "94", "95", "96", "97"), WIT),
}


def province_zone(code: str) -> str | None:
    """The zone of the province a Kemendagri code lies in; None for an unknown province."""
    return _PROVINCES.get(code.split(".", 1)[0])


def abbreviation(time_zone: str) -> str:
    """WIB, WITA or WIT; another zone (a deployment default such as UTC) by its name."""
    return ABBREVIATIONS.get(time_zone, time_zone)


def parse(raw: str) -> str | None:
    """An IANA name or WIB/WITA/WIT, in any case, as the stored IANA name; else None."""
    text = raw.strip()
    for name, short in ABBREVIATIONS.items():
        if text.lower() in (name.lower(), short.lower()):
            return name
    return None


def effective(own: str | None, parent: str | None, default: str) -> str:
    """The region's own zone, else its province's, else the deployment's default."""
    return own or parent or default


def deadline_cutoff(deadline: date, time_zone: str) -> datetime:
    """The first instant after the deadline day in the given zone: on time is before it."""
    return datetime.combine(deadline + timedelta(days=1), time(0, 0), tzinfo=ZoneInfo(time_zone))
