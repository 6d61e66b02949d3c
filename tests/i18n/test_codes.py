"""Every code the SPA can receive has an Indonesian and an English text (issue 16, item 11).

The inventory comes from the backend (tests/i18n/inventory.py); frontend/src/i18n/codes.json
is its copy for the SPA's own test, so it must not fall behind.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from siaga.audit.actions import AUDIT_ACTIONS, UnregisteredAuditAction, checked
from siaga.models import PeriodState
from siaga.submissions.service import TRANSITIONS
from tests.i18n.inventory import CODES_JSON, ROOT, import_row_codes, inventory, render

LANGUAGES = ("id", "en")


def _catalogue(language: str) -> dict[str, Any]:
    path = ROOT / "frontend" / "src" / "i18n" / f"{language}.json"
    catalogue: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return catalogue


def _text(catalogue: dict[str, Any], key: str) -> str | None:
    node: Any = catalogue
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, str) and node.strip() else None


def test_codes_json_is_the_current_inventory() -> None:
    assert CODES_JSON.read_text("utf-8") == render(), (
        "frontend/src/i18n/codes.json is out of date; regenerate it with "
        "`.venv/bin/python -m tests.i18n.inventory > frontend/src/i18n/codes.json`"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_code_has_a_text(language: str) -> None:
    catalogue = _catalogue(language)
    missing = [
        f"{entry['kind']} {entry['code']!r} -> {entry['key']}"
        for entry in inventory()
        if _text(catalogue, entry["key"]) is None
    ]
    assert not missing, f"no text in {language}.json for:\n" + "\n".join(missing)


def test_indonesian_texts_are_not_the_english_ones_or_the_codes() -> None:
    # A copied English text (or the raw code) would pass the test above and still show
    # English in the Indonesian UI. Codes that read the same in both languages are named.
    same_in_both = {"admin", "import", "operator", "draft", "audit_trail", "api_key"}
    indonesian, english = _catalogue("id"), _catalogue("en")
    copied = [
        entry["key"]
        for entry in inventory()
        if entry["code"] not in same_in_both
        and (text := _text(indonesian, entry["key"])) is not None
        and (text == _text(english, entry["key"]) or text == entry["code"])
    ]
    assert not copied, "Indonesian text equals the English one or the code:\n" + "\n".join(copied)


def test_the_inventory_finds_codes_of_every_kind() -> None:
    kinds = {entry["kind"] for entry in inventory()}
    assert {"error", "importRow", "auditAction", "auditEntity", "auditOutcome"} <= kinds
    assert {"enum:PeriodState", "enum:SubmissionStatus", "enum:ImportStatus"} <= kinds
    codes = {(e["kind"], e["code"]) for e in inventory()}
    # One of each source: a class attribute, a `code=` keyword, the framework's table, a
    # row error, an `unknown_<column>` and a refusal table.
    assert {
        ("error", "region_not_found"),
        ("error", "import_header_invalid"),
        ("error", "method_not_allowed"),
        ("error", "network_error"),
        ("importRow", "period_not_open"),
        ("importRow", "unknown_region"),
        ("importRow", "role_out_of_reach"),
    } <= codes
    # Neither column names nor values of the templates' code lists.
    assert not {"yes", "verifier", "status", "ctx"} & import_row_codes()


def test_actions_built_at_run_time_are_registered() -> None:
    built = {f"submission.{t}" for t in TRANSITIONS} | {
        f"period.{'open' if s == PeriodState.OPEN else 'close'}"
        for s in (PeriodState.OPEN, PeriodState.CLOSED)
    }
    assert built <= AUDIT_ACTIONS


def test_an_unregistered_action_is_refused() -> None:
    with pytest.raises(UnregisteredAuditAction, match=r"auth\.lgoin"):
        checked("auth.lgoin")
