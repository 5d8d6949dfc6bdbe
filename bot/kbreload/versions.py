"""The knowledge base's fingerprint, its validation, and the version every worker should serve."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.kbreload.models import KbVersion
from knowledge.loader import DEFAULT_DIR, KnowledgeBaseError, load
from knowledge.matcher import Matcher


def kb_directory(settings: Settings) -> Path:
    """The folder the matcher is built from."""
    return Path(settings.kb_dir) if settings.kb_dir else DEFAULT_DIR


def fingerprint(directory: Path) -> str:
    """SHA-256 over every file's relative path and bytes, in a stable order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass
class Built:
    """A matcher built from the files (None when they failed validation), with its
    fingerprint and the problems found."""

    fingerprint: str
    matcher: Matcher | None
    problems: list[str] = field(default_factory=list)


def build(settings: Settings) -> Built:
    """Load, validate and index the knowledge base on disk; never raises for bad content.
    The files are hashed before and after loading, so a matcher is never labelled with the
    fingerprint of files that changed under it."""
    directory = kb_directory(settings)
    before = fingerprint(directory)
    try:
        matcher = Matcher(load(directory), settings.thresholds())
    except KnowledgeBaseError as error:
        return Built(before, None, [str(p) for p in error.problems])
    after = fingerprint(directory)
    if after != before:
        return Built(after, None, ["các tệp vừa thay đổi trong lúc nạp; xin thử lại"])
    return Built(before, matcher)


def record(session: Session, built: Built, who: str) -> KbVersion:
    """Ask every worker to serve `built` (only a knowledge base that passed validation)."""
    if built.matcher is None:
        raise ValueError("a knowledge base that failed validation is never recorded")
    row = KbVersion(
        fingerprint=built.fingerprint, entries=len(built.matcher.kb.entries), requested_by=who
    )
    session.add(row)
    session.flush()
    return row


def wanted(session: Session) -> str | None:
    """The fingerprint of the newest accepted version (one indexed row)."""
    found: str | None = session.scalar(
        select(KbVersion.fingerprint).order_by(KbVersion.id.desc()).limit(1)
    )
    return found
