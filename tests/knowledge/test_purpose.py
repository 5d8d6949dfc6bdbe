"""Words an entry's samples use only as the purpose of a paper ("giấy xác nhận độc thân để mua
nhà ở xã hội") do not make it the answer to a question about that purpose itself. Questions
from the dev sets (tests/data/long_dev*.yaml)."""

from __future__ import annotations

from knowledge.matcher import Matcher
from knowledge.subject import split_purpose


def test_a_question_about_what_an_entrys_paper_is_for_is_not_that_entry(
    matcher: Matcher,
) -> None:
    # the marital-status entry speaks of buying social housing only as what its paper is for
    match = matcher.match("Thời hạn giải quyết hồ sơ mua nhà ở xã hội là bao lâu vậy?")
    assert match.band != "answer", (match.intent, match.score)


def test_a_purpose_named_as_a_purpose_still_counts(matcher: Matcher) -> None:
    match = matcher.match(
        "Em cần giấy xác nhận tình trạng độc thân để làm thủ tục vay vốn ngân hàng mua nhà,"
        " thì phải nộp những giấy tờ gì ạ?"
    )
    assert (match.band, match.intent) == ("answer", "xac_nhan_hon_nhan")


def test_the_purpose_runs_from_de_to_the_end_of_its_clause() -> None:
    said, wanted = split_purpose("cần giấy độc thân để nộp hồ sơ mua nhà thì xin ở đâu")
    assert wanted.split() == ["nộp", "hồ", "sơ", "mua", "nhà"]
    assert said.split() == ["cần", "giấy", "độc", "thân", "xin", "ở", "đâu"]
    assert split_purpose("xin giay doc than de vay ngan hang")[1] == "vay ngan hang"
    # "để" naming the procedure itself, and "đề nghị", are no purpose
    assert split_purpose("làm sao để trợ lý ảo gửi tin")[1].strip() == ""
    assert split_purpose("mang gì để chứng thực hợp đồng")[1].strip() == ""
    assert split_purpose("giay de nghi cap lai")[1].strip() == ""
