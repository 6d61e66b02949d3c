from __future__ import annotations

from siaga.core.errors import AppError, Conflict, InvalidInput, NotFound


class RegionNotFound(NotFound):
    code = "region_not_found"

    def __init__(self, code: str) -> None:
        super().__init__(f"Wilayah {code!r} tidak ditemukan (region not found)")


class RegionExists(Conflict):
    code = "region_exists"

    def __init__(self, code: str) -> None:
        super().__init__(f"Wilayah {code!r} sudah ada (region already exists)")


class ProvinceNeedsNationalAdmin(AppError):
    status_code = 403
    code = "province_needs_national_admin"
    message = (
        "Hanya admin nasional yang dapat menambah provinsi "
        "(only a national admin can add a province)"
    )


def invalid_region(field: str, message: str) -> InvalidInput:
    """422 naming the field, in the shape request validation uses (loc, type, message)."""
    return InvalidInput(
        "Wilayah tidak dapat disimpan (the region cannot be saved)",
        details=[
            {"loc": ["body", field], "field": field, "type": "value_error", "message": message}
        ],
    )
