from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0005_assets')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Event',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('type', fields.CharField(max_length=40)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('data', fields.TextField(unique=False)),
            ],
            options={'table': 'event', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A change, in commit order: see cms/storage/events.py and docs/decisions/0006-event-ids-in-commit-order.md.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EventHorizon',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('pruned_through', fields.BigIntField(default=0)),
            ],
            options={'table': 'event_horizon', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One row: the position up to which the log was pruned. A cursor before it missed events (410).'},
            bases=['Model'],
        ),
        ops.DeleteModel(name='DeliveryChange'),
    ]
