"""The demo's story, quarter by quarter: which Pemda send every answer (so that their
report can go up), which of them are late, and what became of each report. Read by
demo_answers (what the answers do) and demo_reports (what the reports do), so that both
tell one story (framework.md, "Demo answers")."""

from __future__ import annotations

from collections.abc import Mapping

from siaga.models import Period, PeriodState
from siaga.reporting.rules import Action

# The closed quarters: every Pemda sent every answer and its report was accepted, the
# province's after its regencies and cities (reporting.rules: reports_pending).
CLOSED_FATE: tuple[Action, ...] = ("submit", "accept")

# The open quarters: the Pemda ahead of the others sent every answer and their report,
# with what happened to it since; the others are still answering, their report a draft.
# Kota Samarinda (64.72) is never among them: the README's examples and the browser
# tests follow its answers still being written, returned and verified in both quarters.
OPEN_FATES: Mapping[str, Mapping[str, tuple[Action, ...]]] = {
    "2023-Q4": {
        "64.01": ("submit", "accept"),
        "64.02": ("submit",),
        "64.08": ("submit", "return"),
        "64.71": ("submit", "accept"),
        "64.74": ("submit", "return", "submit"),
    },
    "2024-Q1": {
        "64.02": ("submit", "return"),
        "64.71": ("submit",),
    },
}

# Pemda that sent answers and report after the deadline day, fewer as the quarters go
# by. A province reports once every regency and city report is accepted, so a late
# regency makes its province late too (2023-Q1 and 2023-Q2).
LATE: Mapping[str, frozenset[str]] = {
    "2023-Q1": frozenset({"64.07", "64.11"}),
    "2023-Q2": frozenset({"64.11"}),
    "2023-Q4": frozenset({"64.08"}),
}


def report_fate(period: Period, region_code: str) -> tuple[Action, ...]:
    """What happened to the Pemda's report after it was written (nothing: a draft)."""
    if period.state == PeriodState.CLOSED:
        return CLOSED_FATE
    return OPEN_FATES.get(period.code, {}).get(region_code, ())


def sends_everything(period: Period, region_code: str) -> bool:
    """Whether the Pemda sent every applicable answer of the period (its report went up)."""
    return bool(report_fate(period, region_code))


def is_late(period: Period, region_code: str) -> bool:
    return region_code in LATE.get(period.code, frozenset())


def reviews_everything(period: Period, region_code: str) -> bool:
    """Whether the verifier reviewed every answer of the Pemda: before accepting its
    report in an open quarter, as the acceptance locks them and an answer left submitted
    would wait in the verification queue for nothing. In the closed quarters a few were
    never reviewed before the quarter closed."""
    return period.state == PeriodState.OPEN and "accept" in report_fate(period, region_code)
