"""Where asset bytes live: the storage interface and its local-directory implementation, for the app to wire."""

from cms.storage.media import LocalMediaStore

__all__ = ["LocalMediaStore"]
