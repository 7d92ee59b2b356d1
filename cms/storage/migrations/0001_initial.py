from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Article',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('uid', fields.CharField(unique=True, max_length=32)),
                ('locale', fields.CharField(max_length=35)),
                ('slug', fields.CharField(max_length=120)),
                ('status', fields.CharField(default='draft', max_length=16)),
                ('version', fields.IntField(default=1)),
                ('published_version', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'article', 'app': 'models', 'unique_together': (('locale', 'slug'),), 'indexes': [Index(fields=['locale', 'status', 'published_at', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Edition',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('article', fields.ForeignKeyField('models.Article', source_field='article_id', db_constraint=True, to_field='id', related_name='editions', on_delete=OnDelete.CASCADE)),
                ('stage', fields.CharField(max_length=9)),
                ('version', fields.IntField()),
                ('title', fields.CharField(max_length=300)),
                ('summary', fields.TextField(null=True, unique=False)),
                ('tags', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('author', fields.CharField(null=True, max_length=200)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'edition', 'app': 'models', 'unique_together': (('article', 'stage'),), 'pk_attr': 'id', 'table_description': 'The draft or the published content of an article (`stage`).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Revision',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('article', fields.ForeignKeyField('models.Article', source_field='article_id', db_constraint=True, to_field='id', related_name='revisions', on_delete=OnDelete.CASCADE)),
                ('version', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('token_name', fields.CharField(null=True, max_length=100)),
                ('title', fields.CharField(max_length=300)),
                ('document', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'revision', 'app': 'models', 'unique_together': (('article', 'version'),), 'pk_attr': 'id', 'table_description': 'A saved draft, whole: the document as it was after one write.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Section',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('edition', fields.ForeignKeyField('models.Edition', source_field='edition_id', db_constraint=True, to_field='id', related_name='sections', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('uid', fields.CharField(max_length=64)),
                ('anchor', fields.CharField(max_length=80)),
                ('heading', fields.CharField(null=True, max_length=300)),
                ('blocks', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'section', 'app': 'models', 'unique_together': (('edition', 'position'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Site',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=300)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'site', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SlugRedirect',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('locale', fields.CharField(max_length=35)),
                ('slug', fields.CharField(max_length=120)),
                ('article', fields.ForeignKeyField('models.Article', source_field='article_id', db_constraint=True, to_field='id', related_name='old_slugs', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'slug_redirect', 'app': 'models', 'unique_together': (('locale', 'slug'),), 'pk_attr': 'id', 'table_description': "A slug an article had before. Delivery answers 301 to the article's current slug."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Token',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('uid', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=100)),
                ('scopes', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('secret_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'token', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An API token. Only the SHA-256 of the secret is stored: the secret is shown once, at creation.'},
            bases=['Model'],
        ),
    ]
