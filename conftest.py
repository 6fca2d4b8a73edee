"""Loaded for every test run in the workspace, whichever paths it names: the shared
fixtures (a real Postgres per session) come from one plugin instead of a copy per suite."""

pytest_plugins = ["leadgen_common.testing.fixtures"]

from typing import Any  # noqa: E402

#: `make test` runs two pytest-xdist workers (`-n 2 --dist loadgroup`): tests spread one by
#: one, except these groups, each run on one worker (first matching node-id prefix wins).
#: `tests/` shares one session stack, one test at a time; the fault-injection module starts
#: a stack of its own (once, not once per worker); the quality module embeds 5,000 profiles
#: once for its three tests. `tests` comes first in testpaths, so the two long groups start
#: at once, one on each worker, and the unit tiers fill in around them.
XDIST_GROUPS = (
    ("tests/test_fault_injection.py::", "fault"),
    ("tests/", "stack"),
    ("services/scoring/tests/test_quality_sandbox.py::", "quality"),
)


def group_of(nodeid: str) -> str:
    """The scheduling unit of a test: its group, or the test itself."""
    return next((group for prefix, group in XDIST_GROUPS if nodeid.startswith(prefix)), nodeid)


def pytest_xdist_make_scheduler(config: Any, log: Any) -> Any:
    """xdist's own loadgroup reads `xdist_group` marks by renaming node ids, which pytest 9
    no longer honours (it keeps `Node._id`; xdist 3.8 sets `_nodeid`), so the marks would
    group nothing: the groups are given to a load-scope scheduler by node id instead."""
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class PrefixGroups(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

    return PrefixGroups(config, log)
