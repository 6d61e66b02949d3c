"""Refusals of the framework catalogue, with the contract's codes."""

from __future__ import annotations

from typing import Any

from siaga.core.errors import Conflict, InvalidInput, NotFound


class FrameworkNotFound(NotFound):
    code = "framework_not_found"


class FrameworkExists(Conflict):
    code = "framework_exists"

    def __init__(self, code: str) -> None:
        super().__init__(f"Kerangka {code!r} sudah ada (framework already exists)")


class FrameworkPublished(Conflict):
    """A published version never changes: periods were or will be opened on it."""

    code = "framework_published"

    def __init__(self, code: str) -> None:
        super().__init__(
            f"Kerangka {code!r} sudah diterbitkan dan tidak dapat diubah "
            "(framework is published and cannot change)"
        )


class FrameworkInvalid(InvalidInput):
    """422 with every problem at once, each `{"field", "code", "message"}` naming its path."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__("Kerangka ditolak (framework refused)", details=problems)
