"""Vietnamese phone numbers: validate, normalise to 0xxxxxxxxx, mask for logs."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"0[35789]\d{8}")  # 10 digits since the 2018 renumbering
_LANDLINE = re.compile(r"02\d{9}")  # 11 digits since the 2017 area-code change
# A run that looks like a phone number inside a longer message ("Nguyễn Văn A 0912 345 678").
CANDIDATE = re.compile(r"(?:\+?84|0)[\d\s.\-()]{8,16}\d")


def normalise(raw: str) -> str | None:
    """The number as 0xxxxxxxxx(x), or None when it is not a Vietnamese mobile or landline."""
    digits = _SEPARATORS.sub("", raw.strip())
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if digits.startswith("00"):
        return None
    if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits):
        return digits
    return None


def split_name_and_phone(text: str) -> tuple[str, str | None]:
    """A message such as "Nguyễn Văn A, 0912 345 678" as (name, valid phone or None)."""
    for found in CANDIDATE.finditer(text):
        phone = normalise(found.group(0))
        if phone is not None:
            name = (text[: found.start()] + " " + text[found.end() :]).strip(" ,;-–:\n\t")
            return " ".join(name.split()), phone
    return text.strip(), None


def mask(phone: str | None) -> str:
    """For logs: 0912345678 -> 09******78."""
    if not phone:
        return "-"
    return phone[:2] + "*" * max(len(phone) - 4, 0) + phone[-2:]


def display(phone: str) -> str:
    """Grouped for reading: 0912 345 678 / 0243 123 4567."""
    return f"{phone[:4]} {phone[4:7]} {phone[7:]}"
