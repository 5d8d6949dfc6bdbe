"""The Telegram channel: python-telegram-bot as transport, every decision made by the core."""

import os

# PTB 22 warns on every access to a duration (e.g. RetryAfter.retry_after, which it reads
# itself on each 429) until a program opts in to `timedelta` values; we handle both types.
os.environ.setdefault("PTB_TIMEDELTA", "true")
