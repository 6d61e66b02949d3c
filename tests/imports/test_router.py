"""Who may import, which batches each caller sees, and the errors.csv download."""

from __future__ import annotations

import csv
import io

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.imports.service import neutralise
from siaga.models import Role
from tests.fixtures.auth import bearer, create_api_key
from tests.fixtures.factories import create_user
from tests.helpers import assert_error, assert_page
from tests.imports.conftest import IMPORTS, LoginAs, World, csv_bytes, upload

ANSWERS = csv_bytes("period,region,indicator,value,narrative,status", "2023-Q4,64.72,C.01,2,,draft")
BROKEN = csv_bytes(
    "period,region,indicator,value,narrative,status",
    "2023-Q4,64.72,C.01,banyak,,draft",
    "2023-Q4,64.72,X.01,1,,draft",
)


class TestAuthorization:
    async def test_anonymous(self, anon_client: httpx.AsyncClient, world: World) -> None:
        assert_error(await upload(anon_client, "submissions", ANSWERS), 401, "not_authenticated")
        assert_error(await anon_client.get(IMPORTS), 401, "not_authenticated")

    async def test_viewer_and_operator_are_refused(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, world: World, login_as: LoginAs
    ) -> None:
        operator = await create_user(session, role=Role.OPERATOR, region=world.city)
        for user in (world.viewer, operator):
            headers = await login_as(user)
            response = await upload(anon_client, "submissions", ANSWERS, headers=headers)
            assert_error(response, 403, "forbidden")
            assert_error(await anon_client.get(IMPORTS, headers=headers), 403, "forbidden")

    async def test_api_key_with_import_scope(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        app: FastAPI,
        world: World,
    ) -> None:
        settings = app.state.settings
        key = bearer(
            await create_api_key(session, settings, scopes=["import"], region=world.province)
        )
        read_key = bearer(
            await create_api_key(session, settings, scopes=["read"], region=world.province)
        )
        response = await upload(anon_client, "submissions", ANSWERS, headers=key)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["counts"]["created"] == 1 and body["region_code"] == "64"
        assert body["created_by"] == "apikey:" + key["Authorization"].split("_")[1]
        assert (await anon_client.get(f"{IMPORTS}/{body['id']}", headers=key)).status_code == 200
        assert_error(
            await upload(anon_client, "submissions", ANSWERS, headers=read_key), 403, "forbidden"
        )


class TestBatches:
    async def test_list_and_get_in_scope(
        self,
        client: httpx.AsyncClient,
        anon_client: httpx.AsyncClient,
        world: World,
        login_as: LoginAs,
    ) -> None:
        national = (await upload(client, "submissions", ANSWERS, dry_run=True)).json()
        headers = await login_as(world.province_admin)
        provincial = (
            await upload(anon_client, "submissions", ANSWERS, dry_run=True, headers=headers)
        ).json()
        # National sees both, newest first; the province only its own subtree's.
        items = assert_page(await client.get(IMPORTS), total=2)
        assert [i["id"] for i in items] == [provincial["id"], national["id"]]
        assert set(items[0]) >= {"id", "kind", "status", "counts", "created_by", "filename"}
        items = assert_page(await anon_client.get(IMPORTS, headers=headers), total=1)
        assert [i["id"] for i in items] == [provincial["id"]]
        assert_error(
            await anon_client.get(f"{IMPORTS}/{national['id']}", headers=headers),
            404,
            "import_not_found",
        )
        assert_error(
            await anon_client.get(f"{IMPORTS}/{national['id']}/errors.csv", headers=headers),
            404,
            "import_not_found",
        )
        assert (await client.get(f"{IMPORTS}/{provincial['id']}")).status_code == 200
        assert_page(await client.get(IMPORTS, params={"kind": "users"}), total=0)

    async def test_the_file_name_is_stored_harmless(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        # A name that displays as "jawaban.csv" but hides a direction override and a
        # path: listed and audited as the plain name it shows.
        name = "C:\\Users\\x\\jaw\u202eaban\u200b.csv"
        body = (await upload(client, "submissions", ANSWERS, filename=name, dry_run=True)).json()
        assert body["filename"] == "jawaban.csv"
        batch = (await client.get(f"{IMPORTS}/{body['id']}")).json()
        assert batch["filename"] == "jawaban.csv"

    async def test_unknown_batch(self, client: httpx.AsyncClient, world: World) -> None:
        assert_error(await client.get(f"{IMPORTS}/987654"), 404, "import_not_found")
        assert_error(await client.get(f"{IMPORTS}/abc"), 422, "invalid_input")

    async def test_errors_csv(self, client: httpx.AsyncClient, world: World) -> None:
        body = (await upload(client, "submissions", BROKEN)).json()
        assert body["status"] == "failed"
        response = await client.get(body["errors_csv_url"])
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert response.content.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == ["row", "column", "code", "message", "message_en"]
        assert [r[:3] for r in rows[1:]] == [
            ["2", "value", "invalid_value"],
            ["3", "indicator", "unknown_indicator"],
        ]
        assert "banyak" in rows[1][3] and "not valid" in rows[1][4]


def test_neutralise() -> None:
    for dangerous in ("=1+2", "+62 811", "-5", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(dangerous) == "'" + dangerous
    assert neutralise("Kota Samarinda") == "Kota Samarinda"
    assert neutralise(None) == ""
    assert neutralise(3) == "3"


async def test_template_route(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get(f"{IMPORTS}/templates/submissions.xlsx")
    assert response.status_code == 200
    assert response.content.startswith(b"PK\x03\x04")
    assert "attachment" in response.headers["content-disposition"]
    assert_error(await client.get(f"{IMPORTS}/templates/nothing.xlsx"), 422, "invalid_input")
