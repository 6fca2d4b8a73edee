from leadgen_common.service import run

from .main import DiscoverySettings, create_app


def main() -> None:
    settings = DiscoverySettings()
    run(lambda: create_app(settings), settings)


if __name__ == "__main__":
    main()
