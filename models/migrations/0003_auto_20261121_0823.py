from tortoise import migrations
from tortoise.migrations import operations as ops
from models.campaigns import MembershipStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_auto_20261121_0820')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Campaign',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('client_id', fields.BigIntField()),
                ('title', fields.CharField(max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'campaigns', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CampaignMember',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.CASCADE)),
                ('freelancer_id', fields.BigIntField()),
                ('status', fields.CharEnumField(description='INVITED: invited\nACCEPTED: accepted\nDECLINED: declined\nREMOVED: removed', enum_type=MembershipStatus, max_length=16)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'campaign_members', 'app': 'models', 'unique_together': (('campaign', 'freelancer_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Account',
            name='messaging_enabled',
            field=fields.BooleanField(default=True),
        ),
        ops.AddField(
            model_name='Conversation',
            name='negative_review_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='FeedItem',
            name='campaign_id',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='Order',
            name='client_messaged',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Order',
            name='freelancer_messaged',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Order',
            name='messaging_enabled',
            field=fields.BooleanField(default=True),
        ),
        ops.AddField(
            model_name='Order',
            name='requires_conversation',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Participant',
            name='unanswered',
            field=fields.IntField(default=0),
        ),
    ]
