from __future__ import annotations

from siaga.core.errors import NotFound


class RegionNotFound(NotFound):
    code = "region_not_found"

    def __init__(self, code: str) -> None:
        super().__init__(f"Wilayah {code!r} tidak ditemukan (region not found)")
