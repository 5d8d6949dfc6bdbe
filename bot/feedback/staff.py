"""Staff work on tickets: commands, the staff-group card buttons, and typed answers.

Only people in the `staff` table (channel + platform user id, active) may act. Card buttons
carry the ticket version they were drawn for, so a button pressed after someone else acted
is refused with the latest card instead of overwriting their work.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.callbacks import number, record_id
from bot.feedback import cards
from bot.feedback.codes import split_code
from bot.feedback.models import Staff, Ticket
from bot.feedback.staff_texts import staff_text
from bot.feedback.texts import status_label
from bot.feedback.tickets import NEEDS_TEXT, TRANSITIONS, Actor, act
from bot.feedback.words import CANCEL, is_one_of
from bot.feedback.workdays import local_date
from bot.messages import Reply
from bot.models import DialogueState, utcnow
from bot.turn import Handler, Turn
from knowledge.normaliser import fold

FLOW = "staff_input"
INPUT_TTL = dt.timedelta(minutes=30)
MAX_UNIT = 150  # an authority's name; tickets.transferred_to holds 300
FILTER_WORDS = {
    "moi": "new",
    "new": "new",
    "qua han": "overdue",
    "quahan": "overdue",
    "overdue": "overdue",
    "cua toi": "mine",
    "cuatoi": "mine",
    "mine": "mine",
}
COMMANDS = {  # command -> verb
    "nhan": "claim",
    "traloi": "answer",
    "chuyen": "transfer",
    "khongthuoc": "reject",
    "dong": "close",
}


def staff_member(turn: Turn) -> Staff | None:
    """The active staff member behind this message, if any."""
    return turn.session.scalars(
        select(Staff).where(
            Staff.channel == turn.inbound.channel,
            Staff.external_id == turn.inbound.user_id,
            Staff.active.is_(True),
        )
    ).one_or_none()


def split_unit(text: str) -> tuple[str, str] | None:
    """ "Công an xã | thuộc lĩnh vực cư trú" as (authority, reason); None when the authority is
    missing or too long to be a name (the separator was probably forgotten)."""
    unit, _, reason = text.replace(";", "|").partition("|")
    unit = unit.strip().rstrip(".,")
    return (unit, reason.strip()) if 0 < len(unit) <= MAX_UNIT else None


def _by_code(turn: Turn, code: str) -> Ticket | None:
    return turn.session.scalars(select(Ticket).where(Ticket.code == code)).one_or_none()


def _say(turn: Turn, key: str, **values: str) -> list[Reply]:
    return [Reply(staff_text(key, turn.lang, **values))]


class StaffDesk:
    """Registered as the staff commands, the `pst:` buttons and the `staff_input` flow."""

    name = FLOW

    # -- commands --------------------------------------------------------------------------
    def inbox(self, turn: Turn, arg: str) -> list[Reply]:
        """/inbox [mới|quá hạn|của tôi]"""
        staff = staff_member(turn)
        if staff is None:
            return _say(turn, "not_staff")
        kind = FILTER_WORDS.get(fold(arg), "open")
        return [cards.inbox(turn.session, staff, kind, local_date(utcnow()), turn.lang)]

    def view(self, turn: Turn, arg: str) -> list[Reply]:
        """/xem CODE"""
        if staff_member(turn) is None:
            return _say(turn, "not_staff")
        code, _ = split_code(arg)
        if code is None:
            return _say(turn, "usage.xem")
        ticket = _by_code(turn, code)
        if ticket is None:
            return _say(turn, "not_found", code=code)
        return cards.full_view(turn.session, ticket, turn.lang)

    def command(self, name: str) -> Handler:
        """The handler for /nhan, /traloi, /chuyen, /khongthuoc or /dong."""
        verb = COMMANDS[name]

        def handle(turn: Turn, arg: str) -> list[Reply]:
            staff = staff_member(turn)
            if staff is None:
                return _say(turn, "not_staff")
            code, rest = split_code(arg)
            missing = verb in NEEDS_TEXT and not rest
            if code is None or missing or (verb == "transfer" and split_unit(rest) is None):
                return _say(turn, f"usage.{name}")
            ticket = _by_code(turn, code)
            if ticket is None:
                return _say(turn, "not_found", code=code)
            return self._perform(turn, staff, ticket, ticket.version, verb, rest)

        return handle

    # -- buttons ---------------------------------------------------------------------------
    def on_action(self, turn: Turn, arg: str) -> list[Reply]:
        """`pst:inbox:<filter>`, `pst:view:<id>:<v>` or `pst:<verb>:<id>:<version>`."""
        staff = staff_member(turn)
        if staff is None:
            return _say(turn, "not_staff")
        verb, _, rest = arg.partition(":")
        if verb == "inbox":
            kind = rest if rest in cards.FILTERS else "open"
            return [cards.inbox(turn.session, staff, kind, local_date(utcnow()), turn.lang)]
        ticket_text, _, version_text = rest.partition(":")
        ticket_id, version = record_id(ticket_text), number(version_text, 1)
        ticket = turn.session.get(Ticket, ticket_id) if ticket_id else None
        if ticket is None or version is None:
            return _say(turn, "not_found", code=str(ticket_id or "?"))
        if verb == "view":
            return cards.full_view(turn.session, ticket, turn.lang)
        if verb not in TRANSITIONS:
            return _say(turn, "not_found", code=ticket.code)
        if verb in NEEDS_TEXT:
            return self._ask_for_text(turn, ticket, version, verb)
        return self._perform(turn, staff, ticket, version, verb, "")

    def _ask_for_text(self, turn: Turn, ticket: Ticket, version: int, verb: str) -> list[Reply]:
        if ticket.version != version:
            return self._changed(turn, ticket)
        data = {"ticket_id": ticket.id, "version": version, "verb": verb}
        turn.set_state(FLOW, verb, data, INPUT_TTL)
        # A hint for channels with group chats: the next message from this person is expected
        # (Telegram can show it as a forced reply, which reaches the bot in privacy mode).
        text = staff_text(f"ask.{verb}", turn.lang, code=ticket.code)
        return [Reply(text, meta={"force_reply": "1", "ticket": ticket.code})]

    # -- the typed text after "trả lời", "chuyển" or "không thuộc thẩm quyền" --------------
    def on_message(self, turn: Turn, state: DialogueState) -> list[Reply] | None:
        """Use the staff member's next message as the answer, transfer or reason text."""
        ticket = turn.session.get(Ticket, int(state.data.get("ticket_id", 0)))
        staff = staff_member(turn)
        if ticket is None or staff is None:
            turn.clear_state()
            return None
        content = turn.inbound.text.strip()
        if is_one_of(content, CANCEL):
            turn.clear_state()
            return _say(turn, "input.cancelled", code=ticket.code)
        version, verb = int(state.data["version"]), str(state.data["verb"])
        if not content or (verb == "transfer" and split_unit(content) is None):
            return _say(turn, "ask.empty" if not content else "ask.transfer", code=ticket.code)
        turn.clear_state()
        return self._perform(turn, staff, ticket, version, verb, content)

    # -- doing it --------------------------------------------------------------------------
    def _perform(
        self, turn: Turn, staff: Staff, ticket: Ticket, version: int, verb: str, content: str
    ) -> list[Reply]:
        if ticket.version != version:
            return self._changed(turn, ticket)
        if (
            verb == "claim"
            and ticket.assignee_id not in (None, staff.id)
            and staff.role != "admin"
        ):
            assignee = turn.session.get(Staff, ticket.assignee_id)
            name = assignee.name if assignee else "?"
            return _say(turn, "admin_only", code=ticket.code, name=name)
        unit = ""
        if verb == "transfer":
            unit, content = split_unit(content) or ("", content)
        outcome = act(turn.session, turn.kb, ticket, version, Actor.of(staff), verb, content, unit)
        if outcome.reason == "changed":
            return self._changed(turn, ticket)
        if not outcome.ok:
            status = status_label(ticket.status, turn.lang)
            return _say(turn, "not_allowed", code=ticket.code, status=status)
        done = staff_text(f"done.{verb}", turn.lang, code=ticket.code, name=staff.name, unit=unit)
        return [Reply(done, cards.action_buttons(ticket, turn.lang), {"ticket": ticket.code})]

    def _changed(self, turn: Turn, ticket: Ticket) -> list[Reply]:
        status = status_label(ticket.status, turn.lang)
        message = staff_text("changed", turn.lang, code=ticket.code, status=status)
        return [Reply(message), cards.card(turn.session, ticket, turn.lang)]
