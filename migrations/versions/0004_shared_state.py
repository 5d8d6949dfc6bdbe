"""shared state for several workers; outbox parts_sent

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import bot.models


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMES = postgresql.ARRAY(sa.Float()).with_variant(sa.JSON(), "sqlite")


def upgrade() -> None:
    op.create_table('shared_flood',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('accepted', TIMES, nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_shared_flood'))
    )
    op.create_table('shared_rates',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('next_slot', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_shared_rates'))
    )
    op.create_table('shared_alerts',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('period', sa.BigInteger(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('held', sa.Integer(), nullable=False),
    sa.Column('released', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_shared_alerts'))
    )
    op.create_table('job_runs',
    sa.Column('job', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=64), nullable=False),
    sa.Column('started_at', bot.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('job', 'period', name=op.f('pk_job_runs'))
    )
    if op.get_bind().dialect.name == "postgresql":
        # Limits that live for seconds need no crash safety: unlogged tables skip the WAL and
        # its flush on every commit (measured in bench/shared_state.py). job_runs stays logged.
        for table in ('shared_flood', 'shared_rates', 'shared_alerts'):
            op.execute(f'ALTER TABLE {table} SET UNLOGGED')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('parts_sent', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('parts_sent')
    op.drop_table('job_runs')
    op.drop_table('shared_alerts')
    op.drop_table('shared_rates')
    op.drop_table('shared_flood')
