"""What each platform lets the office send unasked, stated where staff compose announcements."""

from __future__ import annotations

# Zalo OA customer-service messages are free-form only inside the interaction window after
# the citizen's last message; a broadcast to all followers needs Zalo's paid article or
# template (ZNS) products, which this bot does not use.
ZALO_ANNOUNCEMENTS = {
    "vi": (
        "Zalo: không gửi thông báo hàng loạt miễn phí. Chỉ người dân đã nhắn cho OA trong "
        "7 ngày gần nhất nhận được tin; những người khác sẽ thấy thông báo khi nhắn lại."
    ),
    "en": (
        "Zalo: no free broadcast. Only citizens who wrote to the OA in the last 7 days receive "
        "it; the others see the announcement when they write again."
    ),
}
