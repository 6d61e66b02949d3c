"""Issue 18 item 4: the corrected PEMILU2024 texts, in the seed and by migration 0009.

Texts only: the migration may touch nothing but the two text columns of the four
indicators, so codes, types, targets, weights and levels (everything scoring reads) stay
as they were and no score moves.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

from siaga.core.migrations import downgrade, upgrade
from siaga.seed.reference import load_json
from tests.fixtures.db import run_in_thread
from tests.test_migrations import _run_sql, scratch_url

__all__ = ["scratch_url"]  # the fixture, re-used from the migration tests

_MIGRATION = (
    Path(__file__).resolve().parents[2]
    / "migrations/versions/2026_12_13_1300-0009_framework_text_corrections.py"
)


def _corrections() -> tuple[tuple[str, str, str, str], ...]:
    spec = importlib.util.spec_from_file_location("migration_0009", _MIGRATION)
    assert spec is not None and spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    corrections: tuple[tuple[str, str, str, str], ...] = module.CORRECTIONS
    return corrections


def _seed_indicators() -> dict[str, dict[str, Any]]:
    data = load_json("pemilu2024.json")
    return {i["code"]: i for d in data["dimensions"] for i in d["indicators"]}


def test_seed_holds_the_corrected_texts() -> None:
    indicators = _seed_indicators()
    for code, column, old, new in _corrections():
        assert indicators[code][column] == new
        assert old not in {i[column] for i in indicators.values()}
    assert indicators["K2.01"]["name"].startswith("Realisasi hibah Pilkada")
    assert "Satlinmas" in indicators["K5.01"]["name"]


_SCORED = (
    "SELECT code, answer_type, target, weight, applies_province, applies_regency, "
    "applies_city FROM indicators ORDER BY id"
)


def test_migration_corrects_old_texts_only(scratch_url: str) -> None:
    run_in_thread(upgrade, scratch_url, "0008")
    corrections = _corrections()
    old_texts: dict[str, dict[str, str]] = {}
    for code, column, old, _new in corrections:
        old_texts.setdefault(code, {})[column] = old
    statements: list[Any] = [
        "INSERT INTO agency_types (id, code, name) VALUES (1, 'bpkad', 'BPKAD')",
        "INSERT INTO frameworks (id, code, name, description, is_active, created_at) VALUES "
        "(1, 'PEMILU2024', 'F', '', true, '2026-01-01 00:00:00'), "
        "(2, 'OTHER', 'G', '', true, '2026-01-01 00:00:00')",
        "INSERT INTO dimensions (id, framework_id, code, name, weight, position) VALUES "
        "(1, 1, 'K1', 'D', 15, 0), (2, 2, 'K1', 'D', 15, 0)",
    ]
    next_id = 1
    for framework in (1, 2):
        for code, texts in sorted(old_texts.items()):
            name = texts.get("name", f"Nama {code}")
            # An administrator already edited K2.02 on this database: that text stays.
            if framework == 1 and code == "K2.02":
                name = "Teks yang diubah admin"
            statements.append(
                (
                    "INSERT INTO indicators (id, framework_id, dimension_id, code, name, "
                    "guidance, answer_type, target, weight, agency_type_id, applies_province, "
                    "applies_regency, applies_city, evidence_required, evidence_guidance, "
                    "position) VALUES (:id, :f, :f, :code, :name, 'g', 'level', NULL, 2.5, 1, "
                    "true, true, false, true, :evidence, 0)",
                    {
                        "id": next_id,
                        "f": framework,
                        "code": code,
                        "name": name,
                        "evidence": texts.get("evidence_guidance", "Wajib: bukti"),
                    },
                )
            )
            next_id += 1
    _run_sql(scratch_url, *statements)
    scored_before = _run_sql(scratch_url, _SCORED)

    run_in_thread(upgrade, scratch_url)
    rows = _run_sql(
        scratch_url,
        "SELECT framework_id, code, name, evidence_guidance FROM indicators ORDER BY id",
    )
    texts = {(f, code): (name, evidence) for f, code, name, evidence in rows}
    for code, column, old, new in corrections:
        index = 0 if column == "name" else 1
        expected = new
        if code == "K2.02":
            expected = "Teks yang diubah admin"
        assert texts[(1, code)][index] == expected
        assert texts[(2, code)][index] == old, "another framework's texts are not touched"
    # What scoring reads is unchanged, so scores do not move.
    assert _run_sql(scratch_url, _SCORED) == (scored_before)

    run_in_thread(downgrade, scratch_url, "0008")
    rows = _run_sql(
        scratch_url,
        "SELECT framework_id, code, name, evidence_guidance FROM indicators ORDER BY id",
    )
    texts = {(f, code): (name, evidence) for f, code, name, evidence in rows}
    for code, column, old, _new in corrections:
        index = 0 if column == "name" else 1
        expected = "Teks yang diubah admin" if code == "K2.02" else old
        assert texts[(1, code)][index] == expected
    run_in_thread(upgrade, scratch_url)
