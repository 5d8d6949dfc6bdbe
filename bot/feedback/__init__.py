"""Phản ánh – kiến nghị: citizens file feedback and track it by code; staff handle it.

`install(assistant, settings)` registers everything with the core's registry. The handlers are
imported inside it because `bot.menu` imports `bot.feedback.offers`, and the feature modules
import `bot.menu`: importing them at the top would be circular.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# Importing the feature registers its tables (and the outbox's) on bot.models.Base.metadata, so
# whoever builds the application sees every table. Alembic and schema tests should import
# bot.schema_all, which does the same explicitly.
import bot.feedback.models
import bot.outbox  # noqa: F401

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sqlalchemy.orm import Session, sessionmaker

    from bot.assistant import Assistant
    from bot.config import Settings
    from bot.delivery import Sender
    from bot.dispatcher import Dispatcher
    from bot.feedback.config import FeedbackConfig
    from bot.shared.backends import SharedState


def install(
    assistant: Assistant, settings: Settings, config: FeedbackConfig | None = None
) -> None:
    """Register the feedback commands, buttons and flows on `assistant`."""
    from bot import menu
    from bot.feedback import offers, satisfaction, tracking
    from bot.feedback.cards import ACTION as STAFF_ACTION
    from bot.feedback.config import FeedbackConfig
    from bot.feedback.followups import AddInfo
    from bot.feedback.forwarding import Forwarding
    from bot.feedback.intake import Intake
    from bot.feedback.privacy import Privacy
    from bot.feedback.staff import COMMANDS, StaffDesk

    config = config or FeedbackConfig()
    # Everything below shows personal data or ticket contents: private chats and the staff
    # group only (bot/feedback/privacy.py).
    private = Privacy(settings.staff_chat_id)
    intake = Intake(config, settings.staff_chat_id)
    assistant.command("phananh", "feedback", "gopy")(private.handler(intake.start))
    assistant.command("huy", "cancel")(private.handler(intake.cancel))
    assistant.action(offers.INTAKE, private.handler(intake.on_action))
    assistant.flow(private.flow(intake))

    assistant.command("tracuu", "track")(private.handler(tracking.track_command))
    assistant.action(offers.TRACK, private.handler(tracking.on_action))
    assistant.flow(private.flow(AddInfo()))

    desk = StaffDesk()
    assistant.command("inbox")(private.handler(desk.inbox))
    assistant.command("xem")(private.handler(desk.view))
    for name in COMMANDS:
        assistant.command(name)(private.handler(desk.command(name)))
    assistant.action(STAFF_ACTION, private.handler(desk.on_action))
    assistant.flow(private.flow(desk))

    assistant.action(satisfaction.ACTION, private.handler(satisfaction.rate))
    assistant.flow(private.flow(satisfaction.CommentFlow()))
    forwarding = Forwarding(config, settings.staff_chat_id)
    assistant.action(menu.FORWARD, private.handler(forwarding))

    # A typed message containing a tracking code shows its status. The core needs a hook for
    # text seen before the matcher (see the report); use it when the core offers one.
    text_hook = getattr(assistant, "text_hook", None)
    if callable(text_hook):
        text_hook(private.hook(tracking.track_in_text))
        # A grievance told in free text is offered to be filed before the matcher sees it.
        from bot.feedback.grievance import ACTION as GRIEVANCE
        from bot.feedback.grievance import Grievances, Offer

        offer = Offer(
            Grievances.load(assistant.kb.lexicon.abbreviations), intake, lambda: assistant.matcher
        )
        text_hook(private.hook(offer))
        assistant.action(GRIEVANCE, private.handler(offer.on_action))


def make_dispatcher(
    sessions: sessionmaker[Session],
    settings: Settings,
    senders: Mapping[str, Sender],
    config: FeedbackConfig | None = None,
    shared: SharedState | None = None,
) -> Dispatcher:
    """The outbox dispatcher with the feedback settings, the send rate shared by all workers,
    and the periodic jobs (the daily digest when STAFF_CHAT_ID is set, pruning), each run by
    one worker per period. Run `await make_dispatcher(...).run_forever()` as a task."""
    import datetime as dt

    from bot.dispatcher import Dispatcher, Job
    from bot.feedback.config import FeedbackConfig
    from bot.feedback.digest import DailyDigest
    from bot.shared.backends import build_shared
    from bot.shared.jobs import once_per_period
    from bot.shared.pruning import PruneSharedState

    config = config or FeedbackConfig()
    if shared is None:
        redis_url = settings.redis_url.get_secret_value() if settings.redis_url else None
        shared = build_shared(sessions.kw["bind"], redis_url)
    from bot.broadcast.cards import StatusCards
    from bot.broadcast.expander import Expander

    # Announcements become outbox rows batch by batch, every pass (cheap when none runs); then
    # the status cards of those sent with /thongbao are refreshed (after the expander, so
    # the pass that finishes an announcement also queues its card's final figures).
    jobs: list[Job] = [once_per_period(PruneSharedState()), Expander(), StatusCards()]
    if settings.staff_chat_id is not None:
        jobs.append(once_per_period(DailyDigest(settings.staff_chat_id, config.digest_hour)))
    return Dispatcher(
        sessions,
        senders,
        lease=dt.timedelta(seconds=config.outbox_lease_seconds),
        max_attempts=config.outbox_max_attempts,
        jobs=jobs,
        rate=shared.rate,
    )
