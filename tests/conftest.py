"""Integration tier: the real embedded stack (`leadgen up`), started once per session in
its own state dir so it never meets a developer's stack, and always stopped."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from leadgen_devstack.envfile import read_env

UP_TIMEOUT_S = 300


def leadgen(
    home: Path, *args: str, env: dict[str, str] | None = None, timeout: float = UP_TIMEOUT_S
) -> subprocess.CompletedProcess[str]:
    """Run the `leadgen` CLI (this interpreter, so the pid it records is testable) for
    the stack in ``home``."""
    return subprocess.run(
        [sys.executable, "-m", "leadgen_devstack", *args],
        env={**os.environ, "LEADGEN_HOME": str(home), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def leadgen_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``leadgen_cli(home, *args, env=None, timeout=...)`` runs the CLI for that state dir."""
    return leadgen


@pytest.fixture(scope="session")
def stack_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("leadgen-stack") / "home"


#: The session stack records spans (tests/test_tracing_e2e.py reads them) of the traces a
#: test starts itself only: a request without a sampled ``traceparent`` records nothing,
#: so every other test runs as with tracing off.
TRACING_ENV = {"OTEL_TRACES_SAMPLER": "parentbased_always_off"}


@pytest.fixture(scope="session")
def stack(stack_home: Path) -> Iterator[dict[str, str]]:
    """`leadgen up`, then stack.env as a dict; `leadgen down` at the end, even on failure.
    Each service writes the spans of sampled traces to ``<stack_home>/traces/<name>.jsonl``."""
    try:
        traces = {"LEADGEN_TRACES_DIR": str(stack_home / "traces")}
        up = leadgen(stack_home, "up", env={**TRACING_ENV, **traces})
        if up.returncode != 0:
            pytest.fail(f"leadgen up failed ({up.returncode}):\n{up.stdout}\n{up.stderr}")
        yield read_env(stack_home / "stack.env")
    finally:
        down = leadgen(stack_home, "down")
        assert down.returncode == 0, f"leadgen down failed:\n{down.stdout}\n{down.stderr}"


@pytest.fixture(scope="session")
def mint_token(stack: dict[str, str], stack_home: Path) -> Callable[[str, str], str]:
    """``mint_token(team, role)``: a bearer token from `leadgen token` for the test stack."""

    def mint(team: str, role: str) -> str:
        result = leadgen(stack_home, "token", "--team", team, "--role", role, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    return mint
