"""The pages that show figures read them from `uow.queries`: the public home's month and the
staff dashboard show what the tickets' times give."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.integration.web.console import ADMIN, ROADS_STAFF, Console
from tests.integration.web.test_actions import EAST, WEST, act


def value_of(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert found is not None, html
    return found.group(1)


async def test_the_public_month_and_the_dashboard_show_the_times_to_resolve(console: Console):
    quick, slow = await console.file(where=EAST), await console.file(where=WEST)
    csrf = await console.sign_in(ROADS_STAFF)
    for number in (quick, slow):
        assert (await act(console, csrf, number, "acknowledge")).startswith("ok")
    console.clock.advance(timedelta(hours=2))
    assert (await act(console, csrf, quick, "resolve", text="已铣刨重铺")).startswith("ok")
    console.clock.advance(timedelta(hours=4))
    assert (await act(console, csrf, slow, "resolve", text="已铣刨重铺")).startswith("ok")

    # Figures run up to now, excluded: look a minute later.
    console.clock.advance(timedelta(minutes=1))
    home = await (await console.client.get("/public/?lang=zh")).text()
    # Resolved after 2 h and 6 h: the median is 4 h.
    assert value_of(home, "resolved-month") == "2"
    assert value_of(home, "median-month") == "4 小时 0 分"

    await console.sign_in(ADMIN)
    dashboard = await console.client.get("/web/dashboard?period=today&lang=zh")
    assert dashboard.status == 200
    page = await dashboard.text()
    assert "新报告 2 · 已受理 2 · 已办结 2 · 在办 0 · 超时 0" in page, page
    # P90 of 2 h and 6 h: 2 + 0.9 × 4 = 5.6 h.
    assert "P90 5 小时 36 分" in page, page
