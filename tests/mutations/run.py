"""Break each safety mechanism on purpose, in a scratch copy, and check a test turns red.

Not part of the normal run (pytest collects only test_*.py). Usage, from the repository root:

    CCHC_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python tests/mutations/run.py [--only NAME-FRAGMENT] [--all-tests]

Each break is a list of exact text replacements in one file. If a pattern no longer matches
(the code moved), the break is reported as "pattern not found" so it can be updated; it is
never counted as caught. The working tree is never modified: the repository is copied to a
temporary directory and every break is applied to, and then removed from, that copy.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IGNORED = (".git", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "*.db")


@dataclass(frozen=True)
class Break:
    """One deliberate bug: `replacements` in `path`, which one of `tests` must catch."""

    name: str
    path: str
    replacements: tuple[tuple[str, str], ...]
    tests: tuple[str, ...]


DISPATCHER_TESTS = ("tests/test_dispatcher_concurrency.py", "tests/feedback/test_dispatcher.py")
# The focused files first, so -x stops early when they catch the break.
TICKET_TESTS = (
    "tests/feedback/test_transitions.py",
    "tests/feedback/test_duedates.py",
    "tests/feedback",
)
MATCHER_TESTS = (
    "tests/knowledge",
    "tests/test_assistant.py",
    "tests/test_blind_floors.py",
    "tests/telegram/test_conversations.py",
)
STRICT_TELEGRAM_TESTS = ("tests/telegram",)
QUIZ_TESTS = ("tests/quiz", "tests/telegram/test_quiz_e2e.py")
DESK_TESTS = (
    "tests/web/test_desk_access.py",
    "tests/web/test_desk_items.py",
    "tests/web/test_desk_files.py",
)
DESKCAST_TESTS = ("tests/web/test_desk_broadcasts.py", "tests/test_kb_reload.py")
WEBCHAT_GUARD_TESTS = ("tests/webchat/test_guards.py",)
THRESHOLDS = ("knowledge/matcher.py", "bot/config.py")


def _thresholds(answer: str, suggest: str | None = None) -> list[Break]:
    """The same threshold change in the matcher's defaults and in the settings' defaults."""
    label = f"matcher: answer threshold 40 -> {answer}" + (
        f", suggest -> {suggest}" if suggest else ""
    )
    pairs = {
        "knowledge/matcher.py": [("    answer: float = 40.0", f"    answer: float = {answer}")],
        "bot/config.py": [
            ("answer_threshold: float = 40.0", f"answer_threshold: float = {answer}")
        ],
    }
    if suggest:
        pairs["knowledge/matcher.py"].append(
            ("    suggest: float = 35.0", f"    suggest: float = {suggest}")
        )
        pairs["bot/config.py"].append(
            ("suggest_threshold: float = 35.0", f"suggest_threshold: float = {suggest}")
        )
    return [Break(label, path, tuple(pairs[path]), MATCHER_TESTS) for path in THRESHOLDS]


BROADCAST_TESTS = ("tests/broadcast/test_delivery.py",)


CARD_TESTS = ("tests/telegram/test_broadcast_cards.py",)

BREAKS: list[Break | list[Break]] = [
    Break(
        "follow-up: a variant's answer remembered as its entry (a foreign marriage's fee question"
        " gets the domestic fee)",
        "bot/questions.py",
        (
            (
                "followup.remember(turn, followup.variant_topic(entry.id, variant.id))",
                "followup.remember(turn, entry.id)",
            ),
        ),
        ("tests/test_followup.py",),
    ),
    Break(
        "broadcast: the Telegram sender does not report the message id (the card never edits)",
        "handlers/telegram/sender.py",
        (
            (
                "last = message_id_of(await send_outgoing(self.bot, chat_id, message))",
                "await send_outgoing(self.bot, chat_id, message)",
            ),
        ),
        CARD_TESTS,
    ),
    Break(
        "broadcast: a picture Telegram refuses (400) is not sent as text (citizens blocked)",
        "handlers/telegram/sender.py",
        (
            (
                "except BadRequest as error:\n                # Telegram could not",
                "except ValueError as error:\n                # Telegram could not",
            ),
        ),
        ("tests/broadcast/test_photo.py",),
    ),
    Break(
        "broadcast: status card edits not throttled (an edit every pass)",
        "bot/broadcast/cards.py",
        (("EVERY = dt.timedelta(seconds=10)", "EVERY = dt.timedelta(seconds=0)"),),
        CARD_TESTS,
    ),
    Break(
        "broadcast: no priority lane (announcement rows claimed in id order with the rest)",
        "bot/outbox_rows.py",
        (
            (
                ".order_by(OutboxMessage.priority, OutboxMessage.id)\n        .limit(batch)",
                ".order_by(OutboxMessage.id)\n        .limit(batch)",
            ),
        ),
        BROADCAST_TESTS,
    ),
    Break(
        "broadcast: expander takes the announcement FOR UPDATE without SKIP LOCKED",
        "bot/broadcast/expander.py",
        (("with_for_update(skip_locked=True)", "with_for_update()"),),
        BROADCAST_TESTS,
    ),
    Break(
        "dispatcher: FOR UPDATE without SKIP LOCKED",
        "bot/outbox_rows.py",
        (
            (
                "with_for_update(skip_locked=True, of=OutboxMessage)",
                "with_for_update(of=OutboxMessage)",
            ),
        ),
        DISPATCHER_TESTS,
    ),
    Break(
        "dispatcher: no lease-expired check before sending",
        "bot/dispatcher.py",
        (("if now >= lease.until:  # too slow", "if False:  # too slow"),),
        DISPATCHER_TESTS,
    ),
    Break(
        "dispatcher: owned() ignores the claim token",
        "bot/outbox_rows.py",
        (("        OutboxMessage.claim_token == row.token,\n", ""),),
        DISPATCHER_TESTS,
    ),
    Break(
        "dispatcher: maximum backoff ignored",
        "bot/dispatcher.py",
        (
            (
                "min(self.backoff * 2 ** (attempts - 1), self.max_backoff)",
                "self.backoff * 2 ** (attempts - 1)",
            ),
        ),
        DISPATCHER_TESTS,
    ),
    Break(
        "dispatcher: run_forever does not catch a failed pass",
        "bot/dispatcher.py",
        (
            (
                "except Exception:  # a database hiccup",
                "except ZeroDivisionError:  # a database hiccup",
            ),
        ),
        DISPATCHER_TESTS,
    ),
    Break(
        "dispatcher: a raising job is not caught",
        "bot/dispatcher.py",
        (("except Exception:  # one broken job", "except ZeroDivisionError:  # one broken job"),),
        DISPATCHER_TESTS,
    ),
    Break(
        "tickets: first_answered_at overwritten on every response",
        "bot/feedback/tickets.py",
        (
            (
                "if action in RESPONSES and ticket.first_answered_at is None:",
                "if action in RESPONSES:",
            ),
        ),
        TICKET_TESTS,
    ),
    Break(
        "tickets: transfer allowed from answered/closed",
        "bot/feedback/transitions.py",
        (
            (
                '"transfer": (frozenset({"new", "in_progress"})',
                '"transfer": (frozenset({"new", "in_progress", "answered", "closed"})',
            ),
        ),
        TICKET_TESTS,
    ),
    Break(
        "tickets: reject allowed from answered/closed",
        "bot/feedback/transitions.py",
        (
            (
                '"reject": (frozenset({"new", "in_progress"})',
                '"reject": (frozenset({"new", "in_progress", "answered", "closed"})',
            ),
        ),
        TICKET_TESTS,
    ),
    Break(
        "tickets: re-answering forbidden",
        "bot/feedback/transitions.py",
        (
            (
                '"answer": (frozenset({"new", "in_progress", "answered"})',
                '"answer": (frozenset({"new", "in_progress"})',
            ),
        ),
        TICKET_TESTS,
    ),
    Break(
        "tickets: closing never asks for the rating",
        "bot/feedback/transitions.py",
        (('ASKS_RATING = frozenset({"answer", "close"})', 'ASKS_RATING = frozenset({"answer"})'),),
        TICKET_TESTS,
    ),
    Break(
        "tickets: audit note dropped",
        "bot/feedback/tickets.py",
        (
            (
                "record(session, ticket, actor, action, from_status, note)",
                "record(session, ticket, actor, action, from_status, None)",
            ),
        ),
        TICKET_TESTS,
    ),
    Break(
        "due dates: overdue on the due day itself (Python rule)",
        "bot/feedback/duedates.py",
        (("return today > due", "return today >= due"),),
        TICKET_TESTS,
    ),
    Break(
        "due dates: overdue on the due day itself (SQL rule)",
        "bot/feedback/duedates.py",
        (("Ticket.due_date < today", "Ticket.due_date <= today"),),
        TICKET_TESTS,
    ),
    Break(
        "webhook: updates accepted before the channel is ready (no 503)",
        "handlers/telegram/webhook.py",
        (
            (
                "        if not (channel.running and channel.gateway.running):\n",
                "        if False:\n",
            ),
        ),
        ("tests/telegram/test_webhook_door.py",),
    ),
    Break(
        "telegram: text no longer split under 4,096 UTF-16 units",
        "handlers/telegram/render.py",
        (("MAX_TEXT = 4096  #", "MAX_TEXT = 40960  #"),),
        STRICT_TELEGRAM_TESTS,
    ),
    Break(
        "telegram: text not HTML-escaped",
        "handlers/telegram/render.py",
        (("    return html.escape(text, quote=False)", "    return text"),),
        STRICT_TELEGRAM_TESTS,
    ),
    Break(
        "telegram: oversize callback_data kept",
        "handlers/telegram/render.py",
        (("if len(button.payload.encode()) > MAX_CALLBACK_DATA:", "if False:"),),
        STRICT_TELEGRAM_TESTS,
    ),
    Break(
        "webchat: CSRF header not required",
        "handlers/webchat/guard.py",
        (
            (
                '    return request.headers.get(CSRF_HEADER) == "1" and origin_allowed(',
                "    return bool(request) and origin_allowed(",
            ),
        ),
        WEBCHAT_GUARD_TESTS,
    ),
    Break(
        "webchat: Origin not checked",
        "handlers/webchat/guard.py",
        (("    if origin is None:\n        return True\n", "    return True\n"),),
        WEBCHAT_GUARD_TESTS,
    ),
    Break(
        "webchat: cookie signature not compared",
        "handlers/webchat/cookie.py",
        (("    if not hmac.compare_digest(signature, expected):", "    if False:"),),
        WEBCHAT_GUARD_TESTS,
    ),
    Break(
        "webchat: replayed cookie generation accepted",
        "bot/webchat/sessions.py",
        (("        if generation != row.generation:\n", "        if False:\n"),),
        WEBCHAT_GUARD_TESTS,
    ),
    Break(
        "webchat: per-address limit skipped",
        "handlers/webchat/api.py",
        (
            (
                "        if await asyncio.to_thread(self._limited, self.door.per_ip, ip_key):",
                "        if False:",
            ),
        ),
        WEBCHAT_GUARD_TESTS,
    ),
    Break(
        "webchat: outbox messages (staff answers) not kept for the page",
        "handlers/webchat/respond.py",
        (
            (
                "            await asyncio.to_thread(history.add_replies, self.engine, recipient, "
                "replies)",
                "            pass",
            ),
        ),
        ("tests/webchat/test_api.py",),
    ),
    Break(
        "webchat: message text put in as HTML",
        "handlers/webchat/static/chat.js",
        (("    fill(body, text);", "    body.innerHTML = text;"),),
        ("tests/webchat/test_browser.py",),
    ),
    Break(
        "webchat: an upload's bytes not checked against its type",
        "handlers/webchat/upload.py",
        (("    if kind is None or not data.startswith(kind.magic):", "    if kind is None:"),),
        ("tests/webchat/test_uploads.py",),
    ),
    Break(
        "tracking: a code alone shows another chat's ticket",
        "bot/feedback/tracking.py",
        (
            (
                "    return ticket if passcode.proves(",
                "    return ticket if True or passcode.proves(",
            ),
        ),
        ("tests/webchat/test_api.py",),
    ),
    Break(
        "tests: SIGINT not reset in a child process",
        "tests/subprocesses.py",
        (("preexec_fn=_default_sigint,", "preexec_fn=None,"),),
        ("tests/telegram/test_cli_serve.py",),
    ),
    Break(
        "report: printed header row and landscape dropped",
        "bot/feedback/report_files.py",
        (
            ('    sheet.print_title_rows = "1:1"\n', ""),
            (
                'sheet.page_setup.orientation = "landscape"',
                'sheet.page_setup.orientation = "portrait"',
            ),
        ),
        ("tests/feedback/test_reports.py",),
    ),
    _thresholds("50.0"),
    _thresholds("30.0", "25.0"),
    Break(
        "quiz: no time limit (a late answer counts)",
        "bot/quiz/attempts.py",
        (("if attempt.status != ACTIVE or utcnow() <= attempt.deadline_at:", "if True:"),),
        QUIZ_TESTS,
    ),
    Break(
        "quiz: attempts limit not checked",
        "bot/quiz/attempts.py",
        (("    if number > contest.attempts_allowed:\n", "    if False:\n"),),
        QUIZ_TESTS,
    ),
    Break(
        "quiz: tie-break ignores the prediction",
        "bot/quiz/results.py",
        (
            (
                "return (-correct, seconds, math.inf if gap is None else gap)",
                "return (-correct, seconds, 0)",
            ),
        ),
        QUIZ_TESTS,
    ),
    Break(
        "desk: CSRF token not checked on forms",
        "handlers/desk/context.py",
        (('request.method == "POST" and not same(', "False and not same("),),
        DESK_TESTS,
    ),
    Break(
        "desk: staff reach admin pages",
        "handlers/desk/context.py",
        (('if role == "admin" and staff.role != "admin":', "if False:"),),
        DESK_TESTS,
    ),
    Break(
        "desk: session id kept across login (fixation)",
        "bot/desk/websessions.py",
        (("    if previous:\n        close_session(session, previous)\n", ""),),
        DESK_TESTS,
    ),
    Break(
        "desk: failed logins not limited",
        "bot/desk/accounts.py",
        (("if failures >= MAX_FAILURES_PER_LOGIN or", "if False and"),),
        DESK_TESTS,
    ),
    Break(
        "desk: autoescape off",
        "handlers/desk/views.py",
        (("select_autoescape(default=True, default_for_string=True)", "False"),),
        DESK_TESTS,
    ),
    Break(
        "desk: attachments served with their own content type",
        "handlers/desk/files.py",
        (('return "application/octet-stream", (', 'return "text/html", ('),),
        DESK_TESTS,
    ),
    Break(
        "deskcast: a stale broadcast form acts (an old draft page stops a running send)",
        "handlers/desk/broadcasts.py",
        (("    if seen != str(item.version):\n", "    if False:\n"),),
        DESKCAST_TESTS,
    ),
    Break(
        "deskcast: staff reach the knowledge-base reload",
        "handlers/desk/routes.py",
        (('guarded(desk, gaps.kb_reload, "admin")', "guarded(desk, gaps.kb_reload)"),),
        DESKCAST_TESTS,
    ),
    Break(
        "deskcast: a knowledge base that fails validation is not refused on the desk",
        "handlers/desk/gaps.py",
        (("    if built.matcher is None:\n", "    if False:\n"),),
        DESKCAST_TESTS,
    ),
    Break(
        "deskcast: other workers never pick up a reload",
        "bot/kbreload/live.py",
        (("or target == self.serving:", "or target == self.serving or True:"),),
        DESKCAST_TESTS,
    ),
    Break(
        "deskcast: the new matcher is not swapped in",
        "bot/kbreload/live.py",
        (("            self.assistant.use_matcher(built.matcher)\n", ""),),
        DESKCAST_TESTS,
    ),
    Break(
        "waiting: asyncio.wait_for (loses a cancel on Python 3.11) instead of asyncio.timeout",
        "bot/waiting.py",
        (
            (
                "        async with asyncio.timeout(seconds):\n            await event.wait()\n"
                "            return True\n",
                "        await asyncio.wait_for(event.wait(), seconds)\n        return True\n",
            ),
        ),
        ("tests/test_waiting.py",),
    ),
    Break(
        "matcher answers a question turning to another body (Sở …, a shop) the entry never names",
        "knowledge/matcher.py",
        (
            (
                "        if self.authorities.named(text) - self.bodies[top.intent]:\n",
                "        if False:\n",
            ),
        ),
        ("tests/knowledge/test_authority.py",),
    ),
    Break(
        "subject fit counts an entry's purpose-only words ('để mua nhà') as its subject",
        "knowledge/subject.py",
        (
            (
                "            if word in only_purpose and purposes is not None and word not in"
                " purposes:\n",
                "            if False:\n",
            ),
        ),
        ("tests/knowledge/test_purpose.py",),
    ),
    Break(
        "matcher answers a question about a paper only an out-of-scope entry names (sổ đỏ)",
        "knowledge/matcher.py",
        (("        if paper is not None:\n", "        if False:\n"),),
        ("tests/knowledge/test_authority.py",),
    ),
    Break(
        "matcher cache keyed by the normalised text (another citizen's wording is logged)",
        "knowledge/matcher.py",
        (
            (
                "        return self._cached(text)\n",
                "        return self._cached(text.lower().strip())\n",
            ),
        ),
        ("tests/knowledge/test_match_cache.py",),
    ),
    Break(
        "send-rate blocks: a worker hands out twice the slots it booked",
        "bot/gateway/slots.py",
        (("end=start + slots / rate", "end=start + 2 * slots / rate"),),
        ("tests/gateway/test_send_rate.py",),
    ),
    Break(
        "flood gate in the message's transaction: never asked on PostgreSQL",
        "bot/gateway/front.py",
        (
            (
                "                    if gate is not None:\n",
                "                    if gate is None:\n",
            ),
        ),
        ("tests/gateway/test_flood_in_transaction.py",),
    ),
    Break(
        "inbox store batch: a redelivery in the same batch is new twice",
        "bot/gateway/inbox.py",
        (
            (
                "first[(channel, platform_id)] == n and (channel, platform_id) in inserted",
                "(channel, platform_id) in inserted",
            ),
        ),
        ("tests/gateway/test_batch.py",),
    ),
    Break(
        "inbox finish batch: ids and tokens matched apart (a lost row finished by a batch)",
        "bot/gateway/inbox.py",
        (
            (
                'tuple_(InboxItem.id, InboxItem.claim_token).in_(bindparam("held", '
                "expanding=True)),",
                'InboxItem.id.in_(bindparam("ids", expanding=True)),\n'
                '        InboxItem.claim_token.in_(bindparam("tokens", expanding=True)),',
            ),
            (
                'values = {"held": pairs,',
                'values = {"ids": [c.id for c in held], "tokens": [c.token for c in held],',
            ),
        ),
        ("tests/gateway/test_batch.py",),
    ),
    Break(
        "inbox store batch: one refused update fails every webhook of its batch",
        "bot/gateway/front.py",
        (("            if len(updates) == 1:\n                raise\n", "            raise\n"),),
        ("tests/gateway/test_batch.py",),
    ),
    Break(
        "telegram fast path: a message with entities (a command) read as plain text",
        "handlers/telegram/convert.py",
        (
            (
                "if not isinstance(message, dict) or not PLAIN_KEYS.issuperset(message):",
                "if not isinstance(message, dict):",
            ),
        ),
        ("tests/telegram/test_plain_text_fast_path.py",),
    ),
    Break(
        "raw webhook route: the secret token is not checked",
        "handlers/telegram/webhook.py",
        (
            (
                "        if not channel.secret_matches(header(headers, SECRET_NAME)):\n",
                "        if False:\n",
            ),
        ),
        STRICT_TELEGRAM_TESTS,
    ),
]


def scratch_copy() -> Path:
    """The repository copied (without venv, git and caches) to a temporary directory."""
    target = Path(tempfile.mkdtemp(prefix="cchc-mutations-")) / "repo"
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(*IGNORED))
    return target


def copy_env(copy: Path) -> dict[str, str]:
    """The environment that puts the copy first on the import path (also for child processes)."""
    return {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}


def imports_the_copy(copy: Path) -> bool:
    """The copy's `bot` and `knowledge` are the ones imported, not the editable install's."""
    probe = (
        "import bot, knowledge, handlers as h; print(bot.__file__, knowledge.__file__, h.__file__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=copy, env=copy_env(copy), capture_output=True, text=True
    )
    files = done.stdout.split()
    return len(files) == 3 and all(Path(f).is_relative_to(copy) for f in files)


def run_tests(copy: Path, tests: tuple[str, ...]) -> tuple[int, str]:
    """pytest on `tests` inside the copy: its exit code and the first failing test."""
    present = [t for t in tests if (copy / t).exists()]
    if not present:
        return 5, ""
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *present]
    done = subprocess.run(
        command, cwd=copy, env=copy_env(copy), capture_output=True, text=True, timeout=1800
    )
    failed = [line for line in done.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    return done.returncode, failed[0].split(" - ")[0] if failed else ""


def apply(copy: Path, group: list[Break]) -> dict[Path, str] | None:
    """Apply every replacement of the group; None (and nothing changed) if one is missing."""
    originals: dict[Path, str] = {}
    for item in group:
        path = copy / item.path
        text = originals.get(path) or path.read_text(encoding="utf-8")
        originals.setdefault(path, text)
        broken = path.read_text(encoding="utf-8")
        for old, new in item.replacements:
            if broken.count(old) != 1:
                restore(originals)
                return None
            broken = broken.replace(old, new)
        path.write_text(broken, encoding="utf-8")
    return originals


def restore(originals: dict[Path, str]) -> None:
    for path, text in originals.items():
        path.write_text(text, encoding="utf-8")


def verdict(code: int) -> str:
    """pytest's exit code read as the fate of a break."""
    return {0: "MISSED", 1: "caught"}.get(code, f"error (pytest exit {code})")


def try_break(copy: Path, group: list[Break], all_tests: bool) -> tuple[str, str]:
    """Apply the break, run its tests, take it out again: (verdict, first red test)."""
    originals = apply(copy, group)
    if originals is None:
        return "pattern not found", ""
    try:
        code, red_test = run_tests(copy, ("tests",) if all_tests else group[0].tests)
    finally:
        restore(originals)
    return verdict(code), red_test


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run the breaks whose name contains this")
    parser.add_argument("--all-tests", action="store_true", help="run the whole suite per break")
    args = parser.parse_args(argv)
    copy = scratch_copy()
    groups = [g if isinstance(g, list) else [g] for g in BREAKS]
    groups = [g for g in groups if args.only in g[0].name]
    try:
        if not imports_the_copy(copy):
            print("the scratch copy is not what Python imports; refusing to report")
            return 2
        if run_tests(copy, ("tests/feedback/test_rules.py",))[0] != 0:
            print("the unbroken copy is not green; fix that first")
            return 2
        missed = 0
        for group in groups:
            started = time.monotonic()
            result, red_test = try_break(copy, group, args.all_tests)
            missed += result != "caught"
            took = time.monotonic() - started
            print(f"{result:<18} {group[0].name} ({took:.0f} s) {red_test}", flush=True)
        print(f"{len(groups) - missed} of {len(groups)} breaks caught")
        return 1 if missed else 0
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
