"""The core: one entry point, `Assistant.handle(Inbound) -> list[Reply]`, for every channel."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot import followup, menu, questions
from bot.callbacks import split_payload
from bot.contacts import Found, find_contact
from bot.messages import Button, Inbound, Reply
from bot.models import Contact, MessageLog, ProcessedUpdate, utcnow
from bot.render import say
from bot.slips import bare_number
from bot.smalltalk import SmallTalk
from bot.sqlutil import insert_unless_exists
from bot.textclean import clean, clean_inbound
from bot.texts import LANGUAGE_NAMES, LANGUAGES
from bot.turn import Flow, Handler, Turn
from knowledge.aspect import ASPECTS
from knowledge.matcher import Matcher
from knowledge.schema import KnowledgeBase

log = logging.getLogger(__name__)
TextHook = Callable[[Turn], list[Reply] | None]
LANGUAGE_MIN_WORDS = 2


class Assistant:
    """Routes a message to a button action, a command, a guided flow or the matcher.

    Each message is handled in one transaction: the contact, the dialogue state, the logs and
    anything a feature writes (a ticket, an outbox row) commit together, before any reply is
    returned to the channel.
    """

    def __init__(
        self,
        matcher: Matcher,
        sessions: sessionmaker[Session],
        followup_ttl: dt.timedelta = followup.DEFAULT_TTL,
    ) -> None:
        self._matcher = matcher  # one reference, replaced whole by `use_matcher`
        self.followup_ttl = followup_ttl  # how long a topic stays the one follow-ups refer to
        self.sessions = sessions
        self.commands: dict[str, Handler] = {}
        self.actions: dict[str, Handler] = {}
        self.flows: dict[str, Flow] = {}
        self.text_hooks: list[TextHook] = []
        # Vietnamese, English, then any language the knowledge base has answers in.
        found = {lang for entry in self.kb.entries.values() for lang in entry.answer}
        self.languages = [*LANGUAGES, *sorted(found - set(LANGUAGES))]
        self._register_defaults()

    @property
    def matcher(self) -> Matcher:
        """The matcher serving now (a reload swaps it whole)."""
        return self._matcher

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base of the matcher serving now."""
        return self._matcher.kb

    def use_matcher(self, matcher: Matcher) -> None:
        """Serve from `matcher` from the next message on (one reference assignment, atomic
        under the GIL; a message being handled keeps the matcher it started with)."""
        self._matcher = matcher

    # -- registry --------------------------------------------------------------------------
    def command(self, *names: str) -> Callable[[Handler], Handler]:
        """Register a slash command handler (used by features such as feedback)."""

        def register(handler: Handler) -> Handler:
            for name in names:
                self.commands[name] = handler
            return handler

        return register

    def action(self, kind: str, handler: Handler) -> None:
        """Register the handler for buttons whose payload starts with `kind:`."""
        self.actions[kind] = handler

    def flow(self, flow: Flow) -> None:
        """Register a guided flow."""
        self.flows[flow.name] = flow

    def text_hook(self, hook: TextHook) -> None:
        """A check that may answer typed text before the matcher (e.g. a tracking code)."""
        self.text_hooks.append(hook)

    def _register_defaults(self) -> None:
        self.command("start")(self._start)
        self.command("menu")(lambda turn, _arg: [menu.main_menu(turn.kb, turn.lang)])
        self.command("help", "trogiup")(
            lambda turn, _arg: [Reply(say(turn.kb, "help", turn.lang))]
        )
        self.command("lienhe", "hotline")(self._contact_info)
        self.command("ngonngu", "language")(self._language_menu)
        self.action(menu.MENU, lambda turn, _arg: [menu.main_menu(turn.kb, turn.lang)])
        self.action(menu.GROUP, lambda turn, arg: [menu.group_menu(turn.kb, arg, turn.lang)])
        self.action(menu.ENTRY, self._show_entry)
        self.action(menu.RATE, questions.rate)
        self.action(menu.FORWARD, questions.forward)
        self.action(menu.NONE_OF_THESE, questions.none_of_these)
        self.action(menu.LANGUAGE, self._set_language)
        self.action(menu.DETAIL, self._show_detail)
        self.action(menu.CHOICE, lambda turn, arg: [menu.out_of_range(turn.kb, turn.lang, arg)])
        self.flow(questions.RatingCommentFlow())
        self.smalltalk = SmallTalk.load()
        self.text_hook(self.smalltalk.reply)
        self.text_hook(bare_number)

    # -- entry point -----------------------------------------------------------------------
    def handle(self, inbound: Inbound) -> list[Reply]:
        """Handle one message in one transaction and return the replies to send."""
        replies = self.handle_once(inbound, None)
        assert replies is not None
        return replies

    def handle_once(self, inbound: Inbound, update_id: str | None) -> list[Reply] | None:
        """Like `handle`, but a platform update id seen before returns None (a webhook retry).

        The id is recorded in the same transaction as the handling, so an update whose handling
        failed is not marked as processed and its redelivery is handled.
        """
        update_id = None if update_id is None else clean(update_id)
        for attempt in (1, 2):
            try:
                with self.sessions.begin() as session:
                    if update_id is not None and not insert_unless_exists(
                        session,
                        ProcessedUpdate,
                        {
                            "channel": inbound.channel,
                            "update_id": update_id,
                            "created_at": utcnow(),
                        },
                        ["channel", "update_id"],
                    ):
                        return None
                    return self._handle(session, inbound)
            except IntegrityError:
                # Two first messages from a new contact raced to create it; the retry finds it.
                if attempt == 2:
                    raise
                log.info("retrying a message after a concurrent insert")
        raise AssertionError("unreachable")

    def handle_in(self, session: Session, inbound: Inbound) -> list[Reply]:
        """Handle one message inside the caller's transaction (the front door's, which also
        records the inbox row's replies); the caller commits or rolls back."""
        return self._handle(session, inbound)

    def _handle(self, session: Session, inbound: Inbound) -> list[Reply]:
        # Text no database can store (NUL, lone surrogates) goes first, whatever the channel
        # and whichever entry (handle, handle_once, the front door's handle_in) it came by.
        inbound = clean_inbound(inbound)
        matcher = self._matcher  # the whole message is handled by one knowledge base
        kb = matcher.kb
        found = find_contact(session, inbound)
        contact = found.contact
        turn = Turn(session, contact, inbound, kb, self._language(session, found, inbound))
        turn.no_state, turn.topic, turn.topic_known = found.state is None, found.topic, True
        if inbound.payload:
            parsed = split_payload(inbound.payload)
            action = self.actions.get(parsed[0]) if parsed else None
            if parsed is None or action is None:  # forged, or a button of an older version
                notice = say(kb, "button.unknown", turn.lang)
                return [menu.main_menu(kb, turn.lang, notice)]
            return action(turn, parsed[1])
        if inbound.command:
            handler = self.commands.get(inbound.command.lower())
            if handler is None:
                return [Reply(say(kb, "unknown_command", turn.lang))]
            return handler(turn, inbound.args)
        state = turn.state()
        if state is not None and state.flow in self.flows:
            replies = self.flows[state.flow].on_message(turn, state)
            if replies is not None:
                return replies
        if inbound.unsupported and not inbound.text:
            return [Reply(say(kb, "unsupported", turn.lang))]
        turn.lang = self._text_language(contact, inbound, turn.lang)
        for hook in self.text_hooks:
            hooked = hook(turn)
            if hooked is not None:
                return hooked
        return questions.answer_question(turn, matcher, self.followup_ttl)

    def _language(self, session: Session, found: Found, inbound: Inbound) -> str:
        """The menus' language: the citizen's choice, else the language of their first question.

        Later messages in another language are answered in it (`_text_language`) but do not
        flip the menus: one English question from a Vietnamese speaker is not a new choice.
        """
        contact = found.contact
        if contact.language_chosen or inbound.payload or inbound.command:
            return contact.language
        detected = self._detect(inbound.text)
        if detected is not None and detected != contact.language:
            asked_before = (
                None
                if found.new
                else session.scalar(
                    select(MessageLog.id).where(MessageLog.contact_id == contact.id).limit(1)
                )
            )
            if asked_before is None:
                contact.language = detected
        return contact.language

    def _text_language(self, contact: Contact, inbound: Inbound, menu_language: str) -> str:
        """Typed text is answered in its own language, unless the citizen chose one."""
        if contact.language_chosen:
            return menu_language
        return self._detect(inbound.text) or menu_language

    def _detect(self, text: str) -> str | None:
        """'vi' or 'en' for a message long enough to tell, else None. Small talk never sets
        the conversation's language ("haha 😂" or "ok" carry none; a "thanks" is answered in
        English by the small-talk reply itself without turning the menus English)."""
        if self.smalltalk.classify(text) is not None:
            return None
        if len(text.split()) < LANGUAGE_MIN_WORDS:
            return None
        return "vi" if self.matcher.language.detect(text) == "vi" else "en"

    # -- built-in commands and buttons -------------------------------------------------------
    def _start(self, turn: Turn, _arg: str) -> list[Reply]:
        turn.clear_state()
        intro = say(self.kb, "greeting", turn.lang)
        if self.kb.example_locality:
            intro += "\n" + say(self.kb, "example_notice", turn.lang)
        return [menu.main_menu(self.kb, turn.lang, intro)]

    def _show_entry(self, turn: Turn, arg: str) -> list[Reply]:
        entry = self.kb.entries.get(arg)
        if entry is None:
            return [menu.main_menu(self.kb, turn.lang)]
        followup.remember(turn, entry.id)
        return [menu.entry_reply(self.kb, entry, turn.lang, "0")]

    def _show_detail(self, turn: Turn, arg: str) -> list[Reply]:
        entry_id, _, rest = arg.partition(":")
        detail, _, rating_ref = rest.partition(":")
        entry = self.kb.entries.get(entry_id)
        if entry is None:
            return [menu.main_menu(self.kb, turn.lang)]
        followup.remember(turn, entry.id)
        aspect = detail if detail in ASPECTS else None  # "full": the whole entry
        return [menu.entry_reply(self.kb, entry, turn.lang, rating_ref or "0", aspect)]

    def _contact_info(self, turn: Turn, _arg: str) -> list[Reply]:
        replies = []
        for entry_id in ("bo_phan_mot_cua", "hotline"):
            entry = self.kb.entries.get(entry_id)
            if entry is not None:
                replies.append(menu.entry_reply(self.kb, entry, turn.lang, "0"))
        return replies or [Reply(say(self.kb, "staff", turn.lang))]

    def _language_menu(self, turn: Turn, _arg: str) -> list[Reply]:
        buttons = tuple(
            Button(LANGUAGE_NAMES.get(code, code), menu.payload(menu.LANGUAGE, code))
            for code in self.languages
        )
        return [Reply(say(self.kb, "language.choose", turn.lang), (buttons,))]

    def _set_language(self, turn: Turn, arg: str) -> list[Reply]:
        if arg not in self.languages:
            return self._language_menu(turn, arg)
        turn.contact.language, turn.contact.language_chosen, turn.lang = arg, True, arg
        return [menu.main_menu(self.kb, arg, say(self.kb, "language.set", arg))]
