"""The incidents' codes in words, in Bahasa Indonesia, for what the server writes itself
(the signed quarterly PDF, e-mails). The SPA has its own copies in both languages
(frontend/src/i18n, `codes.enum.Incident*`); tests/incidents/test_labels.py keeps the two
Indonesian sets equal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from siaga.models import IncidentCategory, IncidentLevel, IncidentSeverity, IncidentState

CATEGORY: dict[IncidentCategory, str] = {
    IncidentCategory.NETRALITAS_ASN: "Netralitas ASN",
    IncidentCategory.KONFLIK_PENDUKUNG: "Konflik antarpendukung",
    IncidentCategory.KAMPANYE_APK: "Kampanye dan APK",
    IncidentCategory.POLITIK_UANG: "Politik uang",
    IncidentCategory.LOGISTIK: "Logistik pemilu",
    IncidentCategory.KEAMANAN: "Ancaman keamanan",
    IncidentCategory.BENCANA: "Bencana",
    IncidentCategory.HOAKS_SARA: "Hoaks dan SARA",
    IncidentCategory.LAINNYA: "Lainnya",
}

SEVERITY: dict[IncidentSeverity, str] = {
    IncidentSeverity.RENDAH: "Rendah",
    IncidentSeverity.SEDANG: "Sedang",
    IncidentSeverity.TINGGI: "Tinggi",
    IncidentSeverity.KRITIS: "Kritis",
}

STATE: dict[IncidentState, str] = {
    IncidentState.REPORTED: "Dilaporkan",
    IncidentState.ACKNOWLEDGED: "Diterima",
    IncidentState.HANDLING: "Ditangani",
    IncidentState.RESOLVED: "Selesai ditangani",
    IncidentState.CLOSED: "Ditutup",
}

LEVEL: dict[IncidentLevel, str] = {
    IncidentLevel.PEMDA: "Pemda pelapor",
    IncidentLevel.PROVINCE: "Provinsi",
    IncidentLevel.NATIONAL: "Kementerian",
}


def label(labels: Mapping[Any, str], code: object) -> str:
    """The words for `code`, or the code itself when it is not one (an event written by
    an older version)."""
    return labels.get(str(code), str(code))
