"""Writing the demo's answers: every missing answer of the answered periods, its history,
reviews and evidence files, inserted in bulk; answers that exist are left as they are."""

from __future__ import annotations

import hashlib
import random
import uuid
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.storage import Storage, key_for_sha256
from siaga.models import (
    Agency,
    EvidenceBlob,
    EvidenceFile,
    Indicator,
    Period,
    Region,
    Review,
    Submission,
    SubmissionVersion,
    User,
)
from siaga.seed import demo_plan
from siaga.seed.demo_answers import (
    STATUS_MIX,
    Plan,
    SeededAnswer,
    ability_of,
    build_answer,
    draw_answer,
)
from siaga.seed.demo_users import verifier_of
from siaga.seed.reference import indicator_applies


async def seed_answers(
    session: AsyncSession,
    storage: Storage,
    rng: random.Random,
    *,
    regions: list[Region],
    indicators: list[Indicator],
    periods: list[Period],
    agencies: dict[str, Agency],
    agency_type_codes: dict[int, str],
    users: dict[str, User],
) -> tuple[int, int]:
    """(answers created, evidence files created)."""
    existing = set(
        (
            await session.execute(
                select(Submission.period_id, Submission.region_id, Submission.indicator_id).where(
                    Submission.period_id.in_([p.id for p in periods])
                )
            )
        ).all()
    )
    answers: list[SeededAnswer] = []
    for quarter, period in enumerate(periods):
        for region in regions:
            plan = Plan(
                mix=STATUS_MIX[period.code],
                sends_everything=demo_plan.sends_everything(period, region.code),
                reviews_everything=demo_plan.reviews_everything(period, region.code),
                late=demo_plan.is_late(period, region.code),
            )
            # One level up: the province's verifier for its regencies and cities, the
            # national one for the province's own answers (the workflow refuses the rest).
            verifier_name, verifier_scope = verifier_of(region, regions[0])
            verifier = users[verifier_name]
            ability = ability_of(region, quarter)
            for indicator in indicators:
                # Draw every random number even for rows that exist, so a re-seed after
                # deleting one answer recreates exactly that answer.
                draws = draw_answer(rng, indicator, ability, plan)
                if not indicator_applies(indicator, region.level):
                    continue
                if draws is None or (period.id, region.id, indicator.id) in existing:
                    continue
                agency = agencies[f"{region.code}.{agency_type_codes[indicator.agency_type_id]}"]
                operator = users[f"operator.{agency.code}"]
                answers.append(
                    build_answer(
                        draws,
                        period,
                        region,
                        indicator,
                        agency,
                        operator,
                        verifier,
                        verifier_scope,
                    )
                )
    if not answers:
        return 0, 0
    result = await session.execute(
        insert(Submission).returning(Submission.id, sort_by_parameter_order=True),
        [a.row for a in answers],
    )
    ids = [row[0] for row in result.all()]
    owned = list(zip(ids, answers, strict=True))
    await session.execute(
        insert(SubmissionVersion),
        [dict(v, submission_id=sid) for sid, a in owned for v in a.versions],
    )
    review_rows = [dict(r, submission_id=sid) for sid, a in owned for r in a.reviews]
    if review_rows:
        await session.execute(insert(Review), review_rows)
    return len(ids), await _store_evidence(session, storage, ids, answers)


async def _store_evidence(
    session: AsyncSession, storage: Storage, ids: list[int], answers: list[SeededAnswer]
) -> int:
    """Stores each distinct file once and lists it with its answer; the number listed."""
    known_blobs = set((await session.scalars(select(EvidenceBlob.sha256))).all())
    blob_rows: list[dict[str, Any]] = []
    file_rows: list[dict[str, Any]] = []
    for sid, answer in zip(ids, answers, strict=True):
        for name, content in answer.evidence:
            sha = hashlib.sha256(content).hexdigest()
            if sha not in known_blobs:
                key = key_for_sha256(sha)
                storage.put_bytes(key, content)
                blob_rows.append(
                    {
                        "sha256": sha,
                        "storage_key": key,
                        "size": len(content),
                        "content_type": "application/pdf",
                    }
                )
                known_blobs.add(sha)
            # Ids from the answer and the name, so a re-seed gives the same ids.
            digest = hashlib.md5(f"{sid}:{name}".encode(), usedforsecurity=False).digest()
            file_rows.append(
                {
                    "id": str(uuid.UUID(bytes=digest)),
                    "submission_id": sid,
                    "blob_sha256": sha,
                    "original_name": name,
                    "content_type": "application/pdf",
                    "size": len(content),
                    "uploaded_by_id": answer.row["created_by_id"],
                    "created_at": answer.row["created_at"],
                }
            )
    if blob_rows:
        await session.execute(insert(EvidenceBlob), blob_rows)
    if file_rows:
        await session.execute(insert(EvidenceFile), file_rows)
    return len(file_rows)
