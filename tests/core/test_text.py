"""The text rule (siaga.core.text): names and free texts refuse characters that disguise
what a reader sees, through every way in (each JSON schema that carries text, imports),
and what they accept is stored in NFC."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

import httpx
import jsonschema_rs
import pytest
from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.text import (
    CleanText,
    TextRefused,
    clean_text,
    find_control,
    find_refused,
    json_schema_pattern,
)
from siaga.imports.columns import clean_cells
from siaga.models import ApiKey, ImportKind, LoginAttempt, Region, Submission, User
from siaga.users.schemas import UserUpdate
from tests.fixtures.factories import create_region, create_user
from tests.helpers import API, assert_error
from tests.imports.conftest import csv_bytes, storage, upload  # noqa: F401 - fixture
from tests.submissions.conftest import Workflow, world  # noqa: F401 - fixture
from tests.submissions.test_router import LoginAs, act, url

# One character of each refused class, with the code point the error must name.
REFUSED = {
    "bidi-override": "\u202e",
    "bidi-isolate": "\u2066",
    "arabic-letter-mark": "\u061c",
    "zero-width-space": "\u200b",
    "zero-width-joiner": "\u200d",
    "word-joiner": "\u2060",
    "byte-order-mark": "\ufeff",
    "mongolian-vowel-separator": "\u180e",
    "soft-hyphen": "\u00ad",
    "hangul-filler": "\u3164",
    "tag-character": "\U000e0041",
    "line-separator": "\u2028",
    "nul": "\x00",
    "escape": "\x1b",
    "c1-control": "\x85",
    "noncharacter": "\uffff",
    "lone-surrogate": "\ud800",
}
# Refused in names, allowed in multi-line free texts.
LINE_BREAKS = {"tab": "\t", "line-feed": "\n", "carriage-return": "\r"}
ACCEPTED = [
    "Kota Samarinda",
    "Badan Kesatuan Bangsa dan Politik",
    "René Müller-Lüdenscheidt",
    "\u00a0non-breaking space",
    "Jawi: \u0643\u0648\u062a",  # Arabic script, right to left by itself
    "中文 日本語 한국어",
    "emoji \u2764\ufe0f \U0001f600",  # with a variation selector, not a joiner
]


def code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


class TestRule:
    @pytest.mark.parametrize("char", REFUSED.values(), ids=REFUSED.keys())
    @pytest.mark.parametrize("multiline", [False, True])
    def test_refused_everywhere(self, char: str, multiline: bool) -> None:
        refusal = find_refused(f"ab{char}cd", multiline=multiline)
        assert refusal is not None
        assert (refusal.code_point, refusal.position) == (code_point(char), 2)
        assert code_point(char) in refusal.message_id and code_point(char) in refusal.message_en
        with pytest.raises(TextRefused):
            clean_text(f"ab{char}cd", multiline=multiline)

    @pytest.mark.parametrize("char", LINE_BREAKS.values(), ids=LINE_BREAKS.keys())
    def test_tabs_and_line_breaks_only_in_free_texts(self, char: str) -> None:
        assert find_refused(f"a{char}b") is not None
        assert clean_text(f"baris satu{char}baris dua", multiline=True) == (
            f"baris satu{char}baris dua"
        )

    @pytest.mark.parametrize("text", ACCEPTED)
    def test_ordinary_text_passes_unchanged(self, text: str) -> None:
        assert clean_text(text) == text

    def test_stored_in_nfc(self) -> None:
        assert clean_text("Rene\u0301") == "René"
        assert len(clean_text("Rene\u0301")) == 4

    def test_query_values_refuse_only_what_is_not_text(self) -> None:
        assert find_control("a\x00b") is not None
        assert find_control("a\u202eb") is None  # looked up, never stored or shown

    def test_normalisation_cannot_outgrow_the_limit(self) -> None:
        class Model(BaseModel):
            name: Annotated[str, CleanText(max_length=4)]

        # U+0958 is excluded from composition: NFC makes it two code points.
        with pytest.raises(ValidationError) as caught:
            Model(name="\u0958\u0958\u0958")
        assert caught.value.errors()[0]["type"] == "string_too_long"
        assert Model(name="\u0958\u0958").name == "\u0915\u093c\u0915\u093c"


def _planes() -> list[str]:
    # The planes where characters are assigned today, surrogates excepted (they are not
    # characters JSON Schema can name; the server refuses them all the same).
    codes = [*range(0, 0xD800), *range(0xE000, 0x20000), *range(0xE0000, 0xE0100)]
    return [chr(code) for code in codes]


@pytest.mark.parametrize("multiline", [False, True])
def test_documented_pattern_is_the_rule(multiline: bool) -> None:
    """A client validating against the OpenAPI document accepts exactly what the API does,
    whether it reads the pattern as JSON Schema (Rust here) or as Python (schemathesis)."""
    pattern = json_schema_pattern(multiline=multiline)
    validator = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
    python = re.compile(pattern)
    disagreements = []
    for char in _planes():
        accepted = find_refused(f"a{char}b", multiline=multiline) is None
        if validator.is_valid(f"a{char}b") != accepted:
            disagreements.append(("json schema", code_point(char)))
        if (python.fullmatch(f"a{char}b") is not None) != accepted:
            disagreements.append(("python", code_point(char)))
    assert disagreements == []


def test_email_pattern_holds_the_text_rule_too() -> None:
    schema = UserUpdate.model_json_schema()["properties"]["email"]["anyOf"][0]
    validator = jsonschema_rs.validator_for({"type": "string", **schema})
    for char in [*REFUSED.values(), *LINE_BREAKS.values()]:
        if char == "\ud800":
            continue
        assert not validator.is_valid(f"siti{char}@kaltim.go.id")
        with pytest.raises(ValidationError):
            UserUpdate(email=f"siti{char}@kaltim.go.id")
    assert validator.is_valid("siti@kaltim.go.id")


def test_import_cells_go_through_the_same_rule() -> None:
    cells = {"period": "2023-Q4", "narrative": "Rene\u0301\nbaris dua", "value": "3"}
    assert clean_cells(ImportKind.SUBMISSIONS, cells) == []
    assert cells["narrative"] == "René\nbaris dua"
    refused = clean_cells(ImportKind.SUBMISSIONS, {"region": "64.72\u200b", "narrative": "a\u202e"})
    assert [(column, r.code_point) for column, r in refused] == [
        ("region", "U+200B"),
        ("narrative", "U+202E"),
    ]
    # Names are single-line.
    assert clean_cells(ImportKind.REGIONS, {"name": "Kota\nSamarinda"})[0][1].code_point == (
        "U+000A"
    )


# -- through the API --------------------------------------------------------------------


def body(data: dict[str, Any]) -> dict[str, Any]:
    """Request arguments with `data` as JSON; escaped, so a lone surrogate can travel."""
    return {
        "content": json.dumps(data, ensure_ascii=True),
        "headers": {"Content-Type": "application/json"},
    }


def assert_refused(response: httpx.Response, field: str, char: str) -> None:
    error = assert_error(response, 422, "invalid_input")
    blamed = [d for d in error["details"] if d["loc"][-1] == field]
    assert blamed, error
    if "\ud800" <= char <= "\udfff":
        # Pydantic refuses a lone surrogate itself, before the rule sees the text.
        assert blamed[0]["type"] == "string_unicode", error
        return
    assert blamed[0]["code_point"] == code_point(char), error
    assert code_point(char) in blamed[0]["message"]


NAME_CASES = {**REFUSED, **LINE_BREAKS}
PASSWORD = "Benteng-Kokoh-Samarinda-7"


@pytest.mark.parametrize("char", NAME_CASES.values(), ids=NAME_CASES.keys())
class TestNamesRefused:
    async def test_user_full_name(
        self, client: httpx.AsyncClient, session: AsyncSession, char: str
    ) -> None:
        await create_region(session, code="64")
        new = {"username": "siti.aminah", "role": "viewer", "region": "64", "password": PASSWORD}
        response = await client.post(f"{API}/users", **body({**new, "full_name": f"Siti{char}"}))
        assert_refused(response, "full_name", char)
        assert await session.scalar(select(User).where(User.username == "siti.aminah")) is None

    async def test_user_update(
        self, client: httpx.AsyncClient, session: AsyncSession, char: str
    ) -> None:
        user = await create_user(session, username="budi.santoso", full_name="Budi")
        for field, value in (("full_name", f"Bu{char}di"), ("email", f"bu{char}di@kaltim.go.id")):
            response = await client.patch(f"{API}/users/budi.santoso", **body({field: value}))
            assert_refused(response, field, char)
        await session.refresh(user)
        assert (user.full_name, user.email) == ("Budi", None)

    async def test_api_key_name(
        self, client: httpx.AsyncClient, session: AsyncSession, char: str
    ) -> None:
        response = await client.post(
            f"{API}/api-keys", **body({"name": f"SIPD{char}", "scopes": ["read"]})
        )
        assert_refused(response, "name", char)
        assert await session.scalar(select(func.count()).select_from(ApiKey)) == 0

    async def test_login_username(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, char: str
    ) -> None:
        # An attempted name is written to the audit log: refused before anything is.
        response = await anon_client.post(
            f"{API}/auth/login", **body({"username": f"admin{char}", "password": "x"})
        )
        assert_refused(response, "username", char)
        assert await session.scalar(select(func.count()).select_from(LoginAttempt)) == 0

    async def test_imported_region_name(
        self, client: httpx.AsyncClient, session: AsyncSession, char: str
    ) -> None:
        if char == "\ud800":
            pytest.skip("a CSV file is UTF-8, which cannot hold a lone surrogate")
        if char == "\x00":
            pytest.skip("a NUL makes the file binary: refused whole (415) by parsing")
        content = csv_bytes("code,name,level", f'65,"Kalimantan{char}Utara",province')
        result = (await upload(client, "regions", content)).json()
        assert result["status"] == "failed", result
        error = next(e for e in result["errors"] if e["column"] == "name")
        assert error["code"] == "invalid_text" and code_point(char) in error["message_en"]
        assert await session.scalar(select(Region).where(Region.code == "65")) is None


@pytest.mark.parametrize("char", REFUSED.values(), ids=REFUSED.keys())
class TestFreeTextsRefused:
    async def test_narrative(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,  # noqa: F811 - the fixture imported above
        login_as: LoginAs,
        session: AsyncSession,
        char: str,
    ) -> None:
        operator = await login_as(world.operator)
        response = await anon_client.put(
            url("P.01"), **_with(operator, body({"value": 40, "narrative": f"SK{char}"}))
        )
        assert_refused(response, "narrative", char)
        assert await session.scalar(select(func.count()).select_from(Submission)) == 0

    async def test_return_reason(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,  # noqa: F811
        login_as: LoginAs,
        char: str,
    ) -> None:
        operator, verifier = await login_as(world.operator), await login_as(world.verifier)
        created = await anon_client.put(url("P.01"), headers=operator, json={"value": 40})
        submitted = await act(anon_client, operator, "P.01", "submit", created.json()["etag"])
        etag = submitted.json()["etag"]
        request = body({"reason": f"Bukti{char} dukung masih kurang"})
        request["headers"].update({**verifier, "If-Match": etag})
        response = await anon_client.post(url("P.01", "/return"), **request)
        assert_refused(response, "reason", char)
        after = await anon_client.get(url("P.01"), headers=operator)
        assert (after.json()["status"], after.json()["etag"]) == ("submitted", etag)


def _with(headers: dict[str, str], request: dict[str, Any]) -> dict[str, Any]:
    request["headers"].update(headers)
    return request


class TestStoredInNfc:
    async def test_names(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        await create_region(session, code="64")
        new = {"username": "rene.m", "role": "viewer", "region": "64", "password": PASSWORD}
        created = await client.post(f"{API}/users", json={**new, "full_name": "Rene\u0301"})
        assert created.status_code == 201, created.text
        assert created.json()["full_name"] == "René"
        key = await client.post(f"{API}/api-keys", json={"name": "Cafe\u0301", "scopes": ["read"]})
        assert key.json()["name"] == "Café"

    async def test_free_texts(
        self,
        anon_client: httpx.AsyncClient,
        world: Workflow,  # noqa: F811
        login_as: LoginAs,
    ) -> None:
        operator, verifier = await login_as(world.operator), await login_as(world.verifier)
        narrative = "Sudah dite\u0301tapkan\n\tlampiran"
        created = await anon_client.put(
            url("P.01"), headers=operator, json={"value": 40, "narrative": narrative}
        )
        assert created.json()["narrative"] == "Sudah ditétapkan\n\tlampiran"
        submitted = await act(anon_client, operator, "P.01", "submit", created.json()["etag"])
        await act(
            anon_client, verifier, "P.01", "return", submitted.json()["etag"],
            "Cafe\u0301 belum dilampirkan",
        )  # fmt: skip
        seen = (await anon_client.get(url("P.01"), headers=operator)).json()
        assert seen["last_review"]["reason"] == "Café belum dilampirkan"

    async def test_imported_names(self, client: httpx.AsyncClient, session: AsyncSession) -> None:
        content = csv_bytes("code,name,level", "65,Kalimantan Ute\u0301ra,province")
        result = (await upload(client, "regions", content)).json()
        assert result["status"] == "succeeded", result
        region = await session.scalar(select(Region).where(Region.code == "65"))
        assert region is not None and region.name == "Kalimantan Utéra"
