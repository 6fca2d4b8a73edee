"""Write the gateway's OpenAPI document (committed as docs/openapi.json; a test checks
that the committed file is what the code generates).

    python -m leadgen_gateway.openapi [PATH]     # default: docs/openapi.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .main import create_app
from .settings import GatewaySettings

DEFAULT_PATH = Path("docs/openapi.json")


def document() -> dict[str, Any]:
    """The OpenAPI document; building the app opens no connection."""
    return create_app(GatewaySettings(database_url=None)).openapi()


def render() -> str:
    return json.dumps(document(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_PATH
    path.write_text(render())
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
