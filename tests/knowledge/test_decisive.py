"""A question naming a runner-up's decisive word ("trích lục") and none of the leader's is never
answered with the leader: both are offered, the runner-up first. Our own wording."""

from __future__ import annotations

import pytest

from knowledge.matcher import Matcher

# the leader's matter (kết hôn, hủy nhận tin) is only what the paper or the action is about
RIVALS = [
    (
        "Hồi trước đăng ký kết hôn ở huyện cũ, giờ cần trích lục kết hôn để làm hồ sơ vay vốn thì"
        " xin ở đâu?",
        "trich_luc_ho_tich",
    ),
]

# the leader's own decisive word is named: still answered
ANSWERED = [
    (
        "Con tôi mới sinh ở bệnh viện huyện, có giấy chứng sinh rồi, đăng ký khai sinh cần mang"
        " gì?",
        "khai_sinh",
    ),
    (
        "Tôi làm khai sinh ở quê từ nhỏ, nay sống ở thành phố, muốn xin bản sao trích lục khai"
        " sinh thì làm ở đây được không?",
        "trich_luc_ho_tich",
    ),
    (
        "Cho mình hỏi làm thẻ căn cước gắn chip thì lên công an xã hay huyện, mình đang tạm trú ở"
        " đây",
        "can_cuoc",
    ),
]


@pytest.mark.parametrize(("question", "rival"), RIVALS)
def test_a_rivals_decisive_word_turns_an_answer_into_a_choice(
    matcher: Matcher, question: str, rival: str
) -> None:
    match = matcher.match(question)
    assert match.band == "suggest", (match.band, match.intent, match.score)
    assert match.suggestions[0] == rival
    assert match.intent in match.suggestions


@pytest.mark.parametrize(("question", "intent"), ANSWERED)
def test_the_leaders_own_decisive_word_keeps_the_answer(
    matcher: Matcher, question: str, intent: str
) -> None:
    match = matcher.match(question)
    assert (match.band, match.intent) == ("answer", intent)


def test_decisive_words_are_the_entrys_own(matcher: Matcher) -> None:
    owned = matcher.decisive.owned
    assert ("trich",) in owned["trich_luc_ho_tich"]
    assert ("ket", "hon") not in owned.get("trich_luc_ho_tich", frozenset())
    assert not any(("ky", "ket") in terms for terms in owned.values())  # đăng ký kết hôn
