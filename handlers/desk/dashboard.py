"""The dashboard page: the last twelve weeks in charts, and the figures of today."""

from __future__ import annotations

from starlette.responses import Response

from bot.desk.dashboard import build_dashboard
from bot.feedback.duedates import office_today
from bot.feedback.texts import category_label
from handlers.desk.charts import share_line, stacked_bars
from handlers.desk.context import Ctx


def dashboard_page(ctx: Ctx) -> Response:
    """GET /admin/dashboard"""
    board = build_dashboard(ctx.db, office_today())
    labels = [w.start.strftime("%d/%m") for w in board.weeks]
    categories = list(board.weeks[0].by_category) if board.weeks else []
    series = {
        category_label(c, "vi"): [w.by_category.get(c, 0) for w in board.weeks] for c in categories
    }
    charts = [
        stacked_bars("Số phản ánh mỗi tuần theo loại", labels, series),
        share_line(
            "Tỷ lệ phản ánh được phản hồi đúng hạn", labels, [w.on_time_share for w in board.weeks]
        ),
        share_line(
            "Tỷ lệ câu hỏi trợ lý ảo chưa trả lời được",
            labels,
            [w.declined_share for w in board.weeks],
        ),
    ]
    charts.append(
        share_line(
            "Mức hài lòng trung bình (100% = 5 điểm)",
            labels,
            [w.satisfaction for w in board.weeks],
        )
    )
    titles = [
        "Số phản ánh mỗi tuần theo loại",
        "Tỷ lệ phản hồi đúng hạn (theo tuần gửi)",
        "Tỷ lệ câu hỏi trợ lý ảo từ chối",
        "Mức hài lòng của người dân (điểm trung bình / 5)",
    ]
    kb = ctx.desk.services.matcher.kb
    topics = [
        (kb.entries[i].title.get("vi", i) if i in kb.entries else i, n)
        for i, n in board.top_topics
    ]
    return ctx.render(
        "dashboard.html",
        board=board,
        charts=list(zip(titles, charts, strict=True)),
        topics=topics,
    )
