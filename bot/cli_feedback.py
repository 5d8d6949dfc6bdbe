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
    if args.user_id is None:
        from bot.desk.accounts import WEB_CHANNEL

        login = (args.login or "").strip().lower()
        query = select(Staff).where(Staff.channel == WEB_CHANNEL, Staff.external_id == login)
        found = session.scalars(query).one_or_none()
        return found or _by_login(session, login)
    query = select(Staff).where(Staff.channel == args.channel, Staff.external_id == args.user_id)
    return session.scalars(query).one_or_none()


def _by_login(session: Session, login: str) -> Staff | None:
    from bot.desk.models import StaffLogin

    row = session.scalars(select(StaffLogin).where(StaffLogin.login == login)).one_or_none()
    return session.get(Staff, row.staff_id) if row else None


def _read_password(args: argparse.Namespace) -> str | None:
    """The first password: one line of standard input, or asked twice at the prompt."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("Password for the web desk: ")
    if getpass.getpass("Same password again: ") != first:
        print("The two passwords differ.", file=sys.stderr)
        return None
    return first


def _staff_add(args: argparse.Namespace, settings: Settings) -> int:
    from bot.desk import audit
    from bot.desk.accounts import WEB_CHANNEL, AccountError, check_login, give_login

    if args.user_id is None and not (args.web and args.login):
        print("Give --user-id (a Telegram account), or --web --login NAME.", file=sys.stderr)
        return 2
    if args.web and not args.login:
        print("--web needs --login NAME.", file=sys.stderr)
        return 2
    try:
        login = check_login(args.login) if args.web else None
    except AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    password = _read_password(args) if args.web else None
    if args.web and password is None:
        return 2
    with _session(settings) as session:
        staff = _find_staff(session, args)
        if staff is None and login is not None and args.user_id is not None:
            linked = _by_login(session, login)  # a web-only member now linked to Telegram
            if linked is not None and linked.channel == WEB_CHANNEL:
                staff = linked
                staff.channel, staff.external_id = args.channel, args.user_id
        if staff is None:
            channel = args.channel if args.user_id is not None else WEB_CHANNEL
            staff = Staff(channel=channel, external_id=args.user_id or login, name=args.name)
            session.add(staff)
        staff.name, staff.role, staff.active = args.name, args.role, True
        session.flush()
        if login is not None and password is not None:
            try:
                give_login(session, staff, login, password)
            except AccountError as error:
                print(f"error: {error}", file=sys.stderr)
                session.rollback()
                return 2
        detail = f"role={args.role}" + (f" login={login}" if login else "")
        audit.log(session, None, "staff_add", staff.name, detail, actor="cli")
        where = f"{staff.channel} user {staff.external_id}"
    web = f"; web login {login!r} opens /admin" if login else ""
    print(f"Staff {args.name} ({args.role}) can act from {where}{web}.")
    return 0


def _staff_remove(args: argparse.Namespace, settings: Settings) -> int:
    from bot.desk import audit
    from bot.desk.websessions import close_all

    if args.user_id is None and not args.login:
        print("Give --user-id or --login.", file=sys.stderr)
        return 2
    with _session(settings) as session:
        staff = _find_staff(session, args)
        if staff is None:
            who = args.login or f"{args.channel} user {args.user_id}"
            print(f"No staff member {who}.", file=sys.stderr)
            return 1
        staff.active = False  # kept, not deleted: the audit trail refers to them
        close_all(session, staff)
        audit.log(session, None, "staff_remove", staff.name, actor="cli")
    print(f"{staff.name} can no longer act on feedback.")
    return 0


def _staff_list(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.desk.accounts import login_of

    with _session(settings) as session:
        for staff in session.scalars(select(Staff).order_by(Staff.channel, Staff.name)):
            state = "active" if staff.active else "removed"
            login = login_of(session, staff)
            row = [staff.channel, staff.external_id, staff.role, state, staff.name]
            print("\t".join([*row, f"web:{login}"] if login else row))
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


def _holiday_makeup(args: argparse.Namespace, settings: Settings) -> int:
    from bot.feedback.models import MakeupDay

    with _session(settings) as session:
        day = session.get(MakeupDay, args.day) or MakeupDay(day=args.day)
        day.name = args.name
        session.add(day)
    print(f"{args.day:%d/%m/%Y} is now a working day: {args.name}")
    return 0


def _holiday_remove(args: argparse.Namespace, settings: Settings) -> int:
    from bot.feedback.models import Holiday, MakeupDay

    with _session(settings) as session:
        for model in (Holiday, MakeupDay):
            row = session.get(model, args.day)
            if row is not None:
                session.delete(row)
    print(f"{args.day:%d/%m/%Y} is a normal day.")
    return 0


def _holiday_list(args: argparse.Namespace, settings: Settings) -> int:
    from bot.feedback.models import Holiday, MakeupDay
    from bot.feedback.workdays import vietnam_holidays

    if args.public:
        for day, name in vietnam_holidays(range(args.public, args.public + 1)).items():
            print(f"{day.isoformat()}\tpublic\t{name}")
    with _session(settings) as session:
        for holiday in session.scalars(select(Holiday).order_by(Holiday.day)):
            print(f"{holiday.day.isoformat()}\t{holiday.name}")
        for makeup in session.scalars(select(MakeupDay).order_by(MakeupDay.day)):
            print(f"{makeup.day.isoformat()}\tworking day\t{makeup.name}")
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
        parser.add_argument("--user-id", help="the platform's user id (optional with --web)")
        parser.add_argument("--login", help="the web desk login")
    add.add_argument("--name", required=True)
    add.add_argument("--role", choices=("admin", "staff"), default="staff")
    add.add_argument("--web", action="store_true", help="give a web desk login (/admin)")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the first password from stdin"
    )
    add.set_defaults(run=_staff_add)
    remove.set_defaults(run=_staff_remove)
    staff_sub.add_parser("list", help="registered staff").set_defaults(run=_staff_list)

    holiday = sub.add_parser("holiday", help="non-working days for due dates")
    holiday_sub = holiday.add_subparsers(dest="holiday_command", required=True)
    makeup = holiday_sub.add_parser("makeup", help="mark a weekend day as a working day")
    makeup.add_argument("day", type=_date)
    makeup.add_argument("name")
    makeup.set_defaults(run=_holiday_makeup)
    hadd = holiday_sub.add_parser("add", help="mark a day as an office day off")
    hadd.add_argument("day", type=_date)
    hadd.add_argument("name")
    hadd.set_defaults(run=_holiday_add)
    hremove = holiday_sub.add_parser("remove", help="make a day a normal day again")
    hremove.add_argument("day", type=_date)
    hremove.set_defaults(run=_holiday_remove)
    hlist = holiday_sub.add_parser("list", help="office days off and make-up working days")
    hlist.add_argument("--public", type=int, metavar="YEAR", help="also the public holidays")
    hlist.set_defaults(run=_holiday_list)

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
