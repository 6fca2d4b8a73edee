"""What the providers of one sandbox app share: settings, the population and its indexes,
the OAuth token issuer, the accepted API keys and the uploaded audiences."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from .audiences import Audiences
from .credentials import ApiKeys, Tokens
from .emails import Emails
from .population import Population
from .profile_text import ProfileText
from .settings import SandboxSettings

# Indexes are per population, not per app: tests build many apps over one population.
_INDEXES: dict[int, tuple[Population, ProfileText, Emails]] = {}


def _indexes(population: Population) -> tuple[ProfileText, Emails]:
    cached = _INDEXES.get(id(population))
    if cached is None or cached[0] is not population:
        cached = (population, ProfileText(population), Emails(population))
        _INDEXES[id(population)] = cached
    return cached[1], cached[2]


@dataclass(frozen=True)
class Context:
    settings: SandboxSettings
    population: Population
    clock: Callable[[], float]

    @cached_property
    def text(self) -> ProfileText:
        return _indexes(self.population)[0]

    @cached_property
    def emails(self) -> Emails:
        return _indexes(self.population)[1]

    @cached_property
    def tokens(self) -> Tokens:
        return Tokens(
            self.settings.token_secret.get_secret_value().encode(),
            self.settings.token_ttl_s,
            dict(self.settings.oauth_clients),
            self.clock,
        )

    @cached_property
    def keys(self) -> ApiKeys:
        return ApiKeys(frozenset(self.settings.api_keys))

    @cached_property
    def audiences(self) -> Audiences:
        return Audiences(self.population, self.settings.reach_scale)
