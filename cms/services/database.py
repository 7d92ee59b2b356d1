"""Opening the database for a process, migrated first: what the app's lifespan and every CLI command do."""

from cms.storage.db import DRIVER_ERRORS, database, is_refused, is_unavailable, migrate, run_migrations

__all__ = ["DRIVER_ERRORS", "database", "is_refused", "is_unavailable", "migrate", "run_migrations"]
