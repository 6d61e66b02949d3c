from tests.reporting.conftest import chain
from tests.submissions.conftest import world

__all__ = ["chain", "world"]
