"""The per-reporter token bucket, replayed from the reporter's tickets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.reporter_limit import ReporterLimit

NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)


def file_greedily(limit: ReporterLimit, offsets: list[float]) -> list[datetime]:
    """Reports at the given seconds; each filed when the bucket allows it."""
    filed: list[datetime] = []
    for offset in sorted(offsets):
        moment = NOW + timedelta(seconds=offset)
        if limit.allows(filed, moment):
            filed.append(moment)
    return filed


def test_a_burst_is_let_through_then_the_rest_waits():
    limit = ReporterLimit(per_hour=20, burst=5)
    filed = file_greedily(limit, [i * 0.4 for i in range(50)])  # 50 reports in 20 s
    assert len(filed) == 5


def test_the_bucket_refills_at_the_hourly_rate():
    limit = ReporterLimit(per_hour=20, burst=5)
    filed = [NOW + timedelta(seconds=i) for i in range(5)]
    assert not limit.allows(filed, NOW + timedelta(seconds=10))
    assert limit.allows(filed, NOW + timedelta(minutes=3, seconds=5))  # one token in 3 min
    assert limit.tokens(filed, NOW + timedelta(hours=2)) == 5


def test_released_tickets_empty_the_bucket_but_leave_no_debt():
    limit = ReporterLimit(per_hour=20, burst=5)
    released = [NOW + timedelta(seconds=i) for i in range(45)]
    assert limit.tokens(released, NOW + timedelta(seconds=45)) < 1
    assert limit.allows(released, NOW + timedelta(seconds=45 + 181))


def test_zero_per_hour_turns_the_limit_off():
    limit = ReporterLimit(per_hour=0, burst=1)
    assert limit.allows([NOW] * 100, NOW)


@given(per_hour=st.floats(0.5, 200), burst=st.integers(1, 30),
       offsets=st.lists(st.floats(0, 4 * 3600), max_size=200))
def test_no_hour_holds_more_than_the_rate_and_the_burst(per_hour, burst, offsets):
    limit = ReporterLimit(per_hour=per_hour, burst=burst)
    filed = file_greedily(limit, offsets)
    for start in filed:
        within = [t for t in filed if start <= t < start + timedelta(hours=1)]
        assert len(within) <= burst + per_hour + 1e-6


@given(per_hour=st.floats(0.5, 200), burst=st.integers(1, 30),
       offsets=st.lists(st.floats(0, 4 * 3600), max_size=100))
def test_tokens_stay_within_the_bucket(per_hour, burst, offsets):
    limit = ReporterLimit(per_hour=per_hour, burst=burst)
    filed = [NOW + timedelta(seconds=o) for o in offsets]
    for moment in [*filed, NOW + timedelta(hours=5)]:
        assert 0 <= limit.tokens(filed, moment) <= burst
