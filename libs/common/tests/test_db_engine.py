"""URL handling of the engine helpers (no server needed)."""

from __future__ import annotations

import pytest
from leadgen_common.db.engine import asyncpg_url, libpq_url, make_engine
from leadgen_common.db.roles import role_for


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:p@h:5432/db",
        "postgres://u:p@h:5432/db",
        "postgresql+psycopg://u:p@h:5432/db",
        "postgresql+asyncpg://u:p@h:5432/db",
    ],
)
def test_any_postgres_url_becomes_asyncpg(url: str) -> None:
    converted = asyncpg_url(url)
    assert converted.drivername == "postgresql+asyncpg"
    assert (converted.username, converted.password, converted.host) == ("u", "p", "h")
    assert (converted.port, converted.database) == (5432, "db")


def test_unix_socket_query_survives_and_libpq_form_has_no_driver() -> None:
    url = libpq_url("postgresql+asyncpg://postgres@/leadgen?host=/tmp/pg")
    assert url.startswith("postgresql://postgres@/leadgen?host=")
    assert asyncpg_url(url).query["host"] == "/tmp/pg"


def test_non_postgres_urls_are_refused_without_echoing_the_password() -> None:
    with pytest.raises(ValueError, match="not a Postgres URL") as err:
        asyncpg_url("mysql://u:secret@h/db")
    assert "secret" not in str(err.value)


async def test_make_engine_uses_asyncpg() -> None:
    engine = make_engine("postgresql://u:p@h/db")
    try:
        assert engine.dialect.driver == "asyncpg"
    finally:
        await engine.dispose()


def test_role_for_accepts_service_and_role_names_only() -> None:
    assert role_for("lead-writer") == role_for("leadgen_lead_writer") == "leadgen_lead_writer"
    with pytest.raises(ValueError):
        role_for("postgres")
