from __future__ import annotations

from siaga.core.errors import Conflict, InvalidInput, NotFound


class AgencyNotFound(NotFound):
    code = "agency_not_found"

    def __init__(self, code: str) -> None:
        super().__init__(f"Perangkat daerah {code!r} tidak ditemukan (agency not found)")


class AgencyExists(Conflict):
    code = "agency_exists"

    def __init__(self, code: str) -> None:
        super().__init__(f"Perangkat daerah {code!r} sudah ada (agency already exists)")


def invalid_agency(field: str, message: str) -> InvalidInput:
    """422 naming the field, in the shape request validation uses (loc, type, message)."""
    return InvalidInput(
        "Perangkat daerah tidak dapat disimpan (the agency cannot be saved)",
        details=[
            {"loc": ["body", field], "field": field, "type": "value_error", "message": message}
        ],
    )
