"""A grievance told in free text is offered to be filed; questions about complaining are not."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from bot.feedback import offers
from bot.feedback.grievance import Grievances
from bot.feedback.models import Ticket
from bot.messages import Inbound
from bot.models import UnansweredQuestion
from bot.runtime import Services
from knowledge.loader import load
from tests.feedback.chat import Chat

DETECTOR = Grievances.load(load().lexicon.abbreviations)
DATA = Path(__file__).parents[1] / "data"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("cán bộ quát tháo", "thai_do"),
        ("cán bộ xã hách dịch quá", "thai_do"),
        ("làm hồ sơ ở xã mà bị hành", "thai_do"),
        ("ubnd xã làm việc quá chậm", "tre_hen"),
        ("nộp hồ sơ online 2 tuần rồi chưa thấy ai duyệt", "tre_hen"),
        ("I've been waiting for 3 weeks for my certificate", "tre_hen"),
        ("tôi gọi đường dây nóng mấy lần không ai nghe máy", "khac"),
        ("Cán bộ tiếp nhận hồ sơ lớn tiếng với dân", "thai_do"),
        ("can bo xa quat thao nguoi dan", "thai_do"),
        ("cb một cửa thái độ rất tệ với dân", "thai_do"),
        ("Sao cán bộ lại quát tôi?", "thai_do"),
        ("cán bộ địa chính vòi tiền mới chịu làm", "thai_do"),
        ("ong can bo noi chuyen rat mat lich su", "thai_do"),
        ("officer was rude to me", "thai_do"),
        ("the staff at the one-stop office shouted at my mother", "thai_do"),
        ("I am not happy with how the officer treated me", "thai_do"),
        ("hồ sơ trễ hẹn mà không ai giải thích", "tre_hen"),
        ("hs của tôi trễ hẹn 2 tuần rồi mà ko ai giải thích", "tre_hen"),
        ("Tôi nộp hồ sơ từ tháng trước, hẹn lần hẹn lữa mãi chưa có kết quả", "tre_hen"),
        ("ho so cua toi qua hen 10 ngay roi", "tre_hen"),
        ("my application is overdue and no one explained why", "tre_hen"),
        ("bị bắt nộp thêm giấy tờ không có trong quy định", "quy_dinh"),
        ("cổng dịch vụ công bị lỗi mấy ngày nay không nộp được hồ sơ", "dvc"),
        ("đường ở thôn 3 bị ngập mấy tuần không ai xử lý", "khac"),
        ("rác thải đổ trộm ở đầu ngõ bốc mùi hôi cả tuần nay", "khac"),
        ("đèn đường xóm 2 hỏng cả tháng không ai sửa", "khac"),
        ("karaoke hàng xóm hát đến 12h đêm, rất bức xúc", "khac"),
        ("the road in my village has been flooded for weeks and nobody fixed it", "khac"),
        ("tôi rất không hài lòng với cách làm việc của cán bộ xã", "thai_do"),
    ],
)
def test_a_told_grievance_is_found_with_its_category(text: str, category: str) -> None:
    found = DETECTOR.detect(text)
    assert found is not None
    assert found.category == category


@pytest.mark.parametrize(
    "text",
    [
        "phản ánh ở đâu",
        "phan anh o dau",
        "thủ tục khiếu nại",
        "làm sao để phản ánh cán bộ có thái độ không tốt",
        "gửi phản ánh về cán bộ quát tháo ở đâu",
        "cán bộ xã quát tháo, lớn tiếng với dân thì phản ánh ở đâu",
        "the officer was rude to me, how do I complain",
        "tố cáo cán bộ xã đòi tiền",
        "how do I file a complaint",
        "where can I report a problem",
        "đánh giá thái độ cán bộ ở đâu",
        "khai sinh quá hạn có bị phạt không",
        "đăng ký khai sinh trễ hạn cần giấy tờ gì",
        "hồ sơ cần mang theo những gì",
        "giấy tờ kèm theo gồm những gì",
        "bảo hiểm y tế của tôi bị mất",
        "tôi bị mất căn cước phải làm sao",
        "hồ sơ nộp online bị lỗi thì làm thế nào",
        "hồ sơ của tôi khi nào có kết quả",
        "xin hỗ trợ thiệt hại do ngập lụt",
        "cán bộ rất nhiệt tình, cảm ơn",
        "cảm ơn cháu nhé",
        "thủ tục quá chậm thì phản ánh ở đâu",
        "hồ sơ bị chậm thì làm sao",
        "cach lam cccd nhanh nhat",
        "vneid bị lỗi không vào được",
        "đánh giá không hài lòng",
        "hồ sơ quá hẹn chưa trả thì hỏi ai",
    ],
)
def test_questions_are_not_grievances(text: str) -> None:
    assert DETECTOR.detect(text) is None


@pytest.mark.parametrize(
    "name", ["devset.yaml", "long_dev.yaml", "long_dev2.yaml", "long_dev3.yaml"]
)
def test_no_dev_set_question_is_taken_for_a_grievance(name: str) -> None:
    items = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    assert [i["q"] for i in items if DETECTOR.detect(i["q"])] == []


def test_only_the_feedback_entries_own_questions_read_as_grievances() -> None:
    kb = load()
    taken = [
        (entry.id, question)
        for entry in kb.entries.values()
        if entry.id not in offers.ENTRIES
        for questions in entry.questions.values()
        for question in questions
        if DETECTOR.detect(question)
    ]
    assert taken == []


def test_a_grievance_is_filed_with_the_citizens_words(app: Services) -> None:
    chat = Chat(app, "an")
    complaint = "Cán bộ tiếp nhận hồ sơ lớn tiếng với dân"
    chat.play(
        f"""
        > {complaint}
        < muốn gửi nội dung này thành phản ánh
        < loại: Thái độ cán bộ
        > [Gửi thành phản ánh]
        < Nội dung đã ghi: «{complaint}»
        < Sự việc xảy ra ở đâu
        > Bộ phận Một cửa
        > [Không để lại]
        > [Gửi]
        < Mã phản ánh
        """
    )
    with app.sessions() as session:
        ticket = session.scalars(select(Ticket)).one()
        assert (ticket.category, ticket.description) == ("thai_do", complaint)
        assert session.scalar(select(func.count()).select_from(UnansweredQuestion)) == 0


def test_the_citizen_can_say_it_was_a_question(app: Services) -> None:
    chat = Chat(app, "an")
    chat.play(
        """
        > đường ở thôn 3 bị ngập mấy tuần không ai xử lý
        < loại: Khác
        > [Không, tôi muốn hỏi thông tin]
        < 0200 000 000
        """
    )
    with app.sessions() as session:
        assert session.scalars(select(Ticket)).all() == []


def test_asking_how_to_complain_gets_the_answer(app: Services) -> None:
    chat = Chat(app, "an")
    chat.play(
        """
        > phản ánh ở đâu
        < 📌
        < Gửi phản ánh ngay
        """
    )


def test_someone_else_cannot_file_my_complaint(app: Services) -> None:
    an, intruder = Chat(app, "an"), Chat(app, "intruder")
    an.type("cán bộ quát tháo dân")
    intruder.buttons = an.buttons
    intruder.press("Gửi thành phản ánh")
    assert "không còn để gửi" in intruder.last


@pytest.mark.parametrize(
    "forged", ["grv:file:²:thai_do", "grv:file:" + "9" * 23 + ":x", "grv:ask:"]
)
def test_forged_grievance_buttons_get_a_polite_reply(app: Services, forged: str) -> None:
    [reply] = app.assistant.handle(Inbound("console", "u1", payload=forged))
    assert reply.text.startswith(("Nội dung này không còn để gửi", "Nút này không còn dùng được"))


def test_an_unknown_category_in_the_button_files_as_other(app: Services) -> None:
    chat = Chat(app, "an")
    chat.type("cán bộ quát tháo dân")
    file_button = next(b for b in chat.buttons if b.payload.startswith("grv:file:"))
    forged = file_button.payload.rsplit(":", 1)[0] + ":zzz"
    app.assistant.handle(Inbound("console", "an", payload=forged))
    chat.type("Thôn 3")
    chat.press("Không để lại")
    chat.press("Gửi")
    with app.sessions() as session:
        assert session.scalars(select(Ticket.category)).one() == "khac"
