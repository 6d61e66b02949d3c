"""Spreadsheet formula injection: text that a spreadsheet would run as a formula.

Excel, LibreOffice and Google Sheets treat a cell that starts with `=`, `+`, `-` or `@`
as a formula (and tab or carriage return can hide such a start), so a narrative typed
by one Pemda could run `=HYPERLINK(...)` or worse on a ministry laptop that opens the
export. Prefixing a single quote makes every spreadsheet show the text as typed
(OWASP "CSV Injection").
"""

from __future__ import annotations

FORMULA_STARTS = frozenset({"=", "+", "-", "@", "\t", "\r"})


def neutralise(text: str) -> str:
    """`text`, prefixed with `'` when a spreadsheet would read it as a formula."""
    if text[:1] in FORMULA_STARTS:
        return "'" + text
    return text
