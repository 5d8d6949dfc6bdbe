"""One process's knowledge base: which version it serves, and the watcher that swaps it."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable

from sqlalchemy.orm import Session, sessionmaker

from bot.assistant import Assistant
from bot.config import Settings
from bot.kbreload import versions
from bot.kbreload.versions import Built
from bot.waiting import wait_or_timeout

log = logging.getLogger(__name__)
CHECK_SECONDS = 3.0  # how often a worker looks at `kb_versions` (one tiny query)


class LiveKb:
    """Swaps the assistant's matcher when a newer accepted version is recorded."""

    def __init__(self, settings: Settings, assistant: Assistant, serving: str) -> None:
        self.settings = settings
        self.assistant = assistant
        self.serving = serving  # the fingerprint of the files the matcher was built from
        self._seen: str | None = None  # the last wanted fingerprint acted upon
        self._lock = threading.Lock()

    def install(self, built: Built) -> bool:
        """Serve `built` (a validated build); False when it failed validation."""
        if built.matcher is None:
            return False
        with self._lock:
            self.assistant.use_matcher(built.matcher)
            self.serving = built.fingerprint
        log.info("knowledge base swapped: %s entries", len(built.matcher.kb.entries))
        return True

    def check(self, sessions: sessionmaker[Session]) -> bool:
        """Rebuild and swap when the wanted version changed and is not the one served; True
        when a new matcher was installed. Blocking: run it in a thread."""
        with sessions() as session:
            target = versions.wanted(session)
        if target is None or target == self._seen or target == self.serving:
            self._seen = target
            return False
        self._seen = target
        if versions.fingerprint(versions.kb_directory(self.settings)) != target:
            log.warning("knowledge base on disk is not the version requested; not swapped")
            return False
        built = versions.build(self.settings)
        if built.fingerprint != target:  # the files changed again since the request
            log.warning("knowledge base on disk differs from the version requested; not swapped")
            return False
        return self.install(built)

    def job(
        self, sessions: sessionmaker[Session], interval: float = CHECK_SECONDS
    ) -> Callable[[], Awaitable[None]]:
        """`run_forever` as a background job of the server."""

        async def watch_kb() -> None:
            await self.run_forever(sessions, interval=interval)

        return watch_kb

    async def run_forever(
        self,
        sessions: sessionmaker[Session],
        stop: asyncio.Event | None = None,
        interval: float = CHECK_SECONDS,
    ) -> None:
        """The background job: check every `interval` seconds, the rebuild off the loop."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                await asyncio.to_thread(self.check, sessions)
            except Exception:  # a database hiccup must not stop the watcher; it tries again
                log.exception("knowledge base check failed")
            await wait_or_timeout(stop, interval)
