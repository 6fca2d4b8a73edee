from leadgen_common.service import run

from .main import LeadWriterSettings, create_app


def main() -> None:
    settings = LeadWriterSettings()
    run(lambda: create_app(settings), settings)


if __name__ == "__main__":
    main()
