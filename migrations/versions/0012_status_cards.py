"""status cards: the platform's message id of an outbox row, announcement_cards, a CARD lane

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models


revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("platform_message_id", sa.String(length=64), nullable=True))
    # Announcement rows move from lane 1 to lane 2; lane 1 is now the status cards' edits.
    op.execute("UPDATE outbox SET priority = 2 WHERE priority = 1")
    op.create_table(
        "announcement_cards",
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("edits", sa.Integer(), nullable=False),
        sa.Column("last_edit_id", sa.Integer(), nullable=True),
        sa.Column("edited_at", bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_announcement_cards_announcement_id_announcements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("announcement_id", name=op.f("pk_announcement_cards")),
    )
    with op.batch_alter_table("announcement_cards") as batch:
        batch.create_index("ix_announcement_cards_final", ["final"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("announcement_cards") as batch:
        batch.drop_index("ix_announcement_cards_final")
    op.drop_table("announcement_cards")
    op.execute("UPDATE outbox SET priority = 0 WHERE priority = 1")
    op.execute("UPDATE outbox SET priority = 1 WHERE priority = 2")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("platform_message_id")
