"""The README's settings tables are the settings classes' own fields."""

from leadgen_devstack import settings_doc


def test_readme_settings_tables_match_the_code():
    block = settings_doc.current_block(settings_doc.readme().read_text())
    assert block == settings_doc.render(), (
        "README settings are stale: run `uv run python -m leadgen_devstack.settings_doc`"
    )


def test_every_service_setting_is_listed_with_its_env_name():
    rendered = settings_doc.render()
    for _, cls, skip in settings_doc._classes():
        prefix = (cls.model_config.get("env_prefix") or "").upper()
        for name in set(cls.model_fields) - skip:
            assert f"`{prefix}{name.upper()}`" in rendered


def test_every_setting_says_what_it_means():
    undescribed = [
        f"{cls.__name__}.{name}"
        for _, cls, skip in settings_doc._classes()
        for name, field in cls.model_fields.items()
        if name not in skip and not field.description
    ]
    assert undescribed == []
