"""When to try a webhook again, and when to stop.

Outcomes follow the Standard Webhooks guidance: 2xx is delivered; 410 Gone
means the receiver wants no more webhooks, so the endpoint is disabled;
every other answer (3xx, 4xx, 5xx) and every network failure is retried on
the schedule. 4xx answers are retried too, on purpose: a receiver's 401,
403, 404 or 400 is far more often a deploy in progress, a secret rotated on
one side only or a bug fixed the same day than a permanent refusal, and the
schedule is bounded (8 attempts over about 27 h), so retrying costs a few
requests while giving up would lose an ERP's event for good. Only a
destination the SSRF guard refuses, a URL that cannot be called or a
malformed secret gives up at once: retrying cannot change those until
someone edits the endpoint (and then redelivers).
"""
from __future__ import annotations

import email.utils
import enum
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

# Delay before attempt 1, 2, ...: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (~27.6 h in all).
DEFAULT_SCHEDULE: tuple[float, ...] = (0, 5, 300, 1800, 7200, 18000, 36000, 36000)
DEFAULT_JITTER = 0.1
RETRY_AFTER_STATUSES = frozenset({429, 503})
_GIVE_UP_ERRORS = frozenset({"blocked_destination", "invalid_url", "invalid_secret"})


class Outcome(str, enum.Enum):
    DELIVERED = "delivered"
    RETRY = "retry"
    DISABLE_ENDPOINT = "disable_endpoint"
    GIVE_UP = "give_up"


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    delay: float | None = None  # seconds until the next attempt when outcome is RETRY


def classify(status_code: int | None, error: str | None) -> Outcome:
    """What one attempt's result means, before looking at how many attempts are left."""
    if error in _GIVE_UP_ERRORS:
        return Outcome.GIVE_UP
    if status_code is not None and 200 <= status_code < 300:
        return Outcome.DELIVERED
    if status_code == 410:
        return Outcome.DISABLE_ENDPOINT
    return Outcome.RETRY


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP date; None if absent or garbled."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(int(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None  # HTTP dates are always GMT; a date without a zone is not one
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def next_delay(
    attempt_no: int,
    *,
    schedule: Sequence[float] = DEFAULT_SCHEDULE,
    jitter: float = DEFAULT_JITTER,
    retry_after: float | None = None,
    scale: float = 1.0,
    retry_after_cap: float | None = None,
    rng: random.Random | None = None,
) -> float | None:
    """Seconds to wait after failed attempt number ``attempt_no`` (1-based); None = give up.

    ``schedule[i]`` is the delay before attempt ``i + 1``, so ``next_delay(0)``
    is the first attempt's delay and ``next_delay(len(schedule))`` is None.
    ``scale`` shrinks the whole schedule (tests use 0.001). The delay gets
    ±``jitter`` of itself at random so endpoints that failed together are
    not retried in lockstep. A receiver's ``Retry-After`` is a floor, capped
    at ``retry_after_cap`` (default: the schedule's longest step).
    """
    if attempt_no < 0:
        raise ValueError("attempt_no counts attempts made, from 0")
    if attempt_no >= len(schedule):
        return None
    delay = float(schedule[attempt_no]) * scale
    if delay > 0 and jitter:
        delay *= 1 + (rng or random).uniform(-jitter, jitter)
    if retry_after is not None:
        cap = retry_after_cap if retry_after_cap is not None else max(schedule) * scale
        delay = max(delay, min(float(retry_after), cap))
    return delay


@dataclass(frozen=True)
class RetryPolicy:
    """One endpoint's retry settings; the webhook worker builds it from settings once."""

    schedule: tuple[float, ...] = DEFAULT_SCHEDULE
    jitter: float = DEFAULT_JITTER
    scale: float = 1.0
    retry_after_cap: float | None = None

    @property
    def max_attempts(self) -> int:
        return len(self.schedule)

    def decide(
        self,
        status_code: int | None,
        error: str | None,
        attempt_no: int,
        *,
        retry_after: float | None = None,
        rng: random.Random | None = None,
    ) -> Decision:
        """The outcome of attempt ``attempt_no`` and, when retrying, the delay before the next one."""
        outcome = classify(status_code, error)
        if outcome is not Outcome.RETRY:
            return Decision(outcome)
        honoured = retry_after if status_code in RETRY_AFTER_STATUSES else None
        delay = next_delay(
            attempt_no,
            schedule=self.schedule,
            jitter=self.jitter,
            retry_after=honoured,
            scale=self.scale,
            retry_after_cap=self.retry_after_cap,
            rng=rng,
        )
        return Decision(Outcome.GIVE_UP) if delay is None else Decision(Outcome.RETRY, delay)
