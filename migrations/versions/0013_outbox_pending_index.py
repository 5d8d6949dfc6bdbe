"""outbox: a partial index of the pending rows in claiming order (lane, id)

The claim takes the first due rows by (priority, id) among the pending ones. Without this
index PostgreSQL walks rows already sent (and their dead versions) to find them, so the claim
slows down as an announcement's `sent` rows pile up; the partial index holds pending rows
only, so the claim stays as fast at the 100,000th message as at the first.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.create_index(
        "ix_outbox_pending_lane",
        "outbox",
        ["priority", "id"],
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_pending_lane", table_name="outbox")
