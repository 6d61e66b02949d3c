"""Refusals of the period catalogue, with the contract's codes."""

from __future__ import annotations

from typing import Any

from siaga.core.errors import Conflict, InvalidInput, NotFound


class PeriodNotFound(NotFound):
    code = "period_not_found"


class PeriodExists(Conflict):
    code = "period_exists"

    def __init__(self, code: str) -> None:
        super().__init__(f"Periode {code!r} sudah ada (period already exists)")


class PeriodInvalid(InvalidInput):
    """422 naming each refused field, as `{"field", "code", "message"}`."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__("Periode ditolak (period refused)", details=problems)


def problem(field: str, code: str, message: str) -> dict[str, Any]:
    return {"field": field, "code": code, "message": message}
