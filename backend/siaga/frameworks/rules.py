"""The rules an indicator's own fields must satisfy, in one place.

Pure and shared by the two writers of indicators: the framework editor's validation
(frameworks/validation.py, on save and publish) and the indicators import
(imports/kinds/indicators.py). Each rule returns a Finding with the field it names
relative to the indicator (or dimension), a code, and the text in both languages; each
writer places it (a JSON path, or a row and column).
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

from siaga.models import AnswerType


@dataclass(frozen=True, slots=True)
class Finding:
    field: str
    code: str
    message: str
    message_en: str


def _positive(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and value > 0


def weight(value: float | None) -> Finding | None:
    """A dimension's or indicator's weight: a finite number above zero."""
    if _positive(value):
        return None
    return Finding("weight", "invalid_weight", "Bobot harus > 0", "weight must be > 0")


def target(answer_type: AnswerType | None, value: float | None) -> Finding | None:
    """A count is scored against its target; no other answer type has one."""
    if answer_type == AnswerType.COUNT:
        if _positive(value):
            return None
        return Finding(
            "target",
            "invalid_target",
            "Indikator count wajib memiliki target > 0",
            "a count indicator needs a target > 0",
        )
    if value is not None and answer_type is not None:
        return Finding(
            "target",
            "target_not_allowed",
            "Hanya indikator count yang memiliki target",
            "only count indicators have a target",
        )
    return None


def levels(values: Collection[object]) -> Finding | None:
    """Answerable: some level must be asked the question, each level once."""
    if not values:
        return Finding(
            "levels",
            "invalid_levels",
            "Pilih minimal satu tingkat daerah",
            "choose at least one level",
        )
    if len(set(values)) != len(list(values)):
        return Finding("levels", "invalid_levels", "Tingkat daerah ganda", "duplicate level")
    return None


def indicator(
    answer_type: AnswerType | None,
    target_value: float | None,
    weight_value: float | None,
    level_values: Collection[object],
) -> list[Finding]:
    """Every finding of an indicator's own fields, in field order."""
    found = (
        weight(weight_value),
        target(answer_type, target_value),
        levels(level_values),
    )
    return [f for f in found if f is not None]
