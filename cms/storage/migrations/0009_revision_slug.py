from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0008_users')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Revision',
            name='slug',
            field=fields.CharField(null=True, max_length=120),
        ),
    ]
