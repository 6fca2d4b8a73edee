from leadgen_common.service import run

from .main import create_app
from .settings import WebhooksSettings


def main() -> None:
    settings = WebhooksSettings()
    run(lambda: create_app(settings), settings)


if __name__ == "__main__":
    main()
