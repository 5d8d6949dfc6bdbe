"""Sessions and their cookie without HTTP: signing, expiry, rotation, the replay grace, and
forgetting idle conversations (the clock moved with `bot.clock.use`)."""

from __future__ import annotations

import datetime as dt
import time

from sqlalchemy import func, select

from bot import clock
from bot.db import make_engine
from bot.messages import Reply
from bot.webchat import history, sessions
from bot.webchat.models import WebMessage, WebSession
from handlers.webchat import cookie

KEY = b"k" * 32
ROTATE = dt.timedelta(minutes=15)
GRACE = dt.timedelta(seconds=30)


def test_a_cookie_is_read_back_only_when_signed_by_us_and_not_expired() -> None:
    now = time.time()
    value = cookie.issue(KEY, "wAbCdEfGhIjKlMnOpQrStUv", 3, now)
    assert cookie.read(KEY, value, now) == cookie.Claim("wAbCdEfGhIjKlMnOpQrStUv", 3)
    assert cookie.read(b"other key", value, now) is None
    assert cookie.read(KEY, value, now + cookie.MAX_AGE + 1) is None  # expired
    assert cookie.read(KEY, value, now - 3600) is None  # issued in the future
    tampered = value.replace(".3.", ".4.")
    assert cookie.read(KEY, tampered, now) is None
    for junk in (None, "", "w.1.1.x", value + "x", "wAbCdEfGhIjKl;drop", value.upper()):
        assert cookie.read(KEY, junk, now) is None


def _at(moment: dt.datetime) -> clock.Clock:
    return lambda: moment


def test_rotation_grace_and_replay(db_url: str) -> None:
    engine = make_engine(db_url)
    start = dt.datetime(2027, 2, 8, 2, 0, tzinfo=dt.UTC)
    with clock.use(_at(start)):
        made = sessions.open_new(engine)
        assert (made.generation, made.fresh) == (1, True)
    with clock.use(_at(start + dt.timedelta(minutes=5))):
        same = sessions.resume(engine, made.id, 1, ROTATE, GRACE)
        assert same == sessions.Current(made.id, 1, False)
    rotated_at = start + dt.timedelta(minutes=20)
    with clock.use(_at(rotated_at)):
        rotated = sessions.resume(engine, made.id, 1, ROTATE, GRACE)
        assert rotated == sessions.Current(made.id, 2, True)
    with clock.use(_at(rotated_at + dt.timedelta(seconds=10))):  # a parallel request
        assert sessions.resume(engine, made.id, 1, ROTATE, GRACE) == sessions.Current(
            made.id, 2, True
        )
    with clock.use(_at(rotated_at + dt.timedelta(minutes=1))):  # a replay after the grace
        assert sessions.resume(engine, made.id, 1, ROTATE, GRACE) is None
        assert sessions.resume(engine, made.id, 3, ROTATE, GRACE) is None  # never issued
        assert sessions.resume(engine, "wnobody", 1, ROTATE, GRACE) is None
        assert sessions.resume(engine, made.id, 2, ROTATE, GRACE) == sessions.Current(
            made.id, 2, False
        )
    engine.dispose()


def test_idle_sessions_are_forgotten_with_their_conversation(db_url: str) -> None:
    engine = make_engine(db_url)
    start = dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)
    with clock.use(_at(start)):
        old = sessions.open_new(engine)
        history.add_replies(engine, old.id, [Reply("xin chào")])
    with clock.use(_at(start + dt.timedelta(days=100))):
        recent = sessions.open_new(engine)
        history.add_replies(engine, recent.id, [Reply("chào")])
        assert sessions.forget_idle(engine, dt.timedelta(days=180)) == 0
    with clock.use(_at(start + dt.timedelta(days=181))):
        assert sessions.forget_idle(engine, dt.timedelta(days=180)) == 1
    with engine.connect() as connection:
        assert connection.execute(select(WebSession.id)).scalars().all() == [recent.id]
        left = connection.execute(select(func.count()).select_from(WebMessage)).scalar_one()
    assert left == 1
    engine.dispose()
