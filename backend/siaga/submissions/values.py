"""Answer values and the workflow's refusals: one parser per answer type for JSON and
spreadsheet cells alike, and the `Problem` every rule refuses with. Part of the answer
workflow (submissions/workflow.py re-exports all of it; callers import it from there)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from siaga.models import AnswerType

COUNT_MAX = 1_000_000
LEVEL_MAX = 4
YES_WORDS = ("ya", "yes", "true", "1")
NO_WORDS = ("tidak", "no", "false", "0")


@dataclass(frozen=True, slots=True)
class Problem:
    """Why the workflow refuses: a stable code, the field at fault, and texts in both
    languages (allowed forms for a value, or the whole message otherwise)."""

    code: str
    field: str | None
    message_id: str
    message_en: str
    details: Mapping[str, Any] = dataclass_field(default_factory=dict)

    @property
    def message(self) -> str:
        return f"{self.message_id} ({self.message_en})"


class Refused(Exception):
    """Raised by the functions that return a new state; carries the Problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


# -- values ----------------------------------------------------------------------------

# (Indonesian, English) description of what each type accepts.
ALLOWED: Mapping[AnswerType, tuple[str, str]] = {
    AnswerType.YES_NO: ("isi ya atau tidak", "ya/tidak, yes/no, true/false or 1/0 (yes_no)"),
    AnswerType.LEVEL: ("bilangan bulat 0-4 (tingkat)", "a whole number 0-4 (level)"),
    AnswerType.PERCENT: ("angka 0-100 (persen)", "a number 0-100 (percent)"),
    AnswerType.COUNT: (
        "bilangan bulat 0-1000000 (jumlah)",
        "a whole number 0-1000000 (count)",
    ),
}


def invalid_value(answer_type: AnswerType) -> Problem:
    allowed_id, allowed_en = ALLOWED[answer_type]
    return Problem(
        "invalid_value",
        "value",
        allowed_id,
        allowed_en,
        {"answer_type": answer_type.value},
    )


def _number(text: str) -> float | None:
    text = text.strip()
    # float() also reads "1_000" and non-ASCII digits, which no spreadsheet means as a number.
    if not text.isascii() or "_" in text:
        return None
    # Indonesian spreadsheets write decimals with a comma (75,5); no thousands separators.
    if "," in text and "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def parse_value(answer_type: AnswerType, raw: object) -> float | None:
    """The stored number for a value given as JSON (None, bool, int, float) or as a
    spreadsheet cell (str); None means no value yet. Raises Refused(invalid_value)."""
    if raw is None:
        return None
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            return None
        if answer_type == AnswerType.YES_NO:
            lowered = text.lower()
            if lowered in YES_WORDS:
                return 1.0
            if lowered in NO_WORDS:
                return 0.0
            raise Refused(invalid_value(answer_type))
        number = _number(text)
    elif isinstance(raw, bool):
        if answer_type != AnswerType.YES_NO:
            raise Refused(invalid_value(answer_type))
        return 1.0 if raw else 0.0
    elif isinstance(raw, int | float):
        try:
            number = float(raw) if math.isfinite(raw) else None
        except OverflowError:  # an int beyond any float
            number = None
    else:
        number = None
    if number is None or not _in_range(answer_type, number):
        raise Refused(invalid_value(answer_type))
    return number + 0.0  # -0.0 is stored as 0.0


def _in_range(answer_type: AnswerType, number: float) -> bool:
    if answer_type == AnswerType.YES_NO:
        return number in (0.0, 1.0)
    if answer_type == AnswerType.PERCENT:
        return 0 <= number <= 100
    upper = LEVEL_MAX if answer_type == AnswerType.LEVEL else COUNT_MAX
    return number == int(number) and 0 <= number <= upper
