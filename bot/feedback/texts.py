"""What the feedback feature says, in Vietnamese (polite "Ông/Bà") and English.

`{name}` placeholders are filled from keyword arguments; `{office.name}`-style keys from the
knowledge base's locality file, as everywhere else in the bot.
"""

from __future__ import annotations

import re

from bot.render import fill
from knowledge.schema import KnowledgeBase

_SIMPLE = re.compile(r"\{(\w+)\}")

CATEGORY_LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "tre_hen": "Hồ sơ trễ hẹn",
        "thai_do": "Thái độ cán bộ",
        "quy_dinh": "Quy định, thủ tục",
        "dvc": "Dịch vụ công trực tuyến",
        "khac": "Khác",
        "cau_hoi": "Câu hỏi chuyển cán bộ",
    },
    "en": {
        "tre_hen": "Late application",
        "thai_do": "Staff attitude",
        "quy_dinh": "Regulations and procedures",
        "dvc": "Online public services",
        "khac": "Other",
        "cau_hoi": "Question forwarded to staff",
    },
}

STATUS_LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "new": "mới",
        "in_progress": "đang xử lý",
        "answered": "đã trả lời",
        "transferred": "đã chuyển cơ quan có thẩm quyền",
        "rejected": "không thuộc thẩm quyền",
        "closed": "đã đóng",
    },
    "en": {
        "new": "new",
        "in_progress": "being handled",
        "answered": "answered",
        "transferred": "transferred to the competent authority",
        "rejected": "outside our competence",
        "closed": "closed",
    },
}

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        # buttons
        "btn.start": "📝 Gửi phản ánh ngay",
        "btn.track": "🔎 Tra cứu phản ánh",
        "btn.add_info": "➕ Bổ sung thông tin",
        "add_info.ask": (
            "Ông/Bà vui lòng nhắn thông tin bổ sung (hoặc câu trả lời cho cán bộ) về phản ánh "
            "{code} trong một tin nhắn. Gõ «hủy» nếu không muốn gửi nữa."
        ),
        "add_info.done": (
            "Đã ghi nhận thông tin bổ sung cho phản ánh {code}. Cán bộ xử lý sẽ xem cùng phản "
            "ánh. Cảm ơn Ông/Bà."
        ),
        "add_info.closed": "Phản ánh {code} đã kết thúc xử lý nên không bổ sung được nữa.",
        "add_info.cancelled": "Đã hủy, không có gì được gửi thêm.",
        "btn.cancel": "❌ Hủy",
        "btn.skip": "Bỏ qua",
        "btn.next": "Tiếp tục ➡️",
        "btn.restart": "Bắt đầu lại",
        "btn.consent_yes": "✅ Đồng ý để lại họ tên, số điện thoại",
        "btn.consent_no": "Không để lại thông tin liên hệ",
        "btn.skip_phone": "Bỏ qua số điện thoại",
        "btn.confirm": "✅ Gửi phản ánh",
        "btn.edit": "✏️ Sửa",
        "btn.edit.category": "Loại phản ánh",
        "btn.edit.description": "Nội dung",
        "btn.edit.place": "Nơi xảy ra",
        "btn.edit.contact": "Thông tin liên hệ",
        # intake
        "intro": (
            "📝 Gửi phản ánh – kiến nghị tới {office.name}.\n"
            "Tôi sẽ hỏi Ông/Bà 4 câu ngắn. Ông/Bà có thể gõ “hủy” bất cứ lúc nào để dừng."
        ),
        "resume": "Ông/Bà đang soạn dở một phản ánh. Ta tiếp tục nhé:",
        "ask.category": "Bước 1/4: Phản ánh của Ông/Bà thuộc loại nào?",
        "again.category": (
            "Ông/Bà vui lòng chọn loại phản ánh bằng các nút bên dưới (hoặc gõ số từ 1 đến 5)."
        ),
        "kept": "Tôi đã ghi lại nội dung Ông/Bà vừa gửi.",
        "ask.description": (
            "Bước 2/4: Ông/Bà vui lòng mô tả sự việc: việc gì, xảy ra khi nào, ở đâu, liên quan "
            "hồ sơ hoặc thủ tục nào (nếu có). Ông/Bà có thể gửi kèm ảnh hoặc tài liệu."
        ),
        "ask.description.more": (
            "Nội dung còn ngắn, Ông/Bà vui lòng mô tả thêm để cán bộ hiểu rõ sự việc "
            "(phần Ông/Bà vừa gửi đã được ghi lại)."
        ),
        "ask.description.rewrite": (
            "Ông/Bà vui lòng nhập lại nội dung. Nội dung hiện tại:\n«{text}»"
        ),
        "draft.description": "Nội dung đã ghi: «{text}»",
        "ask.description.continue": (
            "Ông/Bà có thể gửi thêm chi tiết hoặc ảnh, hoặc bấm “Tiếp tục”."
        ),
        "attachments.received": "📎 Đã nhận {count} tệp đính kèm.",
        "ask.place": (
            "Bước 3/4: Sự việc xảy ra ở đâu (ví dụ: Bộ phận Một cửa xã, thôn…)? "
            "Nếu không cần, Ông/Bà bấm “Bỏ qua”."
        ),
        "ask.consent": (
            "Bước 4/4: Ông/Bà có muốn để lại họ tên và số điện thoại để cán bộ liên hệ khi cần "
            "không? Thông tin này chỉ dùng để xử lý phản ánh của Ông/Bà. Nếu không để lại, "
            "Ông/Bà vẫn theo dõi được kết quả bằng mã phản ánh."
        ),
        "again.consent": "Ông/Bà vui lòng bấm một trong hai nút bên dưới.",
        "ask.name": (
            "Ông/Bà vui lòng cho biết họ và tên (có thể gửi kèm số điện thoại, ví dụ: "
            "Nguyễn Văn A 0912 345 678)."
        ),
        "ask.phone": (
            "Ông/Bà vui lòng nhập số điện thoại (ví dụ: 0912 345 678 hoặc +84 912 345 678)."
        ),
        "invalid.phone": (
            "Số điện thoại «{value}» chưa đúng: số di động có 10 chữ số, bắt đầu bằng 03, 05, 07, "
            "08 hoặc 09; số cố định có 11 chữ số, bắt đầu bằng 02. Ông/Bà vui lòng nhập lại hoặc "
            "bấm “Bỏ qua số điện thoại”. Các thông tin khác vẫn được giữ nguyên."
        ),
        "too_long": (
            "Nội dung đã đạt độ dài tối đa {limit} ký tự; phần vượt quá chưa được ghi. "
            "Ông/Bà có thể gọi {hotline.feedback} để trình bày thêm."
        ),
        "moved_to_description": "Phần chữ này được bổ sung vào nội dung phản ánh.",
        "unsupported": (
            "Xin lỗi Ông/Bà, tôi chưa đọc được loại tin nhắn này. Ông/Bà vui lòng gõ chữ "
            "hoặc gửi ảnh, tài liệu."
        ),
        "summary": (
            "Ông/Bà vui lòng kiểm tra lại phản ánh:\n"
            "• Loại: {category}\n• Nội dung: {description}\n• Tệp đính kèm: {attachments}\n"
            "• Nơi xảy ra: {place}\n• Người gửi: {contact}\n"
            "Nếu đúng, Ông/Bà bấm “Gửi phản ánh”."
        ),
        "summary.added": "Tôi đã bổ sung nội dung Ông/Bà vừa gửi vào phản ánh.",
        "summary.none": "không có",
        "summary.anonymous": "không để lại thông tin liên hệ",
        "ask.edit": "Ông/Bà muốn sửa phần nào?",
        "cancelled": (
            "Đã hủy phản ánh đang soạn. Ông/Bà có thể gửi lại bất cứ lúc nào bằng lệnh /phananh."
        ),
        "nothing_to_cancel": "Hiện Ông/Bà không có thao tác nào đang dở.",
        "expired": (
            "Phản ánh đang soạn đã hết hạn hoặc đã được gửi. Ông/Bà có thể bắt đầu lại bằng "
            "nút bên dưới hoặc lệnh /phananh."
        ),
        "received": (
            "✅ {office.name} đã tiếp nhận phản ánh của Ông/Bà.\n"
            "Mã phản ánh: {code}\n"
            "Dự kiến trả lời chậm nhất ngày {due} ({days} ngày làm việc).\n"
            "Ông/Bà vui lòng lưu lại mã này và gõ /tracuu {code} để theo dõi kết quả."
        ),
        "question.forwarded": (
            "📨 Tôi đã chuyển câu hỏi của Ông/Bà tới cán bộ {office.name}.\n"
            "Mã theo dõi: {code}\n"
            "Cán bộ sẽ trả lời ngay trong cuộc trò chuyện này, chậm nhất ngày {due}. "
            "Ông/Bà có thể gõ /tracuu {code} để xem tình trạng."
        ),
        "question.already": "Câu hỏi này đã được chuyển tới cán bộ. Gõ /tracuu để xem tình trạng.",
        "passcode": (
            "🔑 Mã bảo mật: {passcode}. Để tra cứu từ máy hoặc trình duyệt khác, gõ "
            "/tracuu {code} {passcode} (hoặc kèm số điện thoại Ông/Bà đã để lại). "
            "Ông/Bà không đưa mã bảo mật cho người khác."
        ),
        # tracking
        "not_found": (
            "Không tìm thấy phản ánh mã {code} của Ông/Bà. Ông/Bà vui lòng kiểm tra lại mã "
            "(dạng PA-2026-000123). Phản ánh chỉ tra cứu được từ tài khoản đã gửi, hoặc kèm "
            "mã bảo mật được cấp khi gửi: /tracuu MÃ-PHẢN-ÁNH MÃ-BẢO-MẬT."
        ),
        "ask.code": "Ông/Bà vui lòng gõ /tracuu kèm mã phản ánh, ví dụ: /tracuu PA-2026-000123.",
        "my_tickets": "Các phản ánh Ông/Bà đã gửi:",
        "no_tickets": "Ông/Bà chưa gửi phản ánh nào từ tài khoản này.",
        "track.head": (
            "🔎 Phản ánh {code}\nLoại: {category}\nNgày gửi: {created}\nTrạng thái: {status}\n"
            "Hạn trả lời: {due}"
        ),
        "track.history": "Quá trình xử lý:",
        "reason": " Lý do: {reason}",
        "track.answer": "Trả lời của {office.name}:\n{answer}",
        "track.transferred": "Đã chuyển tới: {unit}.{reason}",
        "track.rejected": "Lý do, nơi giải quyết: {reason}",
        "track.rating": "Ông/Bà đã đánh giá: {rating}/5.",
        "track.held": (
            "ℹ️ Một thông báo về phản ánh này chưa gửi được qua {channel} vì đã quá thời hạn "
            "nhắn tin mà {channel} cho phép; nội dung có ở trên và sẽ được gửi lại cho Ông/Bà."
        ),
        # notifications to the citizen
        "notify.in_progress": (
            "Phản ánh {code} của Ông/Bà đang được cán bộ xử lý. Hạn trả lời: {due}."
        ),
        "notify.answered": (
            "📬 Phản ánh {code} đã có trả lời của {office.name}:\n\n{answer}\n\n"
            "Gõ /tracuu {code} để xem chi tiết."
        ),
        "notify.transferred": (
            "Phản ánh {code} của Ông/Bà đã được chuyển tới {unit} là cơ quan có thẩm quyền giải "
            "quyết.{reason}"
        ),
        "notify.rejected": (
            "Phản ánh {code} không thuộc thẩm quyền giải quyết của {office.name}. {reason}"
        ),
        "notify.closed": "Phản ánh {code} đã được đóng. Cảm ơn Ông/Bà đã gửi phản ánh.",
        # satisfaction
        "rate.ask": (
            "Ông/Bà có hài lòng với việc xử lý phản ánh {code} không? Xin Ông/Bà chấm điểm từ "
            "1 (rất không hài lòng) đến 5 (rất hài lòng)."
        ),
        "rate.thanks": (
            "Cảm ơn Ông/Bà đã đánh giá {rating}/5. Ông/Bà có thể nhắn thêm góp ý (không bắt buộc)."
        ),
        "rate.thanks_only": "Cảm ơn Ông/Bà đã đánh giá {rating}/5.",
        "rate.comment": "Cảm ơn Ông/Bà, góp ý đã được ghi nhận.",
        "rate.not_yours": "Không tìm thấy phản ánh cần đánh giá.",
        "privacy.private_only": (
            "Để bảo vệ thông tin cá nhân, phản ánh và việc tra cứu phản ánh chỉ được trao đổi "
            "trong tin nhắn riêng. Ông/Bà vui lòng nhắn riêng cho tôi (bấm vào tên tôi rồi "
            "chọn “Nhắn tin”) để tiếp tục."
        ),
    },
    "en": {
        "btn.start": "📝 Send feedback now",
        "btn.track": "🔎 Track my feedback",
        "btn.add_info": "➕ Add information",
        "add_info.ask": (
            "Please send the information to add (or your answer to staff) about feedback {code} "
            'in one message. Send "cancel" to stop.'
        ),
        "add_info.done": (
            "Your information was added to feedback {code}; the staff handling it will see it. "
            "Thank you."
        ),
        "add_info.closed": "Feedback {code} is closed, so nothing more can be added.",
        "add_info.cancelled": "Cancelled; nothing was sent.",
        "btn.cancel": "❌ Cancel",
        "btn.skip": "Skip",
        "btn.next": "Continue ➡️",
        "btn.restart": "Start over",
        "btn.consent_yes": "✅ Yes, leave my name and phone",
        "btn.consent_no": "No contact details",
        "btn.skip_phone": "Skip the phone number",
        "btn.confirm": "✅ Send feedback",
        "btn.edit": "✏️ Edit",
        "btn.edit.category": "Type",
        "btn.edit.description": "Description",
        "btn.edit.place": "Place",
        "btn.edit.contact": "Contact details",
        "intro": (
            "📝 Send feedback to {office.name}.\n"
            "I will ask you 4 short questions. Type “cancel” at any time to stop."
        ),
        "resume": "You have an unfinished feedback draft. Let us continue:",
        "ask.category": "Step 1/4: What is your feedback about?",
        "again.category": "Please choose a type with the buttons below (or type a number 1–5).",
        "kept": "I have kept what you just wrote.",
        "ask.description": (
            "Step 2/4: Please describe what happened: what, when, where, and which application "
            "or procedure (if any). You may attach photos or documents."
        ),
        "ask.description.more": (
            "That is a bit short; please tell us more so staff understand (what you sent is kept)."
        ),
        "ask.description.rewrite": "Please type the description again. Current text:\n«{text}»",
        "draft.description": "Description so far: «{text}»",
        "ask.description.continue": "You can add more details or photos, or press “Continue”.",
        "attachments.received": "📎 Received {count} attachment(s).",
        "ask.place": "Step 3/4: Where did it happen? Press “Skip” if it does not matter.",
        "ask.consent": (
            "Step 4/4: Would you like to leave your name and phone number so staff can contact "
            "you? They are used only to handle this feedback. Without them you can still follow "
            "it with the tracking code."
        ),
        "again.consent": "Please press one of the two buttons below.",
        "ask.name": "Please tell me your full name (you may add your phone number after it).",
        "ask.phone": "Please type your phone number (e.g. 0912 345 678 or +84 912 345 678).",
        "invalid.phone": (
            "“{value}” is not a Vietnamese phone number: mobiles have 10 digits starting with "
            "03, 05, 07, 08 or 09; landlines 11 digits starting with 02. Please type it again or "
            "press “Skip the phone number”. Everything else is kept."
        ),
        "too_long": (
            "The description has reached its maximum of {limit} characters; the rest was not "
            "recorded. You can call {hotline.feedback} to add more."
        ),
        "moved_to_description": "I have added this text to the description.",
        "unsupported": (
            "Sorry, I cannot read this kind of message. Please type text or send a photo."
        ),
        "summary": (
            "Please check your feedback:\n"
            "• Type: {category}\n• Description: {description}\n• Attachments: {attachments}\n"
            "• Place: {place}\n• From: {contact}\n"
            "If it is right, press “Send feedback”."
        ),
        "summary.added": "I have added what you just wrote to the description.",
        "summary.none": "none",
        "summary.anonymous": "no contact details",
        "ask.edit": "What would you like to change?",
        "cancelled": (
            "Your feedback draft was cancelled. Send /phananh to start again at any time."
        ),
        "nothing_to_cancel": "There is nothing in progress to cancel.",
        "expired": (
            "This feedback draft has expired or was already sent. Press the button below or "
            "send /phananh to start again."
        ),
        "received": (
            "✅ {office.name} has received your feedback.\n"
            "Tracking code: {code}\n"
            "Expected answer by {due} ({days} working days).\n"
            "Please keep the code; send /tracuu {code} to follow it."
        ),
        "question.forwarded": (
            "📨 Your question has been sent to the staff of {office.name}.\n"
            "Tracking code: {code}\n"
            "They will answer here in this chat by {due} at the latest. "
            "Send /tracuu {code} to see its status."
        ),
        "question.already": (
            "This question was already sent to staff. Send /tracuu to see its status."
        ),
        "passcode": (
            "🔑 Passcode: {passcode}. To follow it from another phone or browser, send "
            "/tracuu {code} {passcode} (or add the phone number you left). "
            "Do not share the passcode with anyone."
        ),
        "not_found": (
            "No feedback with code {code} was found for you. Please check the code (like "
            "PA-2026-000123). Feedback can only be tracked from the account that sent it, or "
            "with the passcode given when it was sent: /tracuu CODE PASSCODE."
        ),
        "ask.code": "Please send /tracuu followed by the code, e.g. /tracuu PA-2026-000123.",
        "my_tickets": "The feedback you have sent:",
        "no_tickets": "You have not sent any feedback from this account.",
        "track.head": (
            "🔎 Feedback {code}\nType: {category}\nSent: {created}\nStatus: {status}\n"
            "Answer due: {due}"
        ),
        "track.history": "History:",
        "reason": " Reason: {reason}",
        "track.answer": "Answer from {office.name}:\n{answer}",
        "track.transferred": "Transferred to: {unit}.{reason}",
        "track.rejected": "Reason and where to go: {reason}",
        "track.rating": "Your rating: {rating}/5.",
        "track.held": (
            "ℹ️ A notice about this feedback could not be delivered on {channel}: it was "
            "outside the period {channel} allows. Its content is above and it will be sent again."
        ),
        "notify.in_progress": "Your feedback {code} is being handled. Answer due: {due}.",
        "notify.answered": (
            "📬 Your feedback {code} has an answer from {office.name}:\n\n{answer}\n\n"
            "Send /tracuu {code} for details."
        ),
        "notify.transferred": (
            "Your feedback {code} was transferred to {unit}, the competent authority.{reason}"
        ),
        "notify.rejected": (
            "Your feedback {code} is outside the competence of {office.name}. {reason}"
        ),
        "notify.closed": "Your feedback {code} has been closed. Thank you for sending it.",
        "rate.ask": (
            "How satisfied are you with how your feedback {code} was handled? Please rate from "
            "1 (very dissatisfied) to 5 (very satisfied)."
        ),
        "rate.thanks": "Thank you for rating {rating}/5. You may add a comment (optional).",
        "rate.thanks_only": "Thank you for rating {rating}/5.",
        "rate.comment": "Thank you, your comment has been recorded.",
        "rate.not_yours": "No feedback to rate was found.",
        "privacy.private_only": (
            "To protect personal information, feedback and its tracking are handled only in "
            "a private chat. Please message me privately (tap my name, then “Message”) to "
            "continue."
        ),
    },
}


def _table(tables: dict[str, dict[str, str]], lang: str) -> dict[str, str]:
    return tables.get(lang) or tables["en" if lang != "vi" else "vi"]


def render(
    tables: dict[str, dict[str, str]],
    kb: KnowledgeBase | None,
    key: str,
    lang: str,
    values: dict[str, str],
) -> str:
    """Look `key` up in `tables` and fill it: locality keys first, so text a citizen typed
    (filled in second, in one pass) is never itself treated as a template."""
    template = _table(tables, lang).get(key) or tables["vi"][key]
    if kb is not None:
        template = fill(kb, template, lang)
    return _SIMPLE.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def text(key: str, lang: str, **values: str) -> str:
    """The sentence `key` in `lang` (Vietnamese when not translated), `{name}` keys filled."""
    return render(TEXTS, None, key, lang, values)


def say(kb: KnowledgeBase, key: str, lang: str, **values: str) -> str:
    """The sentence `key` with the commune's locality values and `values` filled in."""
    return render(TEXTS, kb, key, lang, values)


def category_label(category: str, lang: str) -> str:
    """The citizen-facing name of a category."""
    return _table(CATEGORY_LABELS, lang).get(category, category)


def status_label(status: str, lang: str) -> str:
    """The citizen-facing name of a status."""
    return _table(STATUS_LABELS, lang).get(status, status)
