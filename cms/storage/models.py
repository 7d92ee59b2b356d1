"""Tables. (Tortoise copies each model's docstring into a table comment and splits DDL at ';', so none has one.)

An article is its identity (`Article`: locale, slug, status) plus up to two editions of its content: the draft
and the published one (`Edition`, each with its ordered `Section` rows whose blocks are stored as JSON).
Publishing copies the draft edition over the published one, so delivery reads the published edition
whatever is happening to the draft. Every saved draft is also kept whole in `Revision`.
"""

from tortoise import fields
from tortoise.models import Model

DRAFT = "draft"
PUBLISHED = "published"


class Site(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=300)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "site"


class Article(Model):
    id = fields.IntField(primary_key=True)
    uid = fields.CharField(max_length=32, unique=True)
    locale = fields.CharField(max_length=35)
    slug = fields.CharField(max_length=120)
    status = fields.CharField(max_length=16, default="draft")
    version = fields.IntField(default=1)
    published_version = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    published_at = fields.DatetimeField(null=True)
    scheduled_at = fields.DatetimeField(null=True, db_index=True)
    scheduled_version = fields.IntField(null=True)

    class Meta:
        table = "article"
        unique_together = (("locale", "slug"),)
        indexes = (("locale", "status", "published_at", "id"),)


class Edition(Model):
    """The draft or the published content of an article (`stage`)."""

    id = fields.IntField(primary_key=True)
    article: fields.ForeignKeyRelation[Article] = fields.ForeignKeyField(
        "models.Article", related_name="editions", on_delete=fields.CASCADE
    )
    stage = fields.CharField(max_length=9)
    version = fields.IntField()
    title = fields.CharField(max_length=300)
    summary = fields.TextField(null=True)
    tags = fields.JSONField(default=list)
    author = fields.CharField(max_length=200, null=True)
    updated_at = fields.DatetimeField()
    body_text = fields.TextField(default="")
    snapshot = fields.TextField(null=True)

    class Meta:
        table = "edition"
        unique_together = (("article", "stage"),)


class EditionTag(Model):
    """One row per tag of an edition, so that `?tag=` is an indexed join on both databases."""

    id = fields.IntField(primary_key=True)
    edition: fields.ForeignKeyRelation[Edition] = fields.ForeignKeyField(
        "models.Edition", related_name="tag_rows", on_delete=fields.CASCADE
    )
    tag = fields.CharField(max_length=50, db_index=True)

    class Meta:
        table = "edition_tag"
        unique_together = (("edition", "tag"),)


class Event(Model):
    """A change, in commit order: see cms/storage/events.py and docs/decisions/0006-event-ids-in-commit-order.md."""

    id = fields.BigIntField(primary_key=True)
    type = fields.CharField(max_length=40)
    created_at = fields.DatetimeField(db_index=True)
    data = fields.TextField()

    class Meta:
        table = "event"


class EventHorizon(Model):
    """One row: the position up to which the log was pruned. A cursor before it missed events (410)."""

    id = fields.IntField(primary_key=True)
    pruned_through = fields.BigIntField(default=0)

    class Meta:
        table = "event_horizon"


class Section(Model):
    id = fields.IntField(primary_key=True)
    edition: fields.ForeignKeyRelation[Edition] = fields.ForeignKeyField(
        "models.Edition", related_name="sections", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    uid = fields.CharField(max_length=64)
    anchor = fields.CharField(max_length=80)
    heading = fields.CharField(max_length=300, null=True)
    blocks = fields.JSONField(default=list)

    class Meta:
        table = "section"
        unique_together = (("edition", "position"),)


class Revision(Model):
    """A saved draft, whole: the document as it was after one write."""

    id = fields.IntField(primary_key=True)
    article: fields.ForeignKeyRelation[Article] = fields.ForeignKeyField(
        "models.Article", related_name="revisions", on_delete=fields.CASCADE
    )
    version = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)
    token_name = fields.CharField(max_length=100, null=True)
    title = fields.CharField(max_length=300)
    document = fields.JSONField()
    slug = fields.CharField(max_length=120, null=True)
    """The article's slug when this revision was saved (None for revisions saved before it was recorded): the base
    of a merge (docs/api.md) compares slugs too."""

    class Meta:
        table = "revision"
        unique_together = (("article", "version"),)


class SlugRedirect(Model):
    """A slug an article had before. Delivery answers 301 to the article's current slug."""

    id = fields.IntField(primary_key=True)
    locale = fields.CharField(max_length=35)
    slug = fields.CharField(max_length=120)
    article: fields.ForeignKeyRelation[Article] = fields.ForeignKeyField(
        "models.Article", related_name="old_slugs", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "slug_redirect"
        unique_together = (("locale", "slug"),)


class Token(Model):
    """An API token. Only the SHA-256 of the secret is stored: the secret is shown once, at creation."""

    id = fields.IntField(primary_key=True)
    uid = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=100)
    scopes = fields.JSONField()
    secret_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "token"


class User(Model):
    """A person who signs in to the editor's page. Only the Argon2id hash of the password is stored."""

    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    role = fields.CharField(max_length=16)
    password_hash = fields.CharField(max_length=200)
    disabled = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "cms_user"


class UserSession(Model):
    """A signed-in browser: the SHA-256 of the cookie's secret, its CSRF token, and when it was last used."""

    id = fields.IntField(primary_key=True)
    secret_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="sessions", on_delete=fields.CASCADE
    )
    csrf_token = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_seen_at = fields.DatetimeField()

    class Meta:
        table = "user_session"


class SignInFailure(Model):
    """A wrong password (or unknown email) for one email, kept for the sign-in rate limit."""

    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254)
    created_at = fields.DatetimeField()

    class Meta:
        table = "sign_in_failure"
        indexes = (("email", "created_at"),)


class Asset(Model):
    """An uploaded file, stored once per content (`sha256`), its `uid` the start of that hash."""

    id = fields.IntField(primary_key=True)
    uid = fields.CharField(max_length=32, unique=True)
    sha256 = fields.CharField(max_length=64, unique=True)
    mime = fields.CharField(max_length=40)
    bytes = fields.BigIntField()
    filename = fields.CharField(max_length=200)
    width = fields.IntField(null=True)
    height = fields.IntField(null=True)
    placeholder = fields.CharField(max_length=100, null=True)
    alt = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "asset"


class AssetUse(Model):
    """An asset that an edition (a current draft or a published version) shows, gone with the edition."""

    id = fields.IntField(primary_key=True)
    edition: fields.ForeignKeyRelation[Edition] = fields.ForeignKeyField(
        "models.Edition", related_name="asset_uses", on_delete=fields.CASCADE
    )
    asset_uid = fields.CharField(max_length=32, db_index=True)

    class Meta:
        table = "asset_use"


class Webhook(Model):
    """A webhook subscription. The secret signs deliveries: it is shown once and never listed."""

    id = fields.IntField(primary_key=True)
    uid = fields.CharField(max_length=32, unique=True)
    url = fields.CharField(max_length=2000)
    events = fields.JSONField()
    secret = fields.CharField(max_length=100)
    enabled = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    failing_since = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook"


class WebhookDelivery(Model):
    """One event for one subscription: queued with the event, sent by one worker at a time (a lease)."""

    id = fields.IntField(primary_key=True)
    uid = fields.CharField(max_length=32, unique=True)
    webhook: fields.ForeignKeyRelation[Webhook] = fields.ForeignKeyField(
        "models.Webhook", related_name="deliveries", on_delete=fields.CASCADE
    )
    event_id = fields.CharField(max_length=16)
    type = fields.CharField(max_length=40)
    body = fields.TextField()
    status = fields.CharField(max_length=9)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True)
    lease_until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "webhook_delivery"
        indexes = (("status", "next_attempt_at"), ("webhook_id", "id"))


class WebhookAttempt(Model):
    id = fields.IntField(primary_key=True)
    delivery: fields.ForeignKeyRelation[WebhookDelivery] = fields.ForeignKeyField(
        "models.WebhookDelivery", related_name="attempt_rows", on_delete=fields.CASCADE
    )
    at = fields.DatetimeField()
    status_code = fields.IntField(null=True)
    error = fields.TextField(null=True)
    duration_ms = fields.IntField()

    class Meta:
        table = "webhook_attempt"
        indexes = (("delivery_id", "id"),)
