"""``python -m leadgen_devstack.sandbox``: serve the sandbox providers on HTTP_HOST:HTTP_PORT."""

from __future__ import annotations

import uvicorn
from leadgen_common.logging import configure_logging

from .app import create_app
from .settings import SandboxSettings


def main() -> None:
    settings = SandboxSettings()
    configure_logging("sandbox", settings.log_level)
    uvicorn.run(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,  # keep the JSON log handler configured above
        access_log=False,
    )


if __name__ == "__main__":
    main()
