"""The content model and everything pure about it.

Nothing in this package imports the database or the web framework (tests/core/test_purity.py checks it),
so the schema and the renderers can be reused by importers, exporters and tests without a running service.
"""
