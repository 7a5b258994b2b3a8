"""The web app on a real database, without a chat platform: the same `WebDeps` the bot builds,
served by aiohttp's test server. Tickets are filed through the chat's own filing path."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot import wiring
from bot.http_listener import HttpListeners
from bot.pipeline.processor import Core
from bot.settings import SAMPLE_CONFIG, Settings, load_settings
from bot.settings_web import WebSection
from bot.web import mount
from bot.web.areas import AreaIndex
from bot.web.deps import WebDeps
from domain.clock import FakeClock
from handlers.context import Context
from handlers.intake.filing import Draft, file_report
from handlers.media import MediaStore
from handlers.router import load_features
from handlers.services import PeopleService, Services
from handlers.web.tokens import digest, new_token
from messaging.inbound import Chat, Person, Position
from storage.db import create_engine, session_factory
from storage.uow import UnitOfWorkFactory

GROUP = "telegram:-1001000000001"
ADMIN_CHAT = "telegram:-1009000000001"
ADMIN = "telegram:9001"
ROADS_STAFF = "telegram:2001"
SANITATION_STAFF = "telegram:2101"
RIDER = "telegram:3001"
API_KEY = "k-" + "7" * 30
DONGHU = (39.9215, 116.4712)
LISTEN = "127.0.0.1:8999"


def web_settings(database_url: str, media: Path, **web: Any) -> Settings:
    base = load_settings(SAMPLE_CONFIG)
    values: dict[str, Any] = {"listen": LISTEN, "base_url": "http://console.test",
                              "public": True, "public_photos": True, "open311": True,
                              "api_keys": [SecretStr(API_KEY)], **web}
    section = WebSection(**values)
    return base.model_copy(update={
        "database": base.database.model_copy(update={"url": database_url}),
        "media": base.media.model_copy(update={"dir": media}),
        "web": section,
    })


@dataclass
class Console:
    settings: Settings
    deps: WebDeps
    client: TestClient
    clock: FakeClock
    committed: list[Context] = field(default_factory=list)

    @property
    def uows(self) -> UnitOfWorkFactory:
        return self.deps.uows

    async def file(self, *, text: str = "路面鼓包", where: tuple[float, float] = DONGHU,
                   reporter: str = RIDER, name: str = "小李", address: str = "",
                   chat: str = GROUP, category: str | None = None) -> int:
        """A report filed by the chat's own path; returns the ticket number."""
        async with self.uows() as uow:
            ctx = self.deps.context(uow)
            draft = Draft(reporter=Person(reporter, name), chat=Chat(chat, "supergroup"),
                          message_id=None, location=Position(*where), text=text,
                          address=address)
            filed = await file_report(ctx, draft, category=category)
            await uow.commit()
        return filed.ticket.number

    async def link(self, person: Any, *, name: str = "", next_path: str = "",
                   lifetime_s: float = 600) -> str:
        """A sign-in link as /web makes it; returns its path."""
        from datetime import timedelta

        token = new_token()
        now = self.clock.now()
        async with self.uows() as uow:
            await uow.web.add_link(digest(token), person, name=name, language="zh",
                                   next_path=next_path, now=now,
                                   expires_at=now + timedelta(seconds=lifetime_s))
            await uow.commit()
        return f"/web/signin/{token}"

    async def sign_in(self, person: Any, client: TestClient | None = None) -> str:
        """Use a fresh link in `client`'s browser; returns the session's CSRF token."""
        client = client or self.client
        path = await self.link(person, name=f"p{person}")
        page = await client.get(path)
        assert page.status == 200, await page.text()
        nonce = re.search(r'name="nonce" value="([^"]+)"', await page.text())
        assert nonce is not None
        done = await client.post(path, data={"nonce": nonce.group(1)}, allow_redirects=False)
        assert done.status == 303, await done.text()
        return await self.csrf(client)

    async def csrf(self, client: TestClient | None = None) -> str:
        page = await (client or self.client).get("/web/tickets")
        found = re.search(r'name="csrf" value="([^"]+)"', await page.text())
        assert found is not None, "a signed-in page carries the CSRF token"
        return found.group(1)

    async def browser(self) -> TestClient:
        """Another browser (its own cookies) on the same server."""
        other = TestClient(self.client.server)
        await other.start_server()
        self._others.append(other)
        return other

    _others: list[TestClient] = field(default_factory=list)


async def start_console(database_url: str, tmp_path: Path, clock: FakeClock,
                        **web: Any) -> Console:
    load_features()
    settings = web_settings(database_url, tmp_path / "media", **web)
    engine = create_engine(database_url)
    uows = UnitOfWorkFactory(session_factory(engine))
    directory = wiring.directory(settings)
    media = MediaStore(settings.media.dir)
    services = Services(rules=wiring.rules(settings), areas=wiring.router(settings), media=media,
                        people=PeopleService())
    core = Core(clock, directory, services)
    committed: list[Context] = []
    deps = WebDeps(settings=settings, uows=uows, context=core.context,
                   after_commit=committed.append, clock=clock, directory=directory,
                   media=media, areas=AreaIndex(settings))
    http = HttpListeners()
    mount(http, deps)
    client = TestClient(TestServer(http.app(LISTEN)))
    await client.start_server()
    console = Console(settings, deps, client, clock, committed)
    console.engine = engine  # type: ignore[attr-defined]
    return console


async def stop_console(console: Console) -> None:
    for other in console._others:
        await other.close()
    await console.client.close()
    await console.engine.dispose()  # type: ignore[attr-defined]
