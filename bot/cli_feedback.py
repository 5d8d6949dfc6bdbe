"""`cchc-bot staff|holiday|report|outbox …`: the feedback feature's command line."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.feedback.models import Staff
from bot.feedback.reports import Table


@contextmanager
def session_for(settings: Settings) -> Iterator[Session]:
    """One transaction on the configured database (committed on success)."""
    from bot.db import make_engine, make_sessions

    engine = make_engine(settings.database_url)
    try:
        with make_sessions(engine).begin() as session:
            yield session
    finally:
        engine.dispose()


_session = session_for


def _date(value: str) -> dt.date:
    """YYYY-MM-DD or DD/MM/YYYY."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"not a date: {value!r} (use YYYY-MM-DD)")


# -- staff -------------------------------------------------------------------------------------
def _find_staff(session: Session, args: argparse.Namespace) -> Staff | None:
    query = select(Staff).where(Staff.channel == args.channel, Staff.external_id == args.user_id)
    return session.scalars(query).one_or_none()


def _staff_add(args: argparse.Namespace, settings: Settings) -> int:
    with _session(settings) as session:
        staff = _find_staff(session, args)
        if staff is None:
            staff = Staff(channel=args.channel, external_id=args.user_id, name=args.name)
            session.add(staff)
        staff.name, staff.role, staff.active = args.name, args.role, True
    print(f"Staff {args.name} ({args.role}) can act from {args.channel} user {args.user_id}.")
    return 0


def _staff_remove(args: argparse.Namespace, settings: Settings) -> int:

    with _session(settings) as session:
        staff = _find_staff(session, args)
        if staff is None:
            print(f"No staff member {args.channel} user {args.user_id}.", file=sys.stderr)
            return 1
        staff.active = False  # kept, not deleted: the audit trail refers to them
    print(f"{staff.name} can no longer act on feedback.")
    return 0


def _staff_list(_args: argparse.Namespace, settings: Settings) -> int:
    with _session(settings) as session:
        for staff in session.scalars(select(Staff).order_by(Staff.channel, Staff.name)):
            state = "active" if staff.active else "removed"
            print(f"{staff.channel}\t{staff.external_id}\t{staff.role}\t{state}\t{staff.name}")
    return 0


# -- holidays ----------------------------------------------------------------------------------
def _holiday_add(args: argparse.Namespace, settings: Settings) -> int:
    from bot.feedback.models import Holiday

    with _session(settings) as session:
        holiday = session.get(Holiday, args.day) or Holiday(day=args.day)
        holiday.name = args.name
        session.add(holiday)
    print(f"{args.day:%d/%m/%Y} is now a holiday: {args.name}")
    return 0


def _holiday_remove(args: argparse.Namespace, settings: Settings) -> int:
    from bot.feedback.models import Holiday

    with _session(settings) as session:
        holiday = session.get(Holiday, args.day)
        if holiday is not None:
            session.delete(holiday)
    print(f"{args.day:%d/%m/%Y} is a normal day.")
    return 0


def _holiday_list(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.feedback.models import Holiday

    with _session(settings) as session:
        for holiday in session.scalars(select(Holiday).order_by(Holiday.day)):
            print(f"{holiday.day.isoformat()}\t{holiday.name}")
    return 0


# -- report ------------------------------------------------------------------------------------
def _report(args: argparse.Namespace, settings: Settings) -> int:
    from bot.feedback.report_files import write_csv, write_xlsx
    from bot.feedback.reports import build_report
    from bot.feedback.workdays import local_date
    from bot.models import utcnow

    start, end = getattr(args, "from"), args.to
    if end < start:
        print("--to is before --from.", file=sys.stderr)
        return 2
    fmt = args.format or (args.out.suffix.lstrip(".") if args.out else "csv")
    if fmt not in ("csv", "xlsx"):
        print(f"Unknown format {fmt!r}: use csv or xlsx.", file=sys.stderr)
        return 2
    with _session(settings) as session:
        report = build_report(session, start, end, local_date(utcnow()))
        report.tables.append(_contests_section(session, settings, start, end))
    if fmt == "xlsx":
        out = args.out or Path(f"bao-cao-phan-anh-{start:%Y%m%d}-{end:%Y%m%d}.xlsx")
        write_xlsx(report, out)
        print(f"Report written to {out}")
    elif args.out:
        # utf-8-sig: Excel and LibreOffice then read Vietnamese correctly without asking.
        with args.out.open("w", encoding="utf-8-sig", newline="") as handle:
            write_csv(report, handle)
        print(f"Report written to {args.out}")
    else:
        write_csv(report, sys.stdout)
    return 0


def _contests_section(session: Session, settings: Settings, start: dt.date, end: dt.date) -> Table:
    """The communication part: contests held in the period and their participants."""
    from bot.quiz.tables import contests_section
    from knowledge.loader import load

    return contests_section(session, load(settings.kb_dir).contests, start, end)


# -- outbox ------------------------------------------------------------------------------------
def _dispatch_once(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.db import make_engine, make_sessions
    from bot.delivery import Sender
    from bot.feedback import make_dispatcher
    from handlers.console_sender import ConsoleSender

    # Console deliveries print here; the Telegram sender needs the running bot (`serve`).
    senders: dict[str, Sender] = {"console": ConsoleSender()}
    engine = make_engine(settings.database_url)
    try:
        dispatcher = make_dispatcher(make_sessions(engine), settings, senders)
        sent = 0
        while batch := asyncio.run(dispatcher.run_once()):  # one per recipient per pass
            sent += batch
    finally:
        engine.dispose()
    print(f"{sent} message(s) sent.", file=sys.stderr)
    return 0


def _digest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.feedback.digest import digest_text, enqueue_digest
    from bot.feedback.workdays import local_date
    from bot.models import utcnow

    today = local_date(utcnow())
    with _session(settings) as session:
        if settings.staff_chat_id is None or args.print:
            print(digest_text(session, today))
            return 0
        queued = enqueue_digest(session, settings.staff_chat_id, today)
    print("Digest queued for the staff group." if queued else "Today's digest was already queued.")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the feedback subcommands to the `cchc-bot` parser."""
    staff = sub.add_parser("staff", help="who may handle feedback")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_sub.add_parser("add", help="register (or update) a staff member")
    remove = staff_sub.add_parser("remove", help="stop a staff member from acting")
    for parser in (add, remove):
        parser.add_argument("--channel", default="telegram")
        parser.add_argument("--user-id", required=True, help="the platform's user id")
    add.add_argument("--name", required=True)
    add.add_argument("--role", choices=("admin", "staff"), default="staff")
    add.set_defaults(run=_staff_add)
    remove.set_defaults(run=_staff_remove)
    staff_sub.add_parser("list", help="registered staff").set_defaults(run=_staff_list)

    holiday = sub.add_parser("holiday", help="non-working days for due dates")
    holiday_sub = holiday.add_subparsers(dest="holiday_command", required=True)
    hadd = holiday_sub.add_parser("add", help="mark a day as a holiday")
    hadd.add_argument("day", type=_date)
    hadd.add_argument("name")
    hadd.set_defaults(run=_holiday_add)
    hremove = holiday_sub.add_parser("remove", help="make a day a normal day again")
    hremove.add_argument("day", type=_date)
    hremove.set_defaults(run=_holiday_remove)
    holiday_sub.add_parser("list", help="configured holidays").set_defaults(run=_holiday_list)

    report = sub.add_parser("report", help="feedback report for a period (CSV or XLSX)")
    report.add_argument("--from", required=True, type=_date, help="first day, YYYY-MM-DD")
    report.add_argument("--to", required=True, type=_date, help="last day, YYYY-MM-DD")
    report.add_argument("--format", choices=("csv", "xlsx"), help="default: from --out, or csv")
    report.add_argument("--out", type=Path, help="file to write (default: CSV to stdout)")
    report.set_defaults(run=_report)

    outbox = sub.add_parser("outbox", help="messages waiting to be delivered")
    outbox_sub = outbox.add_subparsers(dest="outbox_command", required=True)
    once = outbox_sub.add_parser("dispatch-once", help="deliver what is due (console channel)")
    once.set_defaults(run=_dispatch_once)
    digest = outbox_sub.add_parser("digest", help="queue today's digest for the staff group")
    digest.add_argument("--print", action="store_true", help="print it instead")
    digest.set_defaults(run=_digest)
