from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_scheduled_publishing')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DeliveryChange',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('article_uid', fields.CharField(max_length=32)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'delivery_change', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A change of what delivery serves (publish, unpublish, delete, slug change), in commit order.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EditionTag',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('edition', fields.ForeignKeyField('models.Edition', source_field='edition_id', db_constraint=True, to_field='id', related_name='tag_rows', on_delete=OnDelete.CASCADE)),
                ('tag', fields.CharField(db_index=True, max_length=50)),
            ],
            options={'table': 'edition_tag', 'app': 'models', 'unique_together': (('edition', 'tag'),), 'pk_attr': 'id', 'table_description': 'One row per tag of an edition, so that `?tag=` is an indexed join on both databases.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Edition',
            name='body_text',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='Edition',
            name='snapshot',
            field=fields.TextField(null=True, unique=False),
        ),
    ]
