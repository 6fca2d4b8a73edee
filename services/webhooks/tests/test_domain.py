"""What follows an attempt (pure)."""

from datetime import UTC, datetime, timedelta

from leadgen_webhooks.domain import Next, Policy, after_attempt, auto_disabled, should_disable

POLICY = Policy(max_attempts=3, backoff_base_s=10, backoff_max_s=100, disable_after=2)


def test_success_delivers_failure_retries_with_backoff_until_the_last_attempt() -> None:
    assert after_attempt(POLICY, 1, True).next is Next.DELIVERED
    assert after_attempt(POLICY, 3, True).next is Next.DELIVERED
    first = after_attempt(POLICY, 1, False, rng=lambda: 1.0)
    second = after_attempt(POLICY, 2, False, rng=lambda: 1.0)
    assert (first.next, first.delay_s) == (Next.RETRY, 10)
    assert (second.next, second.delay_s) == (Next.RETRY, 20)
    assert after_attempt(POLICY, 3, False).next is Next.FAILED


def test_an_automatic_disable_counts_until_the_team_enables_again() -> None:
    now = datetime.now(UTC)
    assert not auto_disabled(None, now)
    assert auto_disabled(now, now - timedelta(seconds=1))
    assert not auto_disabled(now - timedelta(seconds=1), now)  # re-enabled since
    assert not should_disable(1, POLICY) and should_disable(2, POLICY)
