from tortoise import migrations
from tortoise.migrations import operations as ops
from parley.models.store.migration_ops import AlterEnumMembers
from parley.models.events import EventKind
from parley.models.feed import FeedItemKind, OrderEventType
from parley.models.guarantees import GuaranteeStatus, TermsStatus
from parley.models.support import SupportStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OrderTerms',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.ForeignKeyField('models.Order', source_field='order_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('proposer_id', fields.BigIntField()),
                ('amount', fields.DecimalField(max_digits=12, decimal_places=2)),
                ('currency', fields.CharField(max_length=3)),
                ('delivery_date', fields.DateField()),
                ('deliverables', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(default=TermsStatus.PROPOSED, description='PROPOSED: proposed\nACCEPTED: accepted\nSUPERSEDED: superseded', enum_type=TermsStatus, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'order_terms', 'app': 'models', 'indexes': [Index(fields=['order_id', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GuaranteeRequest',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.ForeignKeyField('models.Order', source_field='order_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('terms', fields.ForeignKeyField('models.OrderTerms', source_field='terms_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('requester_id', fields.BigIntField()),
                ('status', fields.CharEnumField(default=GuaranteeStatus.REQUESTED, description='REQUESTED: requested\nACCEPTED: accepted\nDECLINED: declined\nVOIDED: voided', enum_type=GuaranteeStatus, max_length=16)),
                ('note', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'guarantee_requests', 'app': 'models', 'indexes': [Index(fields=['status', 'id']), Index(fields=['order_id', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        AlterEnumMembers(
            model_name='Event',
            name='kind',
            field=fields.CharEnumField(description='MESSAGE: message\nITEM: item\nREAD: read\nCALL: call\nSUPPORT: support\nNOTIFICATION: notification', enum_type=EventKind, max_length=16),
        ),
        AlterEnumMembers(
            model_name='FeedItem',
            name='event',
            field=fields.CharEnumField(null=True, description='CREATED: created\nSTATUS_CHANGED: status_changed\nTERMS_PROPOSED: terms_proposed\nTERMS_COUNTERED: terms_countered\nTERMS_ACCEPTED: terms_accepted\nGUARANTEE_REQUESTED: guarantee_requested\nGUARANTEE_ACCEPTED: guarantee_accepted\nGUARANTEE_DECLINED: guarantee_declined\nGUARANTEE_VOIDED: guarantee_voided', enum_type=OrderEventType, max_length=32),
        ),
        AlterEnumMembers(
            model_name='FeedItem',
            name='kind',
            field=fields.CharEnumField(description='MESSAGE: message\nORDER_EVENT: order_event\nCALL_EVENT: call_event\nSUPPORT_EVENT: support_event', enum_type=FeedItemKind, max_length=16),
        ),
        ops.AddField(
            model_name='FeedItem',
            name='audience_id',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='FeedItem',
            name='subject_id',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='FeedItem',
            name='subject_status',
            field=fields.CharField(null=True, max_length=32),
        ),
        ops.AddIndex(
            model_name='FeedItem',
            index=Index(fields=['conversation_id', 'order_id', 'id']),
        ),
        AlterEnumMembers(
            model_name='SupportRequest',
            name='status',
            field=fields.CharEnumField(default=SupportStatus.OPEN, description='OPEN: open\nIN_PROGRESS: in_progress\nRESOLVED: resolved\nCLOSED: closed', enum_type=SupportStatus, max_length=16),
        ),
        ops.AddField(
            model_name='SupportRequest',
            name='note',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='SupportRequest',
            name='updated_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
