"""Shared steps of the WeChat end-to-end tests."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from storage.models import InboxRow

from .harness import WeChatHarness

NUMBER = re.compile(r"#(\d{4,})")


def numbers(texts: list[str]) -> set[int]:
    return {int(n) for text in texts for n in NUMBER.findall(text)}


async def report(wechat: WeChatHarness, openid: str, caption: str,
                 where: tuple[float, float], *, photo: bytes | None = None) -> None:
    from tests.e2e.harness import jpeg

    user = wechat.wx.user(openid)
    await user.send_image(photo or jpeg())
    await user.send_text(caption)
    await user.send_location(*where)
    await wechat.settle()


async def inbox_rows(wechat: WeChatHarness) -> int:
    assert wechat.app is not None
    async with wechat.app.uows(read_only=True) as uow:
        return int((await uow.session.execute(select(func.count(InboxRow.id)))).scalar_one())


async def ticket_count(wechat: WeChatHarness) -> int:
    assert wechat.app is not None
    async with wechat.app.uows(read_only=True) as uow:
        return await uow.tickets.count()
