"""A whole site in one tar archive: `cms export --out FILE` writes it, `cms import FILE` restores it exactly.

The archive's members, in this order (docs/deployment.md, "Backups"):

    media/<sha256>      the original bytes of each asset (variants are made again on demand)
    site.json           {"name", "default_locale"}
    assets.jsonl        one asset record a line, as the API shows it
    articles.jsonl      the articles export (cms/services/transfer.py): one article, whole, a line
    people.jsonl        email, role, disabled, created_at (+ password_hash with secrets)
    tokens.jsonl        id, name, scopes, created_at (+ secret_hash with secrets)
    webhooks.jsonl      id, url, events, enabled, created_at (+ secret with secrets)
    manifest.json       format, version, time, counts, and the size and SHA-256 of every member above

The manifest comes last: each member's checksum is computed as it is written, in one pass over the database and
the media store, and a tar member's header needs only its size. Record members are spooled to temporary files
first (their size goes in the header); originals stream from the store. So memory stays bounded whatever the
size of the site, and the media come first so that an import writes files before it opens its one transaction.

Import reads the archive twice. `verify` (first pass) checks everything: readable to the end, a manifest of a
known version, every member's size and checksum, every record valid; nothing is written. `restore` (second pass)
then puts the originals into the media store and writes every row in one transaction; if anything fails, the
transaction rolls back and the files it put are removed.

The event log is not exported. A restore into an empty database continues the log after the exported one's last
position (the manifest's `events_through`), marking the old positions pruned, so a follower of the old site gets
410 and re-reads; the restore's own events (asset.created, article.updated, article.published) are written before
the webhooks are restored, so no subscriber is sent them (docs/deployment.md, "Events after a restore").
"""

from cms.services.backup.archive import QUIET, ArchiveError, Manifest, Progress
from cms.services.backup.check import is_archive, verify
from cms.services.backup.export import export_archive
from cms.services.backup.media import media_store
from cms.services.backup.restore import Restored, restore

__all__ = [
    "QUIET", "ArchiveError", "Manifest", "Progress", "Restored", "export_archive", "is_archive", "media_store",
    "restore", "verify",
]  # fmt: skip
