"""Sending to Zalo over real HTTP: every error shape Zalo answers (HTTP 200 + `error`) mapped
for the outbox, numbered choices mapped back from digits, long texts split under 2,000."""

from __future__ import annotations

import asyncio

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bot.delivery import DeliveryError
from bot.messages import Button, Reply
from handlers.zalo.api import ZaloApi, ZaloError, ZaloUnavailableError
from handlers.zalo.render import MAX_TEXT, render
from tests.telegram.fake_bot_api import loopback_socket
from tests.zalo.harness import ZaloUnderTest

USER = "8642097531"


async def outbox_error(zalo: ZaloUnderTest, code: int) -> DeliveryError:
    zalo.fake.fail_next(code)
    with pytest.raises(DeliveryError) as caught:
        await zalo.channel.sender().send(USER, [Reply("Thông báo")])
    return caught.value


async def test_every_zalo_error_shape_maps_for_the_outbox(zalo: ZaloUnderTest) -> None:
    await zalo.says(USER, "xin chào")  # the citizen wrote: inside the window
    for code in (-230, -213):
        error = await outbox_error(zalo, code)
        assert (error.held, error.permanent, error.retry_after) == (True, False, None), code
    for code in (-217, -201):
        error = await outbox_error(zalo, code)
        assert (error.held, error.permanent) == (False, True), code
    for code in (-32, -211):
        error = await outbox_error(zalo, code)
        assert error.retry_after == 60.0, code
    error = await outbox_error(zalo, -999)
    assert (error.held, error.permanent, error.retry_after) == (False, False, None)
    # an expired token is refreshed and the text sent once, without an error
    zalo.fake.fail_next(-216)
    await zalo.channel.sender().send(USER, [Reply("Sau khi làm mới mã")])
    assert zalo.fake.texts_to(USER)[-1] == "Sau khi làm mới mã"
    assert len(zalo.fake.spent) == 1
    # -216 twice in a row (the new token refused too): reported, not looped
    zalo.fake.fail_next(-216, -216)
    with pytest.raises(DeliveryError):
        await zalo.channel.sender().send(USER, [Reply("x")])
    assert len(zalo.fake.spent) == 2


async def test_a_citizen_never_seen_is_held_without_calling_zalo(zalo: ZaloUnderTest) -> None:
    calls = len(zalo.fake.send_calls)
    with pytest.raises(DeliveryError) as caught:
        await zalo.channel.sender().send("1111111111", [Reply("x")])
    assert caught.value.held
    assert len(zalo.fake.send_calls) == calls


async def test_unreachable_or_garbled_zalo_is_a_retry(unused_tcp_port: int) -> None:
    api = ZaloApi(f"http://127.0.0.1:{unused_tcp_port}", f"http://127.0.0.1:{unused_tcp_port}")
    with pytest.raises(ZaloUnavailableError):
        await api.send_text("t", USER, "x")
    await api.close()


async def test_http_errors_and_non_json_answers(zalo: ZaloUnderTest) -> None:
    async def broken(_request: object) -> PlainTextResponse:
        return PlainTextResponse("<html>gateway</html>", status_code=502)

    async def teapot(_request: object) -> PlainTextResponse:
        return PlainTextResponse("not json", status_code=200)

    app = Starlette(
        routes=[
            Route("/a/v3.0/oa/message/cs", broken, methods=["POST"]),
            Route("/b/v3.0/oa/message/cs", teapot, methods=["POST"]),
        ]
    )
    sock = loopback_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        for path in ("/a", "/b"):
            api = ZaloApi(base + path, base + path)
            with pytest.raises(ZaloUnavailableError):
                await api.send_text("t", USER, "x")
            await api.close()
    finally:
        server.should_exit = True
        await task
        sock.close()
    assert zalo.fake.send_calls == []


async def test_fake_refuses_oversize_text_like_zalo(zalo: ZaloUnderTest) -> None:
    api = ZaloApi(zalo.fake.url, zalo.fake.url)
    access, _ = zalo.fake.issue()
    with pytest.raises(ZaloError) as caught:
        await api.send_text(access, USER, "a" * (MAX_TEXT + 1))
    assert caught.value.code == -201
    await api.close()


def test_long_replies_are_split_under_the_limit_with_choices_last() -> None:
    paragraph = "Đoạn hướng dẫn chi tiết về thủ tục hành chính, " * 12
    text = "\n\n".join(f"{n}. {paragraph}" for n in range(12))
    buttons = ((Button("👍 Hữu ích", "rate:a:1:up"), Button("👎 Chưa", "rate:a:1:down")),)
    texts, shown = render(
        [Reply(text, buttons), Reply("Còn gì nữa?", ((Button("Menu", "menu"),),))]
    )
    assert len(texts) > 2
    assert all(0 < len(t) <= MAX_TEXT for t in texts)
    assert texts[-2].endswith("1. 👍 Hữu ích\n2. 👎 Chưa")
    assert texts[-1] == "Còn gì nữa?\n\n3. Menu"
    assert [b.payload for b in shown] == ["rate:a:1:up", "rate:a:1:down", "menu"]


async def test_menu_by_digits_and_a_slip_keeps_the_numbers(zalo: ZaloUnderTest) -> None:
    menu = await zalo.says(USER, "/menu")
    assert "1. " in menu
    slip = await zalo.says(USER, "42")
    assert "1" in slip  # asks for a number in range instead of searching for "42"
    group = await zalo.says(USER, "1")  # still the menu's first choice
    assert "1. " in group
    assert group != menu
    answer = await zalo.says(USER, "1")  # the group's first topic
    assert "Hữu ích" in answer or "👍" in answer
