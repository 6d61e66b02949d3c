"""What a checked answer row does to its answer, as the workflow decides it: created,
updated, unchanged, or a row error in the import's words.

The import's two statuses are workflow steps: `draft` edits the answer (a returned answer
stays returned), `submitted` edits it and then takes the `submit` transition, which an
answer already sent (submitted or verified) does not need again. The import records one
history version per row: an edit and the submit it carries are one act, `imported`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from siaga.core.security import Capability
from siaga.imports.kinds.base import Results
from siaga.imports.kinds.submissions_check import AnswerRow
from siaga.imports.repository import ExistingAnswer
from siaga.models import SubmissionStatus
from siaga.regions.time_zones import deadline_cutoff
from siaga.submissions import workflow
from siaga.submissions.workflow import Answer, Problem, Refused

# Holding the import capability (checked by the router) lets the importer write and send
# answers in bulk, whatever else its role or key may do; an import never reviews.
IMPORT_CAPABILITIES = frozenset({Capability.ANSWER})
# Distinct verdicts on new answers remembered during one import (see NewAnswers).
MAX_NEW_VERDICTS = 10_000

_STATUS_ID = {SubmissionStatus.DRAFT: "draf", SubmissionStatus.SUBMITTED: "terkirim",
              SubmissionStatus.VERIFIED: "terverifikasi",
              SubmissionStatus.RETURNED: "dikembalikan"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Update:
    row: AnswerRow
    old: ExistingAnswer
    new: Answer


def stored(old: ExistingAnswer) -> Answer:
    """The workflow's view of a stored answer (verified_at is not read: no step the
    import takes changes or reads it)."""
    return Answer(
        value=old.value,
        narrative=old.narrative,
        status=old.status,
        version=old.version,
        first_submitted_at=old.first_submitted_at,
        submitted_at=old.submitted_at,
        is_late=old.is_late,
    )


def imported(
    old: Answer | None,
    value: float | None,
    narrative: str,
    submit: bool,
    *,
    now: datetime,
    cutoff: datetime,
    evidence_required: bool,
    evidence_files: int,
    report_accepted: bool = False,
) -> Answer | None:
    """The answer after the row (None when it changes nothing), as version 1 for a new
    answer or the stored version + 1. Raises Refused as the workflow does (a new answer
    under an accepted report too: creating it is a change)."""
    if old is None:
        problem = workflow.check_report(report_accepted)
        if problem is not None:
            raise Refused(problem)
        answer = workflow.new_draft(value, narrative)
    else:
        answer = workflow.edit(old, value, narrative, report_accepted=report_accepted) or old
    if submit and workflow.check_transition("submit", answer.status) is None:
        answer = workflow.take(
            answer,
            "submit",
            capabilities=IMPORT_CAPABILITIES,
            now=now,
            cutoff=cutoff,
            evidence_required=evidence_required,
            evidence_files=evidence_files,
            report_accepted=report_accepted,
        )
    if answer is old:
        return None
    return replace(answer, version=1 if old is None else old.version + 1)


class Cutoffs:
    """Deadline cut-offs by (deadline, zone): a few per import, each computed once."""

    def __init__(self, zones: dict[int, str], default_zone: str) -> None:
        self._zones, self._default = zones, default_zone
        self._cutoffs: dict[tuple[date, str], datetime] = {}

    def of(self, deadline: date, region_id: int) -> datetime:
        zone = self._zones.get(region_id, self._default)
        cutoff = self._cutoffs.get((deadline, zone))
        if cutoff is None:
            cutoff = self._cutoffs[(deadline, zone)] = deadline_cutoff(deadline, zone)
        return cutoff


class NewAnswers:
    """The workflow's verdict on new answers, remembered.

    A new answer has no files and its narrative plays no part in a transition, so the
    verdict depends only on (value, submit, evidence required, cut-off): those repeat row
    after row in a large file, and asking the workflow once per distinct set keeps the
    import's hot path at dictionary speed. The answers remembered carry the first row's
    narrative: callers take status, lateness and times from them, value and narrative
    from their own row.
    """

    def __init__(self, now: datetime, cutoffs: Cutoffs) -> None:
        self._now, self._cutoffs = now, cutoffs
        self._verdicts: dict[tuple[float | None, bool, bool, datetime], Answer | Problem] = {}

    def verdict(self, row: AnswerRow) -> Answer | Problem:
        cutoff = self._cutoffs.of(row.deadline, row.key[1])
        key = (row.value, row.submit, row.evidence_required, cutoff)
        verdict = self._verdicts.get(key)
        if verdict is None:
            try:
                answer = imported(
                    None,
                    row.value,
                    row.narrative,
                    row.submit,
                    now=self._now,
                    cutoff=cutoff,
                    evidence_required=row.evidence_required,
                    evidence_files=0,
                )
            except Refused as refused:
                verdict = refused.problem
            else:
                assert answer is not None  # a new answer always changes something
                verdict = answer
            if len(self._verdicts) < MAX_NEW_VERDICTS:
                self._verdicts[key] = verdict
        return verdict


def row_error(results: Results, row: AnswerRow, problem: Problem) -> None:
    """A workflow refusal as the import reports it: the same code in the import's words,
    except a change to a locked answer (see below)."""
    if problem.code == "invalid_state":
        # The import's documented row code for an answer it may not change: the workflow
        # says invalid_state (only draft or returned answers change), the import's users
        # and its errors.csv read `answer_locked`, with what to do about it.
        status = SubmissionStatus(problem.details["status"])
        results.error(
            row.row,
            "value",
            "answer_locked",
            f"Jawaban {row.label} berstatus {_STATUS_ID[status]} dan tidak dapat diubah "
            "lewat impor (minta verifikator mengembalikannya dahulu)",
            f"answer {row.label} is {status.value} and cannot be changed by import (a "
            "verifier must return it first)",
        )
    elif problem.code == "report_accepted":
        results.error(
            row.row,
            None,
            problem.code,
            f"Laporan Pemda untuk {row.label} sudah diterima; jawabannya tidak dapat diubah",
            f"the Pemda's report for {row.label} is accepted; its answers cannot change",
        )
    elif problem.code == "evidence_required":
        results.error(
            row.row,
            "status",
            problem.code,
            f"Indikator ini wajib melampirkan bukti: impor {row.label} sebagai draft, "
            "lampirkan bukti, lalu ajukan",
            f"this indicator requires evidence: import {row.label} as draft, attach the "
            "evidence, then submit",
        )
    else:
        # value_required is reported while checking the row; nothing else reaches here
        # with the import's capabilities, but a new rule must not pass silently.
        results.error(row.row, problem.field, problem.code, problem.message_id, problem.message_en)
