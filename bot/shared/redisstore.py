"""The shared state in Redis (when REDIS_URL is set): each operation is one Lua script, which
Redis runs atomically, so concurrent workers are ordered without locks or retries."""

from __future__ import annotations

import math
import uuid

import redis

from bot.shared.protocols import Verdict, Window

# KEYS[1] sorted set of accepted times, KEYS[2] rejections since; ARGV now, seconds, limit, id
_FLOOD = """
local now, seconds, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local ttl = math.ceil(seconds * 1000) + 1000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.6f', now - seconds))
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], string.format('%d', ttl))
  redis.call('DEL', KEYS[2])
  return 0
end
local rejected = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], string.format('%d', ttl))
return rejected
"""
# KEYS[1] next free slot; ARGV now, interval. A string reply keeps the fraction (Lua numbers
# become integers in replies).
_RATE = """
local now, interval = tonumber(ARGV[1]), tonumber(ARGV[2])
local start = math.max(tonumber(redis.call('GET', KEYS[1]) or '-1e308'), now)
redis.call('SET', KEYS[1], string.format('%.6f', start + interval), 'PX', 60000)
return string.format('%.6f', start)
"""
# KEYS[1] count in this window, KEYS[2] held back since the last alert; ARGV limit, ttl ms
_ALERT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if count > tonumber(ARGV[1]) then
  redis.call('INCR', KEYS[2])
  return -1
end
return tonumber(redis.call('GETDEL', KEYS[2]) or '0')
"""


class _Store:
    def __init__(self, client: redis.Redis, prefix: str = "cchc:") -> None:
        self.client = client
        self.prefix = prefix


class RedisFlood(_Store):
    """`FloodStore` as a sorted set per citizen (expires with the window)."""

    def __init__(self, client: redis.Redis, prefix: str = "cchc:") -> None:
        super().__init__(client, prefix)
        self._script = client.register_script(_FLOOD)

    def check(self, key: str, window: Window, now: float) -> Verdict:
        """See `FloodStore.check`."""
        base = f"{self.prefix}flood:{{{key}}}"  # one hash slot for both keys (Redis Cluster)
        rejected = int(
            self._script(
                keys=[base, base + ":rejected"],
                args=[repr(now), repr(window.seconds), window.limit, uuid.uuid4().hex],
            )
        )
        return Verdict.ALLOW if rejected == 0 else Verdict.WARN if rejected == 1 else Verdict.DROP


class RedisRate(_Store):
    """`SendRate` as one key per bot token holding the next free slot."""

    def __init__(self, client: redis.Redis, prefix: str = "cchc:") -> None:
        super().__init__(client, prefix)
        self._script = client.register_script(_RATE)

    def reserve(self, key: str, rate: float, now: float) -> float:
        """See `SendRate.reserve`."""
        interval = 1.0 / rate if rate > 0 else 0.0
        start = self._script(keys=[f"{self.prefix}rate:{key}"], args=[repr(now), repr(interval)])
        return max(float(start) - now, 0.0)


class RedisAlerts(_Store):
    """`AlertLimit` as a counter per fixed window and a held-back counter."""

    def __init__(self, client: redis.Redis, prefix: str = "cchc:") -> None:
        super().__init__(client, prefix)
        self._script = client.register_script(_ALERT)

    def hit(self, key: str, window: Window, now: float) -> int | None:
        """See `AlertLimit.hit`."""
        period = math.floor(now / window.seconds)
        base = f"{self.prefix}alerts:{{{key}}}"
        ttl = math.ceil(window.seconds * 2000)
        keys = [f"{base}:{period}", base + ":held"]
        held = int(self._script(keys=keys, args=[window.limit, ttl]))
        return None if held < 0 else held
