"""Aspect detection: what a question asks about, in Vietnamese (marked, unmarked, teencode) and
English; and the words left once the cues are taken out."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.aspect import ASPECTS, AspectDetector, detect, detector_for, load_table
from knowledge.matcher import Matcher

CASES = {
    "documents": [
        "Đăng ký kết hôn cần chuẩn bị gì?",
        "dang ky ket hon can chuan bi gi",
        "làm giấy khai sinh cần giấy tờ j vậy ad",
        "hồ sơ đăng ký thường trú gồm những gì",
        "What documents do I need for a birth registration?",
        "what should I bring to register my marriage",
        "làm khai sinh cần bản gốc giấy chứng sinh không",
    ],
    "fee": [
        "Lệ phí khai sinh bao nhiêu?",
        "le phi khai sinh bao nhieu",
        "làm căn cước hết bn tiền",
        "chứng thực có mất tiền ko",
        "How much is the ID card?",
        "is there a fee for marriage registration",
        "dk tạm trú hết bnhiu vậy ad",
        "What are the charges for replacing an ID card?",
    ],
    "time": [
        "Làm căn cước mất bao lâu?",
        "lam can cuoc mat bao lau",
        "đk tạm trú mấy ngày thì có",
        "cải chính hộ tịch mất bao nhiêu ngày làm việc",
        "How long does a birth certificate take?",
        "how many days for residence registration",
        "lam can cuoc bao h co the",
    ],
    "where": [
        "Làm căn cước ở đâu?",
        "lam can cuoc o dau",
        "xin xác nhận độc thân chỗ nào ad",
        "chứng thực hợp đồng làm tại xã hay phòng công chứng",
        "nộp hồ sơ ở xã hay huyện",
        "Where do I register a birth?",
        "Can I do it at the commune or must I go to the district?",
        "which office handles certification",
    ],
    "steps": [
        "Thủ tục gia hạn tạm trú như thế nào?",
        "thu tuc gia han tam tru nhu the nao",
        "kích hoạt vneid mức 2 ntn",
        "các bước nộp hồ sơ",
        "How do I extend my temporary residence?",
        "what are the steps to apply",
        "What do I need to do to extend my temporary residence?",
    ],
    "online": [
        "Khai sinh online được không?",
        "khai sinh truc tuyen duoc khong",
        "đk tạm trú onl đc ko",
        "xin xác nhận cư trú trên VNeID được không",
        "Can I do it online?",
        "apply via VNeID",
        "Do I have to go in person or can I apply online?",
        "Can this be done electronically?",
    ],
    "legal": [
        "Khai sinh căn cứ luật nào?",
        "khai sinh can cu luat nao",
        "chứng thực hợp đồng theo nghị định nào",
        "What is the legal basis for birth registration?",
        "which law applies to residence",
    ],
    "who": [
        "Ai được đi khai sinh cho con?",
        "ai duoc di khai sinh cho con",
        "người nào có trách nhiệm đi khai sinh cho trẻ",
        "con dưới 14 tuổi có được làm căn cước không",
        "chứng thực chữ ký nhờ người làm thay được không",
        "hai vợ chồng có phải cùng có mặt không",
        "Who can register a child's birth?",
        "can someone else apply on behalf of me",
        "Do both parents have to attend?",
        "Can my mother go instead of me?",
        "ai đứng tên hợp đồng thuê nhà",
    ],
}


# More wordings, written apart from the table's cue lists (a check that it generalises).
PARAPHRASES = [
    (item["q"], item["aspect"])
    for item in yaml.safe_load((Path(__file__).parent / "aspect_paraphrases.yaml").read_text())
]


@pytest.fixture(scope="module")
def table_detector(matcher: Matcher) -> AspectDetector:
    return detector_for(matcher.normaliser)


@pytest.mark.parametrize(
    ("question", "aspect"), [(q, a) for a, questions in CASES.items() for q in questions]
)
def test_each_aspect_is_recognised(
    table_detector: AspectDetector, question: str, aspect: str
) -> None:
    assert table_detector.detect(question) == aspect


@pytest.mark.parametrize(("question", "aspect"), PARAPHRASES)
def test_paraphrases(table_detector: AspectDetector, question: str, aspect: str | None) -> None:
    assert table_detector.detect(question) == aspect


def test_every_aspect_has_cases() -> None:
    assert set(CASES) == set(ASPECTS)


@pytest.mark.parametrize(
    "question",
    ["khai sinh", "Đăng ký khai sinh", "thường trú", "CCHC là gì", "birth registration", ""],
)
def test_questions_without_an_aspect(table_detector: AspectDetector, question: str) -> None:
    assert table_detector.detect(question) is None


@pytest.mark.parametrize(
    ("question", "aspect"),
    [
        # The first cue decides when a question asks two things.
        ("hồ sơ gồm những gì, lệ phí bao nhiêu", "documents"),
        ("lệ phí bao nhiêu, hồ sơ gồm những gì", "fee"),
        ("nộp ở đâu, mất bao lâu", "where"),
        # The longer cue wins at the same word: "mất bao nhiêu ngày" is time, not fee.
        ("cải chính mất bao nhiêu ngày", "time"),
        # A weak cue ("hồ sơ") gives way to a strong one that comes later.
        ("nộp hồ sơ khai sinh ở đâu", "where"),
        # "có mất phí" is folded like "có mặt": it must stay a fee question.
        ("làm khai tử có mất phí không", "fee"),
        # Neutral phrases are topics, not cues: the online-payment topic is not a fee question.
        ("thanh toán lệ phí trực tuyến thế nào", "steps"),
        # The asking part decides over the story before it: its "?" sentence, or after "cho hỏi".
        ("Tôi đã nộp lệ phí hôm qua. Bao lâu thì có kết quả?", "time"),
        ("em đã đóng phí rồi, cho em hỏi bao lâu thì có kết quả", "time"),
        ("I paid the fee last week. When can I collect the certificate?", "time"),
        ("Làm khai sinh có mất lệ phí không? Bà định đi làm giúp con dâu", "fee"),
        # A clause that only tells gives way to the clause that asks ("mà tự làm không được" is
        # a negation, not a question; "giờ phải làm sao" asks).
        (
            "em muốn kích hoạt vneid trên ứng dụng mà tự làm không được, giờ phải làm sao ạ",
            "steps",
        ),
        ("I set it up on VNeID but it failed, so how do I get it done at the office?", "steps"),
        ("bản sao chứng thực trên mạng bị lỗi, giờ ra xã làm ở đâu", "where"),
        # ... while two clauses that both ask keep the first ("gửi ai" asks: "ai" is who).
        ("làm đơn khiếu nại gửi ai, thời hạn khiếu nại là bao lâu", "where"),
        ("lệ phí bao nhiêu, làm online được không", "fee"),
        # In English a generic "how do I" gives way to the specific question after it; in
        # Vietnamese the first cue keeps deciding.
        ("How do I renew my driving licence? Can I do it online?", "online"),
        ("How do I extend it and how long before the expiry should I apply?", "time"),
        # ... but not to what the "how" itself asks about: the fee here is what is paid
        ("how do I pay fees online", "steps"),
        ("How do I pay the fee on the portal after submitting?", "steps"),
        ("gia hạn tạm trú thì làm thế nào, mất bao lâu", "steps"),
        # "do I need to <verb>" asks about the verb, not documents
        ("Do I need to go to the commune police to activate it?", "where"),
        # paying by wallet or transfer is about online payment, not the amount
        ("có trả được bằng ví điện tử không", "online"),
        # ... even when the fee is named first: it asks how to pay, not how much
        ("dong le phi cap doi can cuoc bang chuyen khoan dc ko", "online"),
        ("Lệ phí trích lục có nộp bằng MoMo được không ạ?", "online"),
        ("Is it OK to pay the certification fee with a bank card?", "online"),
        # "or must I go to <office>" asks where, also with "bắt buộc" and without diacritics
        ("di chuc nay xa chung thuc dc ko hay phai ra phong cong chung", "where"),
        ("Hợp đồng tặng cho đất xã làm được không, hay bắt buộc lên huyện ạ?", "where"),
        ("lam di chuc o uy ban xa duoc ko", "where"),
        ("Which court handles a divorce when my wife lives abroad?", "where"),
        # a bare "how" in a short English query asks for the steps; "how satisfied" does not
        ("transfer house ownership to son how", "steps"),
        ("how register motorbike", "steps"),
        ("Were you asked how satisfied you were with the service", None),
        # "duration" asks about time when nothing else is asked
        ("what is the duration of a temporary residence card", "time"),
        # a weak cue does not swallow a strong one that starts inside it ("có cần" + "cần photo")
        ("sao y giấy khai sinh có cần photo trước không, hay ra xã mới photo", "documents"),
        ("sao y bang tot nghiep co can ban chinh ko hay ra xa lam luon", "documents"),
        # "where and how" asks for the procedure: the steps answer names the place too
        ("đăng ký tạm vắng làm ở đâu và làm thế nào ạ", "steps"),
        ("dang ky giam ho nop o dau, lam nhu the nao", "steps"),
        # ... while "where" alone stays where
        ("xin trích lục bản sao ở chỗ nào vậy ad", "where"),
        # "thủ tục hành chính" / "làm thủ tục" name the domain or the visit, not a how question
        ("xã có bảng niêm yết thủ tục hành chính ở cổng không", None),
        ("hôm qua lúc làm thủ tục em quên mang kính, có sao không", None),
        # "ai là người ..." asks who
        ("cho hỏi ai là người ký giấy xác nhận cư trú", "who"),
        # a deadline missed or still in reach asks about time
        ("con em được 2 tháng, giờ đi khai sinh còn kịp không ạ", "time"),
        ("dang ky tam tru tre han thi sao", "time"),
        ("Is it too late to register a death after three months?", "time"),
        # ... but "trễ"/"muộn" alone fold like "trẻ"/"muốn" and ask nothing
        ("trẻ nhỏ muốn học bơi", None),
        # whose name, account or age it may be done in asks who
        ("Could I book the appointment for her with my phone number?", "who"),
        ("Should the tenants sign up with their own phone numbers?", "who"),
        ("Can they receive the alerts on my Zalo instead of mine?", "who"),
        ("chau 15 tuoi co lam can cuoc duoc ko", "who"),
        ("Bé 10 tuổi có thể tự đứng ra xin cấp bản sao không?", "who"),
        # "which law/decree" decides its sentence: the fee or time before it is its subject
        ("thời hạn cấp căn cước được quy định tại nghị định nào", "legal"),
        ("cho em hoi le phi dang ky ket hon theo thong tu nao a", "legal"),
        ("The time limit for a complaint is set by which law?", "legal"),
        # ... but a later sentence is a second question: the first keeps deciding
        ("How long does a complaint take? And which law covers it?", "time"),
        # a bare "sao" ending the question is "làm sao"; "bản sao", "là sao", "có sao" are not
        ("doi ten tren giay khai sinh sao ad", "steps"),
        ("đăng ký giám hộ sao ạ", "steps"),
        ("xin ban sao", None),
        ("quên mang căn cước thì có sao", None),
        ("cải chính hộ tịch là sao vậy", None),
        # what evidence or proof to show asks about documents
        (
            "My mother's birth year is wrong on her ID. What proof will the commune accept?",
            "documents",
        ),
        ("giấy tờ chứng minh chỗ ở hợp pháp là loại nào ạ", "documents"),
        # ... while a fee question with no way to pay stays a fee question
        ("lệ phí trích lục nộp ở xã là bao nhiêu", "fee"),
        # doing it for someone else, or an age limit, is who may
        ("em tạo tài khoản giúp mẹ được không", "who"),
        ("What is the minimum age to register a marriage?", "who"),
        # ... but the story counts when the asking part has no cue of its own.
        ("Tôi muốn hỏi lệ phí khai sinh. Cảm ơn ạ?", "fee"),
    ],
)
def test_which_cue_decides(
    table_detector: AspectDetector, question: str, aspect: str | None
) -> None:
    assert table_detector.detect(question) == aspect


@pytest.mark.parametrize(
    ("question", "aspect"),
    [
        # A question word asks about the cue it belongs to, not a cue that only names part of
        # the subject ("trên mạng", "mai táng phí") earlier in the same clause.
        ("Hồ sơ cấp giấy phép trò chơi điện tử trên mạng gồm những gì?", "documents"),
        ("hồ sơ hưởng trợ cấp mai táng phí gồm những gì", "documents"),
        # ... in place: "mấy nghìn" (like "bao nhiêu") fits a fee, not the "nộp ở" between them
        ("lệ phí trích lục nộp ở xã là mấy nghìn", "fee"),
        # A yes-no question asks about what follows its "có" ("cả hai" only says who goes),
        # also when "và"/"hay" joins a second question after the "không".
        ("cả hai vợ chồng có phải mang theo sổ hộ khẩu không", "documents"),
        ("làm căn cước có đăng ký trên mạng trước để khỏi phải chờ lâu được không", "online"),
        ("tôi có được giữ bí mật danh tính không và nộp đơn ở đâu ạ", "who"),
        # "A hay B" asks about A: the cue before "hay" ("phải về quê xin giấy gì" is the
        # alternative)
        ("đăng ký tạm trú thì lên công an xã nơi đang ở hay phải về quê xin giấy gì", "where"),
        # A generic "thế nào" asks about the cue before it in its part of the sentence ("lệ phí
        # tính thế nào"), never across "thì": what comes before "thì" is the subject.
        ("Lệ phí trước bạ khi sang tên nhà đất tính thế nào ạ?", "fee"),
        ("muốn sang tên cả hai vợ chồng đứng tên chung thì làm thế nào", "steps"),
        ("tôi bị lừa chuyển khoản qua mạng thì báo ngân hàng như thế nào", "steps"),
        # Unmarked "nhung" is also "những": it does not split the clause like "nhưng".
        ("ho so cap giay phep tro choi tren mang gom nhung gi", "documents"),
    ],
)
def test_a_question_word_asks_about_its_own_cue(
    table_detector: AspectDetector, question: str, aspect: str | None
) -> None:
    assert table_detector.detect(question) == aspect


@pytest.mark.parametrize(
    ("question", "aspect"),
    [
        # "which/what <noun>" asks about the noun, also with words between them
        (
            "Which private notary office can notarize a contract on the weekend, and how long "
            "does it take?",
            "where",
        ),
        ("What time does the office open tomorrow and where do I park?", "time"),
        ("What is the goal of the reform and which government program sets the plan?", "legal"),
        # ... but not past the verb: here the office only says something
        ("What does the commune office say about a late registration?", None),
        # "<noun> nào/gì" likewise, the noun a few words before the question word
        ("muốn nộp hồ sơ online thủ tục của xã thì vào trang nào", "where"),
        ("tra cứu hồ sơ thì cần nhập những thông tin gì", "documents"),
        ("cơ quan có thẩm quyền nào cấp giấy phép này", "where"),
        # ... never a short noun that folds like another word ("nội dung" is not "nơi")
        ("cải cách hành chính gồm những nội dung nào", None),
    ],
)
def test_a_question_word_asks_about_its_noun(
    table_detector: AspectDetector, question: str, aspect: str | None
) -> None:
    assert table_detector.detect(question) == aspect


@pytest.mark.parametrize(
    ("question", "aspect"),
    [
        # consent of another person, an age, the asker's role or kind of person: who may
        ("Con đã 10 tuổi thì có cần cháu đồng ý không", "who"),
        ("Is that allowed, and does his father have to agree?", "who"),
        ("Does she need an ID card at her age?", "who"),
        ("Can I, as his granddaughter, go and register the death?", "who"),
        ("bà e mất, e là cháu đi lm khai tử dc k ạ", "who"),
        ("Người đã ly hôn như tôi thì có xin được giấy này không ạ?", "who"),
        ("Can the ward certify it, or does it have to be a professional translator?", "who"),
        # "or must (the parents) be there" is who; "hay bắt buộc" alone names no place
        ("Ông bà có đi khai sinh cho cháu được không, hay bắt buộc bố mẹ phải có mặt?", "who"),
        # another place, or which side, may do it: where
        ("Can I renew my ID card while staying in another province?", "where"),
        ("Hai người ở hai tỉnh thì đăng ký kết hôn ở xã bên nào cũng được phải không?", "where"),
        ("chứng thực bản sao được không hay mình phải đi chỗ khác", "where"),
        ("Cán bộ có thể đến nhà chứng thực không, hay bắt buộc phải ra trụ sở ủy ban?", "where"),
        # how early or late to apply: time
        ("How early should I apply to extend the registration?", "time"),
    ],
)
def test_who_where_and_time_cues(
    table_detector: AspectDetector, question: str, aspect: str | None
) -> None:
    assert table_detector.detect(question) == aspect


def test_match_carries_the_aspect(matcher: Matcher) -> None:
    assert matcher.match("Lệ phí khai sinh bao nhiêu?").aspect == "fee"
    assert matcher.match("khai sinh").aspect is None


def test_plain_folding_without_a_lexicon() -> None:
    assert detect("Làm căn cước ở đâu?") == "where"
    assert detect("Làm căn cước ở đâu?", None) == "where"


@pytest.mark.parametrize(
    ("question", "left"),
    [
        ("Tốn phí bao nhiêu?", []),
        ("làm ở đâu?", []),
        ("online được không?", []),
        ("how much is it?", []),
        ("thủ tục này cần giấy tờ gì", []),
        ("lệ phí khai sinh bao nhiêu", ["khai", "sinh"]),
        ("lệ phí nghĩa vụ quân sự bao nhiêu", ["nghia", "vu", "quan", "su"]),
    ],
)
def test_remainder_keeps_only_subject_words(
    table_detector: AspectDetector, question: str, left: list[str]
) -> None:
    assert table_detector.remainder(question) == left


def test_bundled_table_loads() -> None:
    table = load_table()
    assert all(table.strong[a] for a in ASPECTS)


def test_unknown_aspect_in_the_table_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "aspects.yaml"
    bad.write_text("aspects:\n  price:\n    strong: [giá]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown aspects"):
        load_table(bad)


def test_a_phrase_list_must_be_a_list_of_text(tmp_path: Path) -> None:
    bad = tmp_path / "aspects.yaml"
    bad.write_text("aspects:\n  fee:\n    strong: lệ phí\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'strong' must be a list"):
        load_table(bad)


def test_a_custom_table_is_used(tmp_path: Path) -> None:
    path = tmp_path / "aspects.yaml"
    path.write_text(
        "aspects:\n  fee:\n    strong: [giá]\n  where:\n    heads: [quầy]\n", encoding="utf-8"
    )
    mine = AspectDetector(load_table(path))
    assert mine.detect("giá bao nhiêu") == "fee"
    assert mine.detect("lệ phí bao nhiêu") is None
    assert mine.detect("ra quầy số mấy, quầy nào") == "where"
