"""The e-mails, in Bahasa Indonesia: one subject and a few lines per event type, written
as plain text and as HTML from the same lines.

Every value from the event (names, reasons, recommendation texts) is escaped in the
HTML part; the subject is one line (an event's text with a line break cannot add a
header). Links point to the SPA at SIAGA_PUBLIC_URL, as the inbox item does.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from siaga.events.catalogue import EventType, ReminderType
from siaga.incidents import labels
from siaga.reports.formatting import long_date

SUBJECT_MAX_LENGTH = 300
_PREFIX = "[Siaga] "


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str


@dataclass(frozen=True, slots=True)
class _Content:
    subject: str
    lines: list[str]  # paragraphs of plain text
    action: str  # the link's words


def _day(value: Any) -> str:
    try:
        return long_date(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _region(d: dict[str, Any]) -> str:
    name, code = d.get("region_name"), d.get("region", "")
    return f"{name} ({code})" if name else str(code)


def _indicator(d: dict[str, Any]) -> str:
    name, code = d.get("indicator_name"), d.get("indicator", "")
    return f"{code} {name}" if name else str(code)


def _reason(d: dict[str, Any]) -> list[str]:
    return [f"Alasan: {d['reason']}"] if d.get("reason") else []


def _answer(verb: str, d: dict[str, Any]) -> _Content:
    return _Content(
        subject=f"Jawaban {d.get('indicator', '')} {verb}: {_region(d)}",
        lines=[
            f"Jawaban indikator {_indicator(d)} untuk {_region(d)}, periode "
            f"{d.get('period', '')}, {verb} oleh {d.get('actor', 'sistem')}.",
            *_reason(d),
        ],
        action="Buka jawaban",
    )


def _report(verb: str, d: dict[str, Any], extra: str = "") -> _Content:
    return _Content(
        subject=f"Laporan {_region(d)} periode {d.get('period', '')} {verb}",
        lines=[
            f"Laporan Pemda {_region(d)} untuk periode {d.get('period', '')} {verb} oleh "
            f"{d.get('actor', 'sistem')}.{extra}",
            *_reason(d),
        ],
        action="Buka laporan",
    )


def _period(verb: str, d: dict[str, Any]) -> _Content:
    name = d.get("period_name") or d.get("name") or d.get("period", "")
    lines = [f"Periode pelaporan {name} ({d.get('period', '')}) {verb}."]
    if d.get("deadline"):
        lines.append(f"Batas waktu pengisian: {_day(d['deadline'])}.")
    return _Content(f"Periode {name} {verb}", lines, "Buka daftar tugas")


def _deadline(d: dict[str, Any]) -> _Content:
    days = int(d.get("days_left", 0))
    when = "besok" if days == 1 else f"{days} hari lagi"
    return _Content(
        subject=f"Pengingat: {d.get('open_tasks', 0)} tugas belum dikirim, batas waktu {when}",
        lines=[
            f"{d.get('open_tasks', 0)} tugas {d.get('agency_name') or d.get('agency', '')} "
            f"untuk periode {d.get('period_name') or d.get('period', '')} belum dikirim.",
            f"Batas waktu: {_day(d.get('deadline', ''))} ({when}).",
        ],
        action="Buka daftar tugas",
    )


def _digest(d: dict[str, Any]) -> _Content:
    if d.get("role") == "verifier":
        lines = [
            f"Jawaban menunggu verifikasi Anda: {d.get('answers_to_review', 0)}.",
            f"Laporan Pemda menunggu penerimaan Anda: {d.get('reports_to_accept', 0)}.",
        ]
        action = "Buka antrean verifikasi"
    else:
        lines = [
            f"Jawaban {_region(d)} yang belum dikirim: {d.get('missing_answers', 0)}.",
            f"Jawaban yang dikembalikan untuk diperbaiki: {d.get('returned_answers', 0)}.",
        ]
        action = "Buka halaman Pemda"
    return _Content(f"Ringkasan harian {_day(d.get('day', ''))}", lines, action)


def _overdue(d: dict[str, Any]) -> _Content:
    return _Content(
        subject=f"Rekomendasi lewat tenggat: {_region(d)} periode {d.get('period', '')}",
        lines=[
            f"Rekomendasi laporan {_region(d)} periode {d.get('period', '')} untuk "
            f"{d.get('agency', '')} belum selesai, padahal tenggatnya {_day(d.get('due_on', ''))}:",
            str(d.get("text", "")),
        ],
        action="Buka laporan",
    )


def _incident(d: dict[str, Any], headline: str, *extra: str) -> _Content:
    """A quick incident report: its number, severity and category first, since a kritis
    one is read on a phone and acted on at once."""
    severity = labels.label(labels.SEVERITY, d.get("severity", ""))
    category = labels.label(labels.CATEGORY, d.get("category", ""))
    note = [f"Catatan: {d['note']}"] if d.get("note") else []
    return _Content(
        subject=f"{headline} {d.get('number', '')} ({severity}): {d.get('title', '')}",
        lines=[
            f"Laporan cepat {d.get('number', '')} dari {_region(d)}: {d.get('title', '')}.",
            f"Kategori: {category}. Tingkat: {severity}. "
            f"Status: {labels.label(labels.STATE, d.get('status', ''))}.",
            *extra,
            *note,
            f"Oleh {d.get('actor', 'sistem')}.",
        ],
        action="Buka laporan cepat",
    )


def _incident_reported(d: dict[str, Any]) -> _Content:
    if d.get("urgent"):
        return _incident(
            d, "KRITIS: laporan cepat", "Kejadian kritis: mohon segera diterima dan ditangani."
        )
    return _incident(d, "Laporan cepat baru")


def _incident_escalated(d: dict[str, Any]) -> _Content:
    level = labels.label(labels.LEVEL, d.get("level", ""))
    return _incident(d, f"Laporan cepat dieskalasi ke {level}", *_reason(d))


_WEBHOOK_FAILURES = {
    "delivery_failed": "gagal dikirim ke",
    "gone": "dinonaktifkan: penerimanya menjawab 410 (Gone) di",
    "failing": "dinonaktifkan karena terlalu lama gagal di",
}


def _webhook_failed(d: dict[str, Any]) -> _Content:
    disabled = d.get("kind") != "delivery_failed"
    last = d.get("status_code") or d.get("error") or "-"
    return _Content(
        subject="Webhook dinonaktifkan" if disabled else "Webhook gagal dikirim",
        lines=[
            f"Peristiwa {d.get('event_type', '')} {_WEBHOOK_FAILURES.get(str(d.get('kind')), '')} "
            f"endpoint {d.get('url', '')} setelah {d.get('attempts', 0)} kali percobaan.",
            f"Jawaban terakhir: {last}",
        ],
        action="Buka daftar webhook",
    )


_CONTENT: dict[str, Callable[[dict[str, Any]], _Content]] = {
    EventType.SUBMISSION_SUBMITTED: lambda d: _answer("dikirim", d),
    EventType.SUBMISSION_VERIFIED: lambda d: _answer("diverifikasi", d),
    EventType.SUBMISSION_RETURNED: lambda d: _answer("dikembalikan untuk diperbaiki", d),
    EventType.SUBMISSION_REOPENED: lambda d: _answer("dibuka kembali", d),
    EventType.REPORT_SUBMITTED: lambda d: _report(
        "diajukan", d, " Laporan ini menunggu penerimaan Anda."
    ),
    EventType.REPORT_ACCEPTED: lambda d: _report("diterima", d),
    EventType.REPORT_RETURNED: lambda d: _report("dikembalikan", d),
    EventType.PERIOD_OPENED: lambda d: _period("dibuka", d),
    EventType.PERIOD_CLOSED: lambda d: _period("ditutup", d),
    EventType.INCIDENT_REPORTED: _incident_reported,
    EventType.INCIDENT_UPDATED: lambda d: _incident(d, "Laporan cepat diperbarui"),
    EventType.INCIDENT_ESCALATED: _incident_escalated,
    EventType.INCIDENT_RESOLVED: lambda d: _incident(d, "Laporan cepat selesai ditangani"),
    ReminderType.DEADLINE: _deadline,
    ReminderType.DIGEST: _digest,
    ReminderType.RECOMMENDATION_OVERDUE: _overdue,
    ReminderType.WEBHOOK_FAILED: _webhook_failed,
}


def renders(event_type: str) -> bool:
    return event_type in _CONTENT


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render(
    event_type: str,
    data: dict[str, Any],
    *,
    url: str,
    settings_url: str,
    instance: str,
    greeting_name: str,
) -> Rendered:
    """The message of one event for one reader; `url` opens its object in the SPA."""
    content = _CONTENT[event_type](data)
    subject = _one_line(_PREFIX + content.subject)[:SUBJECT_MAX_LENGTH]
    greeting = f"Yth. {_one_line(greeting_name)}," if greeting_name.strip() else "Yth. Bapak/Ibu,"
    footer = (
        f"Pesan ini dikirim otomatis oleh {instance}; mohon tidak membalas. "
        f"Atur e-mail yang Anda terima di {settings_url}"
    )
    text = "\n\n".join([greeting, *content.lines, f"{content.action}: {url}", "-- ", footer])
    e = html.escape
    paragraphs = "".join(f"<p>{e(line)}</p>" for line in content.lines)
    body = (
        '<!doctype html><html lang="id"><head><meta charset="utf-8">'
        f"<title>{e(subject)}</title></head>"
        '<body style="font-family:sans-serif;line-height:1.5;color:#1f2933">'
        f"<p>{e(greeting)}</p>{paragraphs}"
        f'<p><a href="{e(url, quote=True)}">{e(content.action)}</a></p>'
        '<hr><p style="font-size:small;color:#52606d">'
        f"Pesan ini dikirim otomatis oleh {e(instance)}; mohon tidak membalas. "
        f'<a href="{e(settings_url, quote=True)}">Atur e-mail yang Anda terima</a>.</p>'
        "</body></html>"
    )
    return Rendered(subject, text, body)
