from tests.auth.support import committed, committed_app, committed_database_url

__all__ = ["committed", "committed_app", "committed_database_url"]
