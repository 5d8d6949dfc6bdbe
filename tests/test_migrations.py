"""Alembic migrations and the SQLAlchemy models describe the same schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.db import make_engine
from bot.schema_all import metadata


def test_models_and_migrations_agree(db_url: str) -> None:
    engine = make_engine(db_url)  # db_url is already upgraded to head by the fixture
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    engine.dispose()
    assert differences == []
