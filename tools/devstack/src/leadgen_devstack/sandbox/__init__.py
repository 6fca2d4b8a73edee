"""Sandbox provider server: LinkedIn- and Clearbit-shaped APIs over a synthetic population.

The real social and enrichment APIs cannot be reached from here (and LinkedIn's partner
API is closed), so the services' real httpx adapters call this server instead, through
``SANDBOX_URL``: ``{SANDBOX_URL}/linkedin`` for ``https://api.linkedin.com`` and
``{SANDBOX_URL}/clearbit`` for ``https://company.clearbit.com``. See the provider
modules for endpoints and fields. Run it with ``python -m leadgen_devstack.sandbox``.
"""

from .app import create_app
from .population import Population, build_population
from .settings import SandboxSettings

__all__ = ["Population", "SandboxSettings", "build_population", "create_app"]
