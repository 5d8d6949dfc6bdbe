"""The guided feedback intake: category → what happened → place → contact → confirm.

The draft lives in `dialogue_states` (flow "feedback"), so it survives restarts and works with
several workers; it expires after `FeedbackConfig.draft_minutes` without activity. Buttons
arrive as `pa:` actions, typed messages through `on_message`. Whatever the citizen types is kept:
text that does not fit the current step is added to the description and they are told so.
"""

from __future__ import annotations

import re

from bot.feedback import passcode, phones, prompts
from bot.feedback.config import CATEGORIES, FeedbackConfig
from bot.feedback.draft import MAX_DESCRIPTION, MAX_NAME, MAX_PLACE, MIN_WORDS, Draft
from bot.feedback.filing import open_ticket
from bot.feedback.offers import START
from bot.feedback.receipt import receipt
from bot.feedback.texts import say
from bot.feedback.words import CANCEL, CONFIRM, CONTINUE, EDIT, NO, SKIP, YES, is_one_of
from bot.menu import home_row
from bot.messages import Button, Reply
from bot.models import DialogueState
from bot.turn import Turn

FLOW = "feedback"
_DIGIT_RUN = re.compile(r"[+\d][\d\s.\-]{5,}\d")


def _substantive(text: str) -> bool:
    return len([w for w in text.split() if any(c.isalpha() for c in w)]) >= MIN_WORDS


class Intake:
    """The `feedback` flow, the `pa:` buttons and the /phananh command."""

    name = FLOW

    def __init__(self, config: FeedbackConfig, staff_chat_id: int | None) -> None:
        self.config = config
        self.staff_chat_id = staff_chat_id

    # -- entry points ----------------------------------------------------------------------
    def start(self, turn: Turn, arg: str) -> list[Reply]:
        """/phananh [what happened]: start a draft, or pick up the one in progress."""
        draft = self._load(turn)
        if draft is not None:
            reply = self._advance(turn, draft, [say(turn.kb, "resume", turn.lang)])[0]
            restart = (prompts.button(turn.kb, "btn.restart", turn.lang, "restart"),)
            return [Reply(reply.text, (*reply.buttons, restart), reply.meta)]
        return self._begin(turn, Draft(description=arg.strip()[:MAX_DESCRIPTION]))

    def _begin(self, turn: Turn, draft: Draft) -> list[Reply]:
        return self._advance(turn, draft, [say(turn.kb, "intro", turn.lang)])

    def begin_with(self, turn: Turn, draft: Draft, notes: list[str]) -> list[Reply]:
        """Start a draft already filled in elsewhere (a complaint typed as a plain message)."""
        return self._advance(turn, draft, [say(turn.kb, "intro", turn.lang), *notes])

    def cancel(self, turn: Turn, _arg: str) -> list[Reply]:
        """/huy or the cancel button: leave whatever guided flow is running."""
        if turn.state() is None:
            return [
                Reply(
                    say(turn.kb, "nothing_to_cancel", turn.lang), (home_row(turn.kb, turn.lang),)
                )
            ]
        turn.clear_state()
        return [Reply(say(turn.kb, "cancelled", turn.lang), (home_row(turn.kb, turn.lang),))]

    def on_action(self, turn: Turn, arg: str) -> list[Reply]:
        """A `pa:` button."""
        verb, _, value = arg.partition(":")
        if verb == "start":
            return self.start(turn, "")
        if verb == "restart":
            return self._begin(turn, Draft())
        if verb == "cancel":
            return self.cancel(turn, "")
        draft = self._load(turn)
        if draft is None:
            start = (Button(say(turn.kb, "btn.start", turn.lang), START),)
            return [Reply(say(turn.kb, "expired", turn.lang), (start,))]
        return self._press(turn, draft, verb, value)

    def _press(self, turn: Turn, draft: Draft, verb: str, value: str) -> list[Reply]:
        step = self._step(turn)
        if verb == "cat" and value in CATEGORIES:
            draft.category = value
        elif verb == "next" and step == "description" and draft.description_sufficient():
            draft.description_done, draft.rewrite = True, False
        elif verb == "skip" and step in ("place", "name", "phone"):
            setattr(draft, step, "")
        elif verb == "consent" and value in ("yes", "no"):
            draft.consent = value == "yes"
        elif verb == "confirm" and draft.next_step() == "summary":
            return self._confirm(turn, draft)
        elif verb == "edit":
            return self._advance(turn, draft, [], step="edit")
        elif verb == "editf" and value in prompts.EDITABLE:
            self._reopen(draft, value)
        return self._advance(turn, draft, [])

    @staticmethod
    def _reopen(draft: Draft, field: str) -> None:
        if field == "category":
            draft.category = None
        elif field == "description":
            draft.description_done, draft.rewrite = False, True
        elif field == "place":
            draft.place = None
        else:
            draft.consent = draft.name = draft.phone = None

    # -- typed messages ----------------------------------------------------------------------
    def on_message(self, turn: Turn, state: DialogueState) -> list[Reply] | None:
        """A message while the draft is open: the answer to the current step."""
        draft = Draft.from_state(state.data)
        inbound, notes = turn.inbound, []
        text = inbound.text.strip()
        if text and is_one_of(text, CANCEL):
            return self.cancel(turn, "")
        if inbound.attachments:
            kept = draft.add_attachments(inbound.attachments)
            notes.append(say(turn.kb, "attachments.received", turn.lang, count=str(kept)))
        if not text:
            if inbound.unsupported and not inbound.attachments:
                notes.append(say(turn.kb, "unsupported", turn.lang))
            return self._advance(turn, draft, notes)
        handler = {
            "category": self._typed_category,
            "description": self._typed_description,
            "place": self._typed_place,
            "consent": self._typed_consent,
            "name": self._typed_name,
            "phone": self._typed_phone,
        }.get(state.step, self._typed_summary)
        return handler(turn, draft, text, notes)

    def _typed_category(
        self, turn: Turn, draft: Draft, text: str, notes: list[str]
    ) -> list[Reply]:
        draft.category = prompts.category_from_text(text)
        if draft.category is None:
            if _substantive(text):
                self._keep(turn, draft, text, notes, "kept")
            notes.append(say(turn.kb, "again.category", turn.lang))
            return self._advance(turn, draft, notes, ask=False)
        return self._advance(turn, draft, notes)

    def _typed_description(
        self, turn: Turn, draft: Draft, text: str, notes: list[str]
    ) -> list[Reply]:
        if is_one_of(text, CONTINUE) and draft.description_sufficient() and not draft.rewrite:
            draft.description_done = True
            return self._advance(turn, draft, notes)
        self._keep(turn, draft, text, notes, None)
        if draft.description_sufficient():
            draft.description_done = True
            return self._advance(turn, draft, notes)
        notes.append(say(turn.kb, "ask.description.more", turn.lang))
        return self._advance(turn, draft, notes, ask=False)

    def _typed_place(self, turn: Turn, draft: Draft, text: str, notes: list[str]) -> list[Reply]:
        if is_one_of(text, SKIP):
            draft.place = ""
        elif len(text) > MAX_PLACE:
            self._keep(turn, draft, text, notes, "moved_to_description")
        else:
            draft.place = text
        return self._advance(turn, draft, notes)

    def _typed_consent(self, turn: Turn, draft: Draft, text: str, notes: list[str]) -> list[Reply]:
        name, phone = phones.split_name_and_phone(text)
        if is_one_of(text, YES):
            draft.consent = True
        elif is_one_of(text, NO):
            draft.consent = False
        elif phone is not None:  # typed their details in answer to "may we keep them?"
            draft.consent, draft.phone, draft.name = True, phone, name or None
        else:
            if _substantive(text):
                self._keep(turn, draft, text, notes, "moved_to_description")
            notes.append(say(turn.kb, "again.consent", turn.lang))
            return self._advance(turn, draft, notes, ask=False)
        return self._advance(turn, draft, notes)

    def _typed_name(self, turn: Turn, draft: Draft, text: str, notes: list[str]) -> list[Reply]:
        if is_one_of(text, SKIP):
            draft.name = ""
            return self._advance(turn, draft, notes)
        name, phone = phones.split_name_and_phone(text)
        if phone is not None:
            draft.phone = phone
        elif (digits := _DIGIT_RUN.search(name)) is not None:
            notes.append(say(turn.kb, "invalid.phone", turn.lang, value=digits.group(0)))
            name = " ".join((name[: digits.start()] + name[digits.end() :]).split())
        if len(name) > MAX_NAME:
            self._keep(turn, draft, text, notes, "moved_to_description")
        elif name:
            draft.name = name
        return self._advance(turn, draft, notes)

    def _typed_phone(self, turn: Turn, draft: Draft, text: str, notes: list[str]) -> list[Reply]:
        if is_one_of(text, SKIP):
            draft.phone = ""
            return self._advance(turn, draft, notes)
        phone = phones.normalise(text) or phones.split_name_and_phone(text)[1]
        if phone is None:
            value = text if len(text) <= 40 else text[:39] + "…"
            notes.append(say(turn.kb, "invalid.phone", turn.lang, value=value))
            return self._advance(turn, draft, notes, ask=False)
        draft.phone = phone
        return self._advance(turn, draft, notes)

    def _typed_summary(self, turn: Turn, draft: Draft, text: str, notes: list[str]) -> list[Reply]:
        if is_one_of(text, CONFIRM) and draft.next_step() == "summary":
            return self._confirm(turn, draft)
        if is_one_of(text, EDIT):
            return self._advance(turn, draft, notes, step="edit")
        if _substantive(text):
            self._keep(turn, draft, text, notes, "summary.added")
        return self._advance(turn, draft, notes)

    def _keep(
        self, turn: Turn, draft: Draft, text: str, notes: list[str], note: str | None
    ) -> None:
        """Add typed text to the description, saying so (and saying if the limit cut it)."""
        complete = draft.add_description(text)
        if note:
            notes.append(say(turn.kb, note, turn.lang))
        if not complete:
            notes.append(say(turn.kb, "too_long", turn.lang, limit=str(MAX_DESCRIPTION)))

    # -- state -----------------------------------------------------------------------------
    def _load(self, turn: Turn) -> Draft | None:
        state = turn.state()
        return Draft.from_state(state.data) if state and state.flow == FLOW else None

    def _step(self, turn: Turn) -> str:
        state = turn.state()
        return state.step if state else ""

    def _advance(
        self,
        turn: Turn,
        draft: Draft,
        notes: list[str],
        ask: bool = True,
        step: str | None = None,
    ) -> list[Reply]:
        """Save the draft at its next step (or `step`) and ask that step's question."""
        step = step or draft.next_step()
        turn.set_state(FLOW, step, draft.to_state(), self.config.draft_ttl)
        return [prompts.prompt(turn.kb, turn.lang, step, draft, notes, ask)]

    def _confirm(self, turn: Turn, draft: Draft) -> list[Reply]:
        secret = passcode.new()
        ticket = open_ticket(
            turn.session, turn.contact, draft, turn.lang, self.config, self.staff_chat_id, secret
        )
        turn.clear_state()
        return receipt(turn, ticket, self.config, "received", secret)
