"""Wiring: build every part from settings (no globals, nothing at import time)."""

from __future__ import annotations

import datetime as dt
import gc
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot import broadcast, feedback, quiz
from bot.assistant import Assistant
from bot.config import Settings
from bot.db import make_engine, make_sessions
from bot.kbreload.live import LiveKb
from bot.kbreload.versions import fingerprint, kb_directory
from bot.shared.backends import SharedState, build_shared
from knowledge.loader import load
from knowledge.matcher import Matcher


@dataclass
class Services:
    """The built application parts, handed to channels and commands."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    assistant: Assistant
    shared: SharedState  # flood, send rate and alert limit shared by every worker
    live_kb: LiveKb  # which knowledge base this process serves; swaps it on a reload

    @property
    def matcher(self) -> Matcher:
        """The matcher serving now (the assistant's: a reload swaps it there)."""
        return self.assistant.matcher


def build_matcher(settings: Settings) -> Matcher:
    """Load the knowledge base and index it (no database needed)."""
    matcher = Matcher(load(settings.kb_dir), settings.thresholds())
    gc.freeze()  # the index lives as long as the process: keep it out of GC scans
    return matcher


def build(settings: Settings, matcher: Matcher | None = None) -> Services:
    """Every part the running bot needs."""
    serving = fingerprint(kb_directory(settings))
    matcher = matcher or build_matcher(settings)
    engine = make_engine(settings.database_url)
    sessions = make_sessions(engine)
    assistant = Assistant(matcher, sessions, dt.timedelta(minutes=settings.followup_minutes))
    feedback.install(assistant, settings)
    broadcast.install(assistant)
    quiz.install(assistant)
    redis_url = settings.redis_url.get_secret_value() if settings.redis_url else None
    shared = build_shared(engine, redis_url)
    live_kb = LiveKb(settings, assistant, serving)
    return Services(settings, engine, sessions, assistant, shared, live_kb)
