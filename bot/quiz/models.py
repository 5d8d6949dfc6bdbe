"""A citizen's attempt at a contest, stored so a restart or another worker carries it on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models import Base, utcnow

ACTIVE = "active"  # answering questions
PREDICTING = "predicting"  # every question answered (or time up), the prediction is asked
DONE = "done"
STATUSES = (ACTIVE, PREDICTING, DONE)


class QuizAttempt(Base):
    """One attempt: the questions drawn, the answers given in time, the score and timing.

    `number` counts a contact's attempts at a contest from 1; the unique key makes two
    workers starting "the second attempt" at once fail one of them, so the limit holds in the
    database. `version` guards every change (compare and set), as for tickets.
    """

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("contest_id", "contact_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        Index("ix_quiz_attempts_contest_started", "contest_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[str] = mapped_column(String(64))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    question_ids: Mapped[list[Any]] = mapped_column(JSON)
    answers: Mapped[list[Any]] = mapped_column(JSON, default=list)  # option index per question
    correct: Mapped[int] = mapped_column(default=0)
    area: Mapped[str | None] = mapped_column(String(120))
    prediction: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(12), default=ACTIVE)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[dt.datetime] = mapped_column()
    finished_at: Mapped[dt.datetime | None] = mapped_column()  # last answer, or the deadline
    version: Mapped[int] = mapped_column(default=1)

    @property
    def seconds(self) -> float | None:
        """Time taken, once the answering is over."""
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
