"""A bare number with no numbered choice waiting gets the menu and a hint, and is not logged."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.messages import Inbound, Reply
from bot.models import UnansweredQuestion
from bot.runtime import Services
from bot.slips import is_bare_number
from bot.texts import TEXTS


def ask(services: Services, text: str, user: str = "u1") -> list[Reply]:
    return services.assistant.handle(Inbound("test", user, text=text))


def unanswered(services: Services) -> int:
    with services.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(UnansweredQuestion)) or 0)


@pytest.mark.parametrize("text", ["5", " 12 ", "3.", "(2)", "#7", "１", "113"])
def test_short_numbers_are_slips(text: str) -> None:
    assert is_bare_number(text)


@pytest.mark.parametrize("text", ["1900 1234", "5 ngày", "2026", "", "mục 5", "5a", "²"])
def test_other_text_is_not_a_slip(text: str) -> None:
    assert not is_bare_number(text)


def test_a_bare_number_gets_the_menu_with_a_hint_and_is_not_logged(services: Services) -> None:
    ask(services, "lệ phí khai sinh bao nhiêu")  # an answer with buttons, none numbered here
    before = unanswered(services)
    [reply] = ask(services, "5")
    assert reply.text == TEXTS["vi"]["choice.none"]
    assert reply.buttons, "the main menu's buttons come with the hint"
    assert unanswered(services) == before


def test_the_hint_follows_the_citizens_language(services: Services) -> None:
    ask(services, "how much does birth registration cost")
    [reply] = ask(services, "3")
    assert reply.text == TEXTS["en"]["choice.none"]


def test_a_number_inside_words_is_still_a_question(services: Services) -> None:
    [reply, *_] = ask(services, "làm căn cước cho con 14 tuổi ở đâu")
    assert reply.text != TEXTS["vi"]["choice.none"]
