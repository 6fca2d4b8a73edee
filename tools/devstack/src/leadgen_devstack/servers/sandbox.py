"""The sandbox provider server (LinkedIn-shaped people search and friends)."""

from __future__ import annotations

import sys
from functools import partial

from ..ports import HOST
from .probes import http_ok
from .spec import ProcessSpec


def sandbox_url(port: int) -> str:
    return f"http://{HOST}:{port}"


def sandbox_spec(port: int, log_level: str) -> ProcessSpec:
    return ProcessSpec(
        name="sandbox",
        argv=[sys.executable, "-m", "leadgen_devstack.sandbox"],
        port=port,
        ready=partial(http_ok, f"{sandbox_url(port)}/healthz"),
        env={"HTTP_HOST": HOST, "HTTP_PORT": str(port), "LOG_LEVEL": log_level},
        restart=True,  # stateless and deterministic: a restart loses nothing
    )
