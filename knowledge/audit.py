"""`kb audit`: compare our procedure facts with the national procedure database's records.

For every entry that cites a national procedure code, the record of that code (the database's
JSON: `ma_thu_tuc`, `cach_thuc_thuc_hien`, `can_cu_phap_ly`, ...) is read into comparable facts
— per filing channel the fee in đồng and the time limit, whether online filing is offered, the
legal documents it lists — and each one is checked against our entry. Our side is prose, so
the check is tolerant: a record's amount or time limit must appear in our text (in the clause
about that channel when we name channels), a free record needs our text to say it is free.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge import facts
from knowledge.facts import Duration
from knowledge.schema import Entry, KnowledgeBase

CHANNELS = {"Trực tiếp": "trực tiếp", "Trực tuyến": "trực tuyến", "Dịch vụ bưu chính": "bưu chính"}
_ROW = re.compile(
    r"(?P<channel>Trực tiếp|Trực tuyến|Dịch vụ bưu chính)\s*"
    r"(?P<time>Không có thông tin|\d{1,3}\s*(?:Ngày làm việc|Ngày|Giờ làm việc|Giờ|Tháng)?)\s*"
    r"(?P<fee>Miễn phí|Không có thông tin|Không thu|[\d.,]+\s*(?:Việt Nam Đồng|VNĐ|VND|đồng|USD))"
)
# Words by which our prose names a channel.
_OUR_CHANNELS = {
    "trực tuyến": re.compile(r"trực tuyến|online|qua mạng|vneid|cổng dịch vụ công", re.I),
    "trực tiếp": re.compile(r"trực tiếp|tại bộ phận|tại trụ sở", re.I),
    "bưu chính": re.compile(r"bưu chính|bưu điện", re.I),
}


class RecordError(Exception):
    """The records folder is missing or holds a file that is not readable JSON."""


@dataclass
class Channel:
    """What a record says about one way of filing (possibly several table rows)."""

    times: set[Duration] = field(default_factory=set)
    amounts: set[int] = field(default_factory=set)
    free: bool = False


@dataclass(frozen=True)
class Record:
    code: str
    name: str
    file: str
    channels: dict[str, Channel]
    listed: dict[str, str]  # legal documents the record lists: key -> number
    mentioned: frozenset[str]  # every document number the record's legal and fee text names


@dataclass(frozen=True)
class Difference:
    entry: str
    code: str
    field: str
    ours: str
    record: str

    def __str__(self) -> str:
        head = f"{self.entry} ({self.code}) {self.field}"
        return f"{head}\n    ours:   {self.ours}\n    record: {self.record}"


def parse_record(data: dict[str, Any], file: str = "") -> Record:
    """The comparable facts of one record of the national database."""
    how = unicodedata.normalize("NFC", str(data.get("cach_thuc_thuc_hien") or ""))
    legal = unicodedata.normalize("NFC", str(data.get("can_cu_phap_ly") or ""))
    channels: dict[str, Channel] = {}
    for row in _ROW.finditer(how):
        channel = channels.setdefault(CHANNELS[row.group("channel")], Channel())
        duration = facts.record_duration(row.group("time"))
        if duration is not None:
            channel.times.add(duration)
        fee = row.group("fee")
        if fee == "Miễn phí" or fee == "Không thu":
            channel.free = True
        elif "USD" not in fee and fee != "Không có thông tin":
            channel.amounts |= facts.amounts(fee)
    legal = legal.removeprefix("Tên văn bản pháp lýMã văn bản")
    return Record(
        code=str(data.get("ma_thu_tuc", "")).strip(),
        name=str(data.get("ten_thu_tuc", "")),
        file=file,
        channels=channels,
        listed=facts.listed_documents(legal),
        mentioned=frozenset(facts.documents(legal + " " + how)),
    )


def read_records(directory: Path) -> dict[str, Record]:
    """Every record in `directory` (searched recursively), by procedure code."""
    if not directory.is_dir():
        raise RecordError(f"{directory}: records folder not found")
    records: dict[str, Record] = {}
    for path in sorted(directory.rglob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RecordError(f"{path}: not readable JSON ({exc})") from exc
        if isinstance(data, dict) and data.get("ma_thu_tuc"):
            record = parse_record(data, str(path.relative_to(directory)))
            records.setdefault(record.code, record)
    return records


def audit(kb: KnowledgeBase, records: dict[str, Record]) -> list[Difference]:
    """Every difference between the entries that cite a procedure code and their records."""
    found: list[Difference] = []
    for entry in kb.entries.values():
        code = entry.procedure.code if entry.procedure else None
        if not code:
            continue
        record = records.get(code)
        if record is None:
            found.append(Difference(entry.id, code, "record", "cites this code", "no record file"))
            continue
        found += compare(entry, record)
    return found


def compare(entry: Entry, record: Record) -> list[Difference]:
    """The differences between one entry and the record of the code it cites."""
    procedure = entry.procedure
    if procedure is None:
        return []

    def diff(what: str, ours: str, theirs: str) -> Difference:
        return Difference(entry.id, record.code, what, ours, theirs)

    out: list[Difference] = []
    fee_text = procedure.fee.get("vi", "")
    for channels, ours, theirs in _grouped(_fee_gaps(fee_text, record)):
        out.append(diff(f"fee [{channels}]", ours, theirs))
    time_text = procedure.processing_time.get("vi", "")
    ours_times = facts.durations(time_text)
    for channels, theirs in _grouped_times(record, ours_times):
        out.append(diff(f"processing time [{channels}]", _quote(time_text), theirs))
    online = procedure.online
    ours_online = online is not None and online.available and online.level != "khong"
    if ours_online != ("trực tuyến" in record.channels):
        level = online.level if online else "not stated"
        theirs = ", ".join(record.channels) or "no channel"
        out.append(diff("online", f"available={ours_online} ({level})", f"channels: {theirs}"))
    cited = facts.documents("\n".join(procedure.legal_basis))
    missing = [number for key, number in record.listed.items() if key not in cited]
    if missing:
        out.append(diff("legal basis", "does not cite " + ", ".join(missing), "lists them"))
    extra = [number for key, number in cited.items() if key not in record.mentioned]
    if extra:
        out.append(diff("legal basis", "cites " + ", ".join(extra), "does not mention them"))
    return out


def _fee_gaps(text: str, record: Record) -> Iterable[tuple[str, str, str]]:
    """(channel, ours, record) for each channel whose fee our text does not match."""
    clauses = [c for c in re.split(r"[;\n]|\.(?=\s|$)", text) if c.strip()]
    for name, channel in record.channels.items():
        if not channel.free and not channel.amounts:
            continue  # the record gives no fee for this channel
        ours = _clauses_for(name, clauses)
        ours_amounts = facts.amounts(" ".join(ours))
        ours_free = any(facts.is_free(c) for c in ours)
        if channel.free and not ours_free:
            yield name, _describe(ours_amounts, ours_free, text), "miễn phí"
        missing = channel.amounts - ours_amounts
        if missing:
            theirs = ", ".join(facts.money(a) for a in sorted(channel.amounts))
            yield name, _describe(ours_amounts, ours_free, text), theirs


def _clauses_for(channel: str, clauses: list[str]) -> list[str]:
    """Our clauses about `channel` that state a fee; else those naming no channel; else all."""

    def has_fee(clause: str) -> bool:
        return bool(facts.amounts(clause)) or facts.is_free(clause)

    named = [c for c in clauses if _OUR_CHANNELS[channel].search(c) and has_fee(c)]
    if named:
        return named
    general = [c for c in clauses if not any(p.search(c) for p in _OUR_CHANNELS.values())]
    return [c for c in general if has_fee(c)] or clauses


def _grouped_times(record: Record, ours: frozenset[Duration]) -> Iterable[tuple[str, str]]:
    gaps: list[tuple[str, str, str]] = []
    for name, channel in record.channels.items():
        if channel.times and not channel.times <= ours:
            gaps.append((name, "", ", ".join(str(t) for t in sorted(channel.times))))
    return ((channels, theirs) for channels, _, theirs in _grouped(gaps))


def _grouped(gaps: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Join channels that differ in the same way into one line."""
    joined: dict[tuple[str, str], list[str]] = {}
    for channel, ours, theirs in gaps:
        joined.setdefault((ours, theirs), []).append(channel)
    return [(", ".join(chs), ours, theirs) for (ours, theirs), chs in joined.items()]


def _describe(amounts: frozenset[int], free: bool, text: str) -> str:
    said = [facts.money(a) for a in sorted(amounts)] + (["miễn phí"] if free else [])
    return ", ".join(said) if said else _quote(text)


def _quote(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”" if text else "(nothing)"


def report(differences: list[Difference], checked: int) -> str:
    """The audit's printout."""
    if not differences:
        return f"OK: {checked} entries with a national procedure code match their records."
    entries = len({d.entry for d in differences})
    lines = [str(d) for d in differences]
    lines.append(f"{len(differences)} difference(s) in {entries} of {checked} entries.")
    return "\n".join(lines)
