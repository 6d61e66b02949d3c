"""Douglas-Peucker per ring in plain Python, for region outlines.

The files are a few MB at most, and a geometry library (GEOS) would be a heavy dependency
for this one job. Rings stay closed with at least 4 points; rings may still touch or cross
after simplifying, which a map display tolerates and which only a full topology engine
would prevent.
"""

from __future__ import annotations

import math
from itertools import pairwise

Position = tuple[float, float]
Ring = list[Position]
Polygon = list[Ring]

# 5 decimals of a degree is about 1 m: finer than any administrative boundary is known.
DECIMALS = 5


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


def _kept(points: Ring, far: int, tolerance: float) -> list[bool]:
    """Which points Douglas-Peucker keeps between the start, `far` and the closure."""
    last = len(points) - 1
    if tolerance <= 0:
        return [True] * len(points)
    keep = [False] * len(points)
    keep[0] = keep[far] = keep[last] = True
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
    return keep


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
    far = max(range(1, last), key=lambda i: math.dist(points[0], points[i]))
    keep = _kept(points, far, tolerance)
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


def simplify_polygons(polygons: list[Polygon], tolerance: float) -> list[Polygon]:
    """Every ring simplified; a polygon whose outer ring vanishes goes with its holes."""
    out: list[Polygon] = []
    for polygon in polygons:
        outer = simplify_ring(polygon[0], tolerance)
        if outer is None:
            continue  # an islet below a metre: its polygon goes with it
        holes = [h for h in (simplify_ring(r, tolerance) for r in polygon[1:]) if h is not None]
        out.append([outer, *holes])
    return out


def count_points(polygons: list[Polygon]) -> int:
    return sum(len(ring) for polygon in polygons for ring in polygon)
