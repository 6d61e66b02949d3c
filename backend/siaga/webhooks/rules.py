"""The webhook rules, pure: who receives an event, when a failed delivery is tried again,
and when an endpoint has failed for so long that it is disabled.

Order: deliveries of one endpoint go out strictly one after the other, oldest first. A
delivery waiting for a retry holds back the newer ones of its endpoint (a receiver that
applies changes in order never sees an answer verified before it was submitted); the
newer ones move on once it is delivered or has failed for good. A delivery has failed
for good after its first attempt and one more per delay of SIAGA_WEBHOOK_RETRY_DELAYS
(8 attempts over about 8.8 hours by default).

Disabling: a 410 Gone answer disables the endpoint at once. Otherwise an endpoint is
disabled when no attempt has succeeded for SIAGA_WEBHOOK_DISABLE_AFTER_HOURS (default 24)
and at least SIAGA_WEBHOOK_DISABLE_AFTER_FAILURES attempts in a row have failed (default
10): both, so that neither a short outage nor one failure after a quiet week does it.
What is queued stays queued; an administrator resumes the endpoint after fixing it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from siaga.core.security import in_subtree

# Each delay is stretched or shrunk by up to this fraction at random, so that receivers
# coming back after an outage do not get every endpoint's retries in the same second.
JITTER = 0.2


class Outcome(enum.Enum):
    DELIVERED = "delivered"
    GONE = "gone"  # 410: the receiver asks us to stop
    RETRY = "retry"


def receives(
    endpoint_events: Sequence[str],
    endpoint_region: str | None,
    event_type: str,
    event_region: str | None,
) -> bool:
    """Whether an endpoint subscribed to `endpoint_events` in the scope rooted at
    `endpoint_region` (None: the nation) gets this event.

    An event with no region (a period opening) concerns everyone, so every subscribed
    endpoint gets it.
    """
    if event_type not in endpoint_events:
        return False
    return event_region is None or in_subtree(endpoint_region, event_region)


def outcome(status_code: int | None) -> Outcome:
    """Any 2xx is delivered (Standard Webhooks); redirects are not followed, so a 3xx is a
    failure like a 500 or a timeout."""
    if status_code is not None and 200 <= status_code < 300:
        return Outcome.DELIVERED
    if status_code == 410:
        return Outcome.GONE
    return Outcome.RETRY


def retry_delay(
    failed_attempts: int, delays: Sequence[int], rand: Callable[[], float]
) -> timedelta | None:
    """How long after its `failed_attempts`-th failure a delivery is tried again, or None
    when the schedule is exhausted. `rand` returns a float in [0, 1)."""
    if failed_attempts < 1 or failed_attempts > len(delays):
        return None
    factor = 1 + JITTER * (2 * rand() - 1)
    return timedelta(seconds=delays[failed_attempts - 1] * factor)


def should_disable(
    failing_since: datetime | None,
    consecutive_failures: int,
    now: datetime,
    *,
    after: timedelta,
    min_failures: int,
) -> bool:
    return (
        failing_since is not None
        and now - failing_since >= after
        and consecutive_failures >= min_failures
    )
