"""XLSX import templates: header row, explanation sheet, hidden code lists and drop-downs.

The workbook is read back the way a user's spreadsheet is read (python-calamine) and its
XML is inspected for what calamine does not expose (data validations, hidden sheet, panes).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Awaitable, Callable
from datetime import date
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import httpx
import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.imports.codes import load_codes
from siaga.imports.column_types import CodeList
from siaga.imports.columns import COLUMNS
from siaga.imports.templates import (
    CODES_SHEET,
    DATA_ROWS,
    DATA_SHEET,
    HELP_SHEET,
    XLSX_MEDIA_TYPE,
    build_template,
    template_for,
)
from siaga.models import ImportKind, PeriodState, RegionLevel, Role, Submission, User
from tests.fixtures.factories import (
    create_agency,
    create_agency_type,
    create_framework,
    create_period,
    create_region,
    create_user,
)
from tests.helpers import API, assert_error

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _sheet(content: bytes, name: str) -> list[list[object]]:
    rows: list[list[object]] = (
        CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name(name).to_python()
    )
    return rows


def _sheet_xml(content: bytes, index: int) -> ElementTree.Element:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return ElementTree.fromstring(archive.read(f"xl/worksheets/sheet{index}.xml"))  # noqa: S314 - our own output


def _validations(content: bytes) -> dict[str, dict[str, str]]:
    """Data validations of the Data sheet by cell range: type, formula, error style."""
    found: dict[str, dict[str, str]] = {}
    for node in _sheet_xml(content, 1).iterfind(".//m:dataValidation", NS):
        formula = node.find("m:formula1", NS)
        found[node.attrib["sqref"]] = {
            "type": node.attrib.get("type", "none"),
            "formula": formula.text or "" if formula is not None else "",
            "errorStyle": node.attrib.get("errorStyle", "stop"),
            "showErrorMessage": node.attrib.get("showErrorMessage", "0"),
            "prompt": node.attrib.get("prompt", ""),
        }
    return found


def _column_letter(index: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index]


def _range_values(content: bytes, formula: str) -> list[object]:
    """The cells of the hidden code sheet that a drop-down formula points at."""
    match = re.fullmatch(r"'?Kode'?!\$([A-Z])\$(\d+):\$([A-Z])\$(\d+)", formula)
    assert match, formula
    col = ord(match.group(1)) - ord("A")
    first, last = int(match.group(2)), int(match.group(4))
    rows = _sheet(content, CODES_SHEET)
    return [rows[r - 1][col] for r in range(first, last + 1)]


@pytest.mark.parametrize("kind", list(ImportKind))
def test_every_kind_has_header_help_and_hidden_codes(kind: ImportKind) -> None:
    content = build_template(kind)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert workbook.sheet_names == [DATA_SHEET, HELP_SHEET, CODES_SHEET]

    names = [c.name for c in COLUMNS[kind]]
    data = _sheet(content, DATA_SHEET)
    assert data == [names]  # the header and nothing else: a blank template imports nothing

    help_rows = _sheet(content, HELP_SHEET)
    table_start = next(i for i, row in enumerate(help_rows) if row[0] == "Kolom (column)")
    described = {row[0]: row for row in help_rows[table_start + 1 :] if row[0]}
    for column in COLUMNS[kind]:
        row = described[column.name]
        assert row[1] == ("ya (yes)" if column.required else "tidak (no)")
        assert row[2] == column.description_id
        assert row[3] == column.description_en

    # The Data sheet is frozen below its header; the code sheet is hidden.
    view = _sheet_xml(content, 1).find(".//m:sheetView/m:pane", NS)
    assert view is not None and view.attrib["ySplit"] == "1" and view.attrib["state"] == "frozen"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314
    states = {
        s.attrib["name"]: s.attrib.get("state", "visible") for s in book.iter(f"{{{NS['m']}}}sheet")
    }
    assert states == {DATA_SHEET: "visible", HELP_SHEET: "visible", CODES_SHEET: "hidden"}

    # Every column has a validation (at least an input prompt) over rows 2..10001.
    validations = _validations(content)
    for index, column in enumerate(COLUMNS[kind]):
        letter = _column_letter(index)
        rule = validations[f"{letter}2:{letter}{DATA_ROWS + 1}"]
        assert rule["prompt"] == column.description_id[:255]


def test_fixed_lists_are_strict_drop_downs() -> None:
    content = build_template(ImportKind.SUBMISSIONS)
    status_index = [c.name for c in COLUMNS[ImportKind.SUBMISSIONS]].index("status")
    letter = _column_letter(status_index)
    rule = _validations(content)[f"{letter}2:{letter}{DATA_ROWS + 1}"]
    assert rule["type"] == "list"
    assert rule["errorStyle"] == "stop"
    assert _range_values(content, rule["formula"]) == ["draft", "submitted"]

    content = build_template(ImportKind.AGENCIES)
    active = [c.name for c in COLUMNS[ImportKind.AGENCIES]].index("active")
    letter = _column_letter(active)
    rule = _validations(content)[f"{letter}2:{letter}{DATA_ROWS + 1}"]
    assert _range_values(content, rule["formula"]) == ["ya", "tidak"]


def test_without_database_codes_coded_columns_only_prompt() -> None:
    content = build_template(ImportKind.SUBMISSIONS)
    validations = _validations(content)
    for index, column in enumerate(COLUMNS[ImportKind.SUBMISSIONS]):
        if column.codes in (CodeList.PERIODS, CodeList.REGIONS, CodeList.INDICATORS):
            letter = _column_letter(index)
            assert validations[f"{letter}2:{letter}{DATA_ROWS + 1}"]["type"] == "none"


async def test_submissions_template_lists_open_periods_scope_regions_and_indicators(
    session: AsyncSession,
) -> None:
    province = await create_region(session, code="64", name="Kalimantan Timur")
    city = await create_region(
        session, code="64.72", name="Kota Samarinda", level=RegionLevel.CITY, parent=province
    )
    other = await create_region(session, code="63", name="Kalimantan Selatan")
    framework = await create_framework(session, dimensions=1, indicators_per_dimension=3)
    await create_period(session, framework=framework, code="2031-Q1", state=PeriodState.OPEN)
    await create_period(session, framework=framework, code="2030-Q4", state=PeriodState.CLOSED)
    old = await create_framework(session, dimensions=2, indicators_per_dimension=1)
    await create_period(session, framework=old, code="2020-Q1", state=PeriodState.CLOSED)

    content = await template_for(session, ImportKind.SUBMISSIONS, scope=province.code)
    validations = _validations(content)
    columns = [c.name for c in COLUMNS[ImportKind.SUBMISSIONS]]

    def listed(column: str) -> list[object]:
        letter = _column_letter(columns.index(column))
        rule = validations[f"{letter}2:{letter}{DATA_ROWS + 1}"]
        assert rule["type"] == "list"
        # Database lists may lack a code made by another file of the same set-up: warn only.
        assert rule["errorStyle"] == "warning"
        return _range_values(content, rule["formula"])

    assert listed("period") == ["2031-Q1"]  # closed periods cannot be imported into
    assert listed("region") == [province.code, city.code]  # not the other province
    assert other.code not in _range_values(content, validations[f"B2:B{DATA_ROWS + 1}"]["formula"])
    assert listed("indicator") == ["D1.01", "D1.02", "D1.03"]  # the open period's framework

    help_rows = _sheet(content, HELP_SHEET)
    region_help = next(row for row in help_rows if row[0] == "region")
    assert "2 kode" in str(region_help[4]) and "64.72" in str(region_help[4])


async def test_code_lists_are_scoped_and_read_only_when_needed(session: AsyncSession) -> None:
    province = await create_region(session, code="64")
    other = await create_region(session, code="63")
    kesbangpol = await create_agency_type(session, code="kesbangpol")
    mine = await create_agency(session, region=province, agency_type=kesbangpol)
    await create_agency(session, region=other, agency_type=kesbangpol)
    await create_agency(
        session,
        region=province,
        agency_type=await create_agency_type(session, code="lama"),
        is_active=False,
    )

    codes = await load_codes(session, ImportKind.USERS, scope="64")
    assert [c for c, _ in codes.get(CodeList.AGENCIES)] == [mine.code]
    assert [c for c, _ in codes.get(CodeList.REGIONS)] == ["64"]
    assert [c for c, _ in codes.get(CodeList.ROLES)] == [
        "admin",
        "verifier",
        "coordinator",
        "operator",
        "viewer",
    ]

    national = await load_codes(session, ImportKind.AGENCIES, scope=None)
    assert [c for c, _ in national.get(CodeList.REGIONS)] == ["63", "64"]
    assert "kesbangpol" in [c for c, _ in national.get(CodeList.AGENCY_TYPES)]
    # Agencies import has no agency column: that list is not read at all.
    assert CodeList.AGENCIES not in national.lists


def test_codes_are_written_as_text() -> None:
    from siaga.imports.codes import TemplateCodes

    codes = TemplateCodes({CodeList.REGIONS: [("64.10", "Kabupaten Contoh")]})
    content = build_template(ImportKind.REGIONS, codes=codes)
    parent = [c.name for c in COLUMNS[ImportKind.REGIONS]].index("parent")
    letter = _column_letter(parent)
    rule = _validations(content)[f"{letter}2:{letter}{DATA_ROWS + 1}"]
    # "64.10" stays a string; as a number it would read 64.1, another region.
    assert _range_values(content, rule["formula"]) == ["64.10"]


async def test_route_serves_the_template_of_the_callers_scope(
    anon_client: httpx.AsyncClient,
    session: AsyncSession,
    login_as: Callable[[User], Awaitable[dict[str, str]]],
) -> None:
    province = await create_region(session, code="64")
    await create_region(session, code="64.72", level=RegionLevel.CITY, parent=province)
    await create_region(session, code="63")
    admin = await create_user(session, username="admin.kaltim", role=Role.ADMIN, region=province)

    response = await anon_client.get(
        f"{API}/imports/templates/agencies.xlsx", headers=await login_as(admin)
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX_MEDIA_TYPE
    assert 'filename="siaga-impor-agencies.xlsx"' in response.headers["content-disposition"]
    content = response.content
    assert _sheet(content, DATA_SHEET) == [[c.name for c in COLUMNS[ImportKind.AGENCIES]]]
    region = [c.name for c in COLUMNS[ImportKind.AGENCIES]].index("region")
    letter = _column_letter(region)
    rule = _validations(content)[f"{letter}2:{letter}{DATA_ROWS + 1}"]
    assert _range_values(content, rule["formula"]) == ["64", "64.72"]


def _cell(col: int, row: int, value: str) -> str:
    ref = f"{_column_letter(col)}{row}"
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def _fill(content: bytes, rows: list[list[str]]) -> bytes:
    """The template with `rows` typed into its Data sheet, as a user's spreadsheet program
    would save it (inline strings after the header row); everything else is kept."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                cells = "".join(
                    f'<row r="{r}">' + "".join(_cell(c, r, v) for c, v in enumerate(row)) + "</row>"
                    for r, row in enumerate(rows, start=2)
                )
                data = data.replace(b"</row></sheetData>", f"</row>{cells}</sheetData>".encode())
            target.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize("kind", list(ImportKind))
async def test_a_blank_template_is_read_by_the_importer(
    client: httpx.AsyncClient, kind: ImportKind
) -> None:
    content = build_template(kind)
    response = await client.post(
        f"{API}/imports",
        params={"kind": kind.value, "dry_run": "true"},
        files={"file": (f"{kind.value}.xlsx", content, XLSX_MEDIA_TYPE)},
    )
    # The header row is accepted; there is just nothing under it.
    assert_error(response, 422, "import_file_empty")


async def test_a_filled_template_imports(client: httpx.AsyncClient, session: AsyncSession) -> None:
    province = await create_region(session, code="64")
    city = await create_region(session, code="64.72", level=RegionLevel.CITY, parent=province)
    kesbangpol = await create_agency_type(session, code="kesbangpol")
    await create_agency(session, region=city, agency_type=kesbangpol)
    framework = await create_framework(
        session, dimensions=1, indicators_per_dimension=2, agency_type=kesbangpol
    )
    await create_period(
        session,
        framework=framework,
        code="2031-Q1",
        start_date=date(2031, 1, 1),
        end_date=date(2031, 3, 31),
        deadline=date(2099, 1, 1),
        state=PeriodState.OPEN,
    )
    template = await template_for(session, ImportKind.SUBMISSIONS, scope=None)
    filled = _fill(
        template,
        [
            ["2031-Q1", "64.72", "D1.01", "3", "Sudah <ditetapkan> & berjalan", "draft"],
            ["2031-Q1", "64.72", "D1.02", "ya", "", "submitted"],
        ],
    )
    response = await client.post(
        f"{API}/imports",
        params={"kind": "submissions", "dry_run": "false"},
        files={"file": ("jawaban.xlsx", filled, XLSX_MEDIA_TYPE)},
    )
    assert response.status_code == 200, response.text
    batch = response.json()
    assert batch["status"] == "succeeded", batch["errors"]
    assert batch["counts"]["created"] == 2
    narratives = set(
        await session.scalars(select(Submission.narrative).where(Submission.region_id == city.id))
    )
    assert narratives == {"Sudah <ditetapkan> & berjalan", ""}
