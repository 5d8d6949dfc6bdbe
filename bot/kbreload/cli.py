"""`cchc-bot kb reload`: validate the files and ask every running worker to serve them."""

from __future__ import annotations

import argparse
import sys

from bot.cli_feedback import session_for
from bot.config import Settings
from bot.kbreload import versions


def reload_command(args: argparse.Namespace, settings: Settings) -> int:
    """Refuse a knowledge base with problems (listing them); else record its version, which
    every `serve` worker picks up within a few seconds."""
    built = versions.build(settings)
    if built.matcher is None:
        print(
            "Refused: the knowledge base has problems; the running bot keeps the old one.",
            file=sys.stderr,
        )
        for problem in built.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    with session_for(settings) as session:
        row = versions.record(session, built, args.who or "cli")
    print(
        f"OK: {row.entries} entries, version {built.fingerprint[:12]}; running workers switch "
        "to it within a few seconds."
    )
    return 0
