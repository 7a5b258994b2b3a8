"""Opening hours: ranges, overnight ranges, round the clock; open now, or when it opens."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.opening_hours import ALWAYS, HoursError, OpeningHours

TZ = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=TZ)


def test_a_day_range():
    hours = OpeningHours.parse("07:00-22:00")
    assert not hours.is_open(at(6, 59)) and hours.is_open(at(7)) and hours.is_open(at(21, 59))
    assert not hours.is_open(at(22)) and not hours.is_open(at(23))
    assert hours.opens_at(at(23)) == at(7, day=2)
    assert hours.opens_at(at(5)) == at(7)
    assert hours.closes_at(at(12)) == at(22)
    assert hours.opens_at(at(12)) is None and hours.closes_at(at(23)) is None


def test_an_overnight_range():
    hours = OpeningHours.parse("22:00-06:00")
    assert hours.is_open(at(23)) and hours.is_open(at(0)) and hours.is_open(at(5, 59))
    assert not hours.is_open(at(6)) and not hours.is_open(at(12))
    assert hours.closes_at(at(23)) == at(6, day=2)
    assert hours.closes_at(at(3)) == at(6)
    assert hours.opens_at(at(12)) == at(22)


def test_round_the_clock():
    for text in ("24h", "24小时", "全天", "00:00-24:00", " 24H "):
        hours = OpeningHours.parse(text)
        assert hours == ALWAYS and hours.always
        assert hours.is_open(at(3)) and hours.closes_at(at(3)) is None


def test_several_ranges():
    hours = OpeningHours.parse("07:00-11:30，13:00-20:00")
    assert hours.is_open(at(8)) and not hours.is_open(at(12)) and hours.is_open(at(14))
    assert hours.opens_at(at(12)) == at(13)
    assert str(hours) == "07:00-11:30, 13:00-20:00"


@pytest.mark.parametrize("text", ["", "7-22", "07:00", "25:00-26:00", "07:00-07:00",
                                  "24:00-06:00", "open", "07:60-08:00"])
def test_what_is_not_opening_hours(text):
    with pytest.raises(HoursError):
        OpeningHours.parse(text)


clock = st.tuples(st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))


@given(clock, clock, st.integers(0, 24 * 60 - 1))
def test_open_exactly_when_it_has_opened_and_not_closed(start, end, minute):
    if start == end:
        return
    hours = OpeningHours.parse(f"{start[0]:02d}:{start[1]:02d}-{end[0]:02d}:{end[1]:02d}")
    now = at(0) + timedelta(minutes=minute)
    if hours.is_open(now):
        closes = hours.closes_at(now)
        assert closes is not None and now < closes <= now + timedelta(days=1)
        assert not hours.is_open(closes)
        assert hours.opens_at(now) is None
    else:
        opens = hours.opens_at(now)
        assert opens is not None and now < opens <= now + timedelta(days=1)
        assert hours.is_open(opens)
        assert not hours.is_open(opens - timedelta(minutes=1))
