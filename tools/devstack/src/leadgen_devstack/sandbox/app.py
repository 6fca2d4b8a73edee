"""The sandbox provider server: one FastAPI app mounting every provider under its name.

Providers stand in for APIs this project cannot reach (LinkedIn, Facebook, X, Clearbit,
Hunter, Apollo). Each lives in its own module and is mounted at ``/{name}``; adding one
is adding a module with a ``provider(context) -> Provider`` function to
``PROVIDER_FACTORIES``. Every provider answer carries ``X-Sandbox-Cost`` (USD, the
operation's price when billable, else 0) and ``X-Sandbox-Operation``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from . import apollo, clearbit, facebook, hunter, linkedin, twitter
from .context import Context
from .population import Population, build_population
from .provider import Faults, GuardSettings, Provider, ProviderError, RequestBudget, guard
from .settings import PROVIDERS, SandboxSettings

PROVIDER_FACTORIES: tuple[Callable[[Context], Provider], ...] = (
    linkedin.provider,
    facebook.provider,
    twitter.provider,
    clearbit.provider,
    hunter.provider,
    apollo.provider,
)


def create_app(
    settings: SandboxSettings | None = None,
    population: Population | None = None,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], Awaitable[None]] | None = None,
) -> FastAPI:
    """Build the app; `population`, `clock` and `sleep` may be injected (tests share one
    population, and drive quotas, token expiry, latency and timeouts without waiting)."""
    settings = settings or SandboxSettings()
    if population is None:
        population = build_population(
            settings.population, settings.seed, settings.population_cache()
        )
    context = Context(settings, population, clock)
    app = FastAPI(title="leadgen sandbox providers", version="2")
    app.state.population = population
    app.state.context = context
    budget = RequestBudget({p: settings.rate_limit_for(p) for p in PROVIDERS}, clock)
    faults = Faults(
        {p: settings.error_rate_for(p) for p in PROVIDERS}, settings.seed, settings.fault_timeout_s
    )
    providers = [factory(context) for factory in PROVIDER_FACTORIES]
    for provider in providers:
        guard_settings = GuardSettings(settings.latency_for(provider.name), budget, faults)
        if sleep is not None:
            guard_settings = GuardSettings(guard_settings.latency_ms, budget, faults, sleep)
        app.include_router(
            provider.router,
            prefix=f"/{provider.name}",
            tags=[provider.name],
            dependencies=[Depends(guard(provider, guard_settings))],
        )
    _install_error_handlers(app, providers)
    _install_cost_header(app, settings, providers)

    @app.get("/healthz")
    def healthz() -> dict[str, object]:
        return {
            "status": "ok",
            "providers": [provider.name for provider in providers],
            "people": population.size,
            "companies": len(population.company_columns.name),
        }

    return app


def _provider_of(path: str, providers: list[Provider]) -> Provider | None:
    return next((p for p in providers if path.startswith(f"/{p.name}/")), None)


def _install_error_handlers(app: FastAPI, providers: list[Provider]) -> None:
    @app.exception_handler(ProviderError)
    async def provider_error(_: Request, exc: ProviderError) -> JSONResponse:
        return JSONResponse(exc.body, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        # A bad parameter gets the provider's own error shape and status.
        provider = _provider_of(request.url.path, providers)
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


def format_cost(amount: float) -> str:
    """USD with at least two decimals: 0.1 -> "0.10", 0.005 -> "0.005"."""
    text = f"{amount:.4f}".rstrip("0")
    whole, _, cents = text.partition(".")
    return f"{whole}.{cents.ljust(2, '0')}"


def _install_cost_header(
    app: FastAPI, settings: SandboxSettings, providers: list[Provider]
) -> None:
    @app.middleware("http")
    async def cost(request: Request, call_next) -> Response:
        response = await call_next(request)
        provider = _provider_of(request.url.path, providers)
        if provider is None:
            return response
        operation = getattr(request.state, "operation", None)
        billable = getattr(request.state, "billable", False) and response.status_code < 400
        amount = settings.price(operation) if operation and billable else 0.0
        response.headers["X-Sandbox-Cost"] = format_cost(amount)
        response.headers["X-Sandbox-Operation"] = operation or f"{provider.name}.unknown"
        return response
