"""Loopback ports: pick a free one, or check that a fixed one is free."""

from __future__ import annotations

import socket

HOST = "127.0.0.1"


def free_port() -> int:
    """A port the kernel considers free right now (bind to 0). A small race remains until
    the server binds it; a server that loses it fails to start and says so."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


def choose(port: int) -> int:
    """``port`` if fixed (non-zero), else a free one."""
    return port or free_port()
