"""Loaded for every test run in the workspace, whichever paths it names: the shared
fixtures (a real Postgres per session) come from one plugin instead of a copy per suite."""

pytest_plugins = ["leadgen_common.testing.fixtures"]
