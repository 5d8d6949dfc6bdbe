"""recent topics (what follow-up questions refer to)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 16:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('recent_topics',
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('intent', sa.String(length=64), nullable=False),
    sa.Column('answered_at', bot.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_recent_topics_contact_id_contacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contact_id', name=op.f('pk_recent_topics'))
    )


def downgrade() -> None:
    op.drop_table('recent_topics')
