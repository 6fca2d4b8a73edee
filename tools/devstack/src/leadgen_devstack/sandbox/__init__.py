"""Sandbox provider server: LinkedIn-, Facebook-, X-, Clearbit-, Hunter- and Apollo-shaped
APIs over a deterministic synthetic population.

The real social and enrichment APIs cannot be reached from here (and some calls the
spec asks for are closed to everyone), so the services' real httpx adapters call this
server instead, through ``SANDBOX_URL``: ``{SANDBOX_URL}/linkedin`` for
``https://api.linkedin.com``, ``/facebook`` for ``https://graph.facebook.com``,
``/twitter`` for ``https://api.x.com``, ``/clearbit``, ``/hunter`` and ``/apollo`` for
theirs. tools/devstack/SANDBOX.md lists every endpoint and which are documented or
modeled. Run it with ``python -m leadgen_devstack.sandbox``.
"""

from .app import create_app
from .personas import Archetype, ground_truth
from .population import Population, build_population
from .settings import SandboxSettings

__all__ = [
    "Archetype",
    "Population",
    "SandboxSettings",
    "build_population",
    "create_app",
    "ground_truth",
]
