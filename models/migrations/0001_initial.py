from tortoise import migrations
from tortoise.migrations import operations as ops
from models.accounts import AccountKind, AccountStatus
from models.events import EventKind
from models.feed import FeedItemKind, OrderEventType
from models.orders import OrderStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Account',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='CLIENT: client\nFREELANCER: freelancer', enum_type=AccountKind, max_length=16)),
                ('name', fields.CharField(max_length=200)),
                ('time_zone', fields.CharField(default='UTC', max_length=64)),
                ('status', fields.CharEnumField(default=AccountStatus.ACTIVE, description='ACTIVE: active\nSUSPENDED: suspended\nREJECTED: rejected\nNEEDS_IMPROVEMENT: needs_improvement', enum_type=AccountStatus, max_length=32)),
                ('discoverable', fields.BooleanField(default=True)),
                ('event_seq', fields.BigIntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'accounts', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Conversation',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('client', fields.ForeignKeyField('models.Account', source_field='client_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('freelancer', fields.ForeignKeyField('models.Account', source_field='freelancer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('last_message_id', fields.BigIntField(null=True)),
                ('last_activity_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'conversations', 'app': 'models', 'unique_together': (('client', 'freelancer'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Event',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('seq', fields.BigIntField()),
                ('kind', fields.CharEnumField(description='MESSAGE: message\nITEM: item\nREAD: read', enum_type=EventKind, max_length=16)),
                ('conversation_id', fields.BigIntField()),
                ('item_id', fields.BigIntField(null=True)),
                ('data', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'events', 'app': 'models', 'unique_together': (('account', 'seq'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FeedItem',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('conversation_id', fields.BigIntField()),
                ('kind', fields.CharEnumField(description='MESSAGE: message\nORDER_EVENT: order_event', enum_type=FeedItemKind, max_length=16)),
                ('author', fields.ForeignKeyField('models.Account', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('order_id', fields.BigIntField(null=True)),
                ('body', fields.TextField(null=True, unique=False)),
                ('idempotency_key', fields.CharField(null=True, max_length=128)),
                ('event', fields.CharEnumField(null=True, description='CREATED: created\nSTATUS_CHANGED: status_changed', enum_type=OrderEventType, max_length=32)),
                ('order_status', fields.CharField(null=True, max_length=32)),
                ('previous_status', fields.CharField(null=True, max_length=32)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'feed_items', 'app': 'models', 'unique_together': (('author', 'idempotency_key'),), 'indexes': [Index(fields=['conversation_id', 'id']), Index(fields=['conversation_id', 'kind', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Order',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('conversation', fields.ForeignKeyField('models.Conversation', source_field='conversation_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('client', fields.ForeignKeyField('models.Account', source_field='client_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('freelancer', fields.ForeignKeyField('models.Account', source_field='freelancer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=200)),
                ('job_type', fields.CharField(default='standard', max_length=64)),
                ('status', fields.CharEnumField(default=OrderStatus.OPEN, description='OPEN: open\nIN_PROGRESS: in_progress\nFINAL_REVIEW: final_review\nCOMPLETED: completed\nCANCELLED: cancelled', enum_type=OrderStatus, max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'orders', 'app': 'models', 'indexes': [Index(fields=['conversation_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Participant',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('conversation', fields.ForeignKeyField('models.Conversation', source_field='conversation_id', db_constraint=True, to_field='id', related_name='participants', on_delete=OnDelete.CASCADE)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('counterpart', fields.ForeignKeyField('models.Account', source_field='counterpart_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('unread_count', fields.IntField(default=0)),
                ('has_unread', fields.BooleanField(default=False)),
                ('read_up_to', fields.BigIntField(default=0)),
                ('last_read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_activity_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'participants', 'app': 'models', 'unique_together': (('conversation', 'account'),), 'indexes': [Index(fields=['account_id', 'has_unread', 'last_activity_at', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
