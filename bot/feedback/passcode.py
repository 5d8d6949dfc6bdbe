"""The secret a citizen gets with a tracking code, to follow the ticket from another device.

The code alone shows a ticket only to the contact who filed it (`bot.feedback.tracking`).
With the code *and* this passcode (or the phone number left when filing) any chat may see it:
a new browser, another phone. Only a digest is stored, salted with the ticket's code.
Guessing is bounded by the flood gates (a few tries per citizen, session and address a
minute) against 31^8 ≈ 8.5e11 passcodes.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from bot.feedback import phones

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read out and type
LENGTH = 8
_TOKEN = re.compile(r"(?<![A-Za-z0-9])([A-Za-z0-9]{4})[\s\-]?([A-Za-z0-9]{4})(?![A-Za-z0-9])")


def new() -> str:
    """A fresh passcode, shown as XXXX-XXXX."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def digest(code: str, passcode: str) -> str:
    """What is stored: sha256 of the ticket code and the passcode (dash and case ignored)."""
    plain = passcode.replace("-", "").replace(" ", "").upper()
    return hashlib.sha256(f"{code}:{plain}".encode()).hexdigest()


def proves(code: str, stored: str | None, phone: str | None, text: str) -> bool:
    """Whether `text` (the tracking message, code removed) holds the ticket's passcode or
    the phone number left with it."""
    if stored:
        for found in _TOKEN.finditer(text):
            if hmac.compare_digest(digest(code, found.group(1) + found.group(2)), stored):
                return True
    if phone:
        for found in phones.CANDIDATE.finditer(text):
            given = phones.normalise(found.group(0))
            if given is not None and hmac.compare_digest(given, phone):
                return True
    return False
