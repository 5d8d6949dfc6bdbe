"""webchat: anonymous browser sessions and their conversation; ticket passcodes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 12:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models


revision: str = "0008"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("passcode_hash", sa.String(length=64), nullable=True))
    op.create_table(
        "webchat_sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("rotated_at", bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webchat_sessions")),
    )
    op.create_table(
        "webchat_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("buttons", sa.JSON(), nullable=False),
        sa.Column("reply_to", sa.String(length=64), nullable=True),
        sa.Column("created_at", bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webchat_messages")),
    )
    op.create_index(
        "ix_webchat_messages_session_id", "webchat_messages", ["session_id", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_webchat_messages_session_id", table_name="webchat_messages")
    op.drop_table("webchat_messages")
    op.drop_table("webchat_sessions")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("passcode_hash")
