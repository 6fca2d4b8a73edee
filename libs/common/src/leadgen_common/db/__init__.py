"""Postgres: the schema (one owner per table), its Alembic migrations, per-service roles."""
