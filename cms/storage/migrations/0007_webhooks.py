from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0006_events')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Webhook',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('uid', fields.CharField(unique=True, max_length=32)),
                ('url', fields.CharField(max_length=2000)),
                ('events', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('secret', fields.CharField(max_length=100)),
                ('enabled', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('failing_since', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A webhook subscription. The secret signs deliveries: it is shown once and never listed.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('uid', fields.CharField(unique=True, max_length=32)),
                ('webhook', fields.ForeignKeyField('models.Webhook', source_field='webhook_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('event_id', fields.CharField(max_length=16)),
                ('type', fields.CharField(max_length=40)),
                ('body', fields.TextField(unique=False)),
                ('status', fields.CharField(max_length=9)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_delivery', 'app': 'models', 'indexes': [Index(fields=['status', 'next_attempt_at']), Index(fields=['webhook_id', 'id'])], 'pk_attr': 'id', 'table_description': 'One event for one subscription: queued with the event, sent by one worker at a time (a lease).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookAttempt',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('delivery', fields.ForeignKeyField('models.WebhookDelivery', source_field='delivery_id', db_constraint=True, to_field='id', related_name='attempt_rows', on_delete=OnDelete.CASCADE)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status_code', fields.IntField(null=True)),
                ('error', fields.TextField(null=True, unique=False)),
                ('duration_ms', fields.IntField()),
            ],
            options={'table': 'webhook_attempt', 'app': 'models', 'indexes': [Index(fields=['delivery_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
