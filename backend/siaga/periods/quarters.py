"""What a quarter code means: pure date arithmetic, shared by the API, the CLI and the SPA's
"next quarter" (which asks the server rather than computing it again)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import NamedTuple

# A sane window: the programme reports on elections from 2000 on; far-future codes are typos.
YEAR_MIN = 2000
YEAR_MAX = 2100
DEADLINE_DAY = 10
_CODE = re.compile(r"^(\d{4})-Q([1-4])$")
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class Quarter(NamedTuple):
    year: int
    number: int

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def starts_on(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def ends_on(self) -> date:
        return self.next().starts_on - timedelta(days=1)

    @property
    def default_deadline(self) -> date:
        """The 10th of the month after the quarter (late = after that day, local time)."""
        return self.next().starts_on.replace(day=DEADLINE_DAY)

    @property
    def numeral(self) -> str:
        """The quarter in Roman numerals, as Indonesian documents name it (Triwulan III)."""
        return _ROMAN[self.number]

    @property
    def default_name(self) -> str:
        return f"Triwulan {self.numeral} {self.year}"

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )


def parse(code: str) -> Quarter | None:
    """The quarter a `YYYY-Qn` code names, or None when it is not one in the window."""
    match = _CODE.match(code)
    if match is None:
        return None
    year = int(match.group(1))
    if not YEAR_MIN <= year <= YEAR_MAX:
        return None
    return Quarter(year, int(match.group(2)))


def of_year(year: int) -> list[Quarter]:
    return [Quarter(year, n) for n in range(1, 5)]
