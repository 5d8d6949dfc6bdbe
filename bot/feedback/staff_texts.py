"""What the bot says to staff (in the staff group and in private chats), Vietnamese and English."""

from __future__ import annotations

from bot.feedback.texts import render

STAFF_TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "not_staff": "Thao tác này chỉ dành cho cán bộ đã được đăng ký xử lý phản ánh.",
        "card.new": "🆕 Phản ánh mới {code}",
        "card.title": "📄 Phản ánh {code}",
        "card": (
            "Loại: {category}\nTrạng thái: {status}{assignee}\nNgày gửi: {created}\n"
            "Hạn trả lời: {due}{overdue}\nNội dung: {description}\nNơi xảy ra: {place}\n"
            "Người gửi: {contact}\nTệp đính kèm: {attachments}"
        ),
        "card.assignee": " – {name}",
        "card.anonymous": "không để lại thông tin liên hệ",
        "card.none": "không có",
        "card.answer": "Trả lời đã gửi: {answer}",
        "card.transferred": "Đã chuyển tới: {unit}. Lý do: {reason}",
        "card.rejected": "Lý do không thuộc thẩm quyền: {reason}",
        "card.rating": "Đánh giá của người dân: {rating}/5 {comment}",
        "card.held": (
            "⚠️ Không gửi được qua {channel}: người dân đã quá thời hạn nhắn tin mà {channel} "
            "cho phép. Đề nghị gọi điện cho người dân hoặc đề nghị họ nhắn lại; tin sẽ được "
            "gửi ngay khi họ nhắn."
        ),
        "overdue": " ⚠️ quá hạn",
        "btn.claim": "🙋 Nhận xử lý",
        "btn.answer": "💬 Trả lời",
        "btn.transfer": "↪️ Chuyển",
        "btn.reject": "🚫 Không thuộc thẩm quyền",
        "btn.close": "✅ Đóng",
        "btn.view": "Xem {code}",
        "filter.open": "đang mở",
        "filter.new": "mới",
        "filter.overdue": "quá hạn",
        "filter.mine": "của tôi",
        "inbox.title": "📥 Phản ánh {filter}: {count}",
        "inbox.more": "… và {count} phản ánh khác.",
        "inbox.empty": "Không có phản ánh nào.",
        "inbox.line": "• {code} · {category} · {status} · hạn {due}{overdue}",
        "history": "Lịch sử xử lý:",
        "history.line": "• {when} – {actor}: {action}{note}",
        "usage.xem": "Cú pháp: /xem MÃ, ví dụ /xem PA-2026-000123",
        "usage.nhan": "Cú pháp: /nhan MÃ",
        "usage.traloi": "Cú pháp: /traloi MÃ nội dung trả lời",
        "usage.chuyen": "Cú pháp: /chuyen MÃ đơn vị | lý do",
        "usage.khongthuoc": "Cú pháp: /khongthuoc MÃ lý do và nơi người dân cần liên hệ",
        "usage.dong": "Cú pháp: /dong MÃ",
        "not_found": "Không có phản ánh mã {code}.",
        "changed": (
            "⚠️ Phản ánh {code} vừa được người khác cập nhật (hiện: {status}). Thao tác của "
            "anh/chị chưa được thực hiện; vui lòng xem lại thông tin mới nhất bên dưới."
        ),
        "not_allowed": (
            "Phản ánh {code} đang ở trạng thái “{status}”, không thực hiện được thao tác này."
        ),
        "admin_only": (
            "Phản ánh {code} đang do {name} xử lý; chỉ quản trị viên mới giao lại được "
            "cho người khác."
        ),
        "done.claim": "✅ {code}: {name} đã nhận xử lý. Người dân đã được thông báo.",
        "done.answer": "✅ {code}: đã gửi trả lời tới người dân.",
        "done.transfer": "✅ {code}: đã chuyển tới {unit}. Người dân đã được thông báo.",
        "done.reject": "✅ {code}: đã báo người dân là không thuộc thẩm quyền.",
        "done.close": "✅ {code}: đã đóng.",
        "ask.answer": "Nhập nội dung trả lời cho {code} (gõ “hủy” để thôi):",
        "ask.transfer": (
            "Nhập đơn vị có thẩm quyền và lý do chuyển {code}, cách nhau bằng dấu |, ví dụ: "
            "Công an xã | thuộc lĩnh vực cư trú (gõ “hủy” để thôi):"
        ),
        "ask.reject": (
            "Nhập lý do {code} không thuộc thẩm quyền và nơi người dân cần liên hệ "
            "(gõ “hủy” để thôi):"
        ),
        "ask.empty": "Nội dung không được để trống. Vui lòng nhập lại (gõ “hủy” để thôi).",
        "input.cancelled": "Đã thôi thao tác với {code}.",
        "action.filed": "tiếp nhận",
        "action.claim": "nhận xử lý",
        "action.answer": "trả lời",
        "action.transfer": "chuyển cơ quan có thẩm quyền",
        "action.reject": "không thuộc thẩm quyền",
        "action.close": "đóng",
        "action.assign": "giao cho",
        "action.citizen_info": "bổ sung thông tin",
        "action.rated": "người dân đánh giá",
        "action.rating_comment": "người dân góp ý",
        "actor.citizen": "người dân",
        "digest": (
            "📊 Tổng hợp phản ánh ngày {date}\n"
            "Mới: {new} · Đang xử lý: {in_progress} · Quá hạn: {overdue}"
        ),
        "digest.overdue": "Quá hạn:",
        "digest.line": "• {code} · {category} · hạn {due} · {assignee}",
        "digest.unassigned": "chưa có người nhận",
    },
    "en": {
        "not_staff": "Only registered feedback staff can do this.",
        "card.new": "🆕 New feedback {code}",
        "card.title": "📄 Feedback {code}",
        "card": (
            "Type: {category}\nStatus: {status}{assignee}\nSent: {created}\n"
            "Due: {due}{overdue}\nDescription: {description}\nPlace: {place}\n"
            "From: {contact}\nAttachments: {attachments}"
        ),
        "card.assignee": " – {name}",
        "card.anonymous": "no contact details",
        "card.none": "none",
        "card.answer": "Answer sent: {answer}",
        "card.transferred": "Transferred to: {unit}. Reason: {reason}",
        "card.rejected": "Outside our competence: {reason}",
        "card.rating": "Citizen's rating: {rating}/5 {comment}",
        "card.held": (
            "⚠️ Could not be delivered on {channel}: outside the period {channel} allows. Call "
            "the citizen or ask them to write again; it is sent as soon as they do."
        ),
        "overdue": " ⚠️ overdue",
        "btn.claim": "🙋 Take it",
        "btn.answer": "💬 Answer",
        "btn.transfer": "↪️ Transfer",
        "btn.reject": "🚫 Not our competence",
        "btn.close": "✅ Close",
        "btn.view": "View {code}",
        "filter.open": "open",
        "filter.new": "new",
        "filter.overdue": "overdue",
        "filter.mine": "mine",
        "inbox.title": "📥 Feedback ({filter}): {count}",
        "inbox.more": "… and {count} more.",
        "inbox.empty": "Nothing here.",
        "inbox.line": "• {code} · {category} · {status} · due {due}{overdue}",
        "history": "History:",
        "history.line": "• {when} – {actor}: {action}{note}",
        "usage.xem": "Usage: /xem CODE, e.g. /xem PA-2026-000123",
        "usage.nhan": "Usage: /nhan CODE",
        "usage.traloi": "Usage: /traloi CODE answer text",
        "usage.chuyen": "Usage: /chuyen CODE authority | reason",
        "usage.khongthuoc": "Usage: /khongthuoc CODE reason and where to go",
        "usage.dong": "Usage: /dong CODE",
        "not_found": "No feedback with code {code}.",
        "changed": (
            "⚠️ Feedback {code} was just changed by someone else (now: {status}). Your action "
            "was not applied; please look at the latest version below."
        ),
        "not_allowed": "Feedback {code} is “{status}”; that action is not possible now.",
        "admin_only": "Feedback {code} is handled by {name}; only an admin can reassign it.",
        "done.claim": "✅ {code}: taken by {name}. The citizen has been told.",
        "done.answer": "✅ {code}: the answer was sent to the citizen.",
        "done.transfer": "✅ {code}: transferred to {unit}. The citizen has been told.",
        "done.reject": "✅ {code}: the citizen was told it is outside our competence.",
        "done.close": "✅ {code}: closed.",
        "ask.answer": "Type the answer for {code} (type “cancel” to stop):",
        "ask.transfer": (
            "Type the competent authority and the reason for {code}, separated by |, e.g. "
            "Commune police | residence matter (type “cancel” to stop):"
        ),
        "ask.reject": "Type why {code} is outside our competence and where to go (or “cancel”):",
        "ask.empty": "The text cannot be empty. Please type it again (or “cancel”).",
        "input.cancelled": "Stopped working on {code}.",
        "action.filed": "received",
        "action.claim": "taken",
        "action.answer": "answered",
        "action.transfer": "transferred",
        "action.reject": "outside competence",
        "action.close": "closed",
        "action.assign": "assigned to",
        "action.citizen_info": "added information",
        "action.rated": "citizen rated",
        "action.rating_comment": "citizen commented",
        "actor.citizen": "citizen",
        "digest": (
            "📊 Feedback summary {date}\nNew: {new} · In progress: {in_progress} · "
            "Overdue: {overdue}"
        ),
        "digest.overdue": "Overdue:",
        "digest.line": "• {code} · {category} · due {due} · {assignee}",
        "digest.unassigned": "unassigned",
    },
}


def staff_text(key: str, lang: str, **values: str) -> str:
    """A staff-facing sentence with `{name}` values filled in."""
    return render(STAFF_TEXTS, None, key, lang, values)
