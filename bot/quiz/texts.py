"""What the contest feature says, in Vietnamese (polite "Ông/Bà") and English."""

from __future__ import annotations

import datetime as dt

from bot.feedback.texts import render
from knowledge.contests import OFFICE_TZ
from knowledge.schema import KnowledgeBase

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "btn.start": "▶️ Bắt đầu thi",
        "btn.again": "🔁 Thi lượt mới",
        "btn.continue": "▶️ Làm tiếp",
        "btn.skip": "Bỏ qua",
        "none_open": "Hiện chưa có cuộc thi nào đang mở. Mời Ông/Bà quay lại sau.",
        "list": "Các cuộc thi đang mở, mời Ông/Bà chọn một cuộc thi:",
        "intro": (
            "🏆 {title}\n\n{rules}\n\nThời gian thi: từ {opens} đến {closes}.\n"
            "Mỗi lượt {count} câu, làm trong {minutes} phút. "
            "Ông/Bà đã thi {used}/{allowed} lượt."
        ),
        "area": "Ông/Bà ở thôn (khu dân cư) nào? Thông tin chỉ dùng để thống kê, có thể bỏ qua.",
        "closed": "Cuộc thi “{title}” hiện không mở (thời gian thi từ {opens} đến {closes}).",
        "no_attempts": (
            "Ông/Bà đã thi đủ {allowed} lượt của cuộc thi này. Cảm ơn Ông/Bà đã tham gia!"
        ),
        "resume": "Ông/Bà đang có một lượt thi chưa xong. Mời Ông/Bà làm tiếp.",
        "question": "Câu {n}/{total} (còn {left}):\n{text}",
        "stale": "Câu đó đã được trả lời. Mời Ông/Bà trả lời câu đang chờ.",
        "late": "⏰ Đã hết {minutes} phút làm bài; câu trả lời vừa gửi không được tính.",
        "ran_out": (
            "⏰ Lượt thi trước của Ông/Bà đã hết {minutes} phút làm bài; "
            "các câu trả lời trong thời gian làm bài được tính."
        ),
        "over": "Lượt thi này đã kết thúc.",
        "unknown": "Không tìm thấy lượt thi này.",
        "prediction.retry": "Xin Ông/Bà gõ một con số, ví dụ 250, hoặc bấm “Bỏ qua”.",
        "prediction.saved": "Đã ghi nhận dự đoán của Ông/Bà: {value} người.",
        "result": "🎯 Kết quả lượt {number}: {correct}/{total} câu đúng, thời gian {time}.",
        "review": "Đáp án và giải thích:",
        "line": "{n}. {mark} {text}\nĐáp án đúng: {answer}. {explanation} (Nguồn: {source})",
        "left": "Ông/Bà còn {left} lượt thi.",
        "left.none": "Ông/Bà đã dùng hết lượt thi. Cảm ơn Ông/Bà đã tham gia!",
        "minutes": "{m} phút {s} giây",
        "seconds": "{s} giây",
        "kb_entry": "mục “{title}” của trợ lý ảo",
        "private_only": (
            "Cuộc thi được làm trong tin nhắn riêng, để mỗi người có lượt thi của mình. "
            "Ông/Bà vui lòng nhắn riêng cho tôi (bấm vào tên tôi rồi chọn “Nhắn tin”) và gõ /thi."
        ),
    },
    "en": {
        "btn.start": "▶️ Start",
        "btn.again": "🔁 New attempt",
        "btn.continue": "▶️ Continue",
        "btn.skip": "Skip",
        "none_open": "No contest is open at the moment. Please come back later.",
        "list": "Open contests; please choose one:",
        "intro": (
            "🏆 {title}\n\n{rules}\n\nOpen from {opens} to {closes}.\n"
            "Each attempt has {count} questions, {minutes} minutes. "
            "You have used {used} of {allowed} attempts."
        ),
        "area": "Which village or area do you live in? Used only for statistics; you may skip.",
        "closed": "The contest “{title}” is not open (it runs from {opens} to {closes}).",
        "no_attempts": "You have used all {allowed} attempts at this contest. Thank you!",
        "resume": "You have an attempt in progress. Please carry on.",
        "question": "Question {n}/{total} ({left} left):\n{text}",
        "stale": "That question is already answered. Please answer the current one.",
        "late": "⏰ The {minutes} minutes are over; the answer you just sent does not count.",
        "ran_out": (
            "⏰ The {minutes} minutes of your last attempt are over; "
            "the answers given in time count."
        ),
        "over": "This attempt is over.",
        "unknown": "This attempt was not found.",
        "prediction.retry": "Please type a number, for example 250, or press “Skip”.",
        "prediction.saved": "Your prediction is recorded: {value} participants.",
        "result": "🎯 Attempt {number}: {correct}/{total} correct, time {time}.",
        "review": "Answers and explanations:",
        "line": "{n}. {mark} {text}\nRight answer: {answer}. {explanation} (Source: {source})",
        "left": "You have {left} attempt(s) left.",
        "left.none": "You have used all your attempts. Thank you for taking part!",
        "minutes": "{m} min {s} s",
        "seconds": "{s} s",
        "kb_entry": "the assistant's topic “{title}”",
        "private_only": (
            "The contest is taken in a private chat, so that each person has their own attempt. "
            "Please message me privately (tap my name, then “Message”) and send /thi."
        ),
    },
}


def say(kb: KnowledgeBase, key: str, lang: str, **values: str) -> str:
    """The sentence `key` in `lang` (Vietnamese when not translated), values filled in."""
    return render(TEXTS, kb, key, lang, values)


def office(moment: dt.datetime) -> str:
    """`07:30 01/12/2026`, office time."""
    return moment.astimezone(OFFICE_TZ).strftime("%H:%M %d/%m/%Y")


def duration(kb: KnowledgeBase, seconds: float, lang: str) -> str:
    """`3 phút 05 giây`."""
    whole = max(int(seconds), 0)
    minutes, rest = divmod(whole, 60)
    if minutes:
        return say(kb, "minutes", lang, m=str(minutes), s=f"{rest:02d}")
    return say(kb, "seconds", lang, s=str(rest))
