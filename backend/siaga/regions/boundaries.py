"""Region outlines for the dashboard's choropleth map: a GeoJSON FeatureCollection is
validated whole, simplified when large, and loaded all or nothing, one outline per region.

Simplification is Douglas-Peucker per ring in plain Python: the files are a few MB at
most, and a geometry library (GEOS) would be a heavy dependency for this one job. Rings
stay closed with at least 4 points; rings may still touch or cross after simplifying,
which a map display tolerates and which only a full topology engine would prevent.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from siaga.audit.service import Actor, record
from siaga.core.errors import InvalidInput
from siaga.core.security import in_subtree
from siaga.core.types import utcnow
from siaga.core.uploads import TooLarge, check_declared_length
from siaga.models import RegionLevel
from siaga.regions import repository
from siaga.regions.schemas import BoundaryImportRead

# Above this many points the file is simplified with DEFAULT_TOLERANCE unless the caller
# chose a tolerance; smaller files are stored as given (rounded), since they are already
# map-sized and every dropped point costs shape.
SIMPLIFY_ABOVE = 20_000
DEFAULT_TOLERANCE = 0.001  # degrees, about 110 m at the equator
# What the SPA can draw smoothly and send over a government intranet in one response.
MAX_POINTS = 50_000
# 5 decimals of a degree is about 1 m: finer than any administrative boundary is known.
DECIMALS = 5
# A broken file could produce one error per point; the first ones tell the story.
MAX_ERRORS = 100
_GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
_MAX_CODE_LENGTH = 20

Position = tuple[float, float]
Ring = list[Position]
Polygon = list[Ring]


class _Rejected(Exception):
    """One problem that makes a feature unusable; becomes a row in the error details."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class _Feature:
    index: int
    code: str
    geometry_type: str
    polygons: list[Polygon]
    points_in: int = 0
    points_out: int = 0


@dataclass
class _Prepared:
    features: list[_Feature] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    points_in: int = 0
    points_out: int = 0
    tolerance: float | None = None

    def error(self, feature: int | None, code: str, message: str) -> None:
        self.errors.append({"feature": feature, "code": code, "message": message})


def _reject_constant(name: str) -> None:
    # Python's json accepts NaN and Infinity; they are not JSON and not coordinates.
    raise ValueError(f"{name} is not valid JSON")


def _number(value: Any) -> float:
    # bool is an int subclass in Python, but `true` is no coordinate.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Rejected("invalid_position", "a position holds numbers [longitude, latitude]")
    return float(value)


def _position(value: Any) -> Position:
    # RFC 7946 allows an altitude as a third number; the map has no use for it.
    if not isinstance(value, list) or len(value) not in (2, 3):
        raise _Rejected("invalid_position", "a position is [longitude, latitude]")
    lon, lat = _number(value[0]), _number(value[1])
    if len(value) == 3:
        _number(value[2])
    if not -180.0 <= lon <= 180.0:
        raise _Rejected("out_of_range", f"longitude {lon} is outside -180..180")
    if not -90.0 <= lat <= 90.0:
        raise _Rejected("out_of_range", f"latitude {lat} is outside -90..90")
    return lon, lat


def _ring(value: Any) -> Ring:
    if not isinstance(value, list):
        raise _Rejected("invalid_geometry", "a ring is an array of positions")
    ring = [_position(p) for p in value]
    if len(ring) < 4:
        raise _Rejected("ring_too_short", f"a ring needs at least 4 positions, has {len(ring)}")
    if ring[0] != ring[-1]:
        raise _Rejected("ring_not_closed", "a ring must end at the position it starts from")
    return ring


def _polygon(value: Any) -> Polygon:
    if not isinstance(value, list) or not value:
        raise _Rejected("invalid_geometry", "a polygon is a non-empty array of rings")
    return [_ring(r) for r in value]


def _geometry(value: Any) -> tuple[str, list[Polygon]]:
    if not isinstance(value, dict):
        raise _Rejected("invalid_geometry", "the feature has no geometry object")
    kind = value.get("type")
    if kind not in _GEOMETRY_TYPES:
        raise _Rejected(
            "unsupported_geometry", f"geometry {kind!r} is not a Polygon or MultiPolygon"
        )
    coordinates = value.get("coordinates")
    if kind == "Polygon":
        return kind, [_polygon(coordinates)]
    if not isinstance(coordinates, list) or not coordinates:
        raise _Rejected("invalid_geometry", "a MultiPolygon is a non-empty array of polygons")
    return kind, [_polygon(p) for p in coordinates]


def _segment_distance(p: Position, a: Position, b: Position) -> float:
    # Planar distance in degrees: at a map's scale the distortion does not matter, and
    # the tolerance is given in degrees too.
    dx, dy = b[0] - a[0], b[1] - a[1]
    length2 = dx * dx + dy * dy
    if length2 == 0.0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def _area2(ring: Ring) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairwise(ring))


def _round_ring(ring: Ring) -> Ring:
    out: Ring = []
    for lon, lat in ring:
        point = (round(lon, DECIMALS), round(lat, DECIMALS))
        if not out or out[-1] != point:
            out.append(point)
    return out


def simplify_ring(ring: Ring, tolerance: float) -> Ring | None:
    """The ring rounded to 5 decimals and simplified; None when nothing with area is left.

    Douglas-Peucker needs two distinct ends, and a closed ring's ends coincide, so the
    ring is split at the point farthest from its start and each half simplified.
    """
    points = _round_ring(ring)
    if points[0] != points[-1]:
        points.append(points[0])  # rounding never opens a ring, but be sure
    last = len(points) - 1
    if last < 3:
        return None
    keep = [False] * len(points)
    far = max(range(1, last), key=lambda i: math.dist(points[0], points[i]))
    keep[0] = keep[far] = keep[last] = True
    if tolerance > 0:
        # An explicit stack: rings of 100,000 points would overflow Python's recursion.
        stack = [(0, far), (far, last)]
        while stack:
            start, end = stack.pop()
            worst, worst_at = 0.0, -1
            for i in range(start + 1, end):
                distance = _segment_distance(points[i], points[start], points[end])
                if distance > worst:
                    worst, worst_at = distance, i
            if worst > tolerance:
                keep[worst_at] = True
                stack.extend(((start, worst_at), (worst_at, end)))
    else:
        keep = [True] * len(points)
    if sum(keep) < 4:
        # Start, far point and closure are a line: add the point farthest from it, so a
        # small islet becomes a triangle instead of vanishing.
        third = max(
            (i for i in range(1, last) if not keep[i]),
            key=lambda i: _segment_distance(points[i], points[0], points[far]),
        )
        keep[third] = True
    simplified = [p for p, kept in zip(points, keep, strict=True) if kept]
    if len(simplified) < 4 or _area2(simplified) == 0.0:
        return None
    return simplified


def _simplify(feature: _Feature, tolerance: float) -> list[Polygon]:
    polygons: list[Polygon] = []
    for polygon in feature.polygons:
        outer = simplify_ring(polygon[0], tolerance)
        if outer is None:
            continue  # an islet below a metre: its polygon goes with it
        holes = [h for h in (simplify_ring(r, tolerance) for r in polygon[1:]) if h is not None]
        polygons.append([outer, *holes])
    return polygons


def _points(polygons: list[Polygon]) -> int:
    return sum(len(ring) for polygon in polygons for ring in polygon)


def _prepare(raw: bytes, tolerance: float | None) -> _Prepared:
    """Parse, validate and simplify: pure CPU work, run off the event loop."""
    prepared = _Prepared()
    try:
        document = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        prepared.error(None, "not_json", "the body is not a JSON document")
        return prepared
    if (
        not isinstance(document, dict)
        or document.get("type") != "FeatureCollection"
        or not isinstance(document.get("features"), list)
    ):
        prepared.error(
            None, "not_feature_collection", "the document is not a GeoJSON FeatureCollection"
        )
        return prepared
    if not document["features"]:
        prepared.error(None, "no_features", "the FeatureCollection has no features")
        return prepared

    seen: dict[str, int] = {}
    for index, item in enumerate(document["features"]):
        if not isinstance(item, dict) or item.get("type") != "Feature":
            prepared.error(index, "invalid_feature", "not a GeoJSON Feature")
            continue
        properties = item.get("properties")
        code = properties.get("code") if isinstance(properties, dict) else None
        if not isinstance(code, str) or not code:
            prepared.error(index, "missing_code", "properties.code must hold the region code")
            code = None
        elif code in seen:
            prepared.error(
                index, "duplicate_code", f"region {code!r} is already in feature {seen[code]}"
            )
            code = None
        else:
            seen[code] = index
        try:
            kind, polygons = _geometry(item.get("geometry"))
        except _Rejected as exc:
            prepared.error(index, exc.code, exc.message)
            continue
        if code is not None:
            prepared.features.append(_Feature(index, code, kind, polygons, _points(polygons)))
    prepared.points_in = sum(f.points_in for f in prepared.features)
    if prepared.errors:
        return prepared

    if tolerance is None and prepared.points_in > SIMPLIFY_ABOVE:
        tolerance = DEFAULT_TOLERANCE
    prepared.tolerance = tolerance
    for feature in prepared.features:
        feature.polygons = _simplify(feature, tolerance or 0.0)
        feature.points_out = _points(feature.polygons)
        if not feature.polygons:
            prepared.error(feature.index, "degenerate_geometry", "no polygon with an area is left")
    prepared.points_out = sum(f.points_out for f in prepared.features)
    if prepared.points_out > MAX_POINTS:
        prepared.error(
            None,
            "too_many_points",
            f"{prepared.points_out} points after simplification, at most {MAX_POINTS}; "
            "simplify the file or choose a larger tolerance",
        )
    return prepared


def _geojson(feature: _Feature) -> dict[str, Any]:
    coordinates: list[Any] = [
        [[list(p) for p in ring] for ring in poly] for poly in feature.polygons
    ]
    if feature.geometry_type == "Polygon":
        return {"type": "Polygon", "coordinates": coordinates[0]}
    return {"type": "MultiPolygon", "coordinates": coordinates}


def _refuse(errors: list[dict[str, Any]]) -> InvalidInput:
    errors = sorted(errors, key=lambda e: (e["feature"] is not None, e["feature"] or 0))
    if len(errors) > MAX_ERRORS:
        more = len(errors) - MAX_ERRORS
        errors = errors[:MAX_ERRORS]
        errors.append({"feature": None, "code": "too_many_errors", "message": f"{more} more"})
    return InvalidInput(
        "Batas wilayah tidak dimuat; tidak ada yang diubah (boundaries not loaded; "
        "nothing was changed)",
        details=errors,
    )


async def read_body(headers: Mapping[str, str], stream: AsyncIterator[bytes], limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes `limit` bytes."""
    check_declared_length(headers, limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in stream:
        size += len(chunk)
        if size > limit:
            raise TooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def import_boundaries(
    session: AsyncSession,
    raw: bytes,
    *,
    scope: str | None,
    actor: Actor,
    tolerance: float | None = None,
    source: str | None = None,
) -> BoundaryImportRead:
    """Validate the whole FeatureCollection, then upsert one outline per region.

    Any error refuses the whole file, so a map never shows half of an import.
    `scope` is the admin's region subtree; codes outside it read as unknown, like
    codes that do not exist, so the answer reveals nothing about other provinces.
    """
    prepared = await run_in_threadpool(_prepare, raw, tolerance)
    known = await repository.region_ids_by_code(
        session, [f.code for f in prepared.features if len(f.code) <= _MAX_CODE_LENGTH]
    )
    for feature in prepared.features:
        if feature.code not in known or not in_subtree(scope, feature.code):
            prepared.error(feature.index, "unknown_region", f"region {feature.code!r} is not known")
    if prepared.errors:
        raise _refuse(prepared.errors)

    ids = [known[f.code] for f in prepared.features]
    stored = await repository.boundaries_by_region(session, ids)
    now = utcnow()
    created: list[dict[str, Any]] = []
    updated: list[dict[str, Any]] = []
    for feature, region_id in zip(prepared.features, ids, strict=True):
        row = {
            "region_id": region_id,
            "geometry": _geojson(feature),
            "point_count": feature.points_out,
            "source": source,
            "updated_at": now,
        }
        previous = stored.get(region_id)
        if previous is None:
            created.append(row)
        elif previous != (row["geometry"], source):
            updated.append(row)
        # An unchanged outline keeps its updated_at, so map caches (ETag) stay valid.
    await repository.insert_boundaries(session, created)
    await repository.update_boundaries(session, updated)
    result = BoundaryImportRead(
        features=len(prepared.features),
        created=len(created),
        updated=len(updated),
        unchanged=len(prepared.features) - len(created) - len(updated),
        points_received=prepared.points_in,
        points_stored=prepared.points_out,
        tolerance=prepared.tolerance,
    )
    record(
        session,
        actor,
        "regions.import_boundaries",
        entity_type="region_boundaries",
        region_code=scope,
        after={**result.model_dump(), "source": source},
    )
    await session.flush()
    return result


async def boundaries_etag(
    session: AsyncSession, *, parent: str | None, level: RegionLevel | None
) -> str:
    """A validator from the count and latest change of the outlines the query returns.

    Boundaries are reference data (the same for every reader), so the caller's identity
    is not part of it. A renamed region keeps its ETag until its outline is reloaded;
    names change far more rarely than anyone would wait for.
    """
    count, latest = await repository.boundaries_signature(session, parent_code=parent, level=level)
    raw = repr((parent, level, count, latest.isoformat() if latest else None))
    return f'W/"{hashlib.sha256(raw.encode()).hexdigest()[:32]}"'


async def boundary_collection(
    session: AsyncSession, *, parent: str | None, level: RegionLevel | None
) -> dict[str, Any]:
    """The outlines as a GeoJSON FeatureCollection, built as plain dicts: validating
    tens of thousands of positions through pydantic would cost more than the query."""
    rows = await repository.list_boundaries(session, parent_code=parent, level=level)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": code, "name": name, "level": RegionLevel(lvl).value},
                "geometry": geometry,
            }
            for code, name, lvl, geometry in rows
        ],
    }
