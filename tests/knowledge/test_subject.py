"""Subject recognition: boilerplate never decides the subject; unknown subjects are declined
by construction; a redirect is shown only when it fits the question."""

from __future__ import annotations

import pytest

from knowledge.matcher import Matcher
from knowledge.subject import strip_phrases


def test_boilerplate_phrases_are_removed_longest_first() -> None:
    phrases = [
        ("thu", "tuc"),
        ("ho", "so"),
        ("nhung", "gi"),
        ("gom",),
        ("nhung", "giay", "to", "gi"),
    ]
    words = [
        "thu",
        "tuc",
        "dang",
        "ky",
        "tau",
        "ca",
        "ho",
        "so",
        "gom",
        "nhung",
        "giay",
        "to",
        "gi",
    ]
    assert strip_phrases(words, sorted(phrases, key=len, reverse=True)) == [
        "dang",
        "ky",
        "tau",
        "ca",
    ]


def test_a_compound_of_boilerplate_syllables_is_kept_whole() -> None:
    phrases = [("xa",), ("hoi",), ("bao",), ("o",)]
    words = ["nha", "o", "xa", "hoi", "bao", "thong", "bao"]
    assert strip_phrases(words, phrases, keep=[("xa", "hoi"), ("thong", "bao")]) == [
        "nha",
        "xa",
        "hoi",
        "thong",
        "bao",
    ]


def test_sub_and_so_name_subjects_in_vietnamese(matcher: Matcher) -> None:
    """ "Sổ đỏ", "số điện thoại", "mã số thuế", "thông báo", "xã hội" keep their words though
    "so" is English boilerplate and "bảo", "mã", "xã", "hỏi" are Vietnamese boilerplate."""
    words = matcher.subjects.words(
        matcher.normaliser.expand("sổ đỏ, mã số thuế, nhận thông báo, nhà ở xã hội")
    )
    assert words == ("so", "do", "ma", "so", "thue", "nhan", "thong", "bao", "nha", "xa", "hoi")
    english = matcher.subjects.words(matcher.normaliser.expand("so how much is it"), "en")
    assert "so" not in english


def test_a_question_of_boilerplate_alone_has_no_subject_words(matcher: Matcher) -> None:
    expanded = matcher.normaliser.expand(
        "Thủ tục, hồ sơ, lệ phí, thời hạn giải quyết gồm những gì?"
    )
    assert matcher.subjects.words(expanded) == ()


def test_words_no_entry_uses_weigh_most_and_are_never_covered(matcher: Matcher) -> None:
    words = matcher.subjects.words(matcher.normaliser.expand("cấp phép xyzabc qwerty"))
    fit = matcher.subjects.fit("khai_sinh", words)
    assert fit.cover == 0.0
    assert fit.unknown == 1.0
    assert matcher.subjects.weight("xyzabc") > matcher.subjects.weight("khai")


@pytest.mark.parametrize(
    "question",
    [
        "thủ tục xin giấy phép xyzabc qwerty gồm những gì",
        "thủ tục cấp giấy phép nuôi chim yến gồm những gì",
        "hồ sơ xin cấp phép bay flycam gồm những gì",
        "lệ phí đăng ký quyền tác giả bài hát là bao nhiêu",
        "thời hạn giải quyết hồ sơ cấp giấy phép lặn biển",
        "Hồ sơ chào bán cổ phiếu riêng lẻ bao gồm những gì?",
        "Tôi muốn xin miễn thuế nhập khẩu đối với hàng hóa nhập khẩu phục vụ nghiên cứu khoa học",
        "Quy định về phí, lệ phí trong lĩnh vực cấp giấy phép nuôi trồng thủy sản",
        "Vợ chồng tôi muốn nhận con nuôi thì hồ sơ gồm những gì",
    ],
)
def test_questions_about_subjects_the_commune_does_not_handle_are_declined(
    matcher: Matcher, question: str
) -> None:
    match = matcher.match(question)
    assert (match.band, match.intent) == ("decline", None)


@pytest.mark.parametrize(
    ("question", "redirect"),
    [
        ("thủ tục cấp giấy phép khai thác thủy sản", "oos_nong_nghiep_thuy_san"),
        ("làm hộ chiếu ở đâu", "oos_ho_chieu"),
        ("Hai vợ chồng em muốn thuận tình ly hôn, hồ sơ nộp ở tòa án nào?", "oos_toa_an"),
        ("đăng ký nghĩa vụ quân sự lần đầu cần mang gì", "oos_nghia_vu_quan_su"),
        (  # "con nuôi" is not "chăn nuôi"
            "Vợ chồng tôi hiếm muộn, muốn nhận con nuôi trong nước thì hồ sơ gồm những gì?",
            None,
        ),
        ("Hồ sơ cấp giấy phép khai thác khoáng sản làm vật liệu xây dựng thông thường", None),
        ("nộp ở đâu", None),  # no subject, so no redirect can fit
    ],
)
def test_a_redirect_is_shown_only_when_it_fits(
    matcher: Matcher, question: str, redirect: str | None
) -> None:
    assert matcher.match(question).redirect == redirect


def test_a_variant_trigger_alone_does_not_make_a_topic_fit(matcher: Matcher) -> None:
    # "Nhật Bản" names the foreign-marriage variant, but nothing here is about marriage.
    match = matcher.match(
        "Thủ tục đăng ký đi làm việc ở Nhật Bản theo diện thực tập sinh thế nào ạ?"
    )
    assert match.variant is None
    assert match.band != "answer"


@pytest.mark.parametrize(
    "question",
    ["lệ phí bao nhiêu?", "cần giấy tờ gì", "làm ở đâu?", "mat bao lau", "how much is it?"],
)
def test_boilerplate_alone_is_not_answered_with_a_topic(matcher: Matcher, question: str) -> None:
    match = matcher.match(question)
    assert (match.band, match.intent) == ("decline", None)
    assert match.aspect is not None  # what it asks is understood; which topic is not


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("nop ho so truc tuyen o dau", "dvc_nop_ho_so"),
        ("bộ phận một cửa ở đâu", "bo_phan_mot_cua"),
    ],
)
def test_entries_whose_subject_is_the_boilerplate_still_answer_it(
    matcher: Matcher, question: str, intent: str
) -> None:
    assert intent in matcher.subjects.subjectless
    match = matcher.match(question)
    assert (match.band, match.intent) == ("answer", intent)
