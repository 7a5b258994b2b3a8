"""Routing by category and area, through the whole bot: nested and overlapping areas, volunteer
teams, and the fallback to the district office."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from tests.e2e.harness import ADMIN_CHAT, ROADS_CHAT
from tests.e2e.workflow.areas import BLOCK_CHAT, WATER_WEST_CHAT, AreasHarness


@pytest.fixture
async def areas(database_url, tmp_path, clock) -> AsyncIterator[AreasHarness]:
    async with AreasHarness(database_url, tmp_path, clock) as harness:
        yield harness


async def routed(liaison, caption, where) -> str | None:
    await liaison.report(caption=caption, where=where)
    number = await liaison.count()
    return (await liaison.ticket(number)).department_id


async def test_the_smallest_of_nested_areas_wins(areas):
    assert await routed(areas, "路面鼓包", (39.9225, 116.4725)) == "block-team"
    assert "#0001" in areas.find(BLOCK_CHAT, "#0001").caption
    assert await routed(areas, "路面塌陷", (39.905, 116.465)) == "roads"
    assert areas.find(ROADS_CHAT, "#0002")


async def test_the_smaller_of_overlapping_areas_wins(areas):
    assert await routed(areas, "水管漏水", (39.91, 116.47)) == "water-east"
    assert await routed(areas, "积水严重", (39.91, 116.44)) == "water-west"
    assert areas.find(WATER_WEST_CHAT, "#0002")
    assert await routed(areas, "爆管了", (39.94, 116.47)) == "water-west"


async def test_volunteer_teams_are_routed_like_departments(areas):
    assert await routed(areas, "路灯不亮", (39.93, 116.48)) == "donghu-volunteers"
    assert await routed(areas, "路灯不亮", (39.93, 116.44)) == "roads"


async def test_nobody_covering_the_place_falls_back_to_the_district(areas):
    assert await routed(areas, "垃圾堆满了", (39.91, 116.45)) == "sanitation"
    assert await routed(areas, "垃圾堆满了", (39.93, 116.48)) == "district"


async def test_a_department_without_a_chat_escalates_to_the_admins(areas):
    await routed(areas, "路灯不亮", (39.93, 116.48))
    await areas.later(timedelta(minutes=121))
    notice = areas.find(ADMIN_CHAT, "无人受理")
    assert notice.text.startswith("⏰ #0001 已 2 小时 0 分 无人受理 · 请备岗 陈姐 处理")
