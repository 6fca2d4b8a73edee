"""App factory of the scoring service: settings, event bus, handlers, HTTP health."""

from __future__ import annotations

from fastapi import FastAPI
from leadgen_common.db.engine import database_check, make_engine
from leadgen_common.kafka import EventBus
from leadgen_common.service import create_service_app
from leadgen_common.settings import ServiceSettings
from pydantic import Field, model_validator

from . import handlers
from .adapters.campaign_icps import PostgresCampaignIcps
from .adapters.icp_cache import CachedCampaignIcps
from .domain import Scorer, Thresholds, Weights


class ScoringSettings(ServiceSettings):
    """Environment: the base settings plus SCORE_WEIGHT_*, QUALIFY_THRESHOLD, ..."""

    service_name: str = "scoring"
    score_weight_demographics: float = Field(
        default=0.30, ge=0, le=1, description="Weight of demographics in the ICP match."
    )
    score_weight_firmographics: float = Field(
        default=0.25, ge=0, le=1, description="Weight of firmographics in the ICP match."
    )
    score_weight_psychographics: float = Field(
        default=0.25, ge=0, le=1, description="Weight of psychographics in the ICP match."
    )
    score_weight_activity: float = Field(
        default=0.20, ge=0, le=1, description="Weight of activity in the ICP match."
    )
    qualify_threshold: float = Field(
        default=0.75,
        ge=0,
        le=1,
        description="Lowest score that qualifies; a campaign's minMatchScore may raise it.",
    )
    review_threshold: float = Field(
        default=0.60, ge=0, le=1, description="Lowest score sent to manual review."
    )
    icp_cache_size: int = Field(
        default=1024, ge=1, description="Campaign ICPs kept in memory per replica."
    )
    db_pool_size: int = Field(default=5, ge=1, description="Postgres connections per replica.")
    db_timeout_s: float = Field(
        default=5.0, gt=0, description="Bound on connecting and on each statement."
    )

    @model_validator(mode="after")
    def _scoring_rules_are_consistent(self) -> ScoringSettings:
        self.weights()  # the weights sum to 1
        self.thresholds()  # review <= qualify
        return self

    def weights(self) -> Weights:
        return Weights(
            demographics=self.score_weight_demographics,
            firmographics=self.score_weight_firmographics,
            psychographics=self.score_weight_psychographics,
            activity=self.score_weight_activity,
        )

    def thresholds(self) -> Thresholds:
        return Thresholds(qualify=self.qualify_threshold, review=self.review_threshold)


def create_app(settings: ScoringSettings | None = None) -> FastAPI:
    settings = settings or ScoringSettings()
    engine = make_engine(
        settings.require_database_url(),
        pool_size=settings.db_pool_size,
        connect_args={"timeout": settings.db_timeout_s, "command_timeout": settings.db_timeout_s},
    )
    campaign_icps = CachedCampaignIcps(PostgresCampaignIcps(engine), settings.icp_cache_size)
    bus = EventBus(settings)
    handlers.register(bus, Scorer(settings.weights(), settings.thresholds()), campaign_icps)

    async def close() -> None:
        await engine.dispose()

    app = create_service_app(
        settings, bus, on_shutdown=[close], checks={"database": database_check(engine)}
    )
    app.state.bus = bus  # for tests and operators' introspection
    return app
