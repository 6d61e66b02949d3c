"""The difference between two framework versions, for the "Bandingkan" view: which
indicators were added, removed or changed (and in which fields), which dimension weights
and category thresholds moved."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from siaga.frameworks.schemas import FrameworkContent, IndicatorContent

# What an indicator holds, in the order the view lists changes.
_FIELDS = (
    "name",
    "dimension",
    "answer_type",
    "target",
    "weight",
    "agency_type",
    "levels",
    "evidence_required",
    "evidence_guidance",
    "guidance",
)


class FieldChange(BaseModel):
    field: str
    before: Any
    after: Any


class IndicatorRef(BaseModel):
    code: str
    name: str
    dimension: str


class IndicatorChange(BaseModel):
    code: str
    name: str
    changes: list[FieldChange]


class WeightChange(BaseModel):
    code: str
    before: float | None
    after: float | None


class ThresholdChange(BaseModel):
    category: str
    before: float | None
    after: float | None


class FrameworkDiff(BaseModel):
    source: str
    target: str
    added: list[IndicatorRef]
    removed: list[IndicatorRef]
    changed: list[IndicatorChange]
    dimensions: list[WeightChange]
    thresholds: list[ThresholdChange]


def _indicators(content: FrameworkContent) -> dict[str, tuple[str, IndicatorContent]]:
    return {i.code: (d.code, i) for d in content.dimensions for i in d.indicators}


def _value(dimension: str, indicator: IndicatorContent, field: str) -> Any:
    if field == "dimension":
        return dimension
    if field == "levels":
        return sorted(str(level) for level in indicator.levels)
    value = getattr(indicator, field)
    return value.value if hasattr(value, "value") else value


def compare(
    source_code: str, source: FrameworkContent, target_code: str, target: FrameworkContent
) -> FrameworkDiff:
    before, after = _indicators(source), _indicators(target)
    changed: list[IndicatorChange] = []
    for code in after.keys() & before.keys():
        (d0, old), (d1, new) = before[code], after[code]
        changes = [
            FieldChange(field=f, before=_value(d0, old, f), after=_value(d1, new, f))
            for f in _FIELDS
            if _value(d0, old, f) != _value(d1, new, f)
        ]
        if changes:
            changed.append(IndicatorChange(code=code, name=new.name, changes=changes))
    old_weights = {d.code: d.weight for d in source.dimensions}
    new_weights = {d.code: d.weight for d in target.dimensions}
    old_scores = {t.category: t.min_score for t in source.thresholds}
    new_scores = {t.category: t.min_score for t in target.thresholds}
    return FrameworkDiff(
        source=source_code,
        target=target_code,
        added=[
            IndicatorRef(code=c, name=after[c][1].name, dimension=after[c][0])
            for c in sorted(after.keys() - before.keys())
        ],
        removed=[
            IndicatorRef(code=c, name=before[c][1].name, dimension=before[c][0])
            for c in sorted(before.keys() - after.keys())
        ],
        changed=sorted(changed, key=lambda c: c.code),
        dimensions=[
            WeightChange(code=c, before=old_weights.get(c), after=new_weights.get(c))
            for c in sorted(old_weights.keys() | new_weights.keys())
            if old_weights.get(c) != new_weights.get(c)
        ],
        thresholds=[
            ThresholdChange(category=c, before=old_scores.get(c), after=new_scores.get(c))
            for c in sorted(old_scores.keys() | new_scores.keys())
            if old_scores.get(c) != new_scores.get(c)
        ],
    )
