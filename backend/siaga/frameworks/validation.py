"""What a framework version must satisfy: checked on save (PUT) and again on publish.

Pure: it takes the content and the known agency type codes and returns every problem at
once, each naming its path (`dimensions[1].indicators[3].weight`), so the editor can show
each next to its field. The rules are those of the indicators import
(imports/kinds/indicators.py) and of the tables' check constraints.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

from siaga.frameworks.schemas import FrameworkContent, IndicatorContent
from siaga.models import AnswerType


@dataclass(frozen=True, slots=True)
class Problem:
    field: str
    code: str
    message: str

    def detail(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


def _positive(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and value > 0


def _indicator(
    path: str, indicator: IndicatorContent, agency_types: Collection[str]
) -> list[Problem]:
    found: list[Problem] = []
    if not _positive(indicator.weight):
        found.append(
            Problem(f"{path}.weight", "invalid_weight", "Bobot harus > 0 (weight must be > 0)")
        )
    if indicator.answer_type == AnswerType.COUNT:
        if not _positive(indicator.target):
            found.append(
                Problem(
                    f"{path}.target",
                    "invalid_target",
                    "Indikator count wajib memiliki target > 0 (a count needs a target > 0)",
                )
            )
    elif indicator.target is not None:
        found.append(
            Problem(
                f"{path}.target",
                "target_not_allowed",
                "Hanya indikator count yang memiliki target (only count indicators have one)",
            )
        )
    if indicator.agency_type not in agency_types:
        found.append(
            Problem(
                f"{path}.agency_type",
                "unknown_agency_type",
                f"Jenis perangkat daerah {indicator.agency_type!r} tidak dikenal "
                "(unknown agency type)",
            )
        )
    # Answerable: some agency type at some level must be asked the question.
    if not indicator.levels:
        found.append(
            Problem(
                f"{path}.levels",
                "invalid_levels",
                "Pilih minimal satu tingkat daerah (choose at least one level)",
            )
        )
    elif len(set(indicator.levels)) != len(indicator.levels):
        found.append(
            Problem(f"{path}.levels", "invalid_levels", "Tingkat daerah ganda (duplicate level)")
        )
    return found


def _duplicate(field: str, code: str) -> Problem:
    return Problem(field, "duplicate_code", f"Kode {code!r} sudah dipakai (code used twice)")


def problems(
    content: FrameworkContent, agency_types: Collection[str], *, publishing: bool = False
) -> list[Problem]:
    """Every problem of the content; a draft may be saved incomplete, not published so."""
    found: list[Problem] = []
    dimension_codes: set[str] = set()
    indicator_codes: set[str] = set()
    if publishing and not content.dimensions:
        found.append(Problem("dimensions", "no_dimensions", "Belum ada dimensi (no dimensions)"))
    for d, dimension in enumerate(content.dimensions):
        path = f"dimensions[{d}]"
        if dimension.code in dimension_codes:
            found.append(_duplicate(f"{path}.code", dimension.code))
        dimension_codes.add(dimension.code)
        if not _positive(dimension.weight):
            found.append(
                Problem(f"{path}.weight", "invalid_weight", "Bobot harus > 0 (weight must be > 0)")
            )
        if publishing and not dimension.indicators:
            found.append(
                Problem(
                    f"{path}.indicators",
                    "no_indicators",
                    "Dimensi tanpa indikator (dimension without indicators)",
                )
            )
        for i, indicator in enumerate(dimension.indicators):
            indicator_path = f"{path}.indicators[{i}]"
            if indicator.code in indicator_codes:
                found.append(_duplicate(f"{indicator_path}.code", indicator.code))
            indicator_codes.add(indicator.code)
            found.extend(_indicator(indicator_path, indicator, agency_types))
    found.extend(_thresholds(content, publishing=publishing))
    return found


def _thresholds(content: FrameworkContent, *, publishing: bool) -> list[Problem]:
    found: list[Problem] = []
    categories: set[str] = set()
    previous: float | None = None
    for t, threshold in enumerate(content.thresholds):
        path = f"thresholds[{t}]"
        if threshold.category in categories:
            found.append(_duplicate(f"{path}.category", threshold.category))
        categories.add(threshold.category)
        score = threshold.min_score
        if not (math.isfinite(score) and 0 <= score <= 100):
            found.append(
                Problem(
                    f"{path}.min_score",
                    "threshold_range",
                    "Batas skor harus 0-100 (min score must be 0-100)",
                )
            )
        # Listed from the best category down: each bound strictly below the one before.
        elif previous is not None and score >= previous:
            found.append(
                Problem(
                    f"{path}.min_score",
                    "thresholds_unordered",
                    "Batas skor harus menurun dari kategori tertinggi "
                    "(min scores must decrease from the highest category)",
                )
            )
        if math.isfinite(score):
            previous = score
    if publishing:
        scores = [t.min_score for t in content.thresholds]
        if not scores or min(scores) != 0:
            # Without a category from 0 some scores would have none.
            found.append(
                Problem(
                    "thresholds",
                    "thresholds_incomplete",
                    "Kategori terendah harus mulai dari skor 0 (the lowest category starts at 0)",
                )
            )
    return found
