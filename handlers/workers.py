"""`serve --workers N`: N processes sharing one listening socket and one PostgreSQL.

The parent binds the socket, forks N children (each the whole server: web, front door
workers, outbox) and waits. SIGINT/SIGTERM are passed on; a child that dies is started again,
so a worker killed with `kill -9` is replaced and its inbox leases expire into the others.
Per-citizen order and exactly-once handling come from the inbox, not from the processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import time
from collections.abc import Coroutine, Sequence
from multiprocessing.process import BaseProcess
from typing import Any

from bot.config import Settings
from handlers.server import ChannelFactory, run

log = logging.getLogger(__name__)
SINGLE_PROCESS = (
    "error: SQLite serves one process only; use PostgreSQL (DATABASE_URL=postgresql://…) "
    "for --workers > 1"
)
RESTART_PAUSE = 1.0  # seconds before a crashed worker is started again


def run_loop(main: Coroutine[Any, Any, None]) -> None:
    """Run the server on uvloop when it is installed (libuv's loop costs the front door a
    fraction of asyncio's CPU per callback and socket read), else on asyncio's own loop."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency on Linux and macOS
        asyncio.run(main)
        return
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main)


def listening_socket(host: str, port: int) -> socket.socket:
    """The shared socket (TCP_NODELAY is set by asyncio on IPPROTO_TCP sockets)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve(
    settings: Settings, factories: Sequence[ChannelFactory], polling: bool, workers: int
) -> int:
    """Serve in this process (one worker) or in `workers` children; the exit status."""
    if workers == 1:
        run_loop(run(settings, factories, polling))
        return 0
    sock = listening_socket(settings.host, settings.port)
    context = multiprocessing.get_context("fork")
    children: dict[int, BaseProcess] = {}
    stopping = False

    def start(index: int) -> None:
        child = context.Process(
            target=_child, args=(settings, factories, polling, sock, index == 0), daemon=False
        )
        child.start()
        children[index] = child

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for child in children.values():
            if child.pid is not None and child.is_alive():
                os.kill(child.pid, signum)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        for index in range(workers):
            start(index)
        log.info("serving with %d worker processes", workers)
        while not stopping:
            time.sleep(0.2)
            for index, child in list(children.items()):
                if not child.is_alive() and not stopping:
                    log.error("worker %d exited (%s); starting it again", index, child.exitcode)
                    time.sleep(RESTART_PAUSE)
                    start(index)
        for child in children.values():
            child.join(timeout=30)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        sock.close()
    return 130


def _child(
    settings: Settings,
    factories: Sequence[ChannelFactory],
    polling: bool,
    sock: socket.socket,
    primary: bool,
) -> None:
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(KeyboardInterrupt):
        run_loop(run(settings, factories, polling, sock, primary))
