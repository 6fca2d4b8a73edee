"""The db tests' databases, on the session's real Postgres (``pg_cluster`` from
leadgen_common.testing.fixtures): a brand-new empty one for each test that needs a clean
slate, and one migrated to head shared by the read-mostly tests; and a real Kafka-protocol
broker (tansu, the dev stack's) for what FastStream's in-memory broker cannot show."""

from __future__ import annotations

import itertools
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from leadgen_common.testing import PgCluster
from leadgen_common.testing.fixtures import MigratedUrls
from leadgen_common.testing.valkey import stop_process
from leadgen_devstack.ports import HOST, free_port
from leadgen_devstack.servers.tansu import broker_bin, tansu_spec

_db_names = itertools.count()


@pytest.fixture
async def empty_db(pg_cluster: PgCluster) -> str:
    """Admin URL of a brand-new database (no extension, no tables)."""
    return await pg_cluster.create_database(f"empty_{next(_db_names)}")


@pytest.fixture(scope="session")
async def migrated_db(migrated_urls: MigratedUrls) -> str:
    """Admin URL of one database migrated to head, shared by the read-mostly tests."""
    return (await migrated_urls())["admin"]


@contextmanager
def running_tansu(port: int) -> Iterator[str]:
    """A tansu broker (memory only) on ``port`` while in the block: its ``host:port``."""
    proc = subprocess.Popen(
        tansu_spec(broker_bin(None), port).argv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection((HOST, port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail(f"tansu did not listen on {port}")
                time.sleep(0.02)
        yield f"{HOST}:{port}"
    finally:
        stop_process(proc)


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """``host:port`` of a tansu broker started for the session, always stopped."""
    with running_tansu(free_port()) as bootstrap:
        yield bootstrap


@pytest.fixture(scope="session")
def tansu_on() -> Callable[[int], AbstractContextManager[str]]:
    """``with tansu_on(port):`` a broker of the test's own, on a port it chose."""
    return running_tansu
