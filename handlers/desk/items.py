"""The feedback desk: the list with filters and search, one item's page, and its actions.

Actions call `bot.feedback.tickets.act` / `assign`, the same operations as the Telegram
staff commands: optimistic lock, audit row and the citizen's outbox message in this request's
one transaction, so a reply typed here reaches the citizen on their own channel.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from starlette.responses import Response

from bot.desk import canned
from bot.desk.queries import Filters, active_staff, find_tickets, staff_names
from bot.feedback.duedates import is_overdue, office_today
from bot.feedback.models import Staff, Ticket
from bot.feedback.staff import split_unit
from bot.feedback.staff_texts import staff_text
from bot.feedback.tickets import Actor, act, assign, history
from bot.feedback.transitions import NEEDS_TEXT, TRANSITIONS, allowed
from bot.held import ticket_held
from bot.models import Contact
from handlers.desk.context import Ctx, redirect

VERB_LABELS = {
    "claim": "Nhận xử lý",
    "answer": "Trả lời",
    "transfer": "Chuyển cơ quan có thẩm quyền",
    "reject": "Không thuộc thẩm quyền",
    "close": "Đóng",
}
NOTICES = {
    "done": "Đã thực hiện.",
    "changed": "Phản ánh vừa được người khác cập nhật. Xin xem lại trước khi thao tác.",
    "status": "Trạng thái hiện tại không cho phép thao tác này.",
    "empty": "Xin nhập nội dung.",
    "unit": "Xin ghi tên cơ quan có thẩm quyền (tối đa 150 ký tự).",
    "admin": "Phản ánh đã có người nhận; chỉ quản trị viên được giao lại.",
}


def _date(value: str) -> dt.date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    return None


def filters_from(query: dict[str, str]) -> Filters:
    """The list's filters from the query string."""
    return Filters(
        status=query.get("status", ""),
        category=query.get("category", ""),
        area=query.get("area", "")[:100],
        start=_date(query.get("from", "")),
        end=_date(query.get("to", "")),
        overdue=query.get("overdue") == "1",
        assignee=query.get("assignee", ""),
        text=query.get("q", "")[:200],
    )


def list_items(ctx: Ctx) -> Response:
    """GET /admin/items"""
    today = office_today()
    filters = filters_from(ctx.query)
    tickets = find_tickets(ctx.db, filters, today)
    return ctx.render(
        "items.html",
        tickets=tickets,
        filters=filters,
        query=ctx.query,
        names=staff_names(ctx.db),
        staff=active_staff(ctx.db),
        overdue={t.id for t in tickets if is_overdue(t, today)},
    )


def _ticket(ctx: Ctx) -> Ticket | None:
    raw = str(ctx.request.path_params.get("ticket_id", ""))
    return ctx.db.get(Ticket, int(raw)) if raw.isdigit() else None


def item_page(ctx: Ctx) -> Response:
    """GET /admin/items/{id}"""
    ticket = _ticket(ctx)
    if ticket is None:
        return ctx.render("error.html", 404, message="Không tìm thấy phản ánh.")
    ctx.audit("view", ticket.code)
    contact = ctx.db.get(Contact, ticket.contact_id)
    events = history(ctx.db, ticket)
    assignee = ctx.db.get(Staff, ticket.assignee_id) if ticket.assignee_id else None
    verbs = [v for v in TRANSITIONS if allowed(v, ticket.status)]
    return ctx.render(
        "item.html",
        ticket=ticket,
        contact=contact,
        events=events,
        action_label=lambda a: staff_text(f"action.{a}", "vi"),
        assignee=assignee,
        verbs=verbs,
        labels=VERB_LABELS,
        needs_text=NEEDS_TEXT,
        canned=canned.load(),
        staff=active_staff(ctx.db),
        overdue=is_overdue(ticket, office_today()),
        notice=NOTICES.get(ctx.query.get("notice", ""), ""),
        held=_held_notice(ctx, ticket),
    )


def _held_notice(ctx: Ctx, ticket: Ticket) -> str:
    """The platform would not take the citizen's last notice (Zalo's window): say so."""
    waiting = ticket_held(ctx.db, ticket.id)
    if waiting is None:
        return ""
    return staff_text("card.held", "vi", channel=waiting.channel.capitalize())


def item_action(ctx: Ctx) -> Response:
    """POST /admin/items/{id}/act: take, answer, transfer, reject, close or assign."""
    ticket = _ticket(ctx)
    if ticket is None:
        return ctx.render("error.html", 404, message="Không tìm thấy phản ánh.")
    verb, content = ctx.form.get("verb", ""), ctx.form.get("content", "").strip()
    version = int(ctx.form["version"]) if ctx.form.get("version", "").isdigit() else -1
    notice = _perform(ctx, ticket, verb, version, content)
    back = f"/admin/items/{ticket.id}?{urlencode({'notice': notice})}"
    return redirect(back)


def _perform(ctx: Ctx, ticket: Ticket, verb: str, version: int, content: str) -> str:
    actor = Actor.of(ctx.staff)
    if verb == "assign":
        if ctx.staff.role != "admin":
            return "admin"
        raw = ctx.form.get("assignee", "")
        target = ctx.db.get(Staff, int(raw)) if raw.isdigit() else None
        if target is None:
            return "status"
        outcome = assign(ctx.db, ticket, version, actor, target)
        if outcome.ok:
            ctx.audit("assign", ticket.code, target.name)
        return "done" if outcome.ok else outcome.reason
    if verb not in TRANSITIONS:
        return "status"
    picked = ctx.form.get("canned", "")
    replies = canned.load()
    if verb == "answer" and not content and picked.isdigit() and int(picked) < len(replies):
        content = replies[int(picked)].text
    if verb in NEEDS_TEXT and not content:
        return "empty"
    unit = ""
    if verb == "transfer":
        unit = ctx.form.get("unit", "").strip()
        parsed = split_unit(f"{unit} | {content}") if unit else None
        if parsed is None:
            return "unit"
        unit, content = parsed
    others = ticket.assignee_id not in (None, ctx.staff.id)
    if verb == "claim" and others and ctx.staff.role != "admin":
        return "admin"
    kb = ctx.desk.services.matcher.kb
    outcome = act(ctx.db, kb, ticket, version, actor, verb, content, unit)
    if outcome.ok:
        ctx.audit(verb, ticket.code, content[:500] or None)
    return "done" if outcome.ok else outcome.reason
