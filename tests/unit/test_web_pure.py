"""The web console's pure parts: tokens, person ids, clustering, filters, charts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.web import charts
from bot.web.clustering import (
    BadBox,
    cell_size_deg,
    parse_box,
    parse_zoom,
    precision_for_zoom,
    shift_for,
)
from bot.web.filters import read_choices, to_filter
from bot.web.numbers import as_number
from domain import geo
from handlers.web.tokens import TOKEN_SHAPE, digest, new_token, same, well_formed
from storage.cells import cell_of, hash_to_int
from storage.queries.percentiles import Spread
from storage.queries.series import ChartData
from storage.repositories.web_access import person_id, person_key

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)


def test_tokens_are_random_url_safe_and_stored_as_their_hash():
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(TOKEN_SHAPE.match(t) for t in tokens)
    token = next(iter(tokens))
    assert len(digest(token)) == 64 and token not in digest(token)
    assert digest(token) == digest(token)
    assert not well_formed("abc") and not well_formed(token + "/")
    assert same(token, token) and not same(token, token[:-1] + "x")
    assert not same("", "") and not same(token, "")


@given(st.text(min_size=1, max_size=60))
def test_a_person_id_survives_the_text_column(person):
    key = person_key(person)
    assert person_key(person_id(key)) == key and person_id(key) == person


@pytest.mark.parametrize("key", ["telegram:2001", "wecom:zhangsan", "0042", "１", "+5", " 7"])
def test_ids_that_are_not_plain_integers_stay_text(key):
    assert person_id(key) == key


@given(st.floats(min_value=0, max_value=22))
def test_a_cluster_cell_is_at_least_the_wanted_width(zoom):
    precision = precision_for_zoom(zoom)
    width, _ = cell_size_deg(precision)
    wanted = 60 * 360 / (256 * 2**zoom)
    assert precision == 1 or width >= wanted
    if precision < 9:
        assert cell_size_deg(precision + 1)[0] < wanted


def test_zooming_in_never_coarsens_the_clusters():
    precisions = [precision_for_zoom(z / 2) for z in range(0, 45)]
    assert precisions == sorted(precisions)
    assert precision_for_zoom(13) == 6 and precision_for_zoom(22) == 9


@given(st.floats(min_value=-89.9, max_value=89.9), st.floats(min_value=-179.9, max_value=179.9),
       st.integers(min_value=1, max_value=9))
def test_shifting_a_stored_cell_gives_the_cell_of_lower_precision(lat, lon, precision):
    assert cell_of(lat, lon) >> shift_for(precision) == hash_to_int(
        geo.encode(lat, lon, precision))


def test_boxes_and_zooms_are_read_strictly_or_defaulted():
    box = parse_box("116.4,39.89,116.5,39.95")
    assert (box.west, box.south, box.east, box.north) == (116.4, 39.89, 116.5, 39.95)
    assert parse_box("-200,-100,200,100").west == -180
    for bad in ("", "1,2,3", "a,b,c,d", "116.5,39,116.4,40", "nan,0,1,1", "0,0,inf,1"):
        with pytest.raises(BadBox):
            parse_box(bad)
    assert parse_zoom("13") == 13 and parse_zoom("x") == 14 and parse_zoom("99") == 22
    assert parse_zoom("nan") == 14


class Query(dict):
    def getall(self, key, default):
        value = self.get(key)
        return default if value is None else (value if isinstance(value, list) else [value])


def test_filters_read_from_the_query_string():
    choices = read_choices(Query({
        "status": ["open", "nonsense"], "department": ["roads", "nowhere"],
        "category": "road", "overdue": "1", "from": "2026-06-01", "to": "bad",
        "q": " #0042 ", "sort": "-status", "page": "３"}), ["roads"], ["road"])
    assert choices.statuses == ("open",) and choices.departments == ("roads",)
    assert choices.categories == ("road",) and choices.overdue
    assert (choices.first_day, choices.last_day) == ("2026-06-01", "")
    assert choices.sort == "-status" and choices.page == 1
    wanted = to_filter(choices, NOW, TZ)
    assert wanted.number == 42 and wanted.text == ""
    assert wanted.reported_from == datetime(2026, 5, 31, 16, 0, tzinfo=UTC)
    assert "resolved" not in wanted.statuses and "assigned" in wanted.statuses
    assert to_filter(read_choices(Query({"status": "all"}), [], []), NOW, TZ).statuses is None
    last = to_filter(read_choices(Query({"to": "2026-06-01", "q": "路面"}), [], []), NOW, TZ)
    assert last.reported_to == datetime(2026, 6, 1, 16, 0, tzinfo=UTC) and last.text == "路面"
    assert "status=open" in choices.query(page="2") and "page=2" in choices.query(page="2")


@pytest.mark.parametrize(("text", "number"), [("42", 42), (" 7 ", 7), ("１", None),
                                              ("²", None), ("-1", None), ("1e3", None),
                                              ("9" * 10, None), ("", None)])
def test_numbers_are_ascii_digits(text, number):
    assert as_number(text) == number


def test_chart_bars_fill_the_width_and_scale_to_the_highest_day():
    days = [date(2026, 6, d) for d in range(1, 8)]
    data = ChartData(days, [0, 3, 7, 2, 0, 0, 1], [0, 1, 4, 0, 0, 2, 0],
                     [("road", Spread(3, 7200, 36000)), ("water", Spread(1, 3600, 3600))])
    chart = charts.daily(data)
    assert len(chart.bars) == 14 and len(chart.days) == 7
    tallest = max(chart.bars, key=lambda b: b.height)
    inner = charts.HEIGHT - charts.BOTTOM - charts.TOP
    assert tallest.title == "6/3 7" and tallest.height == round(inner * 7 / 10, 1)
    assert all(b.x >= 0 and b.x + b.width <= 100 for b in chart.bars)
    assert [t.text for t in chart.scale] == ["0", "5", "10"]
    rows = charts.by_category(data, ["道路破损", "供水"]).rows
    assert rows[0][0].text == "道路破损" and rows[0][2] > rows[0][1].x + rows[0][1].width


def test_chart_of_a_quiet_period():
    data = ChartData([date(2026, 6, 1)] * 2, [0, 0], [0, 0], [])
    assert [t.text for t in charts.daily(data).scale] == ["0", "1"]
    assert charts.by_category(data, []).rows == []
    assert charts.daily(data).bars[0].height == 0


