"""Column types the schema needs beyond SQLAlchemy's own: pgvector's ``vector(n)``.

Written as a ``UserDefinedType`` so neither the services nor the migrations need the
``pgvector`` package; values travel as pgvector's text form ``[x,y,...]``, which asyncpg
sends and receives as text because it has no codec of its own for extension types.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Float
from sqlalchemy.dialects.postgresql.base import ischema_names
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.types import UserDefinedType

EMBEDDING_DIM = 384


def _to_text(value: Sequence[float]) -> str:
    return "[" + ",".join(repr(float(x)) for x in value) + "]"


def _from_text(value: str) -> list[float]:
    return [float(x) for x in value.strip("[]").split(",")] if value != "[]" else []


class Vector(UserDefinedType[list[float]]):
    """pgvector ``vector(dim)``; Python side is a list of floats."""

    cache_ok = True

    def __init__(self, dim: int = EMBEDDING_DIM) -> None:
        self.dim = dim

    def get_col_spec(self, **_: Any) -> str:
        return f"vector({self.dim})"

    def bind_processor(self, dialect: Any) -> Callable[[Any], str | None]:
        def process(value: Sequence[float] | None) -> str | None:
            return None if value is None else _to_text(value)

        return process

    def result_processor(self, dialect: Any, coltype: Any) -> Callable[[Any], list[float] | None]:
        def process(value: str | None) -> list[float] | None:
            return None if value is None else _from_text(value)

        return process

    class comparator_factory(UserDefinedType.Comparator[list[float]]):  # noqa: N801
        def cosine_distance(self, other: Sequence[float]) -> ColumnElement[float]:
            return self.op("<=>", return_type=Float)(other)

        def l2_distance(self, other: Sequence[float]) -> ColumnElement[float]:
            return self.op("<->", return_type=Float)(other)


# Reflection, and so Alembic's autogenerate, then knows ``vector(n)`` columns.
ischema_names.setdefault("vector", Vector)
