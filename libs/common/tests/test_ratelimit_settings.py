"""Rate-limit settings and bucket tables: spec defaults, env overrides, nesting (no Redis)."""

from __future__ import annotations

import pytest
from leadgen_common.ratelimit import (
    DEV_STACK_ENV,
    BucketLimit,
    LimitTable,
    RateLimitSettings,
    UnknownBucketError,
)
from pydantic import ValidationError

_ENV = (
    "LINKEDIN_RATE_LIMIT_PER_HOUR",
    "FACEBOOK_RATE_LIMIT_PER_HOUR",
    "TWITTER_RATE_LIMIT_PER_HOUR",
    "ENRICHMENT_RATE_LIMIT_PER_HOUR",
    "RATE_LIMIT_DEFAULT_PER_HOUR",
    "RATE_LIMIT_WINDOW_S",
    "RATE_LIMITS",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)


def limits(table: LimitTable) -> dict[str, tuple[int, str | None]]:
    return {name: (b.limit, b.parent) for name, b in table.buckets.items()}


def test_production_defaults_are_the_specs() -> None:
    table = RateLimitSettings().limit_table()
    got = limits(table)
    # spec §3.3 caps, §4.3 operations; the others get the spec's fallback of 100/h
    assert got["linkedin"] == (1000, None)
    assert got["facebook"] == (5000, None)
    assert got["enrichment"] == (500, None)
    assert got["twitter"] == (1000, None)
    assert got["linkedin:search"] == (100, "linkedin")
    assert got["linkedin:profile"] == (500, "linkedin")
    assert got["facebook:audience"] == (200, "facebook")
    assert got["clearbit:enrich"] == (50, "enrichment")
    for name in ("hunter:find", "hunter:verify", "apollo:match"):
        assert got[name] == (100, "enrichment")
    assert got["twitter:search"] == (100, "twitter")
    assert all(b.window_s == 3600 and b.burst is None for b in table.buckets.values())


def test_caps_come_from_the_spec_env_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINKEDIN_RATE_LIMIT_PER_HOUR", "40")
    monkeypatch.setenv("ENRICHMENT_RATE_LIMIT_PER_HOUR", "7")
    got = limits(RateLimitSettings().limit_table())
    assert got["linkedin"] == (40, None)
    assert got["enrichment"] == (7, None)
    assert got["linkedin:search"] == (100, "linkedin")  # the cap binds, the bucket is unchanged


def test_rate_limits_json_overrides_any_bucket(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINKEDIN_RATE_LIMIT_PER_HOUR", "40")
    monkeypatch.setenv(
        "RATE_LIMITS",
        '{"linkedin:search": 6000, "hunter:verify": {"per_hour": 300, "burst": 5},'
        ' "linkedin": {"per_hour": 90000}, "apollo:match": {"burst": 2},'
        ' "twitter:lookup": 42}',
    )
    table = RateLimitSettings().limit_table()
    assert table.buckets["linkedin:search"] == BucketLimit(limit=6000, parent="linkedin")
    assert table.buckets["hunter:verify"] == BucketLimit(limit=300, burst=5, parent="enrichment")
    assert table.buckets["linkedin"].limit == 90000  # RATE_LIMITS wins over the cap variable
    assert table.buckets["apollo:match"] == BucketLimit(limit=100, burst=2, parent="enrichment")
    assert table.buckets["twitter:lookup"] == BucketLimit(limit=42, parent="twitter")


def test_short_window_scales_hourly_limits_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_WINDOW_S", "60")
    monkeypatch.setenv(
        "RATE_LIMITS",
        '{"linkedin:profile": {"per_hour": 600000, "burst": 50}, "clearbit:enrich": 90}',
    )
    table = RateLimitSettings().limit_table()
    assert table.buckets["linkedin:profile"] == BucketLimit(
        limit=10000, window_s=60, burst=50, parent="linkedin"
    )
    # 1000/h over a minute is 16.67: rounded down, never up
    assert table.buckets["linkedin"].limit == 16
    assert table.buckets["clearbit:enrich"].limit == 1  # 1.5 per minute
    assert table.buckets["linkedin:search"].limit == 1  # 100/h: 1.67 per minute


def test_dev_stack_profile_fills_a_10000_prospect_campaign_in_minutes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in DEV_STACK_ENV.items():
        monkeypatch.setenv(name, value)
    table = RateLimitSettings().limit_table()

    def per_minute(bucket: str) -> int:  # the window is a minute
        return min(b.limit for _, b in table.chain(bucket))

    assert all(b.window_s == 60 for b in table.buckets.values())
    assert per_minute("linkedin:profile") >= 10_000  # every profile of a campaign in a minute
    assert per_minute("linkedin:search") >= 400  # 10,000 prospects in pages of 25
    # ~4 enrichment calls per prospect: 40,000 calls in a minute across the providers
    assert table.buckets["enrichment"].limit >= 40_000
    assert all(per_minute(p) >= 10_000 for p in ("clearbit:enrich", "hunter:find", "apollo:match"))


def test_a_window_too_short_for_a_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_WINDOW_S", "10")  # linkedin:search 100/h is 0.28 per 10 s
    with pytest.raises(ValidationError, match="linkedin:search: 100/h is less than one call"):
        RateLimitSettings()  # at start-up, not on the first call


@pytest.mark.parametrize(
    "raw",
    ['{"LinkedIn:Search": 5}', '{"linkedin:search": 0}', '{"linkedin:search": {"rate": 5}}'],
)
def test_bad_overrides_are_refused(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("RATE_LIMITS", raw)
    with pytest.raises(ValidationError):
        RateLimitSettings()


def test_unconfigured_operation_gets_the_default_under_its_platforms_cap() -> None:
    table = RateLimitSettings().limit_table()
    assert [(n, b.limit) for n, b in table.chain("linkedin:company")] == [
        ("linkedin:company", 100),
        ("linkedin", 1000),
    ]
    assert [n for n, _ in table.chain("zoominfo:enrich")] == ["zoominfo:enrich", "enrichment"]
    assert [n for n, _ in table.chain("mastodon:search")] == ["mastodon:search"]
    with pytest.raises(UnknownBucketError):
        table.chain("mastodon")  # a cap must be configured, never invented


def test_table_refuses_missing_parents_cycles_and_id_like_names() -> None:
    with pytest.raises(ValueError, match="parent 'linkedin' is not configured"):
        LimitTable(buckets={"linkedin:search": BucketLimit(limit=1, parent="linkedin")})
    with pytest.raises(ValueError, match="cycle"):
        LimitTable(
            buckets={"a": BucketLimit(limit=1, parent="b"), "b": BucketLimit(limit=1, parent="a")}
        )
    table = LimitTable(buckets={"a": BucketLimit(limit=1)})
    with pytest.raises(ValueError, match="bucket name"):
        table.chain("linkedin:search:7f3e2a")


def test_burst_cannot_exceed_the_window_limit() -> None:
    with pytest.raises(ValidationError, match="burst 11 exceeds"):
        BucketLimit(limit=10, burst=11)
