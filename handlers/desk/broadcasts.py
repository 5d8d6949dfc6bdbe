"""Broadcast pages: history, compose, preview, confirm, cancel and live progress.

Every change calls `bot.broadcast.announcements` — the same functions as /thongbao and
`cchc-bot broadcast` — with the desk's staff member, in the request's one transaction.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from starlette.responses import Response

from bot import clock
from bot.broadcast import announcements, subscribers
from bot.broadcast.announcements import MAX_TEXT, Draft, NotAllowedError, render
from bot.broadcast.chat import areas, topics
from bot.broadcast.models import RUNNING, SCHEDULED, Announcement, AnnouncementEvent
from bot.broadcast.progress import progress, summary_vi
from bot.feedback.workdays import OFFICE_TZ
from handlers.desk.context import Ctx, redirect

LISTED = 50
REFRESH_SECONDS = 5  # the detail page reloads itself while delivery runs (no script)
STATUS_VI = {
    "draft": "Bản nháp",
    "scheduled": "Đã hẹn giờ",
    "running": "Đang gửi",
    "done": "Đã gửi xong",
    "cancelled": "Đã hủy",
}
ACTIONS = {
    "create": "soạn",
    "edit": "sửa",
    "preview": "gửi thử",
    "start": "bắt đầu gửi",
    "schedule": "hẹn giờ",
    "cancel": "hủy",
}
NOTICES = {
    "preview": "Đã gửi bản xem trước đến Telegram của anh/chị.",
    "running": "Đã bắt đầu gửi thông báo.",
    "scheduled": "Đã hẹn giờ gửi thông báo.",
    "cancelled": "Đã dừng thông báo; những người chưa nhận sẽ không nhận nữa.",
}


def parse_moment(typed: str, now: dt.datetime) -> dt.datetime | None:
    """ "DD/MM/YYYY HH:MM" at office time, as UTC; ValueError when malformed or past."""
    moment = dt.datetime.strptime(" ".join(typed.split()), "%d/%m/%Y %H:%M")
    found = moment.replace(tzinfo=OFFICE_TZ).astimezone(dt.UTC)
    if found <= now:
        raise ValueError("in the past")
    return found


def _web_address(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if not value.startswith(("https://", "http://")) or len(value) > 500 or " " in value:
        raise ValueError(value)
    return value


def audience_label(ctx: Ctx, item: Announcement) -> str:
    """ "Mọi người đăng ký", or the chosen topics and areas by name."""
    kb = ctx.desk.services.matcher.kb
    known_topics, known_areas = topics(kb), areas(kb)
    parts = []
    if item.topics:
        names = [known_topics.get(t, {}).get("vi", t) for t in item.topics]
        parts.append("Chủ đề: " + ", ".join(names))
    if item.areas:
        names = [known_areas.get(a, {}).get("vi", a) for a in item.areas]
        parts.append("Khu vực: " + ", ".join(names))
    return "; ".join(parts) or "Mọi người đăng ký"


def list_page(ctx: Ctx) -> Response:
    """GET /admin/broadcasts: the latest announcements with their figures."""
    now = clock.now()
    items = ctx.db.scalars(select(Announcement).order_by(Announcement.id.desc()).limit(LISTED))
    rows = [(item, progress(ctx.db, item, now), audience_label(ctx, item)) for item in items]
    return ctx.render("broadcasts.html", rows=rows, labels=STATUS_VI)


def _compose(ctx: Ctx, errors: list[str], status_code: int = 200) -> Response:
    kb = ctx.desk.services.matcher.kb
    return ctx.render(
        "broadcast_new.html",
        status_code,
        errors=errors,
        form=ctx.form,
        chosen_topics=[k[6:] for k in ctx.form if k.startswith("topic:")],
        chosen_areas=[k[5:] for k in ctx.form if k.startswith("area:")],
        topics=topics(kb),
        areas=areas(kb),
        max_text=MAX_TEXT,
    )


def compose_page(ctx: Ctx) -> Response:
    """GET /admin/broadcasts/new"""
    return _compose(ctx, [])


def compose_submit(ctx: Ctx) -> Response:
    """POST /admin/broadcasts/new: a draft, then its preview page."""
    kb = ctx.desk.services.matcher.kb
    errors: list[str] = []
    text = ctx.form.get("text", "").strip()
    if not text or len(text) > MAX_TEXT:
        errors.append(f"Nội dung cần từ 1 đến {MAX_TEXT} ký tự.")
    link = image = None
    try:
        link = _web_address(ctx.form.get("link", ""))
    except ValueError:
        errors.append("Liên kết phải là một địa chỉ bắt đầu bằng https://")
    try:
        image = _web_address(ctx.form.get("image", ""))
    except ValueError:
        errors.append("Địa chỉ ảnh phải bắt đầu bằng https://")
    chosen_topics = [t for t in topics(kb) if f"topic:{t}" in ctx.form]
    chosen_areas = [a for a in areas(kb) if f"area:{a}" in ctx.form]
    if ctx.form.get("audience") == "some" and not (chosen_topics or chosen_areas):
        errors.append("Xin chọn ít nhất một chủ đề hoặc khu vực, hoặc chọn «Mọi người».")
    if ctx.form.get("audience") != "some":
        chosen_topics, chosen_areas = [], []
    send_at = None
    if ctx.form.get("send_at", "").strip():
        try:
            send_at = parse_moment(ctx.form["send_at"], clock.now())
        except ValueError:
            errors.append(
                "Thời gian gửi cần dạng NGÀY/THÁNG/NĂM GIỜ:PHÚT (ví dụ 15/12/2026 08:00) "
                "và phải ở tương lai."
            )
    if errors:
        return _compose(ctx, errors, 400)
    draft = Draft(text, link, image, chosen_topics, chosen_areas, send_at)
    item = announcements.create(ctx.db, ctx.staff, draft)
    ctx.audit("broadcast_create", str(item.id))
    return redirect(f"/admin/broadcasts/{item.id}")


def _item(ctx: Ctx) -> Announcement | None:
    raw = ctx.request.path_params.get("announcement_id", "")
    return ctx.db.get(Announcement, int(raw)) if str(raw).isdigit() else None


def detail_page(ctx: Ctx) -> Response:
    """GET /admin/broadcasts/{id}: the message as citizens see it, actions, live progress."""
    item = _item(ctx)
    if item is None:
        return ctx.render("error.html", 404, message="Không có thông báo này.")
    figures = progress(ctx.db, item, clock.now())
    reach = subscribers.audience_size(ctx.db, item.topics, item.areas)
    events = sorted(item_events(ctx, item), key=lambda e: e.id)
    return ctx.render(
        "broadcast.html",
        item=item,
        shown=render(item, "vi"),
        figures=figures,
        summary=summary_vi(item, figures),
        reach=reach,
        audience=audience_label(ctx, item),
        labels=STATUS_VI,
        events=events,
        actions=ACTIONS,
        refresh=REFRESH_SECONDS if item.status in (RUNNING, SCHEDULED) else None,
        can_preview=ctx.staff.channel == "telegram",
        notice=NOTICES.get(ctx.query.get("notice", ""), ""),
        error=ctx.query.get("error", ""),
    )


def item_events(ctx: Ctx, item: Announcement) -> list[AnnouncementEvent]:
    """The announcement's audit trail."""
    found = select(AnnouncementEvent).where(AnnouncementEvent.announcement_id == item.id)
    return list(ctx.db.scalars(found))


def act(ctx: Ctx) -> Response:
    """POST /admin/broadcasts/{id}/act: preview | confirm | cancel, with the version seen."""
    item = _item(ctx)
    if item is None:
        return ctx.render("error.html", 404, message="Không có thông báo này.")
    verb, seen = ctx.form.get("verb", ""), ctx.form.get("version", "")
    here = f"/admin/broadcasts/{item.id}"
    if seen != str(item.version):
        return redirect(f"{here}?error=stale")
    try:
        if verb == "preview" and ctx.staff.channel == "telegram":
            announcements.preview(ctx.db, ctx.staff, item)
            notice = "preview"
        elif verb == "confirm":
            notice = announcements.confirm(ctx.db, ctx.staff, item, clock.now())
        elif verb == "cancel":
            announcements.cancel(ctx.db, ctx.staff, item, clock.now())
            notice = "cancelled"
        else:
            return redirect(here)
    except NotAllowedError:
        return redirect(f"{here}?error=stale")
    ctx.audit(f"broadcast_{verb}", str(item.id))
    return redirect(f"{here}?notice={notice}")
