"""What the WeChat adapter keeps in the database (migration 0005), on both backends: the shared
access token, a follower's budget of customer-service messages, their latest position."""

from __future__ import annotations

from datetime import timedelta

from bot.wechat import store
from bot.wechat.budget import Trigger, can_send, charge, left
from bot.wechat.tokens import AccessToken

OPENID = "oRider0000000000000000000001"


async def test_the_token_is_one_per_account_and_replaced(uows, clock):
    tokens = store.DatabaseTokenStore(uows, "wx0000000000local")
    assert await tokens.load() is None
    first = AccessToken("TOKEN-1", clock.now() + timedelta(hours=2))
    await tokens.save(first)
    await tokens.save(AccessToken("TOKEN-2", clock.now() + timedelta(hours=3)))
    loaded = await tokens.load()
    assert loaded == AccessToken("TOKEN-2", clock.now() + timedelta(hours=3))
    other = store.DatabaseTokenStore(uows, "wxOTHER")
    assert await other.load() is None, "each account has its own token"


async def test_a_budget_survives_across_units_of_work(uows, clock):
    now = clock.now()
    async with uows() as uow:
        await store.open_budget(uow, OPENID, Trigger.MESSAGE, now, now)
        await uow.commit()
    for _ in range(5):
        async with uows() as uow:
            budget = await store.load_budget(uow, OPENID, lock=True)
            await store.save_budget(uow, OPENID, charge(budget, now), now)
            await uow.commit()
    async with uows(read_only=True) as uow:
        budget = await store.load_budget(uow, OPENID)
    assert left(budget, now) == 0 and not can_send(budget, now)
    later = now + timedelta(hours=1)
    async with uows() as uow:
        await store.open_budget(uow, OPENID, Trigger.MESSAGE, later, later)
        await uow.commit()
    async with uows(read_only=True) as uow:
        assert left(await store.load_budget(uow, OPENID), later) == 5, \
            "a new message opens a new grant"


async def test_a_position_pairs_only_within_the_window(uows, clock):
    now = clock.now()
    async with uows() as uow:
        await store.save_position(uow, OPENID, store.ReportedPosition(39.92, 116.47, 30.0, now))
        await uow.commit()
    window = timedelta(minutes=10)
    async with uows(read_only=True) as uow:
        found = await store.recent_position(uow, OPENID, now + timedelta(minutes=9), window)
        assert found is not None and found.lat == 39.92 and found.precision_m == 30.0
        assert await store.recent_position(uow, OPENID, now + timedelta(minutes=11),
                                           window) is None
        assert await store.recent_position(uow, "oSomeoneElse", now, window) is None
