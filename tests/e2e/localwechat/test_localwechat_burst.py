"""Many riders at once: pushes in parallel, and one token refresh for many senders."""

from __future__ import annotations

import asyncio
import time

from bot.wechat.xml import ImagePush, LocationPush

from .conftest import Setup
from .test_localwechat_pushes import jpeg


async def test_a_burst_of_reports_arrives_whole(wx: Setup) -> None:
    photo = jpeg()
    riders = [wx.server.user(f"oRider{n:03}") for n in range(40)]

    async def report(n: int) -> None:
        rider = riders[n]
        await rider.send_image(photo)
        await rider.send_location(39.90 + n / 1000, 116.39, f"路口 {n}")

    start = time.perf_counter()
    await asyncio.gather(*(report(n) for n in range(len(riders))))
    took = time.perf_counter() - start
    print(f"\n80 sealed pushes from 40 riders in {took:.2f} s ({80 / took:.0f} pushes/s)")
    pushes = wx.receiver.pushes
    assert len(pushes) == 80 and len({p.dedup_key for p in pushes}) == 80
    for rider in riders:
        mine = [p for p in pushes if p.from_user == rider.openid]
        assert [type(p) for p in mine] == [ImagePush, LocationPush]
    assert all(result.attempts == 1 for result in wx.server.pushes)


async def test_one_refresh_serves_many_senders_after_expiry(wx: Setup) -> None:
    riders = [wx.server.user(f"oRider{n}") for n in range(10)]
    for rider in riders:
        await rider.send_text("hi")
    await wx.api.send_text(riders[0].openid, "warm-up")
    wx.server.expire_token()
    await asyncio.gather(*(wx.api.send_text(r.openid, "status") for r in riders))
    assert wx.server.tokens_issued == 2
    assert all(r.texts()[-1] == "status" for r in riders)
