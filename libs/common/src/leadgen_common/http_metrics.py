"""HTTP RED metrics (rate, errors, duration) for every service's routes.

A plain ASGI wrapper around the whole app (outside Starlette's error middleware, so an
unhandled exception is counted as the 500 it became, and outside any middleware a service
adds, so a request its guard refused is counted too). Labels stay bounded: the route is
the matched route's template (``/api/v1/campaigns/{campaign_id}``, never the id in the
path), ``unmatched`` when no route matched; the method is one of the standard ones or
``other``; the status is the code as text.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import metrics

UNMATCHED = "unmatched"
OTHER_METHOD = "other"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
#: Probe and scrape paths: counting them would drown the API's own traffic.
NOT_COUNTED = frozenset({"/metrics", "/healthz", "/readyz"})


def method_label(method: str) -> str:
    """The method, or ``other`` for anything non-standard (a client choosing the label)."""
    return method if method in METHODS else OTHER_METHOD


def route_label(scope: Scope, routes: Iterable[BaseRoute]) -> str:
    """The template of the route that handled the request: the router leaves it in the
    scope; a request answered before routing (a middleware's refusal) is matched here."""
    route = scope.get("route")
    if route is None:
        route = _match(scope, routes)
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


def _match(scope: Scope, routes: Iterable[BaseRoute]) -> BaseRoute | None:
    partial = None
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route
        if match is Match.PARTIAL and partial is None:
            partial = route  # the path exists, another method: a 405
    return partial


class HttpMetrics:
    """ASGI middleware counting every HTTP request but probes and scrapes."""

    def __init__(self, app: ASGIApp, routes: Iterable[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in NOT_COUNTED:
            await self.app(scope, receive, send)
            return
        status = 500  # what the client gets if the app fails before answering

        async def send_and_see(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_and_see)
        finally:
            self._record(scope, status, time.perf_counter() - started)

    def _record(self, scope: dict[str, Any], status: int, seconds: float) -> None:
        method, route = method_label(scope["method"]), route_label(scope, self.routes)
        metrics.HTTP_REQUESTS.labels(method, route, str(status)).inc()
        metrics.HTTP_SECONDS.labels(method, route).observe(seconds)
