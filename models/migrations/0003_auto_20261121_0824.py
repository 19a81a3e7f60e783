from tortoise import migrations
from tortoise.migrations import operations as ops
from models.events import EventKind
from models.notifications import DeliveryChannel, DeliveryStatus, Outcome
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_auto_20261121_0820')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Delivery',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account_id', fields.BigIntField()),
                ('conversation_id', fields.BigIntField()),
                ('channel', fields.CharEnumField(description='IN_APP: in_app\nPUSH: push\nEMAIL: email', enum_type=DeliveryChannel, max_length=16)),
                ('status', fields.CharEnumField(description='PENDING: pending\nHELD: held\nSENDING: sending\nSENT: sent\nCANCELLED: cancelled\nFAILED: failed', enum_type=DeliveryStatus, max_length=16)),
                ('first_item_id', fields.BigIntField()),
                ('last_item_id', fields.BigIntField()),
                ('item_count', fields.IntField(default=1)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(null=True, unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification_deliveries', 'app': 'models', 'indexes': [Index(fields=['status', 'due_at']), Index(fields=['account_id', 'conversation_id', 'channel', 'status'])], 'pk_attr': 'id', 'table_description': "One send on one channel (an email delivery batches a conversation's messages)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NotificationIntent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account_id', fields.BigIntField()),
                ('conversation_id', fields.BigIntField()),
                ('item_id', fields.BigIntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('routed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification_intents', 'app': 'models', 'indexes': [Index(fields=['routed_at', 'id'])], 'pk_attr': 'id', 'table_description': 'Something that should reach `account_id`: written with the change, routed once.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NotificationLogEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account_id', fields.BigIntField()),
                ('conversation_id', fields.BigIntField()),
                ('item_id', fields.BigIntField(null=True)),
                ('delivery_id', fields.BigIntField(null=True)),
                ('channel', fields.CharEnumField(description='IN_APP: in_app\nPUSH: push\nEMAIL: email', enum_type=DeliveryChannel, max_length=16)),
                ('outcome', fields.CharEnumField(description='SENT: sent\nHELD: held\nSCHEDULED: scheduled\nBATCHED: batched\nSKIPPED: skipped\nCANCELLED: cancelled\nRETRYING: retrying\nFAILED: failed', enum_type=Outcome, max_length=16)),
                ('reason', fields.CharField(max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification_log', 'app': 'models', 'indexes': [Index(fields=['account_id', 'id'])], 'pk_attr': 'id', 'table_description': 'One decision about one notification: what happened on a channel, and why.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NotificationPreferences',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account_id', fields.BigIntField(unique=True)),
                ('email', fields.CharField(null=True, max_length=254)),
                ('email_enabled', fields.BooleanField(default=True)),
                ('push_enabled', fields.BooleanField(default=True)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification_preferences', 'app': 'models', 'pk_attr': 'id', 'table_description': "An account's channels (an account without a row has the defaults)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PushSubscription',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account_id', fields.BigIntField()),
                ('endpoint', fields.CharField(unique=True, max_length=2000)),
                ('p256dh', fields.CharField(max_length=200)),
                ('auth', fields.CharField(max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'push_subscriptions', 'app': 'models', 'indexes': [Index(fields=['account_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='Event',
            name='kind',
            field=fields.CharEnumField(description='MESSAGE: message\nITEM: item\nREAD: read\nNOTIFICATION: notification', enum_type=EventKind, max_length=16),
        ),
        ops.AddField(
            model_name='Participant',
            name='muted',
            field=fields.BooleanField(default=False),
        ),
    ]
