"""The Alembic migrations build exactly the schema the models describe, on both stores."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from facilitator.store.db import make_engine, migrate
from facilitator.store.models import Base


def test_migrations_and_models_agree(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == [], "write a migration: facilitator/store/migrations/versions/"


def test_migrating_twice_changes_nothing(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    migrate(engine)
    engine.dispose()
