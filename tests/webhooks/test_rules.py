"""The webhook rules, pure: who receives what, the retry schedule, when to disable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from siaga.webhooks import rules
from siaga.webhooks.rules import Outcome

DELAYS = (5, 30, 120, 600, 1800, 7200, 21600)
NOW = datetime(2026, 12, 15, 8, 0, tzinfo=UTC)


class TestReceives:
    @pytest.mark.parametrize(
        ("endpoint_region", "event_region", "expected"),
        [
            (None, "64.72", True),  # a national endpoint gets everything
            (None, None, True),
            ("64", "64", True),  # the province's own events
            ("64", "64.72", True),  # and its regencies'
            ("64", "64.72.1001", True),
            ("64", "63.71", False),  # not another province's
            ("64", "640.1", False),  # a prefix of the code is not the subtree
            ("64.72", "64", False),  # nor the level above
            ("64", None, True),  # events of the whole nation (periods) go to everyone
        ],
    )
    def test_scope(
        self, endpoint_region: str | None, event_region: str | None, expected: bool
    ) -> None:
        events = ["submission.verified", "period.opened"]
        assert rules.receives(events, endpoint_region, "period.opened", event_region) is expected

    def test_only_subscribed_types(self) -> None:
        assert not rules.receives(["report.accepted"], None, "report.returned", "64")
        assert rules.receives(["report.accepted"], None, "report.accepted", "64")


class TestOutcome:
    @pytest.mark.parametrize("status", [200, 201, 202, 204, 299])
    def test_any_2xx_is_delivered(self, status: int) -> None:
        assert rules.outcome(status) is Outcome.DELIVERED

    def test_410_is_gone(self) -> None:
        assert rules.outcome(410) is Outcome.GONE

    @pytest.mark.parametrize("status", [None, 100, 199, 301, 302, 307, 400, 404, 429, 500, 503])
    def test_everything_else_is_retried(self, status: int | None) -> None:
        # Redirects too: they are not followed, so the receiver did not get the message.
        assert rules.outcome(status) is Outcome.RETRY


class TestRetryDelay:
    def test_follows_the_schedule_within_the_jitter(self) -> None:
        for step, delay in enumerate(DELAYS, start=1):
            low = rules.retry_delay(step, DELAYS, lambda: 0.0)
            mid = rules.retry_delay(step, DELAYS, lambda: 0.5)
            high = rules.retry_delay(step, DELAYS, lambda: 0.999999)
            assert low == timedelta(seconds=delay * 0.8)
            assert mid == timedelta(seconds=delay)
            assert high is not None and delay < high.total_seconds() <= delay * 1.2

    def test_exhausted_after_the_last_delay(self) -> None:
        assert rules.retry_delay(len(DELAYS) + 1, DELAYS, lambda: 0.5) is None
        assert rules.retry_delay(0, DELAYS, lambda: 0.5) is None

    def test_jitter_spreads_retries(self) -> None:
        import random

        generator = random.Random(7)
        seen = {rules.retry_delay(3, DELAYS, generator.random) for _ in range(50)}
        assert len(seen) > 40


class TestShouldDisable:
    def test_needs_both_the_time_and_the_count(self) -> None:
        long_ago = NOW - timedelta(hours=25)
        window = {"after": timedelta(hours=24), "min_failures": 10}
        assert rules.should_disable(long_ago, 10, NOW, **window)
        assert not rules.should_disable(long_ago, 9, NOW, **window)  # one failure after a quiet day
        assert not rules.should_disable(
            NOW - timedelta(hours=1), 50, NOW, **window
        )  # a short outage
        assert not rules.should_disable(None, 50, NOW, **window)
