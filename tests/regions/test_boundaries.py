"""Region outlines: `POST /regions/boundaries`, `GET /regions/boundaries`, the
`siaga regions import-boundaries` command and the simplification behind them."""

from __future__ import annotations

import asyncio
import json
import math
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import Result
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from siaga.cli import app as cli_app
from siaga.core.database import create_engine, create_sessionmaker, session_scope
from siaga.core.migrations import upgrade
from siaga.core.settings import get_settings
from siaga.models import AuditEvent, Region, RegionBoundary, RegionLevel, Role
from siaga.regions.geojson import MAX_POINTS
from siaga.regions.simplify import simplify_ring
from tests.fixtures.db import run_in_thread
from tests.fixtures.factories import create_region, create_user
from tests.helpers import API, assert_error

KABKOTA = Path("/work/shared/data/geo/kaltim-kabkota.geojson")
needs_kabkota = pytest.mark.skipif(
    not KABKOTA.is_file(), reason=f"the Kaltim boundary file {KABKOTA} is not available"
)
URL = f"{API}/regions/boundaries"
# From /work/shared/data/geo/SOURCE.md: the 10 regencies and cities of the file.
KALTIM = {
    "64.01": "Kabupaten Paser",
    "64.02": "Kabupaten Kutai Kartanegara",
    "64.03": "Kabupaten Berau",
    "64.07": "Kabupaten Kutai Barat",
    "64.08": "Kabupaten Kutai Timur",
    "64.09": "Kabupaten Penajam Paser Utara",
    "64.11": "Kabupaten Mahakam Ulu",
    "64.71": "Kota Balikpapan",
    "64.72": "Kota Samarinda",
    "64.74": "Kota Bontang",
}
SOURCE_POINTS = 3871  # SOURCE.md: points of the kab/kota file


@pytest.fixture(scope="module")
def kabkota() -> bytes:
    """The real Kaltim kab/kota file (read once, outside the event loop)."""
    if not KABKOTA.is_file():
        pytest.skip(f"the Kaltim boundary file {KABKOTA} is not available")
    return KABKOTA.read_bytes()


async def _kaltim(session: AsyncSession) -> dict[str, Region]:
    """Kalimantan Timur with its 10 regencies and cities (11 regions), and province 63."""
    province = await create_region(session, code="64", name="Kalimantan Timur")
    regions = {"64": province}
    for code, name in KALTIM.items():
        level = RegionLevel.CITY if name.startswith("Kota") else RegionLevel.REGENCY
        regions[code] = await create_region(
            session, code=code, name=name, level=level, parent=province
        )
    kalsel = await create_region(session, code="63", name="Kalimantan Selatan")
    regions["63"] = kalsel
    regions["63.71"] = await create_region(
        session, code="63.71", name="Kota Banjarmasin", parent=kalsel, level=RegionLevel.CITY
    )
    return regions


def _square(lon: float, lat: float, size: float = 0.1) -> list[list[float]]:
    return [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]


def _feature(code: Any, geometry: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"code": code},
        "geometry": geometry or {"type": "Polygon", "coordinates": [_square(117.1, -0.5)]},
    }


def _collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def _circle(points: int, radius: float = 1.0) -> list[list[float]]:
    ring = [
        [
            117.0 + radius * math.cos(2 * math.pi * i / points),
            radius * math.sin(2 * math.pi * i / points),
        ]
        for i in range(points)
    ]
    return [*ring, ring[0]]


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    return [ring for polygon in polygons for ring in polygon]


async def _stored(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(RegionBoundary)) or 0)


async def _events(session: AsyncSession) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.action == "regions.import_boundaries")
    return list((await session.scalars(stmt)).all())


def _post(client: httpx.AsyncClient, body: bytes | dict[str, Any], **params: Any) -> Any:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(
        URL, content=content, params=params, headers={"Content-Type": "application/json"}
    )


class TestSimplifyRing:
    def test_keeps_a_closed_ring_of_at_least_four_points(self) -> None:
        ring = [(p[0], p[1]) for p in _circle(1000)]
        simplified = simplify_ring(ring, 0.01)
        assert simplified is not None
        assert 4 <= len(simplified) < 100
        assert simplified[0] == simplified[-1]
        assert set(simplified) <= {(round(x, 5), round(y, 5)) for x, y in ring}

    def test_tolerance_zero_only_rounds(self) -> None:
        ring = [(117.123456789, 0.0), (117.2, 0.0), (117.2, 0.1), (117.123456789, 0.0)]
        assert simplify_ring(ring, 0) == [
            (117.12346, 0.0),
            (117.2, 0.0),
            (117.2, 0.1),
            (117.12346, 0.0),
        ]

    def test_a_small_islet_stays_a_triangle(self) -> None:
        ring = [(p[0], p[1]) for p in _circle(50, radius=0.0005)]
        simplified = simplify_ring(ring, 0.01)
        assert simplified is not None and len(simplified) == 4
        assert simplified[0] == simplified[-1]

    def test_a_ring_without_area_is_dropped(self) -> None:
        flat = [(117.0, 0.0), (117.1, 0.0), (117.2, 0.0), (117.0, 0.0)]
        assert simplify_ring(flat, 0.001) is None
        below_a_metre = [(117.0, 0.0), (117.000001, 0.0), (117.0, 0.000001), (117.0, 0.0)]
        assert simplify_ring(below_a_metre, 0) is None


class TestImportBoundaries:
    async def test_anonymous_is_refused(self, anon_client: httpx.AsyncClient) -> None:
        assert_error(await _post(anon_client, _collection()), 401, "not_authenticated")

    async def test_viewer_is_forbidden(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: Any
    ) -> None:
        regions = await _kaltim(session)
        viewer = await create_user(session, role=Role.VIEWER, region=regions["64"])
        anon_client.headers.update(await login_as(viewer))
        response = await _post(anon_client, _collection(_feature("64.72")))
        assert_error(response, 403, "forbidden")
        assert await _stored(session) == 0

    async def test_imports_the_kaltim_file(
        self, client: httpx.AsyncClient, session: AsyncSession, kabkota: bytes
    ) -> None:
        await _kaltim(session)
        response = await _post(client, kabkota, source="wilayah_boundaries")
        assert response.status_code == 200, response.text
        # Under the simplification threshold: stored as given (already 5 decimals).
        assert response.json() == {
            "features": 10,
            "created": 10,
            "updated": 0,
            "unchanged": 0,
            "points_received": SOURCE_POINTS,
            "points_stored": SOURCE_POINTS,
            "tolerance": None,
        }
        assert await _stored(session) == 10
        (event,) = await _events(session)
        assert event.after is not None
        assert (event.after["created"], event.after["source"]) == (10, "wilayah_boundaries")

        again = await _post(client, kabkota, source="wilayah_boundaries")
        assert again.status_code == 200, again.text
        assert (again.json()["created"], again.json()["unchanged"]) == (0, 10)

    async def test_a_forced_tolerance_simplifies_and_keeps_rings_valid(
        self, client: httpx.AsyncClient, session: AsyncSession, kabkota: bytes
    ) -> None:
        await _kaltim(session)
        response = await _post(client, kabkota, tolerance=0.01)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["tolerance"] == 0.01
        assert body["points_stored"] < body["points_received"] * 0.6
        stored = (
            await session.execute(select(RegionBoundary.geometry, RegionBoundary.point_count))
        ).all()
        assert sum(count for _, count in stored) == body["points_stored"]
        for geometry, count in stored:
            rings = _rings(geometry)
            assert sum(len(r) for r in rings) == count
            for ring in rings:
                assert len(ring) >= 4 and ring[0] == ring[-1]
                assert len({tuple(p) for p in ring}) >= 3

    async def test_a_large_file_is_simplified_by_default(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _kaltim(session)
        geometry = {"type": "Polygon", "coordinates": [_circle(25_000)]}
        response = await _post(client, _collection(_feature("64.72", geometry)))
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["points_received"], body["tolerance"]) == (25_001, 0.001)
        assert 4 <= body["points_stored"] < 1_000

    @pytest.mark.parametrize(
        ("body", "errors"),
        [
            (b"{not json", [(None, "not_json")]),
            (b'{"type": "Feature"}', [(None, "not_feature_collection")]),
            (b"[1, 2]", [(None, "not_feature_collection")]),
            (_collection(), [(None, "no_features")]),
            (_collection(_feature("64.99")), [(0, "unknown_region")]),
            (
                _collection(_feature("64.72"), _feature("64.01"), _feature("64.72")),
                [(2, "duplicate_code")],
            ),
            (_collection(_feature(None)), [(0, "missing_code")]),
            (
                _collection(
                    _feature("64.72", {"type": "Polygon", "coordinates": [_square(117, 0)[:-1]]})
                ),
                [(0, "ring_not_closed")],
            ),
            (
                _collection(
                    _feature(
                        "64.72",
                        {"type": "Polygon", "coordinates": [[[117, 0], [118, 0], [117, 0]]]},
                    )
                ),
                [(0, "ring_too_short")],
            ),
            (
                _collection(
                    _feature("64.72", {"type": "Polygon", "coordinates": [_square(117, 95)]})
                ),
                [(0, "out_of_range")],
            ),
            (
                _collection(_feature("64.72", {"type": "Point", "coordinates": [117, 0]})),
                [(0, "unsupported_geometry")],
            ),
            (
                _collection(
                    _feature("64.72", {"type": "Polygon", "coordinates": [[["117", 0]] * 4]})
                ),
                [(0, "invalid_position")],
            ),
            (b'{"type": "FeatureCollection", "features": [NaN]}', [(None, "not_json")]),
            (
                # Every problem of the file is reported, not only the first.
                _collection(
                    _feature("64.72"),
                    {"type": "Feature", "geometry": None},
                    _feature("64.01", {"type": "LineString", "coordinates": []}),
                    _feature("99.99"),
                ),
                [
                    (1, "missing_code"),
                    (1, "invalid_geometry"),
                    (2, "unsupported_geometry"),
                    (3, "unknown_region"),
                ],
            ),
        ],
        ids=[
            "not-json",
            "wrong-type",
            "not-an-object",
            "no-features",
            "unknown-code",
            "duplicate-code",
            "missing-code",
            "open-ring",
            "short-ring",
            "latitude-out-of-range",
            "point-geometry",
            "string-coordinate",
            "nan",
            "several-errors",
        ],
    )
    async def test_bad_input_is_refused_and_nothing_written(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        body: bytes | dict[str, Any],
        errors: list[tuple[int | None, str]],
    ) -> None:
        await _kaltim(session)
        error = assert_error(await _post(client, body), 422, "invalid_input")
        assert [(d["feature"], d["code"]) for d in error["details"]] == errors
        assert all(set(d) == {"feature", "code", "message"} for d in error["details"])
        assert await _stored(session) == 0
        assert await _events(session) == []

    async def test_one_bad_feature_refuses_the_whole_file(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _kaltim(session)
        bad = _feature("64.01", {"type": "Polygon", "coordinates": [_square(200, 0)]})
        error = assert_error(
            await _post(client, _collection(_feature("64.72"), bad)), 422, "invalid_input"
        )
        assert [(d["feature"], d["code"]) for d in error["details"]] == [(1, "out_of_range")]
        assert await _stored(session) == 0

    async def test_too_many_points_after_simplification(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _kaltim(session)
        geometry = {"type": "Polygon", "coordinates": [_circle(MAX_POINTS + 10)]}
        response = await _post(client, _collection(_feature("64.72", geometry)), tolerance=0)
        error = assert_error(response, 422, "invalid_input")
        assert [(d["feature"], d["code"]) for d in error["details"]] == [(None, "too_many_points")]
        assert await _stored(session) == 0

    async def test_a_body_over_the_size_limit_is_413(
        self, client: httpx.AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(app.state.settings, "max_upload_mb", 1)
        response = await _post(client, b" " * (1024 * 1024 + 1))
        assert_error(response, 413, "too_large")

    async def test_provincial_admin_outside_its_scope_reads_unknown(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: Any
    ) -> None:
        regions = await _kaltim(session)
        admin = await create_user(session, role=Role.ADMIN, region=regions["64"])
        anon_client.headers.update(await login_as(admin))
        outside = assert_error(
            await _post(anon_client, _collection(_feature("63.71"))), 422, "invalid_input"
        )
        missing = assert_error(
            await _post(anon_client, _collection(_feature("64.99"))), 422, "invalid_input"
        )
        assert outside["details"][0]["code"] == missing["details"][0]["code"] == "unknown_region"
        assert await _stored(session) == 0
        inside = await _post(anon_client, _collection(_feature("64.72")))
        assert inside.status_code == 200, inside.text
        (event,) = await _events(session)
        assert event.region_code == "64"


class TestListBoundaries:
    async def test_anonymous_is_refused(self, anon_client: httpx.AsyncClient) -> None:
        assert_error(await anon_client.get(URL), 401, "not_authenticated")

    async def test_empty_collection_when_none(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL)
        assert response.status_code == 200
        assert response.json() == {"type": "FeatureCollection", "features": []}
        assert response.headers["ETag"]

    async def test_returns_the_imported_outlines(
        self, client: httpx.AsyncClient, session: AsyncSession, kabkota: bytes, login_as: Any
    ) -> None:
        regions = await _kaltim(session)
        assert (await _post(client, kabkota)).status_code == 200
        # Reference data: any reader, whatever its scope, gets the outlines.
        viewer = await create_user(session, role=Role.VIEWER, region=regions["63"])
        response = await client.get(URL, params={"parent": "64"}, headers=await login_as(viewer))
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["type"] == "FeatureCollection"
        assert [f["properties"]["code"] for f in body["features"]] == sorted(KALTIM)
        samarinda = body["features"][-2]
        assert samarinda["type"] == "Feature"
        assert samarinda["properties"] == {
            "code": "64.72",
            "name": "Kota Samarinda",
            "level": "city",
        }
        assert samarinda["geometry"]["type"] == "MultiPolygon"
        source = json.loads(kabkota)
        original = next(f for f in source["features"] if f["properties"]["code"] == "64.72")
        assert samarinda["geometry"] == original["geometry"]

        cities = (await client.get(URL, params={"level": "city"})).json()
        assert [f["properties"]["code"] for f in cities["features"]] == ["64.71", "64.72", "64.74"]
        elsewhere = (await client.get(URL, params={"parent": "63"})).json()
        assert elsewhere["features"] == []

    async def test_etag_answers_304_until_the_outlines_change(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _kaltim(session)
        assert (await _post(client, _collection(_feature("64.72")))).status_code == 200
        first = await client.get(URL)
        etag = first.headers["ETag"]
        assert len(first.json()["features"]) == 1

        cached = await client.get(URL, headers={"If-None-Match": etag})
        assert cached.status_code == 304
        assert cached.content == b""
        assert cached.headers["ETag"] == etag
        # Another query is another document.
        assert (await client.get(URL, params={"parent": "64"})).headers["ETag"] != etag

        # Reloading the same outline changes nothing; a new one changes the ETag.
        assert (await _post(client, _collection(_feature("64.72")))).json()["unchanged"] == 1
        assert (await client.get(URL, headers={"If-None-Match": etag})).status_code == 304
        assert (await _post(client, _collection(_feature("64.01")))).status_code == 200
        changed = await client.get(URL, headers={"If-None-Match": etag})
        assert changed.status_code == 200
        assert changed.headers["ETag"] != etag
        assert len(changed.json()["features"]) == 2


# --- the command line, against a migrated SQLite file (runs once, not per backend) ---


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("boundaries_cli") / "siaga.db"
    run_in_thread(upgrade, f"sqlite:///{path}")
    return path


@pytest.fixture
def database_file(
    migrated_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    path = tmp_path / "siaga.db"
    for file in migrated_template.parent.glob(f"{migrated_template.name}*"):  # -wal, -shm
        shutil.copy(file, tmp_path / file.name)
    monkeypatch.setenv("SIAGA_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def _siaga(*args: str) -> Result:
    # asyncio.run() inside the command must not meet pytest-asyncio's loop.
    result: Result = run_in_thread(lambda: CliRunner().invoke(cli_app, list(args)))
    return result


def _in_db(work: Any) -> Any:
    async def runner() -> Any:
        engine = create_engine(get_settings().database_url)
        try:
            async with session_scope(create_sessionmaker(engine)) as session:
                return await work(session)
        finally:
            await engine.dispose()

    return run_in_thread(lambda: asyncio.run(runner()))


def _boundary_rows() -> list[tuple[str, int, str | None]]:
    async def work(session: AsyncSession) -> list[tuple[str, int, str | None]]:
        stmt = (
            select(Region.code, RegionBoundary.point_count, RegionBoundary.source)
            .join(RegionBoundary, RegionBoundary.region_id == Region.id)
            .order_by(Region.code)
        )
        return [tuple(row) for row in (await session.execute(stmt)).all()]  # type: ignore[misc]

    rows: list[tuple[str, int, str | None]] = _in_db(work)
    return rows


class TestImportBoundariesCommand:
    @needs_kabkota
    def test_imports_the_file(self, database_file: Path) -> None:
        _in_db(_kaltim)
        result = _siaga("regions", "import-boundaries", str(KABKOTA))
        assert result.exit_code == 0, result.output + repr(result.exception)
        assert "10" in result.stdout and str(SOURCE_POINTS) in result.stdout
        rows = _boundary_rows()
        assert [code for code, _, _ in rows] == sorted(KALTIM)
        assert {source for _, _, source in rows} == {KABKOTA.name}
        assert sum(points for _, points, _ in rows) == SOURCE_POINTS

    @needs_kabkota
    def test_tolerance_option_simplifies(self, database_file: Path) -> None:
        _in_db(_kaltim)
        result = _siaga("regions", "import-boundaries", str(KABKOTA), "--tolerance", "0.01")
        assert result.exit_code == 0, result.output + repr(result.exception)
        assert sum(points for _, points, _ in _boundary_rows()) < SOURCE_POINTS * 0.6

    def test_a_bad_file_writes_nothing(self, database_file: Path, tmp_path: Path) -> None:
        _in_db(_kaltim)
        bad = tmp_path / "bad.geojson"
        bad.write_text(json.dumps(_collection(_feature("64.72"), _feature("64.99"))))
        result = _siaga("regions", "import-boundaries", str(bad))
        assert result.exit_code == 1
        assert "unknown_region" in result.stderr and "64.99" in result.stderr
        assert _boundary_rows() == []
