"""`cchc-bot quiz list|show|results CONTEST`: the contests and their results, for staff."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli_feedback import session_for
from bot.config import Settings
from bot.models import utcnow
from bot.quiz.results import contest_results
from bot.quiz.tables import heading, result_tables
from bot.quiz.texts import office
from knowledge.contests import Contest
from knowledge.schema import pick


def _contests(settings: Settings) -> dict[str, Contest]:
    from knowledge.loader import load

    return load(settings.kb_dir).contests


def _state(contest: Contest) -> str:
    now = utcnow()
    if now < contest.opens:
        return "sắp mở"
    return "đang mở" if contest.is_open(now) else "đã đóng"


def _find(settings: Settings, contest_id: str) -> Contest | None:
    contests = _contests(settings)
    contest = contests.get(contest_id)
    if contest is None:
        known = ", ".join(sorted(contests)) or "none"
        print(f"No contest {contest_id!r} (known: {known}).", file=sys.stderr)
    return contest


def _list(_args: argparse.Namespace, settings: Settings) -> int:
    contests = _contests(settings)
    if not contests:
        print("No contests in the knowledge base (knowledge/data/contests/).")
        return 0
    with session_for(settings) as session:
        for contest in sorted(contests.values(), key=lambda c: c.opens):
            results = contest_results(session, contest)
            print(
                f"{contest.id}\t{pick(contest.title, 'vi')}\t{office(contest.opens)} – "
                f"{office(contest.closes)}\t{_state(contest)}\t"
                f"{results.participants} người tham gia\t{results.attempts} lượt"
            )
    return 0


def _show(args: argparse.Namespace, settings: Settings) -> int:
    contest = _find(settings, args.contest)
    if contest is None:
        return 2
    with session_for(settings) as session:
        results = contest_results(session, contest)
    minutes = int(contest.time_limit.total_seconds() // 60)
    laws = sum(1 for q in contest.questions if q.law)
    lines = [
        pick(contest.title, "vi"),
        f"Thời gian: {office(contest.opens)} – {office(contest.closes)} ({_state(contest)})",
        f"Mỗi lượt {contest.per_attempt} câu rút từ {len(contest.questions)} câu, {minutes} phút;"
        f" tối đa {contest.attempts_allowed} lượt mỗi người",
        f"Nguồn: {laws} câu theo văn bản pháp luật, {len(contest.questions) - laws} câu theo "
        "mục của cơ sở tri thức",
        f"Câu dự đoán số người tham gia: {'có' if contest.prediction else 'không'}",
        f"Người tham gia: {results.participants}; lượt thi: {results.attempts} "
        f"(đang làm dở: {results.running})",
        "Phân bố điểm: "
        + (", ".join(f"{k} đúng: {v}" for k, v in results.distribution.items()) or "chưa có"),
    ]
    if results.by_area:
        lines.append("Theo thôn: " + ", ".join(f"{a}: {n}" for a, n in results.by_area.items()))
    print("\n".join(lines))
    return 0


def _results(args: argparse.Namespace, settings: Settings) -> int:
    contest = _find(settings, args.contest)
    if contest is None:
        return 2
    from bot.feedback.report_files import write_tables_csv, write_tables_xlsx

    fmt = args.format or (args.out.suffix.lstrip(".") if args.out else "csv")
    if fmt not in ("csv", "xlsx"):
        print(f"Unknown format {fmt!r}: use csv or xlsx.", file=sys.stderr)
        return 2
    with session_for(settings) as session:
        tables = result_tables(contest_results(session, contest))
    if fmt == "xlsx":
        out = args.out or Path(f"ket-qua-{contest.id.replace('_', '-')}.xlsx")
        write_tables_xlsx(heading(contest), tables, out)
        print(f"Results written to {out}")
    elif args.out:
        with args.out.open("w", encoding="utf-8-sig", newline="") as handle:  # Excel-friendly
            write_tables_csv(heading(contest), tables, handle)
        print(f"Results written to {args.out}")
    else:
        write_tables_csv(heading(contest), tables, sys.stdout)
    return 0


def _announce(args: argparse.Namespace, settings: Settings) -> int:
    """A draft announcement of the contest, sent like any other (`broadcast confirm ID`)."""
    contest = _find(settings, args.contest)
    if contest is None:
        return 2
    from bot.broadcast import announcements
    from bot.broadcast.announcements import Draft, NotAllowedError, staff_for
    from bot.quiz.announce import announcement_text

    with session_for(settings) as session:
        try:
            staff = staff_for(session, args.channel, args.as_user)
        except NotAllowedError as refused:
            print(f"Refused: {refused}.", file=sys.stderr)
            return 1
        item = announcements.create(session, staff, Draft(text=announcement_text(contest)))
        print(
            f"Draft announcement #{item.id} for {contest.id}; check it with `cchc-bot broadcast "
            f"show {item.id}`, send it with `cchc-bot broadcast confirm {item.id} --as "
            f"{args.as_user}`."
        )
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `quiz list|show|results` to the `cchc-bot` parser."""
    quiz = sub.add_parser("quiz", help="knowledge contests: list, details, results")
    quiz_sub = quiz.add_subparsers(dest="quiz_command", required=True)
    quiz_sub.add_parser("list", help="every contest with its participants").set_defaults(run=_list)
    show = quiz_sub.add_parser("show", help="one contest's settings and figures")
    show.add_argument("contest")
    show.set_defaults(run=_show)
    results = quiz_sub.add_parser("results", help="ranking and figures (CSV or XLSX)")
    results.add_argument("contest")
    results.add_argument("--format", choices=("csv", "xlsx"), help="default: from --out, or csv")
    results.add_argument("--out", type=Path, help="file to write (default: CSV to stdout)")
    results.set_defaults(run=_results)
    announce = quiz_sub.add_parser("announce", help="a draft broadcast announcing the contest")
    announce.add_argument("contest")
    announce.add_argument("--as", dest="as_user", required=True, help="your staff user id")
    announce.add_argument("--channel", default="telegram", help="your staff channel")
    announce.set_defaults(run=_announce)
