"""/thongbao: staff compose an announcement in a private chat — text → preview → audience and
time → confirm or cancel — then follow its progress. The draft lives in `dialogue_states`
(flow "broadcast"), like the feedback intake, so a restart or another worker loses nothing.

`/thongbao ds` lists the latest, `/thongbao xem ID` shows progress, `/thongbao huy ID` cancels.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from bot.broadcast import announcements, cards, subscribers
from bot.broadcast.announcements import Draft, NotAllowedError, render, staff_for
from bot.broadcast.chat import areas, topics
from bot.broadcast.models import Announcement
from bot.broadcast.progress import progress, summary_vi
from bot.callbacks import record_id
from bot.feedback.models import Staff
from bot.feedback.workdays import OFFICE_TZ
from bot.messages import Button, Reply
from bot.models import DialogueState, utcnow
from bot.turn import Turn
from knowledge.normaliser import fold

FLOW = "broadcast"
TTL = dt.timedelta(hours=2)
LINK_PREFIXES = ("lien ket:", "link:")
IMAGE_PREFIXES = ("anh:", "hinh anh:", "image:")
TIME_FORMATS = ("%H:%M %d/%m/%Y", "%H:%M %d/%m", "%d/%m/%Y %H:%M")
BAD_TIME = "Chưa hiểu thời điểm. Mời nhập dạng «08:00 15/12/2026», sau thời điểm hiện tại."
NO_ZALO = (
    "Lưu ý: thông báo không gửi tới người dân dùng Zalo (Zalo không cho Văn phòng gửi tin "
    "hàng loạt; chỉ trả lời được trong thời gian người dân vừa nhắn)."
)
CARD_NOTE = (
    "Tiến độ gửi hiện ở tin nhắn tiếp theo và tự cập nhật khoảng 10 giây một lần; "
    "khi gửi xong sẽ có kết quả cuối cùng."
)
ASK_TEXT = (
    "Mời nhập nội dung thông báo (tối đa 3.500 ký tự). Có thể thêm một dòng "
    "«Liên kết: https://…» và một dòng «Ảnh: https://…». Gõ «hủy» để thôi.\n\n" + NO_ZALO
)


def split_text(typed: str) -> tuple[str, str | None, str | None]:
    """The announcement's text, link and picture address from what staff typed."""
    lines, link, image = [], None, None
    for line in typed.strip().splitlines():
        folded = fold(line.split(":", 1)[0]) + ":" if ":" in line else ""
        value = line.split(":", 1)[1].strip() if ":" in line else ""
        if folded in LINK_PREFIXES and value.startswith(("http://", "https://")):
            link = value
        elif folded in IMAGE_PREFIXES and value.startswith(("http://", "https://")):
            image = value
        else:
            lines.append(line)
    return "\n".join(lines).strip(), link, image


def parse_time(typed: str, now: dt.datetime) -> dt.datetime | None:
    """ "08:00 15/12/2026" (office time) as UTC, when it is still ahead."""
    for pattern in TIME_FORMATS:
        try:
            local = dt.datetime.strptime(typed.strip(), pattern)
        except ValueError:
            continue
        if "%Y" not in pattern:
            local = local.replace(year=now.astimezone(OFFICE_TZ).year)
        moment = local.replace(tzinfo=OFFICE_TZ).astimezone(dt.UTC)
        return moment if moment > now else None
    return None


def _staff(turn: Turn) -> Staff | None:
    if turn.inbound.group is not None:  # never in a group, not even the staff group
        return None
    try:
        return staff_for(turn.session, turn.inbound.channel, turn.inbound.user_id)
    except NotAllowedError:
        return None


class Compose:
    """The `broadcast` flow, the `bcm:` buttons and the /thongbao command."""

    name = FLOW
    ACTION = "bcm"

    # -- the command -----------------------------------------------------------------------
    def command(self, turn: Turn, arg: str) -> list[Reply]:
        """/thongbao [ds | xem ID | huy ID]"""
        staff = _staff(turn)
        if staff is None:
            return [Reply(_refusal(turn))]
        verb, _, rest = fold(arg).partition(" ")
        if verb in ("ds", "danh sach", "list"):
            return [self._list(turn)]
        if verb in ("xem", "tien do") and record_id(rest.strip()):
            return [self._progress(turn, int(rest.strip()))]
        if verb == "huy" and record_id(rest.strip()):
            return [self._cancel(turn, staff, int(rest.strip()))]
        turn.set_state(FLOW, "text", {}, TTL)
        return [Reply(ASK_TEXT)]

    # -- typed messages --------------------------------------------------------------------
    def on_message(self, turn: Turn, state: DialogueState) -> list[Reply] | None:
        """The text (step "text") or the send time (step "time")."""
        staff = _staff(turn)
        if staff is None:
            turn.clear_state()
            return None
        typed = turn.inbound.text.strip()
        if fold(typed) in ("huy", "thoi", "cancel"):
            turn.clear_state()
            return [Reply("Đã hủy soạn thông báo.")]
        data: dict[str, Any] = dict(state.data)
        if state.step == "time":
            when = parse_time(typed, utcnow())
            if when is None:
                return [Reply(BAD_TIME)]
            data["send_at"] = when.isoformat()
            turn.set_state(FLOW, "review", data, TTL)
            return self._review(turn, data)
        body, link, image = split_text(typed)
        if not body or len(body) > announcements.MAX_TEXT:
            return [Reply("Nội dung trống hoặc dài quá 3.500 ký tự. Mời nhập lại.")]
        data.update({"text": body, "link": link, "image": image})
        data.setdefault("topics", [])
        data.setdefault("areas", [])
        turn.set_state(FLOW, "review", data, TTL)
        return self._review(turn, data)

    # -- buttons ---------------------------------------------------------------------------
    def on_action(self, turn: Turn, arg: str) -> list[Reply]:
        """bcm:send | time | topics | areas | t:ID | a:ID | back | stop | p:ID | x:ID"""
        staff = _staff(turn)
        if staff is None:
            return [Reply(_refusal(turn))]
        verb, _, value = arg.partition(":")
        if verb == "p" and record_id(value):
            return [self._progress(turn, int(value))]
        if verb == "x" and record_id(value):
            return [self._cancel(turn, staff, int(value))]
        state = turn.state()
        if state is None or state.flow != FLOW or state.step == "text":
            return [Reply("Bản soạn đã hết hạn hoặc đã gửi. Gõ /thongbao để soạn lại.")]
        data: dict[str, Any] = dict(state.data)
        if verb == "stop":
            turn.clear_state()
            return [Reply("Đã hủy soạn thông báo.")]
        if verb == "send":
            turn.clear_state()
            return [self._send(turn, staff, data)]
        if verb == "time":
            turn.set_state(FLOW, "time", data, TTL)
            return [Reply("Mời nhập thời điểm gửi, dạng «08:00 15/12/2026» (giờ Việt Nam).")]
        if verb in ("t", "a"):
            field = "topics" if verb == "t" else "areas"
            known = topics(turn.kb) if verb == "t" else areas(turn.kb)
            chosen = list(data.get(field, []))
            if value in known:
                chosen = [c for c in chosen if c != value] if value in chosen else [*chosen, value]
            data[field] = chosen
            turn.set_state(FLOW, "review", data, TTL)
            return [self._pick(turn, field, data)]
        if verb in ("topics", "areas"):
            return [self._pick(turn, verb, data)]
        return self._review(turn, data)

    # -- screens ---------------------------------------------------------------------------
    def _review(self, turn: Turn, data: dict[str, Any]) -> list[Reply]:
        sample = Announcement(id=0, text=data["text"], link=data.get("link"))
        sample.image_url = data.get("image")
        shown = render(sample, "vi")
        count = subscribers.audience_size(turn.session, data["topics"], data["areas"])
        when = data.get("send_at")
        at = (
            dt.datetime.fromisoformat(when).astimezone(OFFICE_TZ).strftime("%H:%M %d/%m/%Y")
            if when
            else "ngay khi xác nhận"
        )
        card = (
            f"Người nhận: {_audience(turn, data)} — {count} người đăng ký.\nGửi lúc: {at}.\n"
            f"{NO_ZALO}\nXác nhận gửi?"
        )
        buttons = (
            (Button("✅ Gửi", f"{self.ACTION}:send"), Button("🕒 Hẹn giờ", f"{self.ACTION}:time")),
            (
                Button("Chủ đề", f"{self.ACTION}:topics"),
                Button("Khu vực", f"{self.ACTION}:areas"),
            ),
            (Button("❌ Hủy", f"{self.ACTION}:stop"),),
        )
        return [Reply("Xem trước:\n\n" + shown.text), Reply(card, buttons)]

    def _pick(self, turn: Turn, field: str, data: dict[str, Any]) -> Reply:
        known = topics(turn.kb) if field == "topics" else areas(turn.kb)
        letter = "t" if field == "topics" else "a"
        chosen = data.get(field, [])
        rows = [
            (Button(_mark(key in chosen) + names.get("vi", key), f"bcm:{letter}:{key}"),)
            for key, names in known.items()
        ]
        rows.append((Button("Xong", f"{self.ACTION}:back"),))
        what = "chủ đề" if field == "topics" else "khu vực"
        return Reply(f"Chọn {what} (không chọn: gửi tất cả người đăng ký).", tuple(rows))

    def _send(self, turn: Turn, staff: Staff, data: dict[str, Any]) -> Reply:
        when = data.get("send_at")
        draft = Draft(
            text=data["text"],
            link=data.get("link"),
            image_url=data.get("image"),
            topics=data.get("topics", []),
            areas=data.get("areas", []),
            send_at=dt.datetime.fromisoformat(when) if when else None,
        )
        try:
            item = announcements.create(turn.session, staff, draft)
            status = announcements.confirm(turn.session, staff, item, utcnow())
        except NotAllowedError as error:
            return Reply(f"Không gửi được: {error}.")
        # The status card goes through the outbox: its sender reports the platform's message
        # id, and `StatusCards` edits that message as delivery goes on.
        cards.open_card(turn.session, item, staff.channel, staff.external_id, utcnow())
        said = "đã hẹn giờ" if status == "scheduled" else "đang được gửi"
        return Reply(f"Thông báo #{item.id} {said}. {CARD_NOTE}")

    def _progress(self, turn: Turn, announcement_id: int) -> Reply:
        item = turn.session.get(Announcement, announcement_id)
        if item is None:
            return Reply(f"Không có thông báo #{announcement_id}.")
        figures = progress(turn.session, item, utcnow())
        live = item.status in ("scheduled", "running")
        buttons = cards.buttons(item.id) if live else ()
        return Reply(summary_vi(item, figures), buttons)

    def _cancel(self, turn: Turn, staff: Staff, announcement_id: int) -> Reply:
        try:
            item = announcements.by_id(turn.session, announcement_id)
            dropped = announcements.cancel(turn.session, staff, item, utcnow())
        except NotAllowedError as error:
            return Reply(f"Không hủy được: {error}.")
        return Reply(
            f"Đã dừng thông báo #{announcement_id}; {dropped} người chưa nhận sẽ không nhận."
        )

    def _list(self, turn: Turn) -> Reply:
        items = turn.session.scalars(
            select(Announcement).order_by(Announcement.id.desc()).limit(10)
        ).all()
        if not items:
            return Reply("Chưa có thông báo nào.")
        lines = [f"#{i.id} [{i.status}] {i.text.splitlines()[0][:60]}" for i in items]
        return Reply("\n".join(lines))


def _audience(turn: Turn, data: dict[str, Any]) -> str:
    known_topics, known_areas = topics(turn.kb), areas(turn.kb)
    parts = []
    if data.get("topics"):
        names = [known_topics[t].get("vi", t) for t in data["topics"] if t in known_topics]
        parts.append("chủ đề " + ", ".join(names))
    if data.get("areas"):
        names = [known_areas[a].get("vi", a) for a in data["areas"] if a in known_areas]
        parts.append("khu vực " + ", ".join(names))
    return "; ".join(parts) or "tất cả người đăng ký"


def _mark(chosen: bool) -> str:
    return "✅ " if chosen else ""


def _refusal(turn: Turn) -> str:
    if turn.inbound.group is not None:
        return "Lệnh /thongbao chỉ dùng trong tin nhắn riêng với trợ lý."
    return "Chỉ cán bộ được phân quyền mới gửi được thông báo."
