"""The `cchc-bot` command line: the only place (with bot.runtime) that knows every part."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.broadcast.cli import register as register_broadcast
from bot.cli_feedback import register as register_feedback
from bot.config import Settings
from bot.logsafety import configure_logging
from bot.quiz.cli import register as register_quiz

log = logging.getLogger("cchc_bot")
Command = Callable[[argparse.Namespace, Settings], int]


def _kb_validate(args: argparse.Namespace, settings: Settings) -> int:
    from knowledge.loader import check

    directory = args.dir or settings.kb_dir
    problems = check(directory)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    from knowledge.loader import load

    kb = load(directory)
    questions = sum(len(q) for e in kb.entries.values() for q in e.questions.values())
    print(
        f"OK: {len(kb.entries)} entries, {len(kb.groups)} groups, {questions} sample questions, "
        f"{len(kb.contests)} contest(s)."
    )
    return 0


def _kb_reload(args: argparse.Namespace, settings: Settings) -> int:
    from bot.kbreload.cli import reload_command

    return reload_command(args, settings)


def _kb_audit(args: argparse.Namespace, settings: Settings) -> int:
    from knowledge.audit import RecordError, audit, read_records, report
    from knowledge.loader import load

    try:
        records = read_records(args.records)
    except RecordError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    kb = load(settings.kb_dir)
    differences = audit(kb, records)
    checked = sum(1 for e in kb.entries.values() if e.procedure and e.procedure.code)
    print(report(differences, checked))
    return 1 if differences else 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.ask import result, stream
    from bot.runtime import build_matcher

    matcher = build_matcher(settings)
    if args.text == "-":
        for line in stream(matcher, sys.stdin):
            sys.stdout.write(line + "\n")
        sys.stdout.flush()
        return 0
    outcome = result(matcher, args.text)
    if args.json:
        print(json.dumps(outcome, ensure_ascii=False))
    else:
        print(outcome["answer"])
    return 0


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from bot.db import upgrade

    upgrade(settings.database_url, args.revision)
    print("Database is up to date.")
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.db import upgrade
    from bot.feedback import make_dispatcher
    from bot.runtime import build
    from handlers.console import run_console
    from handlers.console_sender import ConsoleSender

    # The conversation owns the terminal: the log goes to a file, or only warnings to stderr.
    if args.log_file:
        configure_logging(settings.log_level, path=args.log_file)
    else:
        root = logging.getLogger()
        root.setLevel(max(root.level, logging.WARNING))
    upgrade(settings.database_url)  # the console is a local tool: bring its database up to date
    services = build(settings)
    dispatcher = make_dispatcher(services.sessions, settings, {"console": ConsoleSender()})

    def deliver() -> None:  # staff answers and status changes for console users
        asyncio.run(dispatcher.run_once())

    return run_console(services.assistant, user=args.user, after_turn=deliver)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from handlers.telegram.bot_app import telegram_channel
    from handlers.webchat.channel import webchat_channel
    from handlers.workers import SINGLE_PROCESS, serve
    from handlers.zalo.channel import zalo_channel

    updates = {"host": args.host, "port": args.port}
    settings = settings.model_copy(update={k: v for k, v in updates.items() if v is not None})
    if args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    if args.workers > 1 and settings.database_url.startswith("sqlite"):
        print(SINGLE_PROCESS, file=sys.stderr)
        return 2
    # One key for every worker of this run (a cookie signed by one worker must pass the
    # next); without a configured key, sessions start afresh when the server restarts.
    settings = _key_per_run(settings, "desk_secret_key", "staff log in again after a restart")
    if args.workers > 1:  # one process makes its own web chat key (and says so in /healthz)
        settings = _key_per_run(settings, "webchat_secret", "web chat sessions restart with it")
    channels = [telegram_channel, zalo_channel, webchat_channel]
    return serve(settings, channels, args.polling, args.workers)


def _key_per_run(settings: Settings, field: str, consequence: str) -> Settings:
    """`settings` with a random signing key in `field` when none is configured."""
    if getattr(settings, field) is not None:
        return settings
    import secrets

    from pydantic import SecretStr

    log.warning("%s is not set: %s", field.upper(), consequence)
    return settings.model_copy(update={field: SecretStr(secrets.token_urlsafe(32))})


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.evaluation import evaluate, load_devset, report
    from bot.runtime import build_matcher

    outcome = evaluate(build_matcher(settings), load_devset(Path(args.file)))
    print(json.dumps(outcome, ensure_ascii=False, indent=2) if args.json else report(outcome))
    return 0


def _calibrate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.evaluation import load_devset
    from bot.runtime import build_matcher
    from knowledge.calibration import calibrate

    items = [item for file in args.file for item in load_devset(Path(file))]
    refit = not args.confidence_only
    print(json.dumps(calibrate(build_matcher(settings), items, refit_ranking=refit), indent=2))
    return 0


def _bench(args: argparse.Namespace, _settings: Settings) -> int:
    from bot.benchmark import run_benchmark

    figures = run_benchmark(sizes=args.sizes, queries=args.queries)
    print(json.dumps(figures, indent=2) if args.json else figures)
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser (also used by tests)."""
    root = argparse.ArgumentParser(prog="cchc-bot", description="CCHC virtual assistant")
    root.add_argument("--kb", type=Path, help="knowledge base folder (default: the bundled one)")
    sub = root.add_subparsers(dest="command", required=True)

    kb = sub.add_parser("kb", help="knowledge base tools")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    validate = kb_sub.add_parser("validate", help="check the knowledge base files")
    validate.add_argument("dir", nargs="?", type=Path)
    validate.set_defaults(run=_kb_validate)
    kb_reload = kb_sub.add_parser(
        "reload", help="validate the files and have every running worker serve them"
    )
    kb_reload.add_argument("--who", help="your name, kept with the version (default: cli)")
    kb_reload.set_defaults(run=_kb_reload)
    kb_audit = kb_sub.add_parser(
        "audit",
        help="compare fees, time limits, online filing and "
        "legal basis with the national procedure records",
    )
    kb_audit.add_argument("--records", type=Path, required=True, help="folder of record JSON")
    kb_audit.set_defaults(run=_kb_audit)

    ask = sub.add_parser("ask", help="answer one question ('-' reads one per line from stdin)")
    ask.add_argument("text")
    ask.add_argument("--json", action="store_true", help="print the JSON result")
    ask.set_defaults(run=_ask)

    db = sub.add_parser("db", help="database tools")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="apply migrations")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(run=_db_upgrade)

    chat = sub.add_parser("chat", help="chat with the bot in this terminal")
    chat.add_argument("--user", default="console", help="who you are (default: console)")
    chat.add_argument(
        "--log-file", type=Path, help="write the log here (default: warnings only, to stderr)"
    )
    chat.set_defaults(run=_chat)

    serve = sub.add_parser("serve", help="run the bot server (Telegram webhook or polling)")
    serve.add_argument("--polling", action="store_true", help="poll Telegram (no public URL)")
    serve.add_argument("--host", help="listen address (default: HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="listen port (default: PORT or 8080)")
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes on one PostgreSQL (default 1)"
    )
    serve.set_defaults(run=_serve)

    ev = sub.add_parser("eval", help="accuracy on a labelled question file")
    ev.add_argument("file")
    ev.add_argument("--json", action="store_true")
    ev.set_defaults(run=_eval)

    cal = sub.add_parser("calibrate", help="refit the matcher's scoring models on a labelled file")
    cal.add_argument("file", nargs="+")
    cal.add_argument(
        "--confidence-only", action="store_true", help="keep the ranking weights, refit confidence"
    )
    cal.set_defaults(run=_calibrate)

    bench = sub.add_parser("bench", help="matcher speed and memory at several sizes")
    bench.add_argument("--json", action="store_true")
    bench.add_argument("--sizes", type=int, nargs="+", default=[200, 10_000, 100_000])
    bench.add_argument("--queries", type=int, default=2000)
    bench.set_defaults(run=_bench)
    register_feedback(sub)
    register_broadcast(sub)
    register_quiz(sub)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `cchc-bot` console script."""
    args = parser().parse_args(argv)
    settings = Settings()
    if args.kb:
        settings = settings.model_copy(update={"kb_dir": args.kb})
    configure_logging(settings.log_level)
    from knowledge.loader import KnowledgeBaseError

    try:
        code: int = args.run(args, settings)
    except KnowledgeBaseError as exc:
        print("The knowledge base has problems:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`cchc-bot report … | head`): stop quietly, and keep Python
        # from complaining again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return code


if __name__ == "__main__":
    raise SystemExit(main())
