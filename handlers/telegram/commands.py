"""The command list Telegram shows in its "/" menu, in Vietnamese (default) and English."""

from __future__ import annotations

from telegram import Bot, BotCommand

# (command, Vietnamese description, English description); the core answers each of them.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("start", "Bắt đầu và xem danh mục chủ đề", "Start and show the main menu"),
    ("help", "Hướng dẫn sử dụng trợ lý ảo", "How to use the assistant"),
    ("menu", "Danh mục thủ tục hành chính", "Topics and procedures"),
    ("lienhe", "Địa chỉ, giờ làm việc và đường dây nóng", "Address, office hours and hotlines"),
    ("phananh", "Gửi phản ánh, kiến nghị", "Send feedback or a complaint"),
    ("tracuu", "Tra cứu phản ánh đã gửi bằng mã", "Track your feedback by its code"),
    ("dangky", "Đăng ký nhận tin cải cách hành chính", "Subscribe to administrative reform news"),
    ("huydangky", "Ngừng nhận tin cải cách hành chính", "Stop receiving reform news"),
    ("thi", "Cuộc thi tìm hiểu cải cách hành chính", "Administrative reform knowledge contest"),
    ("ngonngu", "Đổi ngôn ngữ (Tiếng Việt / English)", "Change language (Tiếng Việt / English)"),
)


def bot_commands(language: str) -> list[BotCommand]:
    """The commands with their descriptions in `language` ("vi" or "en")."""
    column = 2 if language == "en" else 1
    return [BotCommand(row[0], row[column]) for row in COMMANDS]


async def register_commands(bot: Bot) -> None:
    """setMyCommands: Vietnamese for everyone, English for users whose Telegram is in English."""
    await bot.set_my_commands(bot_commands("vi"))
    await bot.set_my_commands(bot_commands("en"), language_code="en")
