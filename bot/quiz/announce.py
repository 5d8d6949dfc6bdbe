"""A contest's announcement: one broadcast draft that tells subscribers how to take part."""

from __future__ import annotations

from bot.quiz.texts import office
from knowledge.contests import Contest
from knowledge.schema import pick


def announcement_text(contest: Contest) -> str:
    """The draft's text: title, when, how many questions and minutes, and `/thi`."""
    minutes = int(contest.time_limit.total_seconds() // 60)
    return (
        f"🏆 Cuộc thi «{pick(contest.title, 'vi')}»\n\n"
        f"Thời gian: từ {office(contest.opens)} đến {office(contest.closes)}.\n"
        f"Mỗi lượt {contest.per_attempt} câu hỏi trắc nghiệm, làm trong {minutes} phút; mỗi "
        f"người được thi tối đa {contest.attempts_allowed} lượt.\n\n"
        "Để tham gia, Ông/Bà nhắn /thi cho trợ lý ảo (hoặc chọn mục Cuộc thi trong menu)."
    )
