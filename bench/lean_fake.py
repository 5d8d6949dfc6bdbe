"""A cheap fake Bot API and load generator on one asyncio loop, for the throughput bench.

The test suite's fake (Starlette + uvicorn + httpx, a thread) costs as much CPU per message as
the bot did; this one parses only what it must: the request line, Content-Length, and the
chat id of each sendMessage. Citizens hold one keep-alive connection each to the bot's webhook
and send their next question when the answer to the previous one has arrived (a closed loop).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from typing import Any

OK_TRUE = b'{"ok":true,"result":true}'
BOT_USER = {
    "id": 4242,
    "is_bot": True,
    "first_name": "Trợ lý CCHC",
    "username": "cchc_bench_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


async def read_http(reader: asyncio.StreamReader) -> tuple[bytes, bytes] | None:
    """(first line, body) of one HTTP/1.1 message with Content-Length; None at EOF."""
    first = await reader.readline()
    if not first:
        return None
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    body = await reader.readexactly(length) if length else b""
    return first, body


def response(body: bytes, status: bytes = b"200 OK") -> bytes:
    head = b"HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
    return head % (status, len(body)) + body


class LeanFake:
    """The Bot API side: answers every method, resolves a citizen's wait on sendMessage."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.waiting: dict[int, asyncio.Future[float]] = {}
        self.port = 0
        self.message_id = 0

    async def start(self) -> asyncio.Server:
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        return server

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while (request := await read_http(reader)) is not None:
                first, body = request
                path = first.split(b" ", 2)[1]
                method = path.rsplit(b"/", 1)[1].decode()
                self.calls[method] += 1
                writer.write(response(self._answer(method, body)))
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the bot hung up, or the bench is over
        finally:
            writer.close()

    def _answer(self, method: str, body: bytes) -> bytes:
        if method == "getMe":
            return json.dumps({"ok": True, "result": BOT_USER}).encode()
        if method not in ("sendMessage", "editMessageText"):
            return OK_TRUE
        chat_id = int(json.loads(body)["chat_id"])
        future = self.waiting.pop(chat_id, None)
        if future is not None and not future.done():
            future.set_result(time.perf_counter())
        self.message_id += 1
        result = {"message_id": self.message_id, "date": 0, "chat": {"id": chat_id}}
        return json.dumps({"ok": True, "result": result}).encode()


class Citizens:
    """`users` closed-loop citizens posting updates to the bot's webhook."""

    def __init__(self, fake: LeanFake, port: int, secret: str, questions: tuple[str, ...]):
        self.fake, self.port, self.secret, self.questions = fake, port, secret, questions
        self.update_id = 0

    async def run(self, users: int, messages: int, first_user: int) -> list[float]:
        share = [messages // users + (1 if n < messages % users else 0) for n in range(users)]
        latencies: list[float] = []
        await asyncio.gather(
            *(self._citizen(first_user + n, k, latencies) for n, k in enumerate(share) if k)
        )
        return latencies

    async def _citizen(self, user_id: int, count: int, latencies: list[float]) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        loop = asyncio.get_running_loop()
        person = {"id": user_id, "is_bot": False, "first_name": "Dân", "language_code": "vi"}
        chat = {"id": user_id, "type": "private", "first_name": "Dân"}
        try:
            for k in range(count):
                self.update_id += 1
                text = self.questions[(user_id + k) % len(self.questions)]
                update = {
                    "update_id": self.update_id,
                    "message": {
                        "message_id": self.update_id,
                        "date": int(time.time()),
                        "chat": chat,
                        "from": person,
                        "text": text,
                    },
                }
                body = json.dumps(update, ensure_ascii=False).encode()
                future: asyncio.Future[float] = loop.create_future()
                self.fake.waiting[user_id] = future
                sent = time.perf_counter()
                writer.write(
                    b"POST /telegram/webhook HTTP/1.1\r\nHost: bot\r\n"
                    b"Content-Type: application/json\r\n"
                    b"X-Telegram-Bot-Api-Secret-Token: %s\r\nContent-Length: %d\r\n\r\n%s"
                    % (self.secret.encode(), len(body), body)
                )
                answer = await read_http(reader)
                assert answer is not None
                assert b" 200 " in answer[0], answer
                latencies.append(await asyncio.wait_for(future, 60) - sent)
        finally:
            writer.close()


def summary(calls: Counter[str]) -> dict[str, Any]:
    return dict(sorted(calls.items()))
