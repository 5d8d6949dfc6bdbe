"""`cchc-bot broadcast create|confirm|preview|edit|cancel|list|show|bulletin`.

Every change names the staff member doing it (`--as USER_ID`, a registered, active staff
member) and is audited. `show --follow` draws a progress bar (tqdm) until delivery is over.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from bot.broadcast import announcements, subscribers
from bot.broadcast.announcements import Draft, NotAllowedError, render, staff_for
from bot.broadcast.models import Announcement
from bot.broadcast.progress import Progress, progress, summary_vi
from bot.cli_feedback import session_for
from bot.config import Settings
from bot.feedback.workdays import OFFICE_TZ
from bot.models import utcnow

FINISHED = ("done", "cancelled")


def _moment(value: str) -> dt.datetime:
    """YYYY-MM-DDTHH:MM (or with a space), office time, as UTC."""
    try:
        local = dt.datetime.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"not a time: {value!r} (use 2026-12-15T08:00)"
        ) from error
    if local.tzinfo is None:
        local = local.replace(tzinfo=OFFICE_TZ)
    return local.astimezone(dt.UTC)


def _text(args: argparse.Namespace) -> str:
    if args.text_file:
        return Path(args.text_file).read_text(encoding="utf-8")
    return str(args.text or "")


def _create(args: argparse.Namespace, settings: Settings) -> int:
    draft = Draft(
        text=_text(args),
        link=args.link,
        image_url=args.image,
        topics=args.topic,
        areas=args.area,
        send_at=args.at,
    )
    with session_for(settings) as session:
        staff = staff_for(session, args.channel, args.as_user)
        item = announcements.create(session, staff, draft)
        if args.preview:
            announcements.preview(session, staff, item)
        status = announcements.confirm(session, staff, item, utcnow()) if args.confirm else "draft"
        size = subscribers.audience_size(session, item.topics, item.areas)
        print(f"Announcement #{item.id} ({status}), {size} subscriber(s) in its audience.")
        print("Zalo subscribers are not counted and get nothing: Zalo allows no free broadcast.")
        print(render(item, "vi").text)
    return 0


def _act(args: argparse.Namespace, settings: Settings) -> int:
    with session_for(settings) as session:
        staff = staff_for(session, args.channel, args.as_user)
        item = announcements.by_id(session, args.id)
        if args.action == "confirm":
            print(
                f"Announcement #{item.id}: {announcements.confirm(session, staff, item, utcnow())}"
            )
        elif args.action == "preview":
            announcements.preview(session, staff, item)
            print(f"Preview of #{item.id} queued to {staff.name}'s chat.")
        elif args.action == "edit":
            announcements.edit(session, staff, item, _text(args))
            print(render(item, "vi").text)
        else:
            dropped = announcements.cancel(session, staff, item, utcnow())
            print(f"Announcement #{item.id} cancelled; {dropped} recipient(s) will not get it.")
    return 0


def _list(args: argparse.Namespace, settings: Settings) -> int:
    with session_for(settings) as session:
        items = session.scalars(
            select(Announcement).order_by(Announcement.id.desc()).limit(args.limit)
        )
        for item in items:
            created = item.created_at.astimezone(OFFICE_TZ).strftime("%Y-%m-%d %H:%M")
            first = item.text.splitlines()[0][:60]
            print(f"#{item.id}\t{item.status}\t{item.kind}\t{created}\t{first}")
    return 0


def _figures(settings: Settings, announcement_id: int) -> tuple[Announcement, Progress]:
    with session_for(settings) as session:
        item = announcements.by_id(session, announcement_id)
        figures = progress(session, item, utcnow())
        session.expunge(item)
        return item, figures


def _show(args: argparse.Namespace, settings: Settings) -> int:
    item, figures = _figures(settings, args.id)
    if not args.follow or item.status in FINISHED:
        print(summary_vi(item, figures))
        return 0
    from tqdm import tqdm

    with tqdm(total=figures.audience, unit="tin", desc=f"#{item.id}", file=sys.stderr) as bar:
        while True:
            settled = figures.audience - figures.pending
            bar.total = figures.audience
            bar.update(settled - bar.n)
            bar.set_postfix(
                sent=figures.sent,
                failed=figures.failed,
                blocked=figures.blocked,
                rate=f"{figures.rate:.1f}/s",
            )
            if item.status in FINISHED:
                break
            time.sleep(args.interval)
            item, figures = _figures(settings, args.id)
    print(summary_vi(item, figures))
    return 0


def _bulletin(args: argparse.Namespace, settings: Settings) -> int:
    from bot.broadcast.bulletin import draft_bulletin, parse_month
    from bot.runtime import build_matcher

    month = parse_month(args.month)
    kb = build_matcher(settings).kb
    with session_for(settings) as session:
        staff = staff_for(session, args.channel, args.as_user)
        item = draft_bulletin(session, staff, kb, month)
        print(f"Bulletin draft #{item.id}; edit it with `cchc-bot broadcast edit {item.id}`.")
        print(item.text)
    return 0


Command = Callable[[argparse.Namespace, Settings], int]


def _run(handler: Command) -> Command:
    """Print refusals (not staff, wrong status) as one line and exit 1."""

    def run(args: argparse.Namespace, settings: Settings) -> int:
        try:
            return handler(args, settings)
        except NotAllowedError as error:
            print(f"Refused: {error}.", file=sys.stderr)
            return 1

    return run


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `broadcast …` to the `cchc-bot` parser."""
    top = sub.add_parser("broadcast", help="announcements to subscribers, monthly bulletin")
    commands = top.add_subparsers(dest="broadcast_command", required=True)

    def staff_args(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--as", dest="as_user", required=True, help="your staff user id")
        parser.add_argument("--channel", default="telegram", help="your staff channel")

    create = commands.add_parser("create", help="write an announcement (a draft)")
    staff_args(create)
    create.add_argument("--text")
    create.add_argument("--text-file", help="read the text from this UTF-8 file")
    create.add_argument("--link")
    create.add_argument("--image", help="a picture's address (https://…)")
    create.add_argument("--topic", action="append", default=[], help="topic group id (repeat)")
    create.add_argument("--area", action="append", default=[], help="area id (repeat)")
    create.add_argument("--at", type=_moment, help="send time, office time: 2026-12-15T08:00")
    create.add_argument("--preview", action="store_true", help="send it to yourself first")
    create.add_argument("--confirm", action="store_true", help="send (or schedule) it now")
    create.set_defaults(run=_run(_create))

    for action, help_text in (
        ("confirm", "send a draft (or schedule it for its time)"),
        ("preview", "send it to your own chat as subscribers will see it"),
        ("edit", "new text for a draft"),
        ("cancel", "stop it while draft, scheduled or running"),
    ):
        parser = commands.add_parser(action, help=help_text)
        parser.add_argument("id", type=int)
        staff_args(parser)
        if action == "edit":
            parser.add_argument("--text")
            parser.add_argument("--text-file")
        parser.set_defaults(run=_run(_act), action=action)

    listing = commands.add_parser("list", help="the latest announcements")
    listing.add_argument("--limit", type=int, default=20)
    listing.set_defaults(run=_run(_list))

    show = commands.add_parser("show", help="sent / failed / blocked / pending, rate and ETA")
    show.add_argument("id", type=int)
    show.add_argument("--follow", action="store_true", help="a progress bar until it is over")
    show.add_argument("--interval", type=float, default=2.0)
    show.set_defaults(run=_run(_show))

    bulletin = commands.add_parser("bulletin", help="draft the monthly CCHC bulletin")
    bulletin.add_argument("--month", required=True, help="YYYY-MM")
    staff_args(bulletin)
    bulletin.set_defaults(run=_run(_bulletin))
