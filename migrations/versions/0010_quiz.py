"""quiz: attempts at knowledge contests

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-03 12:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models


revision: str = "0010"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quiz_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contest_id", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("question_ids", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=120), nullable=True),
        sa.Column("prediction", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("started_at", bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deadline_at", bot.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", bot.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_quiz_attempts_number_positive")),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_quiz_attempts_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_attempts")),
        sa.UniqueConstraint(
            "contest_id", "contact_id", "number", name=op.f("uq_quiz_attempts_contest_id")
        ),
    )
    op.create_index(
        "ix_quiz_attempts_contest_started",
        "quiz_attempts",
        ["contest_id", "started_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_quiz_attempts_contest_started", table_name="quiz_attempts")
    op.drop_table("quiz_attempts")
