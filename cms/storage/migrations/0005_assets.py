from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_search')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Asset',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('uid', fields.CharField(unique=True, max_length=32)),
                ('sha256', fields.CharField(unique=True, max_length=64)),
                ('mime', fields.CharField(max_length=40)),
                ('bytes', fields.BigIntField()),
                ('filename', fields.CharField(max_length=200)),
                ('width', fields.IntField(null=True)),
                ('height', fields.IntField(null=True)),
                ('placeholder', fields.CharField(null=True, max_length=100)),
                ('alt', fields.TextField(null=True, unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'asset', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An uploaded file, stored once per content (`sha256`), its `uid` the start of that hash.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AssetUse',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('edition', fields.ForeignKeyField('models.Edition', source_field='edition_id', db_constraint=True, to_field='id', related_name='asset_uses', on_delete=OnDelete.CASCADE)),
                ('asset_uid', fields.CharField(db_index=True, max_length=32)),
            ],
            options={'table': 'asset_use', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An asset that an edition (a current draft or a published version) shows, gone with the edition.'},
            bases=['Model'],
        ),
    ]
