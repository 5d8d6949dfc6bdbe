"""What the broadcast feature says, in Vietnamese (polite "Ông/Bà") and English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "subscribed": "Ông/Bà đã đăng ký nhận tin cải cách hành chính.",
        "subscribed.already": "Ông/Bà đã đăng ký nhận tin từ trước.",
        "saved": "Đã lưu lựa chọn của Ông/Bà.",
        "unsubscribed": "Ông/Bà đã ngừng nhận tin. Gõ /dangky nếu muốn nhận lại.",
        "unsubscribed.already": "Ông/Bà hiện không đăng ký nhận tin. Gõ /dangky để đăng ký.",
        "choices": "Chủ đề: {topics}\nKhu vực: {area}\n\nBấm vào chủ đề để chọn hoặc bỏ chọn "
        "(không chọn chủ đề nào là nhận mọi chủ đề).",
        "choices.all_topics": "mọi chủ đề",
        "choices.no_area": "chưa chọn (chỉ nhận tin chung của xã)",
        "choose_area": "Ông/Bà ở thôn, bản hay tổ dân phố nào? Tin riêng của khu vực sẽ chỉ gửi "
        "đến người đã chọn khu vực đó.",
        "button.all_topics": "Mọi chủ đề",
        "button.area": "Chọn khu vực",
        "button.no_area": "Không chọn khu vực",
        "button.back": "Quay lại",
        "button.stop": "Ngừng nhận tin",
        "button.unsubscribe": "🔕 Ngừng nhận tin",
        "not_subscribed": "Ông/Bà chưa đăng ký nhận tin. Gõ /dangky để đăng ký.",
        "private_only": "Mời Ông/Bà nhắn /dangky trong tin nhắn riêng với trợ lý để đăng ký "
        "và chọn khu vực nhận tin.",
        "no_broadcast": "Lưu ý: Zalo không cho phép Văn phòng gửi thông báo hàng loạt qua tin "
        "nhắn, nên thông báo CCHC không gửi tới Ông/Bà trên Zalo. Ông/Bà có thể xem các bài viết "
        "trên trang Zalo OA của xã, hoặc đăng ký nhận tin qua Telegram hay cửa sổ hỏi đáp trên "
        "cổng thông tin của xã.",
        "footer": "Tin từ {name}.",
        "link": "Xem thêm: {link}",
        "image": "Hình ảnh: {url}",
    },
    "en": {
        "subscribed": "You are subscribed to administrative reform news.",
        "subscribed.already": "You were already subscribed.",
        "saved": "Your choice is saved.",
        "unsubscribed": "You will no longer receive news. Send /dangky to subscribe again.",
        "unsubscribed.already": "You are not subscribed. Send /dangky to subscribe.",
        "choices": "Topics: {topics}\nArea: {area}\n\nTap a topic to choose or drop it "
        "(no topic chosen means every topic).",
        "choices.all_topics": "every topic",
        "choices.no_area": "none chosen (commune-wide news only)",
        "choose_area": "Which village or residential group do you live in? Local news goes only "
        "to people who chose that area.",
        "button.all_topics": "Every topic",
        "button.area": "Choose area",
        "button.no_area": "No area",
        "button.back": "Back",
        "button.stop": "Stop news",
        "button.unsubscribe": "🔕 Stop news",
        "not_subscribed": "You are not subscribed. Send /dangky to subscribe.",
        "private_only": "Please send /dangky in a private chat with the assistant to subscribe "
        "and choose your area.",
        "no_broadcast": "Please note: Zalo does not let the office send announcements to many "
        "people by message, so administrative reform news is not sent to you on Zalo. You can "
        "read the posts on the commune's Zalo Official Account, or subscribe on Telegram or in "
        "the chat on the commune's web portal.",
        "footer": "News from {name}.",
        "link": "More: {link}",
        "image": "Picture: {url}",
    },
}


def text(key: str, lang: str, **values: str) -> str:
    """The sentence `key` in `lang` (Vietnamese when not written), values filled in."""
    table = TEXTS.get(lang, TEXTS["vi"])
    template = table.get(key, TEXTS["vi"][key])
    return template.format(**values) if values else template
