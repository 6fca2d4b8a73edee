from leadgen_common.service import run

from .main import ScoringSettings, create_app


def main() -> None:
    settings = ScoringSettings()
    run(lambda: create_app(settings), settings)


if __name__ == "__main__":
    main()
