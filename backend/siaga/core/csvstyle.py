"""How a CSV download is spelled: RFC 4180 for scripts, or what Indonesian Excel reads.

Excel opens a CSV with the machine's list separator and decimal sign. On an Indonesian
Windows these are `;` and `,`, so an RFC 4180 file lands in one column and `12.5` reads
as a date or text. `?locale=id` writes what such a machine expects; without it the file
stays RFC 4180 (comma, decimal dot), which every script parses, with the UTF-8 BOM it has
always carried (so names stay readable in Excel; csv readers take `utf-8-sig`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal, TextIO

from fastapi import Depends, Query

if TYPE_CHECKING:
    from _csv import Writer

CsvLocale = Literal["id", "en"]


@dataclass(frozen=True)
class CsvStyle:
    delimiter: str = ","
    decimal: str = "."
    # Without a BOM Excel reads UTF-8 in the legacy code page and garbles names.
    bom: str = "\ufeff"

    def writer(self, buffer: TextIO) -> Writer:
        return csv.writer(buffer, delimiter=self.delimiter, lineterminator="\r\n")

    def number(self, text: str) -> str:
        """A number already printed with a dot (`12.5`), in this style's decimal sign."""
        return text if self.decimal == "." else text.replace(".", self.decimal)


RFC4180 = CsvStyle()
INDONESIAN = CsvStyle(delimiter=";", decimal=",")


def _csv_style(
    locale: Annotated[
        CsvLocale,
        Query(
            description="`id`: semicolon, decimal comma and UTF-8 BOM, as Indonesian Excel "
            "opens it; `en` (default): RFC 4180 (comma, decimal dot), with a UTF-8 BOM"
        ),
    ] = "en",
) -> CsvStyle:
    return INDONESIAN if locale == "id" else RFC4180


# Every CSV route takes `locale` through this one alias, so they cannot drift apart.
CsvStyleQuery = Annotated[CsvStyle, Depends(_csv_style)]
