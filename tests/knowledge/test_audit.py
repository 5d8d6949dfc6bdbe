"""`kb audit`: our procedure facts against made-up records in the national database's shape."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from knowledge import facts
from knowledge.audit import Difference, RecordError, audit, read_records
from knowledge.facts import Duration
from knowledge.loader import load

CODE = "9.000001"
HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"


def record(
    rows: list[tuple[str, str, str]] | None = None,
    legal: list[tuple[str, str]] | None = None,
    code: str = CODE,
) -> dict[str, Any]:
    """A made-up record, its tables glued into strings as the national database's export has."""
    rows = rows or [
        ("Trực tiếp", "5 Ngày làm việc", "25,000 Việt Nam Đồng(Thu khi nộp hồ sơ.)"),
        ("Trực tuyến", "5 Ngày làm việc", "15,000 Việt Nam Đồng(Nộp qua cổng dịch vụ công.)"),
    ]
    legal = legal or [
        ("Luật Mẫu", "12/2020/QH14"),
        ("Nghị định sửa đổi Nghị định số 99/2019/NĐ-CP ngày 01/02/2019", "07/2025/NĐ-CP"),
    ]
    return {
        "ma_thu_tuc": code,
        "ten_thu_tuc": "Thủ tục mẫu",
        "cach_thuc_thuc_hien": HEADER + "".join(a + b + c for a, b, c in rows),
        "can_cu_phap_ly": LEGAL_HEADER + "".join(name + number for name, number in legal),
    }


def write_kb(
    root: Path,
    *,
    fee: str = "Nộp trực tiếp 25.000 đồng/lần; nộp trực tuyến 15.000đ/lần",
    time: str = "05 ngày làm việc",
    level: str = "mot_phan",
    legal: tuple[str, ...] = ("Luật Mẫu số 12/2020/QH14", "Nghị định 7/2025/ND-CP"),
    code: str = CODE,
) -> Path:
    kb = root / "kb"
    (kb / "topics").mkdir(parents=True)
    (kb / "locality.yaml").write_text("hotline: {commune: '0123'}\n", encoding="utf-8")
    available = "false" if level == "khong" else "true"
    legal_lines = "\n".join(f'          - "{item}"' for item in legal)
    (kb / "topics" / "mau.yaml").write_text(
        textwrap.dedent(
            """\
            group: mau
            title: {vi: "Mẫu"}
            entries:
              - id: thu_tuc_mau
                category: procedure
                title: {vi: "Thủ tục mẫu"}
                questions: {vi: ["thủ tục mẫu làm thế nào"]}
                answer: {vi: "Trả lời mẫu."}
                procedure:
                  code: "%s"
                  fee: {vi: "%s"}
                  processing_time: {vi: "%s"}
                  online: {available: %s, level: %s}
                  legal_basis:
            %s
                source: {name: "Cơ sở dữ liệu quốc gia, thủ tục mẫu"}
                checked: 2026-12-02
            """
        )
        % (code, fee, time, available, level, legal_lines),
        encoding="utf-8",
    )
    return kb


def write_records(root: Path, *records: dict[str, Any]) -> Path:
    folder = root / "records" / "bo-mau"
    folder.mkdir(parents=True)
    for data in records:
        (folder / f"{data['ma_thu_tuc']}.json").write_text(
            json.dumps(data, ensure_ascii=False), encoding="utf-8"
        )
    return root / "records"


def differences(tmp_path: Path, data: dict[str, Any], **kb: Any) -> list[Difference]:
    records = read_records(write_records(tmp_path, data))
    return audit(load(write_kb(tmp_path, **kb)), records)


def test_no_difference_when_facts_agree(tmp_path: Path) -> None:
    assert differences(tmp_path, record()) == []


def test_fee_that_differs_is_listed_with_the_channel(tmp_path: Path) -> None:
    fee = "Nộp trực tiếp 20.000 đồng/lần; nộp trực tuyến 15.000 đồng/lần"
    [found] = differences(tmp_path, record(), fee=fee)
    assert (found.entry, found.code, found.field) == ("thu_tuc_mau", CODE, "fee [trực tiếp]")
    assert found.ours == "20.000 đ"
    assert found.record == "25.000 đ"
    assert "ours:   20.000 đ" in str(found)


def test_channels_swapped_are_a_difference(tmp_path: Path) -> None:
    fee = "Nộp trực tiếp 15.000 đồng/lần; nộp trực tuyến 25.000 đồng/lần"
    found = differences(tmp_path, record(), fee=fee)
    assert [d.field for d in found] == ["fee [trực tiếp]", "fee [trực tuyến]"]


def test_free_record_needs_our_text_to_say_free(tmp_path: Path) -> None:
    free = record(rows=[("Trực tiếp", "1", "Miễn phí"), ("Trực tuyến", "1", "Miễn phí")])
    assert differences(tmp_path, free, fee="Miễn lệ phí", time="Trong ngày") == []
    [found] = differences(tmp_path / "b", free, fee="Lệ phí 10.000 đồng", time="Trong ngày")
    assert found.field == "fee [trực tiếp, trực tuyến]"
    assert found.record == "miễn phí"


def test_processing_time_that_differs_is_listed(tmp_path: Path) -> None:
    [found] = differences(tmp_path, record(), time="Không quá 03 ngày làm việc")
    assert found.field == "processing time [trực tiếp, trực tuyến]"
    assert found.record == "5 ngày làm việc"
    assert "03 ngày làm việc" in found.ours


def test_online_filing_in_the_record_but_not_in_ours(tmp_path: Path) -> None:
    [found] = differences(tmp_path, record(), level="khong")
    assert found.field == "online"
    assert "khong" in found.ours
    assert "trực tuyến" in found.record


def test_online_level_claimed_without_an_online_channel(tmp_path: Path) -> None:
    in_person = record(rows=[("Trực tiếp", "5 Ngày làm việc", "25,000 Việt Nam Đồng")])
    [found] = differences(tmp_path, in_person, level="toan_trinh", fee="25.000 đồng")
    assert found.field == "online"


def test_missing_legal_document_is_named(tmp_path: Path) -> None:
    [found] = differences(tmp_path, record(), legal=("Luật Mẫu số 12/2020/QH14",))
    assert found.field == "legal basis"
    assert found.ours == "does not cite 07/2025/NĐ-CP"


def test_document_only_named_inside_a_title_is_not_required_but_may_be_cited(
    tmp_path: Path,
) -> None:
    # 99/2019/NĐ-CP appears only in the name of the amending decree: citing it is fine.
    cited = ("Luật Mẫu số 12/2020/QH14", "Nghị định 07/2025/NĐ-CP", "Nghị định 99/2019/NĐ-CP")
    assert differences(tmp_path, record(), legal=cited) == []


def test_document_the_record_never_mentions_is_listed(tmp_path: Path) -> None:
    cited = ("Luật Mẫu số 12/2020/QH14", "Nghị định 07/2025/NĐ-CP", "Thông tư 01/2001/TT-BTC")
    [found] = differences(tmp_path, record(), legal=cited)
    assert found.ours == "cites 01/2001/TT-BTC"


def test_code_without_a_record_file(tmp_path: Path) -> None:
    [found] = differences(tmp_path, record(code="9.000002"))
    assert (found.field, found.record) == ("record", "no record file")


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kb = write_kb(tmp_path)
    records = write_records(tmp_path, record())
    assert main(["--kb", str(kb), "kb", "audit", "--records", str(records)]) == 0
    assert capsys.readouterr().out.startswith("OK: 1 entries")
    other = write_kb(tmp_path / "other", time="3 ngày làm việc")
    assert main(["--kb", str(other), "kb", "audit", "--records", str(records)]) == 1
    out = capsys.readouterr().out
    assert "thu_tuc_mau (9.000001) processing time" in out
    assert "1 difference(s) in 1 of 1 entries." in out
    assert main(["--kb", str(kb), "kb", "audit", "--records", str(tmp_path / "none")]) == 2
    assert "records folder not found" in capsys.readouterr().err


def test_broken_json_is_a_usage_error_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = write_records(tmp_path, record())
    (records / "bo-mau" / "9.000003.json").write_text('{"ma_thu_tuc": "9.0', encoding="utf-8")
    with pytest.raises(RecordError, match=r"9\.000003\.json"):
        read_records(records)
    kb = write_kb(tmp_path)
    assert main(["--kb", str(kb), "kb", "audit", "--records", str(records)]) == 2
    assert "9.000003.json: not readable JSON" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50.000 đồng", {50000}),
        ("50000đ/lần", {50000}),
        ("50,000 Việt Nam Đồng", {50000}),
        ("50 nghìn đồng", {50000}),
        ("từ 01/7/2025 đến 31/12/2026 chỉ thu 50%", set()),
        ("hồ sơ nhận sau 15 giờ, trẻ dưới 14 tuổi", set()),
    ],
)
def test_amounts_are_read_in_dong(text: str, expected: set[int]) -> None:
    assert facts.amounts(text) == expected


@pytest.mark.parametrize(
    ("text", "free"),
    [("Miễn lệ phí", True), ("Không", True), ("Miễn phí", True), ("Không thu phí", True)],
)
def test_free_wordings(text: str, free: bool) -> None:
    assert facts.is_free(text) is free


def test_not_free_wordings() -> None:
    assert not facts.is_free("Hồ sơ thủ tục không ghi lệ phí")
    assert not facts.is_free("20.000 đồng; một số đối tượng được miễn")


def test_time_limits() -> None:
    assert facts.durations("Trong ngày") == {Duration(1, "ngày làm việc")}
    assert facts.durations("03 ngày làm việc; nhận sau 15 giờ thì trả hôm sau") == {
        Duration(3, "ngày làm việc")
    }
    assert facts.record_duration("1") == Duration(1, "ngày làm việc")
    assert facts.record_duration("1 Giờ") == Duration(1, "giờ")
    assert facts.record_duration("Không có thông tin") is None


def test_document_numbers_in_one_spelling() -> None:
    assert set(facts.documents("Nghị định 07/2025/NĐ-CP và 7/2025/ND-CP")) == {"7/2025/ND-CP"}
    glued = "Luật Cư trú 202068/2020/QH14Thông tư 57/2021/TT-BCA57/2021/TT-BCA"
    assert set(facts.listed_documents(glued).values()) == {"68/2020/QH14", "57/2021/TT-BCA"}
