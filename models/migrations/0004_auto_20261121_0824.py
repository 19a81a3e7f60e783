from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0003_auto_20261121_0823')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='FeedItem',
            index=Index(fields=['kind', 'created_at']),
        ),
    ]
