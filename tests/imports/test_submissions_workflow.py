"""The import and the API follow one answer workflow: the same value gives the same verdict
and the same stored number through PUT and through the import, identical content changes
nothing either way, and the import's snapshots and audit rows are the workflow's."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.imports.bulk import json_snapshot
from siaga.imports.kinds.submissions_records import audit_values
from siaga.models import Indicator, Submission, SubmissionStatus, SubmissionVersion
from siaga.submissions import workflow
from tests.helpers import API
from tests.imports.conftest import World, csv_bytes, upload

HEADER = "period,region,indicator,value,narrative,status"
# One indicator per answer type (tests/imports/conftest.py).
INDICATORS = {"level": "L.01", "yes_no": "Y.01", "percent": "P.01", "count": "C.01"}
# A value as PUT sends it (JSON) and as a spreadsheet cell holds it (text; a whole number
# read from an XLSX cell arrives as "3", never "3.0": imports.parsing).
FORMS: list[tuple[Any, str]] = [
    (None, ""),
    (0, "0"),
    (1, "1"),
    (2, "2"),
    (4, "4"),
    (5, "5"),
    (3.0, "3"),
    (3.0, "3.0"),
    (2.5, "2.5"),
    (75.5, "75,5"),
    (-1, "-1"),
    (-0.0, "0"),
    (100, "100"),
    (100.5, "100.5"),
    (1_000_000, "1000000"),
    (1_000_001, "1000001"),
    (10**9, "1e9"),
    (True, "true"),
    (False, "false"),
    (True, "ya"),
    (False, "Tidak"),
]


def _url(indicator: str) -> str:
    return f"{API}/submissions/2023-Q4/64.72/{indicator}"


async def _stored(session: AsyncSession, indicator: str) -> Any:
    return (
        await session.execute(
            select(Submission.value, Submission.version)
            .join(Indicator, Indicator.id == Submission.indicator_id)
            .where(Indicator.code == indicator)
            .execution_options(populate_existing=True)
        )
    ).one_or_none()


async def _versions(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(SubmissionVersion)) or 0)


@pytest.mark.parametrize(("sent", "cell"), FORMS, ids=[f"{sent!r}|{cell}" for sent, cell in FORMS])
async def test_put_and_import_give_the_same_verdict_and_number(
    client: httpx.AsyncClient, session: AsyncSession, world: World, sent: Any, cell: str
) -> None:
    # Each answer type has its own indicator, so the four cases share one world.
    for answer_type, indicator in INDICATORS.items():
        row = f'2023-Q4,64.72,{indicator},"{cell}",,draft'
        preview = (await upload(client, "submissions", csv_bytes(HEADER, row), dry_run=True)).json()
        imported = preview["counts"]["errors"] == 0
        if not imported:
            assert [e["code"] for e in preview["errors"]] == ["invalid_value"], preview
        put = await client.put(_url(indicator), json={"value": sent, "narrative": ""})
        assert put.status_code in (201, 422), put.text
        assert (put.status_code == 201) == imported, (
            f"{answer_type} {sent!r}: PUT {put.status_code}, import {preview['errors']}"
        )
        if not imported:
            continue
        # The same number: importing the same cell over the PUT's draft changes nothing.
        again = (await upload(client, "submissions", csv_bytes(HEADER, row))).json()
        assert again["counts"]["unchanged"] == 1, (answer_type, sent, cell, again)
        stored = await _stored(session, indicator)
        assert stored is not None
        assert (stored.value, stored.version) == (put.json()["value"], 1)


async def test_put_then_the_same_import_is_unchanged(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    for indicator, value in (("Y.01", True), ("P.01", 62.5), ("C.01", 3)):
        response = await client.put(_url(indicator), json={"value": value, "narrative": "Catatan"})
        assert response.status_code == 201, response.text
    before = await _versions(session)
    content = csv_bytes(
        HEADER,
        "2023-Q4,64.72,Y.01,ya,Catatan,draft",
        '2023-Q4,64.72,P.01,"62,5",Catatan,draft',
        "2023-Q4,64.72,C.01,3,Catatan,draft",
    )
    body = (await upload(client, "submissions", content)).json()
    assert body["counts"]["unchanged"] == 3, body
    assert await _versions(session) == before


async def test_import_then_the_same_put_records_nothing(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    content = csv_bytes(
        HEADER,
        '2023-Q4,64.72,P.01,"62,5",Catatan,draft',
        "2023-Q4,64.72,C.01,3,Catatan,submitted",
    )
    assert (await upload(client, "submissions", content)).json()["counts"]["created"] == 2
    before = await _versions(session)
    for indicator, value in (("P.01", 62.5), ("C.01", 3)):
        current = await client.get(_url(indicator))
        assert current.status_code == 200, current.text
        response = await client.put(
            _url(indicator),
            json={"value": value, "narrative": "Catatan"},
            headers={"If-Match": current.headers["ETag"]},
        )
        # Identical content is accepted in any state, submitted included, and is a no-op.
        assert response.status_code == 200, response.text
        assert response.json()["version"] == current.json()["version"] == 1
    assert await _versions(session) == before


async def test_a_returned_answer_imported_as_draft_stays_returned(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    await upload(client, "submissions", csv_bytes(HEADER, "2023-Q4,64.72,C.01,3,x,submitted"))
    answer = (
        await session.scalars(select(Submission).where(Submission.region_id == world.city.id))
    ).one()
    answer.status = SubmissionStatus.RETURNED
    await session.flush()
    body = (
        await upload(client, "submissions", csv_bytes(HEADER, "2023-Q4,64.72,C.01,4,x,draft"))
    ).json()
    assert body["counts"]["updated"] == 1, body
    await session.refresh(answer)
    assert (answer.status, answer.value, answer.version) == (SubmissionStatus.RETURNED, 4.0, 2)


# -- one snapshot format ---------------------------------------------------------------

_values = st.none() | st.floats(allow_nan=False, allow_infinity=False)
_statuses = st.sampled_from(list(SubmissionStatus))
_answers = st.builds(
    workflow.Answer,
    value=_values,
    narrative=st.text(),
    status=_statuses,
    version=st.integers(min_value=1, max_value=2**31 - 1),
)
_batches = st.none() | st.integers(min_value=1, max_value=2**62)


@given(answer=_answers, batch=_batches)
def test_the_fast_snapshot_is_the_workflows(answer: workflow.Answer, batch: int | None) -> None:
    text = json_snapshot(answer.value, answer.narrative, answer.status.value, answer.version, batch)
    assert json.loads(text) == workflow.snapshot(answer, import_batch=batch)


@given(
    label=st.text(min_size=1, max_size=200),
    region=st.text(max_size=20),
    old=st.none() | _answers,
    new=_answers,
    batch=st.integers(min_value=1, max_value=2**62),
)
def test_the_audit_row_is_the_workflows_entry(
    label: str, region: str, old: workflow.Answer | None, new: workflow.Answer, batch: int
) -> None:
    def text(answer: workflow.Answer, batch: int | None = None) -> str:
        return json_snapshot(
            answer.value, answer.narrative, answer.status.value, answer.version, batch
        )

    entity_id, region_code, before, after = audit_values(
        label, region, None if old is None else text(old), text(new, batch)
    )
    entry = workflow.audit_entry(
        workflow.IMPORTED,
        label,
        region,
        before=None if old is None else workflow.snapshot(old),
        after=workflow.snapshot(new, import_batch=batch),
    )
    assert (entity_id, region_code) == (entry.entity_id, entry.region_code)
    assert (None if before is None else json.loads(before)) == entry.before
    assert json.loads(after) == entry.after
