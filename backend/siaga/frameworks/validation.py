"""What a framework version must satisfy: checked on save (PUT) and again on publish.

Pure: it takes the content and the known agency type codes and returns every problem at
once, each naming its path (`dimensions[1].indicators[3].weight`), so the editor can show
each next to its field. An indicator's own fields follow frameworks/rules.py, which the
indicators import applies too; the rest (codes unique, thresholds ordered, agency types
known) is about the version as a whole.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

from siaga.frameworks import rules
from siaga.frameworks.schemas import FrameworkContent, IndicatorContent


@dataclass(frozen=True, slots=True)
class Problem:
    field: str
    code: str
    message: str

    def detail(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


def _at(path: str, finding: rules.Finding) -> Problem:
    return Problem(
        f"{path}.{finding.field}", finding.code, f"{finding.message} ({finding.message_en})"
    )


def _indicator(
    path: str, indicator: IndicatorContent, agency_types: Collection[str]
) -> list[Problem]:
    found = [
        _at(path, f)
        for f in rules.indicator(
            indicator.answer_type, indicator.target, indicator.weight, indicator.levels
        )
    ]
    if indicator.agency_type not in agency_types:
        found.append(
            Problem(
                f"{path}.agency_type",
                "unknown_agency_type",
                f"Jenis perangkat daerah {indicator.agency_type!r} tidak dikenal "
                "(unknown agency type)",
            )
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
        if (finding := rules.weight(dimension.weight)) is not None:
            found.append(_at(path, finding))
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
