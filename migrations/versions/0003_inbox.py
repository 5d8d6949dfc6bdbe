"""inbox: platform updates committed before they are acknowledged

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('inbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('platform_id', sa.String(length=64), nullable=False),
    sa.Column('citizen', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('received_at', bot.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('claim_token', sa.String(length=32), nullable=True),
    sa.Column('lease_until', bot.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('replies', sa.JSON(), nullable=True),
    sa.Column('processed_at', bot.models.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox')),
    sa.UniqueConstraint('channel', 'platform_id', name=op.f('uq_inbox_channel'))
    )
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.create_index('ix_inbox_state_id', ['state', 'id'], unique=False)
        batch_op.create_index('ix_inbox_channel_citizen_id', ['channel', 'citizen', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.drop_index('ix_inbox_channel_citizen_id')
        batch_op.drop_index('ix_inbox_state_id')

    op.drop_table('inbox')
