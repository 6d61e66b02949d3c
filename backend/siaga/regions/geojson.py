"""A GeoJSON FeatureCollection of region outlines read and checked whole, then simplified
when large: pure CPU work, which the importer runs off the event loop."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from siaga.core.jsontypes import JsonObject
from siaga.regions.simplify import Polygon, Position, Ring, count_points, simplify_polygons

# Above this many points the file is simplified with DEFAULT_TOLERANCE unless the caller
# chose a tolerance; smaller files are stored as given (rounded), since they are already
# map-sized and every dropped point costs shape.
SIMPLIFY_ABOVE = 20_000
DEFAULT_TOLERANCE = 0.001  # degrees, about 110 m at the equator
# What the SPA can draw smoothly and send over a government intranet in one response.
MAX_POINTS = 50_000
_GEOMETRY_TYPES = ("Polygon", "MultiPolygon")


class _Rejected(Exception):
    """One problem that makes a feature unusable; becomes a row in the error details."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class FeatureError:
    """Why the file is refused: one feature's problem (feature None: the whole file's)."""

    feature: int | None
    code: str
    message: str


@dataclass(slots=True)
class Feature:
    index: int
    code: str
    geometry_type: str
    polygons: list[Polygon]
    points_in: int = 0
    points_out: int = 0

    def geometry(self) -> JsonObject:
        """The outline as the GeoJSON geometry stored and served."""
        coordinates: list[Any] = [
            [[list(p) for p in ring] for ring in poly] for poly in self.polygons
        ]
        if self.geometry_type == "Polygon":
            return {"type": "Polygon", "coordinates": coordinates[0]}
        return {"type": "MultiPolygon", "coordinates": coordinates}


@dataclass(slots=True)
class Prepared:
    features: list[Feature] = field(default_factory=list)
    errors: list[FeatureError] = field(default_factory=list)
    points_in: int = 0
    points_out: int = 0
    tolerance: float | None = None

    def error(self, feature: int | None, code: str, message: str) -> None:
        self.errors.append(FeatureError(feature, code, message))


def _reject_constant(name: str) -> None:
    # Python's json accepts NaN and Infinity; they are not JSON and not coordinates.
    raise ValueError(f"{name} is not valid JSON")


# The readers below take parsed JSON of any shape: checking that shape is their job.


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


def _features(raw: bytes, prepared: Prepared) -> list[Any] | None:
    """The document's features, or None (with the error) when it is no FeatureCollection."""
    try:
        document = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        prepared.error(None, "not_json", "the body is not a JSON document")
        return None
    if (
        not isinstance(document, dict)
        or document.get("type") != "FeatureCollection"
        or not isinstance(document.get("features"), list)
    ):
        prepared.error(
            None, "not_feature_collection", "the document is not a GeoJSON FeatureCollection"
        )
        return None
    if not document["features"]:
        prepared.error(None, "no_features", "the FeatureCollection has no features")
        return None
    features: list[Any] = document["features"]
    return features


def _read(items: list[Any], prepared: Prepared) -> None:
    """Every feature checked; the usable ones (with a new code) kept."""
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
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
            prepared.features.append(Feature(index, code, kind, polygons, count_points(polygons)))
    prepared.points_in = sum(f.points_in for f in prepared.features)


def _simplify(prepared: Prepared, tolerance: float | None) -> None:
    if tolerance is None and prepared.points_in > SIMPLIFY_ABOVE:
        tolerance = DEFAULT_TOLERANCE
    prepared.tolerance = tolerance
    for feature in prepared.features:
        feature.polygons = simplify_polygons(feature.polygons, tolerance or 0.0)
        feature.points_out = count_points(feature.polygons)
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


def prepare(raw: bytes, tolerance: float | None) -> Prepared:
    """Parse, validate and simplify; any error in `errors` refuses the whole file."""
    prepared = Prepared()
    items = _features(raw, prepared)
    if items is None:
        return prepared
    _read(items, prepared)
    if not prepared.errors:
        _simplify(prepared, tolerance)
    return prepared
