"""Language of short messages, with and without diacritics."""

from __future__ import annotations

import pytest

from knowledge.langid import is_vietnamese_syllable
from knowledge.matcher import Matcher


@pytest.mark.parametrize(
    "text",
    [
        "lam cccd o dau",
        "đăng ký khai sinh",
        "cho hoi thu tuc ket hon",
        "ko biet lam sao",
        "xin giay xac nhan doc than",
        "mat can cuoc thi lam the nao",
        "cho em hoi lam căn cước o dau vay ad",  # one marked word in unmarked Vietnamese
        "Tôi muốn hỏi về hồ sơ đăng ký kết hôn",
    ],
)
def test_vietnamese(matcher: Matcher, text: str) -> None:
    assert matcher.language.detect(text) == "vi"


@pytest.mark.parametrize(
    "text",
    [
        "how do I register a birth",
        "where is the commune office",
        # an English question quoting a few Vietnamese words
        "I submitted my hồ sơ online two days ago, what happens next?",
        "What is the difference between khiếu nại and tố cáo, which one do I file against it?",
        "I lost my ID card",
        "what documents do I need for marriage registration",
    ],
)
def test_english(matcher: Matcher, text: str) -> None:
    assert matcher.language.detect(text) == "en"


def test_other_language_goes_to_langdetect(matcher: Matcher) -> None:
    french = "Comment puis-je obtenir une copie de mon acte de naissance"
    assert matcher.language.detect(french) == "fr"


def test_syllable_rule() -> None:
    assert is_vietnamese_syllable("nghieng")
    assert is_vietnamese_syllable("khong")
    assert not is_vietnamese_syllable("register")
    assert not is_vietnamese_syllable("strong")
