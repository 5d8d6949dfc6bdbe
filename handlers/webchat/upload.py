"""Photos and PDFs sent in the web chat: checked by their first bytes, stored outside any
served folder under a content-derived name, handed to the core as an `Attachment`.

Nothing serves these files back over HTTP: a disguised HTML or SVG file is refused before it
is written (its bytes do not start like a JPEG, PNG or PDF), and a stored file is never given
a content type a browser would run. Staff find a ticket's files by their reference
(`webchat:<sha256>.<ext>`) in `WEBCHAT_UPLOAD_DIR`.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

REF_PREFIX = "webchat:"
NAME_HEADER = "X-File-Name"  # percent-encoded UTF-8, optional


@dataclass(frozen=True)
class Kind:
    """An accepted file type: the core's attachment kind, the stored extension, its magic."""

    kind: str
    extension: str
    magic: bytes


KINDS = {
    "image/jpeg": Kind("photo", ".jpg", b"\xff\xd8\xff"),
    "image/png": Kind("photo", ".png", b"\x89PNG\r\n\x1a\n"),
    "application/pdf": Kind("document", ".pdf", b"%PDF-"),
}


def sniff(declared: str, data: bytes) -> Kind | None:
    """The kind, when the declared type is accepted and the bytes really start like it."""
    kind = KINDS.get(declared.split(";")[0].strip().lower())
    if kind is None or not data.startswith(kind.magic):
        return None
    return kind


def file_name(header: str | None) -> str:
    """The name the citizen's file had, for the conversation only (never a path)."""
    name = unquote(header or "", errors="replace").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] not in "CZ" or c == " ")
    return name.strip()[:100] or "tệp"


def store(folder: Path, data: bytes, kind: Kind) -> str:
    """Write the file (readable by this user only, atomically); its reference."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = hashlib.sha256(data).hexdigest() + kind.extension
    target = folder / name
    if not target.exists():
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as sink:
                sink.write(data)
            os.chmod(temporary, 0o600)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return REF_PREFIX + name
