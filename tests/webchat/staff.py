"""A staff member answering a ticket from another process (the office's desk), on the real
clock like the server: `python -m tests.webchat.staff DATABASE_URL CODE ANSWER`.

Run as a child so that a test suite run with `--clock-at` (time-machine moves only the test
process's clock) does not queue an outbox row in a future the server has not reached.
"""

from __future__ import annotations

import sys

from bot.config import Settings
from bot.runtime import build
from tests.feedback.chat import Chat, add_staff

STAFF = "staff-hoa"


def answer(database: str, code: str, text: str) -> str:
    """Register the staff member, then `/traloi CODE TEXT` (the staff operation, tickets.act)."""
    services = build(Settings(_env_file=None, database_url=database))  # type: ignore[call-arg]
    try:
        add_staff(services, STAFF, "Chị Hoa")
        return Chat(services, STAFF).type(f"/traloi {code} {text}")
    finally:
        services.engine.dispose()


if __name__ == "__main__":
    print(answer(sys.argv[1], sys.argv[2], sys.argv[3]))
