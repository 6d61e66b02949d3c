"""The roles a user account can hold.

In core rather than models because core.security maps roles to capabilities and core
imports no table; models.user stores the enum (database type `user_role`; migration 0010
added `coordinator`).
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    ADMIN = "admin"
    VERIFIER = "verifier"
    # The head of one Pemda's Kesbangpol monitoring team: reads every answer of that one
    # Pemda (not of the regions below it), never answers nor reviews.
    COORDINATOR = "coordinator"
    OPERATOR = "operator"
    VIEWER = "viewer"
