"""Web logins: argon2id password hashes, and logging in with failed attempts limited.

A login belongs to a `staff` row, the same identity the Telegram commands know; staff
without a Telegram account get a row on the "web" channel (external id = the login).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.desk import audit
from bot.desk.models import StaffLogin
from bot.feedback.models import Staff
from bot.models import utcnow

WEB_CHANNEL = "web"
MIN_PASSWORD = 10
LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
ATTEMPT_WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_LOGIN = 5
MAX_FAILURES_PER_ADDRESS = 20
_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified when the login does not exist, so a wrong login costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


class AccountError(ValueError):
    """A login or password that cannot be used (the message says why, in English)."""


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    return _HASHER.hash(password)


def check_login(login: str) -> str:
    """The login, lowercased, or AccountError."""
    login = login.strip().lower()
    if not LOGIN_PATTERN.match(login):
        raise AccountError("a login is 2-64 letters, digits, '.', '_' or '-' (no spaces)")
    return login


def give_login(session: Session, staff: Staff, login: str, password: str) -> StaffLogin:
    """Give `staff` the web login `login` with a first password (or a new password)."""
    login = check_login(login)
    taken = session.scalars(select(StaffLogin).where(StaffLogin.login == login)).one_or_none()
    if taken is not None and taken.staff_id != staff.id:
        raise AccountError(f"the login {login!r} belongs to someone else")
    row = session.get(StaffLogin, staff.id) or StaffLogin(staff_id=staff.id)
    row.login, row.password_hash, row.changed_at = login, hash_password(password), utcnow()
    session.add(row)
    session.flush()
    return row


def web_staff(session: Session, login: str, name: str, role: str) -> Staff:
    """The staff row of a web-only member (no Telegram account), created when missing."""
    login = check_login(login)
    query = select(Staff).where(Staff.channel == WEB_CHANNEL, Staff.external_id == login)
    staff = session.scalars(query).one_or_none()
    if staff is None:
        staff = Staff(channel=WEB_CHANNEL, external_id=login, name=name, role=role)
        session.add(staff)
    staff.name, staff.role, staff.active = name, role, True
    session.flush()
    return staff


@dataclass(frozen=True)
class LoginResult:
    """A logged-in staff member, or why not ("wrong", "locked")."""

    staff: Staff | None
    reason: str = ""


def authenticate(session: Session, login: str, password: str, address: str) -> LoginResult:
    """Check a login and password; failures are audited and limit further attempts."""
    login = login.strip().lower()[:64]
    since = utcnow() - ATTEMPT_WINDOW
    failures = audit.count_since(session, "login_failed", since, target=login)
    from_address = audit.count_since(session, "login_failed", since, address=address)
    if failures >= MAX_FAILURES_PER_LOGIN or from_address >= MAX_FAILURES_PER_ADDRESS:
        audit.log(session, None, "login_locked", login, address=address, actor=login or "?")
        return LoginResult(None, "locked")
    row = session.scalars(select(StaffLogin).where(StaffLogin.login == login)).one_or_none()
    staff = session.get(Staff, row.staff_id) if row else None
    if not _verify(row.password_hash if row else _DUMMY_HASH, password) or staff is None:
        audit.log(session, None, "login_failed", login, address=address, actor=login or "?")
        return LoginResult(None, "wrong")
    if not staff.active:
        audit.log(session, staff, "login_failed", login, "inactive", address=address)
        return LoginResult(None, "wrong")
    assert row is not None
    if _HASHER.check_needs_rehash(row.password_hash):
        row.password_hash = _HASHER.hash(password)
    audit.log(session, staff, "login", login, address=address)
    return LoginResult(staff)


def change_password(session: Session, staff: Staff, current: str, new: str) -> bool:
    """Replace the password of `staff` when `current` is right (AccountError if `new` is weak)."""
    row = session.get(StaffLogin, staff.id)
    if row is None or not _verify(row.password_hash, current):
        return False
    row.password_hash, row.changed_at = hash_password(new), utcnow()
    return True


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def login_of(session: Session, staff: Staff) -> str | None:
    """The web login of `staff`, if they have one."""
    row = session.get(StaffLogin, staff.id)
    return row.login if row else None
