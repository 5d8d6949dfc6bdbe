"""Read comparable facts out of procedure text: amounts in đồng, time limits, document numbers.

Used by `knowledge.audit` on both sides: the national database's records (table text scraped
into one string per field) and our own prose. Everything here is pure text handling.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# -- legal documents ----------------------------------------------------------------------
# A number like 07/2025/NĐ-CP, 26/2023/QH15, 66.7/2025/NQ-CP. The issuer part lists the usual
# agencies first so that text glued on after a code ("TT-BCALuật", "TT-BCASỬA") is not eaten.
_AGENCIES = (
    "BLĐTBXH|BNNPTNT|BTNMT|BTTTT|BKHĐT|BGDĐT|BGTVT|BVHTTDL|BKHCN|VKSNDTC|TANDTC|NHNN|UBTVQH|"
    "HĐND|UBND|BTC|BCA|BTP|BNV|BYT|BXD|BQP|BNG|BCT|TTg|CP"
)
_DOCUMENT = re.compile(
    r"(?<!\d)(?<!\d\.)(?P<num>\d{1,4}(?:\.\d{1,3})?)/(?P<year>(?:19|20)\d{2})/"
    r"(?P<kind>(?:UBTVQH|QH)\d{1,2}|"
    rf"(?:TTLT|NĐ|ND|NQ|TT|QĐ|QD|CT)-(?:(?:{_AGENCIES})(?:-(?:{_AGENCIES}))*|[A-ZĐ]{{2,8}}(?![a-zà-ỹ])))"
)
_OPENERS = "(“\"'‘"


# A year glued to the next number ("Luật Cư trú 202068/2020/QH14"): split them, keeping them glued.
# A code glued to the next one ("QH1360/2014/QH13") likewise.
_GLUED = re.compile(r"((?:19|20)\d{2}|QH\d{2})(?=\d{1,4}(?:\.\d{1,3})?/(?:19|20)\d{2}/)")


def _prepare(text: str) -> str:
    return _GLUED.sub(r"\1|", unicodedata.normalize("NFC", text))


def document_key(number: str) -> str:
    """A document number in one spelling: 07/2025/NĐ-CP and 7/2025/ND-CP give the same key."""
    num, _, rest = number.partition("/")
    integer, dot, fraction = num.partition(".")
    return f"{int(integer)}{dot}{fraction}/{rest}".upper().replace("Đ", "D")


def documents(text: str) -> dict[str, str]:
    """Every document number in `text`: key -> the number as first written."""
    found: dict[str, str] = {}
    for match in _DOCUMENT.finditer(_prepare(text)):
        found.setdefault(document_key(match.group(0)), match.group(0))
    return found


def listed_documents(table: str) -> dict[str, str]:
    """The documents a record's legal-basis table lists in its "Mã văn bản" column.

    The table arrives as one string: name, code, name, code ... glued together. A code is the
    last cell of its row, so it is glued to the name before it or to the next row's name
    (which starts with a capital). Numbers inside a name ("sửa đổi Thông tư số 55/2021/...")
    are followed by a space or lower-case text and are not counted.
    """
    text = _prepare(table)
    found: dict[str, str] = {}
    for match in _DOCUMENT.finditer(text):
        start, end = match.span()
        glued_before = (
            start > 0 and not text[start - 1].isspace() and text[start - 1] not in _OPENERS
        )
        row_ends = end == len(text) or text[end].isupper()
        if glued_before or row_ends:
            found.setdefault(document_key(match.group(0)), match.group(0))
    return found


# -- amounts ------------------------------------------------------------------------------
_AMOUNT = re.compile(
    r"(?<![\d/.,])(?P<value>\d{1,3}(?:[.,]\d{3})+|\d+)(?![\d/%]|[.,]\d)"
    r"\s*(?P<scale>nghìn|ngàn|triệu)?\s*(?P<unit>việt nam đồng|đồng|vnđ|vnd|đ)?(?!\w)",
    re.IGNORECASE,
)
_SCALE = {"nghìn": 1000, "ngàn": 1000, "triệu": 1_000_000}
_FREE = re.compile(
    r"miễn (?:lệ )?phí|miễn thu|không (?:thu|mất|phải nộp|phải trả)(?: thêm)?(?: lệ)? phí|"
    r"không thu(?: thêm)?(?: lệ phí| phí)?\b|^\s*(?:không|miễn)\s*\.?\s*$",
    re.IGNORECASE,
)


def amounts(text: str) -> frozenset[int]:
    """Amounts of money in đồng: "50.000 đồng", "50,000 VNĐ", "50000đ", "50 nghìn đồng"."""
    found: set[int] = set()
    for match in _AMOUNT.finditer(unicodedata.normalize("NFC", text)):
        value, scale, unit = match.group("value", "scale", "unit")
        separated = len(value) > 3 and not value.isdigit()
        if not (separated or scale or unit):
            continue  # a bare number ("15 giờ", "14 tuổi") is not money
        amount = int(re.sub(r"[.,]", "", value)) * _SCALE.get((scale or "").lower(), 1)
        if amount > 0:
            found.add(amount)
    return frozenset(found)


def is_free(text: str) -> bool:
    """Whether the text says no fee is charged ("Miễn lệ phí", "Miễn phí", "Không")."""
    return _FREE.search(unicodedata.normalize("NFC", text)) is not None


def money(value: int) -> str:
    """50000 -> "50.000 đ"."""
    return f"{value:,} đ".replace(",", ".")


# -- time limits --------------------------------------------------------------------------
@dataclass(frozen=True, order=True)
class Duration:
    amount: int
    unit: str  # "ngày làm việc" | "ngày" | "giờ làm việc" | "giờ" | "tháng"

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}"


_UNITS = ("ngày làm việc", "ngày", "giờ làm việc", "giờ", "tháng")
_DURATION = re.compile(
    r"(?<![\w/])(?P<before>(?:sau|trước|lúc|từ|đến)\s+)?(?P<amount>\d{1,3})\s*"
    r"(?P<unit>ngày làm việc|ngày|giờ làm việc|giờ|tháng)(?!\w)",
    re.IGNORECASE,
)
_SAME_DAY = re.compile(r"\b(?:ngay )?trong (?:ngày|ngày làm việc)\b(?!\s*(?:tiếp|thứ|kể))", re.I)


def durations(text: str) -> frozenset[Duration]:
    """Time limits in the text; "trong ngày" counts as 1 working day, clock times do not count."""
    text = unicodedata.normalize("NFC", text)
    found = {
        Duration(int(m.group("amount")), m.group("unit").lower())
        for m in _DURATION.finditer(text)
        if not m.group("before")
    }
    if _SAME_DAY.search(text):
        found.add(Duration(1, "ngày làm việc"))
    return frozenset(found)


def record_duration(cell: str) -> Duration | None:
    """The record's "Thời gian" cell: "7 Ngày làm việc", "1 Giờ", "1" (working days), or none."""
    match = re.fullmatch(r"\s*(\d{1,3})\s*(.*?)\s*", cell)
    if match is None:
        return None
    unit = match.group(2).lower() or "ngày làm việc"
    return Duration(int(match.group(1)), unit) if unit in _UNITS else None
