"""The whole bot with the road crew in a WeCom group: riders report on Telegram (the local Bot
API server), staff work in WeCom (the local WeCom server), over real HTTP and WebSocket, on a
fake business clock.

The road crew's chat is the WeCom group `ROADS`; 张师傅 (A post), 李师傅 (B post) and the
supervisor are WeCom members by userid. With `robot=True` the crew's group gets a group robot
instead of the smart bot (send-only).
"""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.localwecom import LocalWeCom
from bot.settings import Settings
from bot.wecom.adapter import WeComAdapter
from bot.wecom.render import card_text
from domain.clock import FakeClock
from storage.models import InboxRow
from tests.e2e.harness import Harness, test_settings

BOT_ID = "aib-local-test"
SECRET = "local-secret-0123456789"
ROADS = "wrk-roads-0001"
ZHANG = "zhangsan"  # 张师傅, A post
LI = "lishifu"  # 李师傅, B post
WANG = "wangkz"  # the road crew's supervisor
STRANGER = "passerby"  # a member of the group who is not staff
PEOPLE = {2001: ZHANG, 2002: LI, 2009: WANG}
# High enough for tests that are not about pace; the pace tests set their own.
FAST = {"chat_per_minute": 100000, "chat_per_hour": 1000000, "robot_per_minute": 100000,
        "global_per_second": 5000}


def wecom_settings(base: Settings, server: LocalWeCom, *, robot_key: str | None = None,
                   limits: dict[str, Any] | None = None) -> Settings:
    """`base` with the road crew moved to a WeCom group (its people by userid)."""
    data = base.model_dump()
    for person in data["people"]:
        if person.get("id") in PEOPLE:
            person["wecom"] = PEOPLE[person["id"]]
    for department in data["departments"]:
        if department["id"] == "roads":
            department.update(
                chat_id=f"wecom:{ROADS}", staff=[f"wecom:{ZHANG}"],
                backup_staff=[f"wecom:{LI}"], supervisors=[f"wecom:{WANG}"],
                wecom_webhook_key=robot_key)
    data["wecom"] = {"bot_id": BOT_ID, "secret": SECRET, "ws_url": server.ws_url,
                     "robot_base_url": server.robot_base, "heartbeat_s": 30,
                     "request_timeout_s": 5, "limits": {**FAST, **(limits or {})}}
    return Settings(**data, source=base.source)


class WeComHarness(Harness):
    def __init__(self, database_url: str, tmp_path: Path, clock: FakeClock, *,
                 robot: bool = False, wecom_limits: dict[str, Any] | None = None,
                 server_options: dict[str, Any] | None = None,
                 **sections: dict[str, Any]) -> None:
        super().__init__(database_url, tmp_path, clock, **sections)
        options = {"chat_per_minute": 100000, "chat_per_hour": 1000000,
                   "robot_per_minute": 100000, **(server_options or {})}
        self.wecom = LocalWeCom(BOT_ID, SECRET, **options)
        self.robot = robot
        self.wecom_limits = wecom_limits
        self.robot_key: str | None = None

    async def start(self, before_bot: Any = None) -> WeComHarness:
        await self.wecom.start()
        await self.server.start()
        self._populate()
        if self.robot:
            self.robot_key = self.wecom.add_robot()
        self.settings = wecom_settings(
            test_settings(self.database_url, self.tmp_path / "media", self.server.base_url,
                          **self.sections),
            self.wecom, robot_key=self.robot_key, limits=self.wecom_limits)
        await self.start_bot()
        if not self.robot:
            await self.wecom.wait_subscribed(10)
        return self

    async def start_bot(self, **options: Any) -> Any:
        app = await super().start_bot(**options)
        if not self.robot:
            await self.wecom.wait_subscribed(10)
        return app

    async def stop(self) -> None:
        await super().stop()
        await self.wecom.stop()

    @property
    def adapter(self) -> WeComAdapter:
        assert self.app is not None
        adapter = self.app.platforms["wecom"]
        assert isinstance(adapter, WeComAdapter)
        return adapter

    # -- members act ---------------------------------------------------------------------

    async def say(self, userid: str, text: str, *, image: bytes | None = None,
                  chat: str = ROADS, settle: bool = True) -> str:
        """A member @-mentions the bot in the group; returns the message's msgid."""
        msgid = f"msg-{secrets.token_hex(6)}"
        await self.wecom.say(chat, userid, text, image=image, msgid=msgid)
        if settle:
            await self.stored(msgid)
            await self.settle()
        return msgid

    async def press(self, userid: str, task_id: str, key: str, *, chat: str = ROADS) -> str:
        msgid = f"evt-{secrets.token_hex(6)}"
        req_id = await self.wecom.press(chat, userid, task_id, key, msgid=msgid)
        await self.stored(msgid)
        await self.settle()
        return req_id

    async def stored(self, *msgids: str, within: float = 20.0) -> None:
        """Wait until the bot has written these callbacks to its inbox."""
        assert self.app is not None
        keys = {f"wecom:{m}" for m in msgids}
        deadline = asyncio.get_running_loop().time() + within
        while True:
            async with self.app.uows(read_only=True) as uow:
                found = set((await uow.session.execute(
                    select(InboxRow.dedup_key).where(InboxRow.dedup_key.in_(keys))
                )).scalars())
            if found == keys:
                return
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"not stored: {sorted(keys - found)}")
            await asyncio.sleep(0.02)

    # -- what the group sees -------------------------------------------------------------

    def posts(self, chat: str = ROADS) -> list[Any]:
        return self.wecom.chat(chat).posts

    def texts(self, chat: str = ROADS) -> list[str]:
        return [post_text(p) for p in self.posts(chat)]

    def cards(self, chat: str = ROADS) -> list[dict[str, Any]]:
        return [p.body["template_card"] for p in self.posts(chat)
                if p.kind == "send" and p.msgtype == "template_card"]

    def card_about(self, number: int, chat: str = ROADS) -> dict[str, Any]:
        label = f"#{number:04d}"
        for card in self.cards(chat):
            if label in card_text(card) and card.get("button_list"):
                return card
        raise AssertionError(f"no card about {label}: {self.texts(chat)}")


def post_text(post: Any) -> str:
    """What a post says: its text, or a card's title and lines."""
    body = post.body
    card = body.get("template_card")
    if isinstance(card, dict):
        return card_text(card)
    return post.text


def button_key(card: dict[str, Any], label: str) -> str:
    for button in card.get("button_list", []):
        if label in button["text"]:
            return str(button["key"])
    raise AssertionError(f"no button {label!r} on {[b['text'] for b in card['button_list']]}")
