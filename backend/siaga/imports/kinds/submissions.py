"""Answers: the one kind imported by the hundred thousand, so its rows are checked with
plain lookups, written as pre-encoded binary COPY on PostgreSQL, and pipelined with the
next chunk (see service._import_rows).

The import decides nothing about an answer itself: values, editability, the submit rule,
lateness, versions and snapshots are the workflow's (siaga.submissions.workflow), as for
every other writer. Its parts: submissions_check (the rows), submissions_plan (the
workflow's verdict per row), submissions_records (the rows written).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from siaga.imports import repository
from siaga.imports.bulk import IdAllocator
from siaga.imports.kinds.base import YIELD_EVERY, Handler, ParsedRow, Write, table_of
from siaga.imports.kinds.submissions_check import (
    AnswerChecker,
    AnswerKey,
    AnswerRow,
    indicator_info,
)
from siaga.imports.kinds.submissions_plan import (
    Cutoffs,
    NewAnswers,
    Update,
    imported,
    row_error,
    stored,
)
from siaga.imports.kinds.submissions_records import chunk_write
from siaga.imports.repository import ExistingAnswer
from siaga.models import ImportKind, Submission
from siaga.regions import repository as regions_repository
from siaga.submissions import workflow
from siaga.submissions.workflow import Answer, Problem, Refused


@dataclass(frozen=True, slots=True)
class Found:
    existing: dict[AnswerKey, ExistingAnswer]
    evidence: dict[int, list[str]]  # file hashes of the existing answers that need them
    ids: list[int]  # for the chunk's new answers, in order


class SubmissionsHandler(Handler):
    kind = ImportKind.SUBMISSIONS

    async def prepare(self) -> None:
        ctx = self.ctx
        session, scope = ctx.session, ctx.principal.region_code
        regions = {r.code: (r.id, r.level) for r in await repository.regions(session, scope)}
        agencies = await repository.agencies(session, scope)
        self.checker = AnswerChecker(
            ctx,
            periods={r.code: r for r in await repository.periods(session)},
            regions=regions,
            indicators={
                (r.framework_id, r.code): indicator_info(r)
                for r in await repository.indicators(session)
            },
            agencies={(r.region_id, r.agency_type_id): r.id for r in agencies},
        )
        # The agency's code goes into the event of each answer the import submits.
        self.agency_codes = {r.id: r.code for r in agencies}
        # Deadlines end at midnight in each region's zone (WITA in Kaltim); the
        # deployment's zone only for a region of unknown province.
        zones = await regions_repository.time_zones_by_id(
            session, [rid for rid, _ in regions.values()], ctx.timezone
        )
        self.cutoffs = Cutoffs(zones, ctx.timezone)
        self.new_answers = NewAnswers(ctx.now, self.cutoffs)
        self.ids = IdAllocator(table_of(Submission))
        # The Pemda and periods whose accepted report locks their answers, read FOR SHARE
        # so that no acceptance commits while this import writes (reporting's lock).
        self.locked = await repository.accepted_reports(session, scope)

    async def check(self, rows: list[ParsedRow]) -> list[AnswerRow]:
        checked = []
        for n, (number, cells) in enumerate(rows, 1):
            answer = self.checker.check(number, cells)
            if answer is not None:
                checked.append(answer)
            if n % YIELD_EVERY == 0:
                await asyncio.sleep(0)
        return checked

    async def lookup(self, checked: list[AnswerRow]) -> Found:
        """The chunk's existing answers, their evidence, and ids for its new answers.

        May run before the previous chunk's writes: the chunks' keys never overlap (a key
        repeated anywhere in the file is a row error, and then nothing is written).
        """
        ctx = self.ctx
        existing = {
            (r.period_id, r.region_id, r.indicator_id): r
            for r in await repository.existing_submissions(ctx.session, [a.key for a in checked])
        }
        # Files count for the submit rule and are listed in the new version: read them for
        # the editable answers a row submits or changes (workflow.edit's "changes nothing"
        # is the same comparison), and no others: a re-imported file reads none.
        wanted = [
            old.id
            for a in checked
            if (old := existing.get(a.key)) is not None
            and workflow.check_editable(old.status) is None
            and (a.submit or (old.value, old.narrative) != (a.value, a.narrative))
        ]
        evidence = await repository.evidence_hashes(ctx.session, wanted)
        ids: list[int] = []
        if ctx.writing:
            new = sum(1 for a in checked if a.key not in existing)
            ids = await self.ids.take(ctx.session, new)
        return Found(existing, evidence, ids)

    async def plan(self, checked: list[AnswerRow], found: Found) -> Write | None:
        creates: list[tuple[AnswerRow, Answer]] = []
        updates: list[Update] = []
        results = self.ctx.results
        for row in checked:
            old = found.existing.get(row.key)
            locked = (row.key[0], row.key[1]) in self.locked
            if old is None and locked:
                row_error(results, row, workflow.report_locked())
                continue
            if old is None:
                verdict = self.new_answers.verdict(row)
                if isinstance(verdict, Problem):
                    row_error(results, row, verdict)
                    continue
                creates.append((row, verdict))
                results.outcome(row.row, row.label, "created")
                continue
            try:
                new = imported(
                    stored(old),
                    row.value,
                    row.narrative,
                    row.submit,
                    now=self.ctx.now,
                    cutoff=self.cutoffs.of(row.deadline, row.key[1]),
                    evidence_required=row.evidence_required,
                    evidence_files=len(found.evidence.get(old.id, ())),
                    report_accepted=locked,
                )
            except Refused as refused:
                row_error(results, row, refused.problem)
                continue
            if new is None:
                results.outcome(row.row, row.label, "unchanged")
                continue
            updates.append(Update(row, old, new))
            results.outcome(row.row, row.label, "updated")
        if not self.ctx.writing or not (creates or updates):
            return None
        return await chunk_write(
            self.ctx, creates, found.ids, updates, found.evidence, self.agency_codes
        )
