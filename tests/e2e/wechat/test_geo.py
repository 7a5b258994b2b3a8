"""GCJ-02 at an area's edge: WeChat reports positions shifted by some hundreds of metres in
mainland China; turned back into WGS-84, a point near a boundary routes as it does from
Telegram, and a report within 50 m of another joins it whichever platform each came from."""

from __future__ import annotations

from bot.wechat.datum import wgs84_to_wechat
from domain.geo import great_circle_m
from tests.e2e.harness import GROUP, jpeg
from tests.e2e.harness import RIDER as TG_RIDER

from .harness import RIDER
from .helpers import report

# The Donghu volunteers mend street lights inside 116.46–116.49 E; the road crew outside it.
JUST_OUTSIDE = (39.92, 116.4595)
JUST_INSIDE = (39.92, 116.4605)


async def department_of(wechat, number: int) -> str | None:
    return (await wechat.ticket(number)).department_id


async def test_a_point_near_the_boundary_routes_the_same_from_both_platforms(wechat):
    shifted = wgs84_to_wechat(*JUST_OUTSIDE)
    assert shifted[1] > 116.46, "unconverted, WeChat's numbers would fall inside Donghu"

    await wechat.server.post_photo(GROUP, TG_RIDER, jpeg((10, 20, 30)), "路灯不亮")
    await wechat.server.post_location(GROUP, TG_RIDER, *JUST_OUTSIDE)
    await wechat.settle()
    assert await department_of(wechat, 1) == "roads"
    await report(wechat, RIDER, "路灯不亮", JUST_OUTSIDE)  # sent as GCJ-02
    assert await wechat.ticket(2) is None, "the same place: it joins the Telegram report"
    assert (await wechat.ticket(1)).reporter_count == 2

    await report(wechat, RIDER, "路灯坏了", JUST_INSIDE)  # about 85 m east, over the edge
    assert await department_of(wechat, 2) == "donghu-volunteers"
    ticket = await wechat.ticket(2)
    assert great_circle_m(ticket.location.lat, ticket.location.lon, *JUST_INSIDE) < 1.0


async def test_a_report_within_50_m_joins_across_platforms(wechat):
    await wechat.server.post_photo(GROUP, TG_RIDER, jpeg((10, 20, 30)), "路面鼓包")
    await wechat.server.post_location(GROUP, TG_RIDER, 39.9215, 116.4712)
    await wechat.settle()
    near = (39.9215 + 0.0003, 116.4712)  # about 33 m north
    await report(wechat, RIDER, "路面有个大坑", near)
    [ticket] = [await wechat.ticket(1)]
    assert ticket.reporter_count == 2
    assert await wechat.ticket(2) is None
    assert any("#0001" in t and "共 2 人" in t for t in wechat.texts_to(RIDER))
