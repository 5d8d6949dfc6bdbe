"""The matcher keeps the matches of texts asked before: same answer, the text as typed."""

from __future__ import annotations

from knowledge.matcher import MATCH_CACHE_TEXT, Matcher


def test_a_repeated_question_matches_as_a_fresh_matcher_would(matcher: Matcher) -> None:
    fresh = Matcher(matcher.kb, matcher.thresholds)
    for question in ("làm căn cước ở đâu", "thủ tục đăng ký kết hôn", "lệ phí bao nhiêu"):
        first = matcher.match(question)
        assert matcher.match(question) == first == fresh._match_aspect(question)


def test_texts_that_normalise_alike_keep_their_own_wording(matcher: Matcher) -> None:
    # The match's query is what the message log records: the cache must not hand one
    # citizen's wording to another whose text only normalises to the same words.
    lower = matcher.match("làm căn cước ở đâu")
    upper = matcher.match("LÀM CĂN CƯỚC Ở ĐÂU ")
    plain = matcher.match("lam can cuoc o dau")
    assert (lower.query, upper.query, plain.query) == (
        "làm căn cước ở đâu",
        "LÀM CĂN CƯỚC Ở ĐÂU ",
        "lam can cuoc o dau",
    )
    assert lower.intent == upper.intent == plain.intent is not None


def test_a_long_text_is_matched_but_not_kept(matcher: Matcher) -> None:
    long = "cho tôi hỏi thủ tục đăng ký khai sinh cho con " * (MATCH_CACHE_TEXT // 40 + 1)
    assert len(long) > MATCH_CACHE_TEXT
    before = matcher._cached.cache_info().currsize
    assert matcher.match(long).query == long
    assert matcher._cached.cache_info().currsize == before
