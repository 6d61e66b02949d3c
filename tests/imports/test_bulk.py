"""The bulk-write helpers' JSON is exactly what json.dumps writes."""

from __future__ import annotations

import json

import pytest

from siaga.imports.bulk import json_snapshot


@pytest.mark.parametrize(
    ("value", "narrative", "status", "version", "batch"),
    [
        (None, "", "draft", 1, None),
        (75.5, 'kutip "ganda", \\ garis miring\nbaris baru\ttab', "submitted", 2, 17),
        (1e-7, "é ü 中文 \u2028 \x00 \x1f", "returned", 12, 3),
        (0.0, "<script>alert(1)</script>", "draft", 1, 2**40),
        (3, "=SUM(A1)", "verified", 7, None),
    ],
)
def test_snapshot_is_json_dumps(
    value: float | None, narrative: str, status: str, version: int, batch: int | None
) -> None:
    expected: dict[str, object] = {
        "value": None if value is None else float(value),
        "narrative": narrative,
        "status": status,
        "version": version,
    }
    if batch is not None:
        expected["import_batch"] = batch
    text = json_snapshot(value, narrative, status, version, batch)
    assert text == json.dumps(expected)
    assert json.loads(text) == expected
