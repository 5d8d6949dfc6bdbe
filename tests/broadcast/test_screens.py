"""On Telegram the subscription screen and the status card are redrawn in place."""

from __future__ import annotations

from handlers.telegram.render import redraws_in_place


def test_choices_and_status_are_edited_in_place_other_presses_answer() -> None:
    choices = ["bsub:t:ho_tich", "bsub:all", "bsub:area", "bcu:0"]
    assert redraws_in_place("bsub:t:ho_tich", choices)
    assert redraws_in_place("bsub:area", choices)
    assert not redraws_in_place("bcu:0", choices)  # unsubscribing answers with a message
    status = ["bcm:p:7", "bcm:x:7"]
    assert redraws_in_place("bcm:p:7", status)
    assert not redraws_in_place("bcm:x:7", status)
    assert not redraws_in_place("bcm:p:7", ["bcm:p:7", "menu"])
