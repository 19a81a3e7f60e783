from tortoise import migrations
from tortoise.migrations import operations as ops
from models.calls import CallInviteStatus
from models.events import EventKind
from models.feed import CallEventType, FeedItemKind
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index



class AlterEnumDescription(ops.AlterField):
    """Only an enum's generated description changed: record it in the state, leave the table.

    On SQLite tortoise 1.1 applies AlterField by rebuilding the table, and the
    rebuilt table loses its unique constraints and indexes (events' (account, seq),
    feed_items' (author, idempotency_key)); a description needs no DDL at all.
    """

    async def database_forward(self, *args: object, **kwargs: object) -> None:
        return None

    async def database_backward(self, *args: object, **kwargs: object) -> None:
        return None


class Migration(migrations.Migration):
    dependencies = [('models', '0002_auto_20261121_0820')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CallInvite',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('conversation_id', fields.BigIntField()),
                ('client_id', fields.BigIntField()),
                ('freelancer_id', fields.BigIntField()),
                ('order_id', fields.BigIntField(null=True)),
                ('topic', fields.TextField(default='', unique=False)),
                ('duration_minutes', fields.IntField()),
                ('proposed_times', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('last_proposed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=CallInviteStatus.PENDING, description='PENDING: pending\nACCEPTED: accepted\nDECLINED: declined\nCANCELLED: cancelled\nEXPIRED: expired\nSUPERSEDED: superseded\nNO_SHOW: no_show', enum_type=CallInviteStatus, max_length=16)),
                ('starts_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('dial_in_number', fields.CharField(null=True, max_length=64)),
                ('pin', fields.CharField(null=True, max_length=16)),
                ('active_pin', fields.CharField(null=True, unique=True, max_length=16)),
                ('line_closes_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decline_message_id', fields.BigIntField(null=True)),
                ('supersedes_id', fields.BigIntField(null=True)),
                ('superseded_by_id', fields.BigIntField(null=True)),
                ('support_request_id', fields.BigIntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'call_invites', 'app': 'models', 'indexes': [Index(fields=['freelancer_id', 'status', 'id']), Index(fields=['client_id', 'status', 'id']), Index(fields=['status', 'last_proposed_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        AlterEnumDescription(
            model_name='Event',
            name='kind',
            field=fields.CharEnumField(description='MESSAGE: message\nITEM: item\nREAD: read\nCALL: call', enum_type=EventKind, max_length=16),
        ),
        AlterEnumDescription(
            model_name='FeedItem',
            name='kind',
            field=fields.CharEnumField(description='MESSAGE: message\nORDER_EVENT: order_event\nCALL_EVENT: call_event', enum_type=FeedItemKind, max_length=16),
        ),
        ops.AddField(
            model_name='FeedItem',
            name='call_event',
            field=fields.CharEnumField(null=True, description='SENT: sent\nACCEPTED: accepted\nDECLINED: declined\nCANCELLED: cancelled\nEXPIRED: expired\nNO_SHOW_REPORTED: no_show_reported', enum_type=CallEventType, max_length=32),
        ),
        ops.AddField(
            model_name='FeedItem',
            name='call_invite_id',
            field=fields.BigIntField(null=True),
        ),
    ]
