from leadgen_common.service import run

from .main import EnrichmentSettings, create_app


def main() -> None:
    settings = EnrichmentSettings()
    run(lambda: create_app(settings), settings)


if __name__ == "__main__":
    main()
