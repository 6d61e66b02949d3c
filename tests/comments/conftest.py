"""The answer workflow's small world (tests/submissions/conftest.py) serves the comments;
the committing application (tests/auth/support.py) serves the concurrency tests."""

from __future__ import annotations

from tests.auth.support import committed, committed_app, committed_database_url
from tests.submissions.conftest import world

__all__ = ["committed", "committed_app", "committed_database_url", "world"]
