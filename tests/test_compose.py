"""The compose file wires what the app needs: every replica on the same PostgreSQL and Redis,
migrations before the app, and secrets only from the environment (no Docker engine runs here, so
the file is checked as data)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

COMPOSE = Path(__file__).parent.parent / "docker-compose.yml"


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return data


def test_replicas_share_one_database_and_one_redis() -> None:
    services = compose()["services"]
    app = services["app"]
    assert app["environment"]["REDIS_URL"].startswith("redis://redis:")
    assert "@db:5432/" in app["environment"]["DATABASE_URL"]
    assert app["depends_on"]["redis"]["condition"] == "service_healthy"
    assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "healthcheck" in services["redis"]
    assert "--save" in services["redis"]["command"]  # shared state is not kept on disk


def test_secrets_come_from_the_environment() -> None:
    for name, service in compose()["services"].items():
        for key, value in (service.get("environment") or {}).items():
            secret = re.search(r"TOKEN|SECRET|PASSWORD|KEY", key)
            if secret and value:
                assert str(value).startswith("${"), f"{name}.{key} is set in the file"
