"""The server's Indonesian words for the incidents' codes (the PDF, e-mails) are the SPA's,
and every code has them."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import pytest

from siaga.incidents import labels
from siaga.models import IncidentCategory, IncidentLevel, IncidentSeverity, IncidentState

SPA = Path(__file__).resolve().parents[2] / "frontend" / "src" / "i18n" / "id.json"


@pytest.mark.parametrize(
    ("enum", "words"),
    [
        (IncidentCategory, labels.CATEGORY),
        (IncidentSeverity, labels.SEVERITY),
        (IncidentState, labels.STATE),
        (IncidentLevel, labels.LEVEL),
    ],
)
def test_the_server_says_what_the_spa_says(enum: type[StrEnum], words: dict[str, str]) -> None:
    spa = json.loads(SPA.read_text(encoding="utf-8"))["codes"]["enum"][enum.__name__]
    assert set(words) == set(enum)
    assert {str(code): text for code, text in words.items()} == spa


def test_an_unknown_code_is_shown_as_it_is() -> None:
    assert labels.label(labels.SEVERITY, "kritis") == "Kritis"
    assert labels.label(labels.SEVERITY, "darurat") == "darurat"
