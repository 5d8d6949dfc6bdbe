"""Every table of the application, for Alembic and for tests that compare models and database.

`bot.models.Base.metadata` only knows the tables whose modules were imported; importing this
module imports them all. (Kept out of bot/models.py to avoid circular imports.)
"""

from __future__ import annotations

import bot.broadcast.models
import bot.choices
import bot.desk.models
import bot.feedback.models
import bot.followup
import bot.kbreload.models
import bot.outbox
import bot.quiz.models
import bot.shared.models
import bot.webchat.models
import bot.zalo_tokens  # noqa: F401
from bot.models import Base

metadata = Base.metadata
