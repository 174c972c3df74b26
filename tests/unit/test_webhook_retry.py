"""Retry schedule, jitter, Retry-After and outcome classification."""
from __future__ import annotations

import random
import time
from email.utils import formatdate

import pytest

from webhooks.retry import (
    DEFAULT_SCHEDULE,
    Outcome,
    RetryPolicy,
    classify,
    next_delay,
    parse_retry_after,
)


def test_schedule_without_jitter_is_the_documented_one():
    delays = [next_delay(n, jitter=0) for n in range(len(DEFAULT_SCHEDULE))]
    assert delays == [0, 5, 300, 1800, 7200, 18000, 36000, 36000]
    assert next_delay(len(DEFAULT_SCHEDULE)) is None
    assert next_delay(100) is None
    # about a day: 27.6 h from the first attempt to the last
    assert 24 * 3600 < sum(DEFAULT_SCHEDULE) < 30 * 3600


def test_jitter_stays_within_ten_percent_and_varies():
    rng = random.Random(7)
    seen = [next_delay(3, rng=rng) for _ in range(200)]
    assert all(1620 <= d <= 1980 for d in seen)
    assert max(seen) - min(seen) > 200  # not a constant
    assert next_delay(0, rng=rng) == 0  # the first attempt is never delayed


def test_scale_shrinks_the_schedule():
    assert next_delay(2, jitter=0, scale=0.001) == pytest.approx(0.3)
    assert next_delay(8, scale=0.001) is None


def test_retry_after_is_a_floor_within_a_cap():
    assert next_delay(1, jitter=0, retry_after=60) == 60
    assert next_delay(2, jitter=0, retry_after=60) == 300  # the schedule is already later
    assert next_delay(1, jitter=0, retry_after=10**9) == 36000  # capped at the longest step
    assert next_delay(1, jitter=0, retry_after=10**9, retry_after_cap=900) == 900
    # the cap scales with the schedule: 36000 s * 0.001 = 36 s
    assert next_delay(1, jitter=0, retry_after=10, scale=0.001) == 10
    assert next_delay(1, jitter=0, retry_after=100, scale=0.001) == pytest.approx(36)


def test_parse_retry_after_seconds_and_http_date():
    assert parse_retry_after("120") == 120
    assert parse_retry_after(" 0 ") == 0
    now = time.time()
    assert parse_retry_after(formatdate(now + 90, usegmt=True), now=now) == pytest.approx(90, abs=1)
    assert parse_retry_after(formatdate(now - 90, usegmt=True), now=now) == 0
    for garbled in (None, "", "soon", "-5", "1.5", "Wed, 99 Foo 2026"):
        assert parse_retry_after(garbled) is None


@pytest.mark.parametrize(
    "status, error, outcome",
    [
        (200, None, Outcome.DELIVERED),
        (204, None, Outcome.DELIVERED),
        (299, None, Outcome.DELIVERED),
        (410, "http_error", Outcome.DISABLE_ENDPOINT),
        (500, "http_error", Outcome.RETRY),
        (503, "http_error", Outcome.RETRY),
        (429, "http_error", Outcome.RETRY),
        (404, "http_error", Outcome.RETRY),
        (400, "http_error", Outcome.RETRY),
        (301, "redirect_not_followed", Outcome.RETRY),
        (None, "timeout", Outcome.RETRY),
        (None, "connection_error", Outcome.RETRY),
        (None, "tls_error", Outcome.RETRY),
        (None, "dns_error", Outcome.RETRY),
        (None, "blocked_destination", Outcome.GIVE_UP),
        (None, "invalid_url", Outcome.GIVE_UP),
        (None, "invalid_secret", Outcome.GIVE_UP),
    ],
)
def test_classify(status, error, outcome):
    assert classify(status, error) is outcome


def test_policy_decides_delay_honours_retry_after_only_on_429_503_and_gives_up_at_the_end():
    policy = RetryPolicy(jitter=0)
    assert policy.decide(500, "http_error", 1).delay == 5
    assert policy.decide(429, "http_error", 1, retry_after=120).delay == 120
    assert policy.decide(503, "http_error", 1, retry_after=120).delay == 120
    assert policy.decide(500, "http_error", 1, retry_after=120).delay == 5
    last = policy.decide(500, "http_error", policy.max_attempts)
    assert last.outcome is Outcome.GIVE_UP and last.delay is None
    assert policy.decide(200, None, 8).outcome is Outcome.DELIVERED
    assert policy.decide(410, "http_error", 1).outcome is Outcome.DISABLE_ENDPOINT
