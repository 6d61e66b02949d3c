"""Checking answer rows: every cell of a row against the importer's lookups, the value
through the workflow's parser. Python only, no query (the chunk's existing answers are
read afterwards, once for the whole chunk).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from siaga.imports.columns import IMPORT_STATUSES
from siaga.imports.kinds.base import Cells, Context, RowCheck, duplicate_row_error
from siaga.models import AnswerType, PeriodState, RegionLevel
from siaga.submissions import workflow
from siaga.submissions.workflow import Problem, Refused

# The Indonesian messages name states and levels in Indonesian, not by their codes (an
# operator reads "ditutup", not "closed"); the English ones keep the codes.
_STATE_ID = {PeriodState.PLANNED: "direncanakan", PeriodState.OPEN: "dibuka",
             PeriodState.CLOSED: "ditutup"}  # fmt: skip
_LEVEL_ID = {RegionLevel.PROVINCE: "provinsi", RegionLevel.REGENCY: "kabupaten",
             RegionLevel.CITY: "kota"}  # fmt: skip

SUBMITTED = "submitted"  # the import's status that sends the answer (the default)
# Distinct (answer type, cell) pairs whose parse is remembered during one import.
MAX_PARSED_VALUES = 10_000

AnswerKey = tuple[int, int, int]  # (period id, region id, indicator id)


@dataclass(frozen=True, slots=True)
class IndicatorInfo:
    id: int
    code: str
    answer_type: AnswerType
    evidence_required: bool
    agency_type_id: int
    levels: frozenset[RegionLevel]


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """A row that passed every check: the answer it asks for."""

    row: int
    key: AnswerKey
    label: str  # workflow.answer_label: the answer's natural key
    region_code: str
    value: float | None
    narrative: str
    submit: bool  # status `submitted`; `draft` only edits
    agency_id: int | None
    evidence_required: bool
    deadline: date


def indicator_info(row: Any) -> IndicatorInfo:
    levels = (
        (RegionLevel.PROVINCE, row.applies_province),
        (RegionLevel.REGENCY, row.applies_regency),
        (RegionLevel.CITY, row.applies_city),
    )
    return IndicatorInfo(
        row.id,
        row.code,
        row.answer_type,
        row.evidence_required,
        row.agency_type_id,
        frozenset(level for level, applies in levels if applies),
    )


def _submit_problem(value: float | None) -> Problem | None:
    # The value half of the submit rule, known from the row alone; the evidence half is
    # judged in `plan`, once the answer's files are known.
    return workflow.check_submit(value, evidence_required=False, evidence_files=0)


class AnswerChecker:
    """Checks rows against lookups read once per import; remembers the keys seen, so a
    key repeated anywhere in the file is an error."""

    def __init__(
        self,
        ctx: Context,
        *,
        periods: dict[str, Any],
        regions: dict[str, tuple[int, RegionLevel]],
        indicators: dict[tuple[int, str], IndicatorInfo],
        agencies: dict[tuple[int, int], int],
    ) -> None:
        self.ctx = ctx
        self.periods, self.regions = periods, regions
        self.indicators, self.agencies = indicators, agencies
        self.seen: dict[AnswerKey, int] = {}
        # Values repeat (levels, ya/tidak, round numbers): each is parsed once. A refusal
        # is remembered as its Problem.
        self.parsed: dict[tuple[AnswerType, str], float | Problem | None] = {}

    def parse(self, answer_type: AnswerType, raw: str) -> float | Problem | None:
        """The stored number (None for an empty cell), or why the cell is refused."""
        try:
            return self.parsed[(answer_type, raw)]
        except KeyError:
            pass
        try:
            verdict: float | Problem | None = workflow.parse_value(answer_type, raw)
        except Refused as refused:
            verdict = refused.problem
        if len(self.parsed) < MAX_PARSED_VALUES:
            self.parsed[(answer_type, raw)] = verdict
        return verdict

    def check(self, number: int, cells: Cells) -> AnswerRow | None:
        """The row's answer, or None after recording its errors.

        The common case (every code known, the value valid) is decided with plain lookups;
        anything else goes through the full check, which names every problem of the row.
        """
        get = cells.get
        period = self.periods.get(get("period", ""))
        region = self.regions.get(get("region", ""))
        status = get("status", "").lower() or SUBMITTED
        narrative = get("narrative", "")
        if (
            period is not None
            and region is not None
            and period.state == PeriodState.OPEN
            and status in IMPORT_STATUSES
            and len(narrative) <= workflow.NARRATIVE_MAX_LENGTH
        ):
            indicator = self.indicators.get((period.framework_id, get("indicator", "")))
            if indicator is not None and region[1] in indicator.levels:
                value = self.parse(indicator.answer_type, get("value", ""))
                submit = status == SUBMITTED
                key = (period.id, region[0], indicator.id)
                if (
                    not isinstance(value, Problem)
                    and (not submit or _submit_problem(value) is None)
                    and key not in self.seen
                ):
                    self.seen[key] = number
                    region_code = get("region", "")
                    return AnswerRow(
                        number,
                        key,
                        workflow.answer_label(period.code, region_code, indicator.code),
                        region_code,
                        value,
                        narrative,
                        submit,
                        self.agencies.get((region[0], indicator.agency_type_id)),
                        indicator.evidence_required,
                        period.deadline,
                    )
        return self._check_fully(number, cells)

    def _check_fully(self, number: int, cells: Cells) -> AnswerRow | None:
        row = RowCheck(self.ctx, number, cells)
        period_code = row.required("period")
        region_code = row.required("region")
        indicator_code = row.required("indicator")
        narrative = row.max_length("narrative", workflow.NARRATIVE_MAX_LENGTH)
        status = row.get("status").lower() or SUBMITTED
        if status not in IMPORT_STATUSES:
            row.error(
                "status",
                "invalid_status",
                f"Status {row.get('status')!r} tidak sah: isi draft atau submitted",
                f"status {row.get('status')!r} is not valid: draft or submitted",
            )
        period = self.periods.get(period_code) if period_code else None
        if period_code and period is None:
            row.unknown("period", period_code, "Periode", "period")
        elif period is not None and period.state != PeriodState.OPEN:
            row.error(
                "period",
                "period_not_open",
                f"Periode {period_code} tidak sedang dibuka (statusnya {_STATE_ID[period.state]})",
                f"period {period_code} is not open (it is {period.state.value})",
            )
        region = self.regions.get(region_code) if region_code else None
        if region_code and region is None:
            # Unknown and outside the importer's scope read the same: no existence leak.
            row.unknown("region", region_code, "Wilayah", "region")
        indicator = None
        if indicator_code and period is not None:
            indicator = self.indicators.get((period.framework_id, indicator_code))
            if indicator is None:
                row.unknown("indicator", indicator_code, "Indikator", "indicator")
        if indicator is not None and region is not None and region[1] not in indicator.levels:
            row.error(
                "indicator",
                "indicator_not_applicable",
                f"Indikator {indicator_code} tidak berlaku untuk {_LEVEL_ID[region[1]]}",
                f"indicator {indicator_code} does not apply to a {region[1].value}",
            )
        value = self._value(row, indicator) if indicator is not None else None
        if status == SUBMITTED and not isinstance(value, Problem) and indicator is not None:
            problem = _submit_problem(value)
            if problem is not None:
                row.error(
                    problem.field,
                    problem.code,
                    "Nilai wajib diisi untuk status submitted (isi nilai atau gunakan status "
                    "draft)",
                    "a value is required to submit (fill it in or import as draft)",
                )
        if row.failed or period is None or region is None or indicator is None:
            return None
        assert period_code and region_code and indicator_code  # checked as required
        key = (period.id, region[0], indicator.id)
        first = self.seen.get(key)
        if first is not None:
            duplicate_row_error(row, "indicator", first, "Jawaban ini", "this answer")
            return None
        self.seen[key] = number
        return AnswerRow(
            row=number,
            key=key,
            label=workflow.answer_label(period_code, region_code, indicator_code),
            region_code=region_code,
            value=None if isinstance(value, Problem) else value,
            narrative=narrative,
            submit=status == SUBMITTED,
            agency_id=self.agencies.get((region[0], indicator.agency_type_id)),
            evidence_required=indicator.evidence_required,
            deadline=period.deadline,
        )

    def _value(self, row: RowCheck, indicator: IndicatorInfo) -> float | Problem | None:
        """The cell's number, or its refusal (recorded as the row's error)."""
        raw = row.get("value")
        value = self.parse(indicator.answer_type, raw)
        if isinstance(value, Problem):
            allowed_id, allowed_en = workflow.ALLOWED[indicator.answer_type]
            row.error(
                value.field,
                value.code,
                f"Nilai {raw!r} tidak sah untuk {indicator.code}: {allowed_id}",
                f"value {raw!r} is not valid for {indicator.code}: {allowed_en}",
            )
        return value
