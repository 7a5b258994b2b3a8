"""Positions from WeChat (GCJ-02 in mainland China) into WGS-84."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.wechat.datum import wechat_to_wgs84, wgs84_to_wechat
from domain.geo import great_circle_m


def test_a_beijing_point_moves_by_hundreds_of_metres_and_comes_back() -> None:
    wgs = (39.9087, 116.3975)
    gcj = wgs84_to_wechat(*wgs)
    assert 100 < great_circle_m(*wgs, *gcj) < 1000
    back = wechat_to_wgs84(*gcj)
    assert great_circle_m(*wgs, *back) < 0.5


def test_outside_mainland_china_nothing_moves() -> None:
    assert wgs84_to_wechat(51.5007, -0.1246) == (51.5007, -0.1246)
    assert wechat_to_wgs84(51.5007, -0.1246) == (51.5007, -0.1246)


@settings(max_examples=200)
@given(lat=st.floats(min_value=18.5, max_value=45.0), lon=st.floats(min_value=98.0,
                                                                     max_value=122.0))
def test_round_trip_within_half_a_metre_across_china(lat: float, lon: float) -> None:
    back = wechat_to_wgs84(*wgs84_to_wechat(lat, lon))
    assert great_circle_m(lat, lon, *back) < 0.5
