"""The database: Tortoise models, migrations and the named reads. ORM rows never leave this package."""
