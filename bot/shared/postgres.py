"""The shared state in PostgreSQL: each operation is one atomic statement (an upsert whose
row lock orders concurrent workers), run in autocommit so it costs one round trip.

The flood check runs for every message: it is written for psycopg and runs on the driver
connection (`bot.sqlutil.run`), a third of SQLAlchemy's CPU."""

from __future__ import annotations

import math

from sqlalchemy import Connection, Engine, text

from bot.shared.protocols import Verdict, Window
from bot.sqlutil import driver, run

_KEPT = "ARRAY(SELECT t FROM unnest(f.accepted) AS t WHERE t > %(now)s - %(seconds)s ORDER BY t)"
FLOOD = f"""
    INSERT INTO shared_flood AS f (key, accepted, rejected, updated_at)
    VALUES (%(key)s, ARRAY[CAST(%(now)s AS double precision)], 0, %(now)s)
    ON CONFLICT (key) DO UPDATE SET
        accepted = CASE WHEN cardinality({_KEPT}) < %(limit)s
                        THEN {_KEPT} || CAST(%(now)s AS double precision) ELSE {_KEPT} END,
        rejected = CASE WHEN cardinality({_KEPT}) < %(limit)s THEN 0 ELSE f.rejected + 1 END,
        updated_at = %(now)s
    RETURNING rejected
    """  # noqa: S608 - _KEPT is a constant; every value is a bound parameter
_RATE = text(
    """
    INSERT INTO shared_rates AS r (key, next_slot) VALUES (:key, :now + :interval)
    ON CONFLICT (key) DO UPDATE SET next_slot = GREATEST(r.next_slot, :now) + :interval
    RETURNING next_slot - :interval
    """
)
_ALERT = text(
    """
    INSERT INTO shared_alerts AS a (key, period, count, held, released)
    VALUES (:key, :period, 1, 0, 0)
    ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN a.period = :period THEN a.count + 1 ELSE 1 END,
        period = :period,
        held = CASE WHEN a.period = :period AND a.count + 1 > :limit THEN a.held + 1 ELSE 0 END,
        released = CASE WHEN a.period = :period AND a.count + 1 > :limit THEN 0 ELSE a.held END
    RETURNING count, released
    """
)
_PRUNE_FLOOD = text("DELETE FROM shared_flood WHERE updated_at < :before")


class _Store:
    def __init__(self, engine: Engine, prefix: str = "") -> None:
        # The application's pool (its owner disposes it), in autocommit: no BEGIN/COMMIT.
        self.engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.prefix = prefix


class PostgresFlood(_Store):
    """`FloodStore` in the `shared_flood` table."""

    def check(self, key: str, window: Window, now: float) -> Verdict:
        """See `FloodStore.check`."""
        with self.engine.connect() as connection:
            return self.check_on(connection, key, window, now)

    def check_on(self, connection: Connection, key: str, window: Window, now: float) -> Verdict:
        """`check` on the caller's connection, inside its transaction: the front door runs it
        in the message's own transaction (one checkout, no extra round trips for BEGIN and
        COMMIT). The citizen's row stays locked until that commit, which costs nothing: one
        citizen's messages are handled one at a time anyway; a rollback forgets the count."""
        values = {
            "key": self.prefix + key,
            "now": float(now),
            "seconds": float(window.seconds),
            "limit": window.limit,
        }
        raw = driver(connection)
        assert raw is not None, "PostgreSQL runs on psycopg"
        row = run(connection, raw, FLOOD, values).fetchone()
        assert row is not None, "an upsert with RETURNING gives its row"
        rejected = row[0]
        return Verdict.ALLOW if rejected == 0 else Verdict.WARN if rejected == 1 else Verdict.DROP

    def prune(self, before: float) -> int:
        """Forget citizens not seen since `before` (the pruning job)."""
        with self.engine.connect() as connection:
            return connection.execute(_PRUNE_FLOOD, {"before": before}).rowcount


class PostgresRate(_Store):
    """`SendRate` in the `shared_rates` table."""

    def reserve(self, key: str, rate: float, now: float) -> float:
        """See `SendRate.reserve`."""
        interval = 1.0 / rate if rate > 0 else 0.0
        values = {"key": self.prefix + key, "now": now, "interval": interval}
        with self.engine.connect() as connection:
            start = float(connection.execute(_RATE, values).scalar_one())
        return max(start - now, 0.0)


class PostgresAlerts(_Store):
    """`AlertLimit` in the `shared_alerts` table."""

    def hit(self, key: str, window: Window, now: float) -> int | None:
        """See `AlertLimit.hit`."""
        values = {
            "key": self.prefix + key,
            "period": math.floor(now / window.seconds),
            "limit": window.limit,
        }
        with self.engine.connect() as connection:
            count, held = connection.execute(_ALERT, values).one()
        return None if count > window.limit else int(held)
