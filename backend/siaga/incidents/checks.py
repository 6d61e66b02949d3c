"""What a filing must say about where and when, as pure functions (no database, no
clock: the caller passes the time and the Pemda's outline box):

- a point, when given, has both coordinates, lies within Indonesia's extent (with its
  outer islands and waters) and, when the map has the Pemda's outline, near it (within
  its bounding box and some 11 km): a neighbouring country inside Indonesia's box is
  still refused;
- the time it happened is not in the future (a phone's clock may run a few minutes
  ahead) nor before 2000;
- the region is one the caller may report for, else it is answered as unknown.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from siaga.submissions.workflow import Problem

# Indonesia from Sabang to Merauke and from Miangas to Rote, with a margin for its
# waters: a point outside this box is a typo or a phone far from the incident.
LATITUDE_RANGE = (-11.5, 6.5)
LONGITUDE_RANGE = (94.5, 141.5)
# Degrees (about 11 km) around a region's outline within which its incidents may lie.
OUTLINE_MARGIN = 0.1
# A phone's clock may run ahead of the server's by a few minutes.
FUTURE_TOLERANCE = timedelta(minutes=5)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def check_location(latitude: float | None, longitude: float | None) -> Problem | None:
    if (latitude is None) != (longitude is None):
        missing = "location.lon" if longitude is None else "location.lat"
        return Problem(
            "location_incomplete",
            missing,
            "Titik lokasi memerlukan lintang dan bujur sekaligus",
            "a point needs both latitude and longitude",
        )
    if latitude is None or longitude is None:
        return None
    low_lat, high_lat = LATITUDE_RANGE
    low_lon, high_lon = LONGITUDE_RANGE
    if not (low_lat <= latitude <= high_lat and low_lon <= longitude <= high_lon):
        return Problem(
            "location_outside_indonesia",
            "location.lat" if not low_lat <= latitude <= high_lat else "location.lon",
            f"Titik ({latitude}, {longitude}) berada di luar wilayah Indonesia",
            f"the point ({latitude}, {longitude}) lies outside Indonesia "
            f"(latitude {low_lat} to {high_lat}, longitude {low_lon} to {high_lon})",
            {"lat": latitude, "lon": longitude},
        )
    return None


Bounds = tuple[float, float, float, float]  # west, south, east, north


def check_in_outline(latitude: float, longitude: float, bounds: Bounds | None) -> Problem | None:
    """A point must lie near its Pemda: within the box around the region's outline (when
    the map has one), widened by OUTLINE_MARGIN for a coarse outline or a point just
    across the border."""
    if bounds is None:
        return None
    west, south, east, north = bounds
    m = OUTLINE_MARGIN
    if west - m <= longitude <= east + m and south - m <= latitude <= north + m:
        return None
    return Problem(
        "location_outside_region",
        "location.lat",
        f"Titik ({latitude}, {longitude}) berada jauh di luar wilayah Pemda ini",
        f"the point ({latitude}, {longitude}) lies well outside this Pemda's area",
        {"lat": latitude, "lon": longitude, "bounds": list(bounds)},
    )


def check_occurred(occurred_at: datetime, now: datetime) -> Problem | None:
    if occurred_at > now + FUTURE_TOLERANCE:
        return Problem(
            "occurred_in_future",
            "occurred_at",
            "Waktu kejadian tidak boleh di masa depan",
            "the time it happened cannot be in the future",
            {"occurred_at": occurred_at.isoformat(), "now": now.isoformat()},
        )
    if occurred_at < EARLIEST:
        return Problem(
            "occurred_too_early",
            "occurred_at",
            "Waktu kejadian terlalu lampau (sebelum tahun 2000)",
            "the time it happened is before 2000",
            {"occurred_at": occurred_at.isoformat()},
        )
    return None


def invalid_region(region: str) -> Problem:
    return Problem(
        "invalid_region",
        "region",
        f"Wilayah {region!r} tidak dikenal atau bukan wilayah yang dapat Anda laporkan",
        f"unknown region {region!r}, or not one you may report for",
        {"region": region},
    )
