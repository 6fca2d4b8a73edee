"""The sandbox provider server: one FastAPI app mounting every provider under its name.

Providers stand in for APIs this project cannot reach (LinkedIn, Clearbit, ...). Each
lives in its own module and is mounted at ``/{name}``; adding one is adding a module
with a ``provider(population) -> Provider`` function to ``PROVIDER_FACTORIES``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from . import clearbit, linkedin
from .population import Population, build_population
from .provider import Provider, ProviderError, RequestBudget, guard
from .settings import SandboxSettings

PROVIDER_FACTORIES: tuple[Callable[[Population], Provider], ...] = (
    linkedin.provider,
    clearbit.provider,
)


def create_app(
    settings: SandboxSettings | None = None,
    population: Population | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> FastAPI:
    """Build the app; `population` and `clock` may be injected (tests share one population)."""
    settings = settings or SandboxSettings()
    if population is None:
        population = build_population(settings.population, settings.seed)
    app = FastAPI(title="leadgen sandbox providers", version="1")
    app.state.population = population
    budget = RequestBudget(settings.rate_limit_per_min, clock)
    providers = [factory(population) for factory in PROVIDER_FACTORIES]
    for provider in providers:
        check = guard(provider.name, provider.error_body, budget, settings.latency_ms)
        app.include_router(
            provider.router,
            prefix=f"/{provider.name}",
            tags=[provider.name],
            dependencies=[Depends(check)],
        )
    _install_error_handlers(app, providers)

    @app.get("/healthz")
    def healthz() -> dict[str, object]:
        return {
            "status": "ok",
            "providers": [provider.name for provider in providers],
            "people": len(population.people),
            "companies": len(population.companies),
        }

    return app


def _install_error_handlers(app: FastAPI, providers: list[Provider]) -> None:
    by_prefix = {f"/{provider.name}/": provider for provider in providers}

    @app.exception_handler(ProviderError)
    async def provider_error(_: Request, exc: ProviderError) -> JSONResponse:
        return JSONResponse(exc.body, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        # A bad query parameter gets the provider's own error shape and status.
        provider = next(
            (p for prefix, p in by_prefix.items() if request.url.path.startswith(prefix)), None
        )
        message = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'][1:])}: {error['msg']}"
            for error in exc.errors()
        )
        if provider is None:
            return JSONResponse({"detail": message}, status_code=422)
        status = provider.validation_status
        return JSONResponse(
            provider.error_body(status, "invalid_params", message), status_code=status
        )
