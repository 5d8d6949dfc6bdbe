"""The ticket state machine: which action may start from which status, and where it leads.

This table is the only place the rule lives: `tickets.act` refuses what it does not allow, and
the staff card shows buttons only for what it allows. Responses (answer, transfer, reject) are
substantive replies to the citizen; once a ticket is answered, staff may answer again (a
correction) or close it, but no longer transfer or reject it.
"""

from __future__ import annotations

ACTIONS = ("claim", "answer", "transfer", "reject", "close")

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "claim": (frozenset({"new", "in_progress"}), "in_progress"),
    "answer": (frozenset({"new", "in_progress", "answered"}), "answered"),
    "transfer": (frozenset({"new", "in_progress"}), "transferred"),
    "reject": (frozenset({"new", "in_progress"}), "rejected"),
    "close": (frozenset({"new", "in_progress", "answered", "transferred", "rejected"}), "closed"),
}
NEEDS_TEXT = frozenset({"answer", "transfer", "reject"})
RESPONSES = frozenset({"answer", "transfer", "reject"})
ASKS_RATING = frozenset({"answer", "close"})


def allowed(action: str, status: str) -> bool:
    """May `action` be taken on a ticket at `status`?"""
    return status in TRANSITIONS[action][0]


def target(action: str) -> str:
    """The status `action` leads to."""
    return TRANSITIONS[action][1]
