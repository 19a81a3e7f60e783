from tortoise import migrations
from tortoise.migrations import operations as ops
from models.support import SupportReason, SupportStatus
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SupportRequest',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account_id', fields.BigIntField()),
                ('reason', fields.CharEnumField(description='MESSAGING_BLOCKED: messaging_blocked\nNO_SHOW: no_show\nOTHER: other', enum_type=SupportReason, max_length=32)),
                ('details', fields.TextField(default='', unique=False)),
                ('conversation_id', fields.BigIntField(null=True)),
                ('order_id', fields.BigIntField(null=True)),
                ('call_invite_id', fields.BigIntField(null=True)),
                ('status', fields.CharEnumField(default=SupportStatus.OPEN, description='OPEN: open\nCLOSED: closed', enum_type=SupportStatus, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'support_requests', 'app': 'models', 'indexes': [Index(fields=['account_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
