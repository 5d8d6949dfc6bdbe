"""broadcast: subscriptions, announcements, outbox priority lane

Revision ID: 0006
Revises: 0007
Create Date: 2026-12-03 12:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models


revision: str = "0006"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=64), nullable=True),
        sa.Column("updated_at", bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"],
            name=op.f("fk_subscriptions_contact_id_contacts"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_subscriptions")),
    )
    op.create_table(
        "subscription_topics",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"],
            name=op.f("fk_subscription_topics_contact_id_contacts"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", "topic", name=op.f("pk_subscription_topics")),
    )
    op.create_table(
        "subscription_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=True),
        sa.Column("created_at", bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"],
            name=op.f("fk_subscription_events_contact_id_contacts"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription_events")),
    )
    op.create_index(
        "ix_subscription_events_created_at", "subscription_events", ["created_at"]
    )
    op.create_table(
        "announcements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("image_url", sa.String(length=500), nullable=True),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("send_at", bot.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("audience_size", sa.Integer(), nullable=True),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("enqueued", sa.Integer(), nullable=False),
        sa.Column("expanded", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", bot.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", bot.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_announcements_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcements")),
    )
    op.create_index("ix_announcements_status_send_at", "announcements", ["status", "send_at"])
    op.create_table(
        "announcement_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["announcement_id"], ["announcements.id"],
            name=op.f("fk_announcement_events_announcement_id_announcements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_announcement_events_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement_events")),
    )
    op.create_index(
        "ix_announcement_events_announcement_id", "announcement_events", ["announcement_id"]
    )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("priority", sa.SmallInteger(), server_default="0", nullable=False)
        )
        batch.add_column(sa.Column("announcement_id", sa.Integer(), nullable=True))
        batch.create_index(
            "ix_outbox_chat_lane", ["channel", "recipient", "status", "priority"]
        )
        batch.create_index("ix_outbox_announcement_id_status", ["announcement_id", "status"])


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_announcement_id_status")
        batch.drop_index("ix_outbox_chat_lane")
        batch.drop_column("announcement_id")
        batch.drop_column("priority")
    op.drop_index("ix_announcement_events_announcement_id", "announcement_events")
    op.drop_table("announcement_events")
    op.drop_index("ix_announcements_status_send_at", "announcements")
    op.drop_table("announcements")
    op.drop_index("ix_subscription_events_created_at", "subscription_events")
    op.drop_table("subscription_events")
    op.drop_table("subscription_topics")
    op.drop_table("subscriptions")
