"""The roles a user account can hold.

In core rather than models because core.security maps roles to capabilities and core
imports no table; models.user stores the enum (database type `user_role`, unchanged).
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    ADMIN = "admin"
    VERIFIER = "verifier"
    OPERATOR = "operator"
    VIEWER = "viewer"
