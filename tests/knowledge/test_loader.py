"""The loader accepts the bundled knowledge base and names file, line and entry of problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge.loader import DEFAULT_DIR, KnowledgeBaseError, check, load

REQUIRED_IDS = [
    "khai_sinh",
    "khai_tu",
    "ket_hon",
    "xac_nhan_hon_nhan",
    "cai_chinh_ho_tich",
    "trich_luc_ho_tich",
    "chung_thuc_ban_sao",
    "chung_thuc_chu_ky",
    "chung_thuc_hop_dong",
    "thuong_tru",
    "tam_tru",
    "xac_nhan_cu_tru",
    "can_cuoc",
    "vneid",
    "dvc_tai_khoan",
    "dvc_nop_ho_so",
    "tra_cuu_ho_so",
    "thanh_toan_truc_tuyen",
    "buu_chinh_cong_ich",
    "bo_phan_mot_cua",
    "hotline",
    "phan_anh_kien_nghi",
    "khieu_nai_to_cao",
    "danh_gia_hai_long",
    "cchc_la_gi",
    "chi_so_cchc",
    "chao_hoi",
    "dang_ky_nhan_tin",
    "huy_dang_ky",
    "gap_nhan_vien",
]

ENTRY = """\
group: demo
title: {vi: "Thử"}
entries:
  - id: one
    category: info
    title: {vi: "Một"}
    questions: {vi: ["câu hỏi một"]}
    answer: {vi: "Trả lời một, gọi {hotline.commune}."}
"""


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    (tmp_path / "topics").mkdir()
    (tmp_path / "locality.yaml").write_text("hotline:\n  commune: '0200 000 000'\n")
    (tmp_path / "topics" / "demo.yaml").write_text(ENTRY)
    return tmp_path


def problems(directory: Path) -> list[str]:
    return [str(p) for p in check(directory)]


def test_bundled_knowledge_base_is_valid_and_complete() -> None:
    kb = load()
    assert set(REQUIRED_IDS) <= set(kb.entries)
    for entry_id in REQUIRED_IDS:
        entry = kb.entries[entry_id]
        assert len(entry.questions["vi"]) >= 10, entry_id
        assert len(entry.questions.get("en", [])) >= 3, entry_id
        assert entry.answer["vi"].strip(), entry_id
        if entry.category == "procedure":
            assert entry.procedure is not None
            assert entry.source is not None
            assert entry.checked is not None
            assert "en" in entry.answer, entry_id


def test_sample_locality_is_marked_as_an_example() -> None:
    kb = load()
    assert kb.example_locality
    assert kb.locality_value("hotline.national_dvc", "vi") == "18001096"


def test_minimal_valid_directory_loads(kb_dir: Path) -> None:
    kb = load(kb_dir)
    assert kb.entries["one"].answer["vi"].startswith("Trả lời một")


def test_unknown_field_names_file_line_and_entry(kb_dir: Path) -> None:
    path = kb_dir / "topics" / "demo.yaml"
    path.write_text(ENTRY + "    fees: {vi: '10.000 đồng'}\n")
    [problem] = problems(kb_dir)
    assert problem.endswith(
        "demo.yaml:9: entry 'one': unknown field 'fees' in entry "
        "(expected: answer, category, checked, id, procedure, questions, "
        "related, source, title, variants)"
    )


def test_missing_field_is_reported(kb_dir: Path) -> None:
    text = ENTRY.replace('    answer: {vi: "Trả lời một, gọi {hotline.commune}."}\n', "")
    (kb_dir / "topics" / "demo.yaml").write_text(text)
    assert any("entry 'one': missing field 'answer'" in p for p in problems(kb_dir))


def test_duplicate_ids_across_files(kb_dir: Path) -> None:
    shutil.copy(kb_dir / "topics" / "demo.yaml", kb_dir / "topics" / "other.yaml")
    (kb_dir / "topics" / "other.yaml").write_text(
        ENTRY.replace("group: demo", "group: other").replace("câu hỏi một", "câu khác")
    )
    found = problems(kb_dir)
    assert any("other.yaml:4: entry 'one': duplicate id (first defined at" in p for p in found)


def test_same_question_under_two_entries_even_without_diacritics(kb_dir: Path) -> None:
    extra = (
        ENTRY.split("entries:\n")[1]
        .replace("id: one", "id: two")
        .replace("câu hỏi một", "CAU HOI MOT!")
    )
    (kb_dir / "topics" / "demo.yaml").write_text(ENTRY + extra)
    assert any("is also under entry 'one'" in p for p in problems(kb_dir))


def test_broken_locality_reference(kb_dir: Path) -> None:
    text = ENTRY.replace("{hotline.commune}", "{hotline.xa}")
    (kb_dir / "topics" / "demo.yaml").write_text(text)
    [problem] = problems(kb_dir)
    assert "demo.yaml:8: entry 'one': placeholder {hotline.xa} is not defined" in problem


def test_malformed_yaml_names_the_line(kb_dir: Path) -> None:
    (kb_dir / "topics" / "demo.yaml").write_text(ENTRY + "  - id: [unclosed\n")
    [problem] = problems(kb_dir)
    assert "demo.yaml:" in problem
    assert "invalid YAML" in problem


def test_broken_related_reference(kb_dir: Path) -> None:
    (kb_dir / "topics" / "demo.yaml").write_text(ENTRY + "    related: [nowhere]\n")
    assert any("related id 'nowhere' does not exist" in p for p in problems(kb_dir))


def test_load_raises_with_every_problem(kb_dir: Path) -> None:
    text = ENTRY.replace("category: info", "category: misc").replace("{hotline.commune}", "{x.y}")
    (kb_dir / "topics" / "demo.yaml").write_text(text)
    with pytest.raises(KnowledgeBaseError) as raised:
        load(kb_dir)
    assert len(raised.value.problems) == 2


def test_bundled_directory_is_the_default() -> None:
    assert (DEFAULT_DIR / "locality.yaml").exists()
    assert check() == []
