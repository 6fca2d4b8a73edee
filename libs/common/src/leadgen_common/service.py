"""The HTTP face every service shares: /healthz, /readyz, /metrics, HTTP RED metrics of
every other route, and a lifespan that starts the event bus and stops it gracefully on
SIGTERM; logging and tracing set up before the app is built (:mod:`leadgen_common.telemetry`)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import uvicorn
from fastapi import FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.types import ASGIApp

from . import metrics as common_metrics
from .http_metrics import HttpMetrics
from .kafka import EventBus
from .logging import configure_logging
from .settings import ServiceSettings
from .telemetry import configure_tracing, instrument_app

logger = logging.getLogger(__name__)

Check = Callable[[], Awaitable[bool]]
Hook = Callable[[], Awaitable[None]]


class ServiceApp(FastAPI):
    """FastAPI with :class:`HttpMetrics` just inside Starlette's outermost error middleware:
    around every middleware a service adds (so what the gateway's request guard refuses
    is counted), seeing an unhandled exception as the 500 it becomes, and leaving the
    stack's outer shape as OpenTelemetry's instrumentation expects it."""

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        if isinstance(stack, ServerErrorMiddleware):
            stack.app = HttpMetrics(stack.app, self.router.routes)
            return stack
        return HttpMetrics(stack, self.router.routes)


def service_version(service_name: str) -> str:
    """The version of the service's package (``leadgen-<service>``), else ``unknown``."""
    try:
        return version(f"leadgen-{service_name}")
    except PackageNotFoundError:
        return "unknown"


def create_service_app(
    settings: ServiceSettings,
    bus: EventBus,
    *,
    on_startup: list[Hook] | None = None,
    on_shutdown: list[Hook] | None = None,
    checks: dict[str, Check] | None = None,
    **fastapi_kwargs: Any,
) -> FastAPI:
    """FastAPI app with health routes; ``on_startup`` runs before the bus starts
    (open pools), ``on_shutdown`` after it stopped (close pools)."""
    checks = checks or {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        for hook in on_startup or []:
            await hook()
        await bus.start()
        logger.info("started")
        try:
            yield
        finally:
            logger.info("stopping: readiness off, draining in-flight messages")
            await bus.stop()
            for hook in on_shutdown or []:
                await hook()
            logger.info("stopped")

    app = ServiceApp(title=f"leadgen {settings.service_name}", lifespan=lifespan, **fastapi_kwargs)
    common_metrics.BUILD_INFO.labels(
        settings.service_name, service_version(settings.service_name)
    ).set(1)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(response: Response) -> dict[str, Any]:
        results = {"kafka": bus.ready()}
        for name, check in checks.items():
            try:
                results[name] = await check()
            except Exception:  # a failing dependency is "not ready", not a 500
                results[name] = False
        ok = all(results.values())
        response.status_code = 200 if ok else 503
        return {"status": "ready" if ok else "not_ready", "checks": results}

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    instrument_app(app)
    return app


def run(app_factory: Callable[[], FastAPI], settings: ServiceSettings) -> None:
    """Serve the app; SIGTERM turns readiness off, drains, and exits within the grace period."""
    configure_logging(settings.service_name, settings.log_level)
    # Before the factory: its engines and HTTP clients are made traced.
    configure_tracing(settings)
    uvicorn.run(
        app_factory(),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=settings.shutdown_grace_s,
    )
