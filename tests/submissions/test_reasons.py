"""A returned or reopened answer carries a reason the agency can act on (issue 16)."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from siaga.submissions.schemas import REASON_MIN_LENGTH
from tests.helpers import assert_error
from tests.submissions.conftest import Workflow
from tests.submissions.test_router import LoginAs, act, put, url

FOURTEEN = "Unggah SK-nya."
FIFTEEN = "Lampirkan SK ya"


async def _submitted(client: httpx.AsyncClient, world: Workflow, login_as: LoginAs) -> str:
    operator = await login_as(world.operator)
    etag = (await put(client, operator, "P.01", 40)).json()["etag"]
    submitted = await act(client, operator, "P.01", "submit", etag)
    assert submitted.status_code == 200, submitted.text
    return str(submitted.json()["etag"])


def test_the_rule_is_fifteen_characters() -> None:
    assert REASON_MIN_LENGTH == 15
    assert (len(FOURTEEN), len(FIFTEEN)) == (14, 15)


class TestReturnReason:
    @pytest.mark.parametrize(
        "reason",
        [
            FOURTEEN,
            # Surrounding whitespace (also the non-breaking and ideographic spaces a
            # pasted text brings) does not count toward the minimum.
            f"   {FOURTEEN}   ",
            f"\n\t{FOURTEEN}\u00a0\u3000",
            " " * 40,
        ],
    )
    async def test_shorter_than_the_minimum_is_422_naming_the_field(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,
        login_as: LoginAs,
        reason: str,
    ) -> None:
        etag = await _submitted(anon_client, world, login_as)
        verifier = await login_as(world.verifier)
        response = await act(anon_client, verifier, "P.01", "return", etag, reason)
        error = assert_error(response, 422, "invalid_input")
        assert [d["loc"] for d in error["details"]] == [["body", "reason"]]
        assert error["details"][0]["type"] == "string_too_short"
        # Nothing changed: the answer is still waiting for review, under the same ETag.
        after = await anon_client.get(url("P.01"), headers=verifier)
        assert (after.json()["status"], after.json()["etag"]) == ("submitted", etag)

    async def test_fifteen_characters_are_accepted_and_stored_trimmed(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        etag = await _submitted(anon_client, world, login_as)
        verifier = await login_as(world.verifier)
        response = await act(anon_client, verifier, "P.01", "return", etag, f"  {FIFTEEN}\n")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "returned"
        assert body["last_review"]["reason"] == FIFTEEN
        seen = await anon_client.get(url("P.01"), headers=await login_as(world.operator))
        assert seen.json()["last_review"] == {**body["last_review"], "reason": FIFTEEN}

    async def test_reopen_follows_the_same_rule(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        # A reopened answer is returned to the agency too, with this reason to act on.
        etag = await _submitted(anon_client, world, login_as)
        verifier = await login_as(world.verifier)
        etag = (await act(anon_client, verifier, "P.01", "verify", etag)).json()["etag"]
        short = await act(anon_client, verifier, "P.01", "reopen", etag, FOURTEEN)
        assert_error(short, 422, "invalid_input")
        reopened = await act(anon_client, verifier, "P.01", "reopen", etag, FIFTEEN)
        assert reopened.status_code == 200, reopened.text
        assert reopened.json()["last_review"]["reason"] == FIFTEEN


class TestReviewResponses:
    async def test_each_review_answers_with_itself_as_the_last_review(
        self, anon_client: httpx.AsyncClient, world: Workflow, login_as: LoginAs
    ) -> None:
        # The SPA shows the answer of the response (returned, and why) without reading it
        # again, so the response must carry the review it just made, not the one before.
        operator, verifier = await login_as(world.operator), await login_as(world.verifier)
        etag = await _submitted(anon_client, world, login_as)
        returned = (await act(anon_client, verifier, "P.01", "return", etag, FIFTEEN)).json()
        assert (returned["last_review"]["decision"], returned["last_review"]["reason"]) == (
            "returned",
            FIFTEEN,
        )
        etag = (await act(anon_client, operator, "P.01", "submit", returned["etag"])).json()["etag"]
        verified = (await act(anon_client, verifier, "P.01", "verify", etag)).json()
        assert verified["last_review"]["decision"] == "verified"
        assert verified["last_review"]["reason"] is None


def test_the_openapi_document_carries_the_minimum(app: FastAPI) -> None:
    # The SPA's form holds the same number; frontend/src/pages/review/reason.test.ts
    # compares it with the committed openapi.json, generated from this document.
    reason = app.openapi()["components"]["schemas"]["ReasonBody"]["properties"]["reason"]
    assert reason["minLength"] == REASON_MIN_LENGTH
