"""A commune adds a language (here Hmông, code hmn) by editing YAML only."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from bot.config import Settings
from bot.messages import Inbound
from bot.runtime import build, build_matcher
from knowledge.loader import DEFAULT_DIR


def test_added_language_is_offered_and_used(tmp_path: Path, db_url: str) -> None:
    kb_dir = tmp_path / "kb"
    shutil.copytree(DEFAULT_DIR, kb_dir)
    path = kb_dir / "topics" / "ho_tich.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = next(e for e in data["entries"] if e["id"] == "khai_sinh")
    entry["answer"]["hmn"] = "Sau npe tus menyuam (Hmoob)."
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    settings = Settings(_env_file=None, database_url=db_url, kb_dir=kb_dir)  # type: ignore[call-arg]
    services = build(settings, build_matcher(settings))
    handle = services.assistant.handle
    [menu] = handle(Inbound("test", "h1", command="ngonngu"))
    assert "lang:hmn" in [b.payload for b in menu.all_buttons()]
    handle(Inbound("test", "h1", payload="lang:hmn"))
    [reply] = handle(Inbound("test", "h1", text="dang ky khai sinh o dau"))
    assert "Sau npe tus menyuam" in reply.text
    assert "Hồ sơ" in reply.all_buttons()[0].label  # UI falls back to Vietnamese
    services.engine.dispose()
