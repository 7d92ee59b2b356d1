"""Opening the database for a process, migrated first: what the app's lifespan and every CLI command do."""

from cms.storage.db import database, migrate, run_migrations

__all__ = ["database", "migrate", "run_migrations"]
