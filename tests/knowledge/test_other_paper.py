"""A question about a "giấy xác nhận / chứng nhận <X>" whose X the matched entry's own samples
never put after those words is about another paper: not answered with that entry. Our own
wording."""

from __future__ import annotations

import pytest

from knowledge.matcher import Matcher

OTHER_PAPERS = [
    # an income confirmation is the employer's paper (was the single-status entry at 78.2)
    "Cho hỏi xin giấy xác nhận thu nhập để vay ngân hàng thì làm ở đâu, mất bao lâu?",
]

OWN_PAPERS = [
    ("xin giấy xác nhận tình trạng hôn nhân ở xã cần mang gì", "xac_nhan_hon_nhan"),
    ("giấy xác nhận cư trú xin online được không", "xac_nhan_cu_tru"),
    ("xác nhận tìn trạng hôn nhân để mua nhà", "xac_nhan_hon_nhan"),  # one letter off
    ("Làm lại giấy chứng nhận kết hôn bị mất thì làm sao?", "trich_luc_ho_tich"),
    # a paper among the documents to bring does not decide
    (
        "đi đăng ký kết hôn có phải mang theo giấy xác nhận cư trú không ạ",
        "ket_hon",
    ),
]


@pytest.mark.parametrize("question", OTHER_PAPERS)
def test_another_paper_is_not_answered_with_the_entry(matcher: Matcher, question: str) -> None:
    match = matcher.match(question)
    assert match.band == "decline", (match.band, match.intent, match.score)


@pytest.mark.parametrize(("question", "intent"), OWN_PAPERS)
def test_the_entrys_own_paper_is_answered(matcher: Matcher, question: str, intent: str) -> None:
    match = matcher.match(question)
    assert (match.band, match.intent) == ("answer", intent)
