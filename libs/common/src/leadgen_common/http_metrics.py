"""HTTP RED metrics (rate, errors, duration) for every service's routes.

A plain ASGI wrapper around the whole app (outside Starlette's error middleware, so an
unhandled exception is counted as the 500 it became, and outside any middleware a service
adds, so a request its guard refused is counted too). Labels stay bounded: the route is
the matched route's template (``/api/v1/campaigns/{campaign_id}``, never the id in the
path), ``unmatched`` when no route matched; the method is one of the standard ones or
``other``; the status is the code as text.
"""

from __future__ import annotations

import re
import time
from collections.abc import Collection, Sequence
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute, compile_path
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


class RouteTemplates:
    """The full template of each route of an app. FastAPI leaves in the scope the route as
    its own router declared it (``/icps/{icp_id}``), without the prefix the router was
    included under (``/api/v1``); its route contexts know the whole template."""

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self.routes = routes
        self._by_route: dict[int, str] = {}
        self._patterns: list[tuple[re.Pattern[str], str, Collection[str] | None]] = []
        self._seen = -1

    def label(self, scope: Scope) -> str:
        """The template of the route that handled the request; a request answered before
        routing (a middleware's refusal) is matched here; ``unmatched`` when none fits."""
        if len(self.routes) != self._seen:
            self._refresh()
        route = scope.get("route")
        if route is None:
            return self._match(scope["path"], scope["method"])
        template = self._by_route.get(id(route))
        if template is None:  # a route added to an included router after the first request
            self._refresh()
            template = self._by_route.get(id(route), getattr(route, "path", UNMATCHED))
            self._by_route[id(route)] = template
        return template

    def _refresh(self) -> None:
        contexts = [c for c in iter_route_contexts(self.routes) if c.path and c.path_format]
        self._by_route = {id(c.original_route): c.path_format for c in contexts}
        self._patterns = [
            (compile_path(c.path)[0], c.path_format, getattr(c.original_route, "methods", None))
            for c in contexts
        ]
        self._seen = len(self.routes)

    def _match(self, path: str, method: str) -> str:
        partial = None
        for pattern, template, methods in self._patterns:
            if pattern.match(path):
                if methods is None or method in methods:
                    return template
                partial = partial or template  # the path exists, another method: a 405
        return partial or UNMATCHED


class HttpMetrics:
    """ASGI middleware counting every HTTP request but probes and scrapes."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.templates = RouteTemplates(routes)

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
        method, route = method_label(scope["method"]), self.templates.label(scope)
        metrics.HTTP_REQUESTS.labels(method, route, str(status)).inc()
        metrics.HTTP_SECONDS.labels(method, route).observe(seconds)
