"""A small, strict headless CMS: articles as sections of typed JSON blocks, served by slug."""

__version__ = "0.1.0"
