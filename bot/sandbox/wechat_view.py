"""The sandbox's WeChat view: a rider follows the service account on a local WeChat server,
and the page at /sandbox/wechat shows their chat with it as the phone does (what the rider
sent; the account's texts, photos, template messages and click menus) and lets them write,
send the sample photo and a preset place, tap the account's menu or a click-menu line.
Switched on by `[sandbox] wechat = true` (LIAISON_SANDBOX__WECHAT=true).

The bot's `[wechat]` section points at that server, whose signed, encrypted pushes reach the
bot's callback over HTTP exactly as WeChat's would.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from pydantic import SecretStr

from bot.localwechat import LocalWeChat, PushResult
from bot.localwechat.state import Received
from bot.sandbox.pictures import road_bulge
from bot.sandbox.view_http import image_response, json_body, page, photo_of
from bot.settings import Settings
from bot.settings_wechat import TemplateSection, WeChatSection
from bot.wechat.api import WeChatApi

RIDER = "oSandboxRider000000000000001"
TEMPLATE_ID = "TPL_SANDBOX_TICKET_PROGRESS"
TEMPLATE_KEYS = ("character_string1", "thing2", "thing3", "time4")
LISTEN = "127.0.0.1:0"


@dataclass(frozen=True)
class Place:
    """The preset place the page sends as the rider's location (+ → 位置), with its Label."""

    name: str
    name_en: str
    lat: float
    lon: float
    datum: str = "wgs84"  # what the coordinates were read off, as configured


@dataclass
class Sent:
    """Something the rider did in the chat, shown before what the account sent after it."""

    before: int  # how many things the rider had received when this was sent
    kind: str  # follow, text, image, location, click, tap
    text: str = ""
    image_id: str = ""
    place: Place | None = None


@dataclass
class RiderChat:
    server: LocalWeChat
    place: Place
    menu: tuple[tuple[str, str], ...]  # (name, key) of the account's menu
    sent: list[Sent] = field(default_factory=list)
    photos: dict[str, bytes] = field(default_factory=dict)
    followed: bool = False
    _photo_ids: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def rider(self) -> Any:
        return self.server.user(RIDER, subscribed=self.followed)

    def _note(self, kind: str, **details: Any) -> None:
        before = len(self.server.world.follower(RIDER).received)
        self.sent.append(Sent(before, kind, **details))

    async def follow(self) -> PushResult:
        self.followed = True
        self._note("follow")
        return await self.rider.subscribe()

    async def say(self, text: str) -> PushResult:
        self._note("text", text=text)
        return await self.rider.send_text(text)

    async def send_photo(self, data: bytes) -> PushResult:
        photo_id = f"p{next(self._photo_ids)}"
        self.photos[photo_id] = data
        self._note("image", image_id=photo_id)
        return await self.rider.send_image(data)

    async def send_place(self) -> PushResult:
        self._note("location", place=self.place)
        return await self.rider.send_location(self.place.lat, self.place.lon, self.place.name,
                                             datum=self.place.datum)

    async def click(self, key: str) -> PushResult:
        name = next((n for n, k in self.menu if k == key), None)
        if name is None:
            raise web.HTTPBadRequest(text="not a button of the account's menu")
        self._note("click", text=name)
        return await self.rider.click(key)

    async def tap(self, item_id: str) -> PushResult:
        line = self._menu_line(item_id)
        if line is None:
            raise web.HTTPBadRequest(text="no click menu sent with that line")
        self._note("tap", text=line)
        return await self.rider.tap_menu_item(item_id)

    def _menu_line(self, item_id: str) -> str | None:
        for received in reversed(self.server.world.follower(RIDER).received):
            if received.kind == "msgmenu":
                for line in received.body.get("list", []):
                    if str(line.get("id")) == item_id:
                        return str(line.get("content", ""))
        return None

    def view(self) -> dict[str, Any]:
        """The chat as the rider reads it, oldest first."""
        # Read, not made: before the rider follows, the account has no such follower.
        follower = self.server.world.followers.get(RIDER)
        received = follower.received if follower is not None else []
        shown: list[dict[str, Any]] = []
        mine = iter(self.sent)
        pending = next(mine, None)
        for at in range(len(received) + 1):
            while pending is not None and pending.before <= at:
                shown.append(_sent(pending))
                pending = next(mine, None)
            if at < len(received):
                item = _received(received[at], at)
                if item is not None:
                    shown.append(item)
        place = self.place
        return {"followed": self.followed, "menu": [{"name": n, "key": k} for n, k in self.menu],
                "place": {"name": place.name, "name_en": place.name_en},
                "messages": shown}


def _sent(sent: Sent) -> dict[str, Any]:
    item: dict[str, Any] = {"from": "rider", "kind": sent.kind}
    if sent.text:
        item["text"] = sent.text
    if sent.image_id:
        item["image"] = f"/sandbox/wechat/photo/{sent.image_id}"
    if sent.place is not None:
        item["place"] = {"name": sent.place.name, "name_en": sent.place.name_en,
                         "lat": sent.place.lat, "lon": sent.place.lon}
    return item


def _received(received: Received, at: int) -> dict[str, Any] | None:
    item: dict[str, Any] = {"from": "account", "kind": received.kind, "at": at}
    body = received.body
    if received.kind == "text":
        item["text"] = received.text
    elif received.kind == "image":
        item["image"] = f"/sandbox/wechat/media/{body.get('media_id', '')}"
    elif received.kind == "msgmenu":
        item["head"] = body.get("head_content", "")
        item["lines"] = [{"id": str(line.get("id")), "text": line.get("content", "")}
                         for line in body.get("list", [])]
        item["tail"] = body.get("tail_content", "")
    elif received.kind == "template":
        data = body.get("data") or {}
        item["fields"] = [{"key": key, "value": str(value.get("value", ""))}
                          for key, value in data.items() if isinstance(value, dict)]
        item["url"] = body.get("url", "")
    elif received.via == "error":
        item["kind"] = "unavailable"  # WeChat's own line when the account did not answer
    else:
        return None  # a passive reply the bot left empty: the rider sees nothing
    return item


def preset_place(settings: Settings) -> Place:
    """A landmark riders know (else any configured place, else the sample's crossing)."""
    places = sorted(settings.places, key=lambda p: p.kind != "landmark")
    if places:
        first = places[0]
        return Place(first.name, first.name_en or first.name, first.lat, first.lon,
                     first.datum)
    return Place("东湖路与西坝街路口", "Donghu Rd / Xiba St crossing", 39.9200, 116.4600)


def on_wechat(settings: Settings, server: LocalWeChat, *, fast: bool) -> Settings:
    """`settings` with the service account's `[wechat]` section pointed at `server`."""
    server.add_template(TEMPLATE_ID, TEMPLATE_KEYS)
    base = settings.wechat
    section = WeChatSection(
        app_id=server.app_id, app_secret=SecretStr(server.app_secret),
        token=SecretStr(server.token), encoding_aes_key=SecretStr(server.encoding_aes_key),
        safe_mode=server.safe_mode, api_base_url=server.base_url, listen=LISTEN,
        path=base.path, request_timeout_s=base.request_timeout_s,
        per_user_interval_s=0.0 if fast else base.per_user_interval_s,
        global_per_second=base.global_per_second,
        template=TemplateSection(id=TEMPLATE_ID, fields=base.template.fields),
        menu=base.menu)
    return settings.model_copy(update={"wechat": section})


async def connect(server: LocalWeChat, settings: Settings, port: int) -> RiderChat:
    """Point the server's pushes at the bot's callback, and create the account's menu as
    `liaison-bot wechat menu` does."""
    section = settings.wechat
    server.bot_url = f"http://127.0.0.1:{port}{section.path}"
    assert section.app_id is not None and section.app_secret is not None
    async with aiohttp.ClientSession() as session:
        api = WeChatApi(session, section.app_id, section.app_secret.get_secret_value(),
                        base_url=section.api_base_url, timeout_s=section.request_timeout_s)
        await api.create_menu({"button": [{"type": "click", "name": b.name, "key": b.key}
                                          for b in section.menu]})
    return RiderChat(server, preset_place(settings),
                     tuple((b.name, b.key) for b in section.menu))


def add_routes(app: web.Application, chat: RiderChat) -> None:
    async def wechat_page(request: web.Request) -> web.FileResponse:
        return page("wechat.html")

    async def state(request: web.Request) -> web.Response:
        return web.json_response(chat.view())

    def followed() -> None:
        if not chat.followed:
            raise web.HTTPBadRequest(text="follow the account first")

    async def follow(request: web.Request) -> web.Response:
        if not chat.followed:
            await chat.follow()
        return web.json_response({"ok": True})

    async def say(request: web.Request) -> web.Response:
        followed()
        text = str((await json_body(request)).get("text", "")).strip()
        if not text:
            raise web.HTTPBadRequest(text="nothing to say")
        await chat.say(text)
        return web.json_response({"ok": True})

    async def photo(request: web.Request) -> web.Response:
        followed()
        await chat.send_photo(photo_of(await json_body(request)) or road_bulge())
        return web.json_response({"ok": True})

    async def location(request: web.Request) -> web.Response:
        followed()
        await chat.send_place()
        return web.json_response({"ok": True})

    async def click(request: web.Request) -> web.Response:
        followed()
        await chat.click(str((await json_body(request)).get("key", "")))
        return web.json_response({"ok": True})

    async def tap(request: web.Request) -> web.Response:
        followed()
        await chat.tap(str((await json_body(request)).get("id", "")))
        return web.json_response({"ok": True})

    async def sent_photo(request: web.Request) -> web.Response:
        return image_response(chat.photos.get(request.match_info["photo_id"]))

    async def media(request: web.Request) -> web.Response:
        stored = chat.server.world.media.get(request.match_info["media_id"])
        return image_response(stored.data if stored is not None else None)

    app.router.add_get("/sandbox/wechat", wechat_page)
    app.router.add_get("/sandbox/wechat/state.json", state)
    for name, handler in (("follow", follow), ("say", say), ("photo", photo),
                          ("location", location), ("click", click), ("tap", tap)):
        app.router.add_post(f"/sandbox/wechat/{name}", handler)
    app.router.add_get("/sandbox/wechat/photo/{photo_id}", sent_photo)
    app.router.add_get("/sandbox/wechat/media/{media_id}", media)
