"""The sandbox's WeCom view: the first department works in a WeCom group on a local WeCom
server, and the page at /sandbox/wecom shows that group as its members see it (the bot's cards
with their buttons, photos, lines) and lets you write to the bot or press a button as one of
them. Switched on by `[sandbox] wecom = true` (LIAISON_SANDBOX__WECOM=true).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.localwecom import LocalWeCom
from bot.sandbox.view_http import image_response, json_body, page, photo_of
from bot.settings import Settings
from bot.wecom.render import card_text

GROUP = "wrk-sandbox-crew"
BOT_ID = "aib-sandbox"
SECRET = "sandbox-secret"


@dataclass(frozen=True)
class Member:
    userid: str
    name: str
    post: str  # "staff" | "backup" | "supervisor" | "guest"


@dataclass(frozen=True)
class Crew:
    department_id: str
    title: str
    members: tuple[Member, ...]


def crew_on_wecom(settings: Settings, server: LocalWeCom) -> tuple[Settings, Crew]:
    """`settings` with its first department's chat moved to the WeCom group; its people get
    WeCom userids (their configured ones, else made from their Telegram ids)."""
    data = settings.model_dump()
    department = data["departments"][0]
    members: list[Member] = []
    for post, key in (("staff", "staff"), ("backup", "backup_staff"),
                      ("supervisor", "supervisors")):
        added = []
        for account in department[key]:
            person = next((p for p in data["people"]
                           if account in _accounts(p)), None)
            native = account.partition(":")[2]
            userid = (person or {}).get("wecom") or f"u{native}"
            if person is not None:
                person["wecom"] = userid
            name = (person or {}).get("name") or userid
            members.append(Member(userid, name, post))
            added.append(f"wecom:{userid}")
        department[key] = list(dict.fromkeys([*department[key], *added]))
    members.append(Member("guest", "访客 Guest", "guest"))
    department["chat_id"] = f"wecom:{GROUP}"
    data["wecom"] = {"bot_id": BOT_ID, "secret": SECRET, "ws_url": server.ws_url,
                     "robot_base_url": server.robot_base}
    crew = Crew(department["id"], department["name"], tuple(members))
    return Settings(**data, source=settings.source), crew


def _accounts(person: dict[str, Any]) -> set[str]:
    found = set()
    if person.get("id") is not None:
        found.add(f"telegram:{person['id']}")
    for platform in ("telegram", "wechat", "wecom", "feishu"):
        if person.get(platform) is not None:
            found.add(f"{platform}:{person[platform]}")
    return found


def view(server: LocalWeCom, crew: Crew) -> dict[str, Any]:
    """The group as its members read it now: a card replaced in answer to its press shows
    the replacement, where it was."""
    shown: list[dict[str, Any]] = []
    cards: dict[str, int] = {}
    for post in server.chat(GROUP).posts:
        card = post.body.get("template_card")
        if post.kind == "card_update" and isinstance(card, dict):
            at = cards.get(str(card.get("task_id")))
            if at is not None:
                shown[at] = {**shown[at], **_card(card), "updated": True}
            continue
        item: dict[str, Any] = {"kind": post.kind, "msgtype": post.msgtype}
        if isinstance(card, dict):
            cards[str(card.get("task_id"))] = len(shown)
            item.update(_card(card))
        elif post.msgtype == "image":
            item["image"] = f"/sandbox/wecom/media/{post.body['image']['media_id']}"
        else:
            item["text"] = _named(post.text, crew)
        shown.append(item)
    return {"group": {"chatid": GROUP, "title": crew.title},
            "members": [m.__dict__ for m in crew.members], "posts": shown}


def _named(text: str, crew: Crew) -> str:
    """WeCom shows a mention `<@userid>` as the member's @name."""
    for member in crew.members:
        text = text.replace(f"<@{member.userid}>", f"@{member.name}")
    return text


def _card(card: dict[str, Any]) -> dict[str, Any]:
    return {"card": {"task_id": card.get("task_id"), "text": card_text(card),
                     "buttons": [{"text": b.get("text"), "key": b.get("key")}
                                 for b in card.get("button_list", [])]}}


def add_routes(app: web.Application, server: LocalWeCom, crew: Crew) -> None:
    known = {m.userid for m in crew.members}

    async def wecom_page(request: web.Request) -> web.FileResponse:
        return page("wecom.html")

    async def state(request: web.Request) -> web.Response:
        return web.json_response(view(server, crew))

    async def member(request: web.Request) -> tuple[dict[str, Any], str]:
        body = await json_body(request)
        userid = str(body.get("userid", ""))
        if userid not in known:
            raise web.HTTPBadRequest(text="not a member of the group")
        return body, userid

    async def say(request: web.Request) -> web.Response:
        body, userid = await member(request)
        image = photo_of(body)
        text = str(body.get("text", "")).strip()
        if not text and image is None:
            raise web.HTTPBadRequest(text="nothing to say")
        await server.say(GROUP, userid, text, image=image)
        return web.json_response({"ok": True})

    async def press(request: web.Request) -> web.Response:
        body, userid = await member(request)
        await server.press(GROUP, userid, str(body.get("task_id", "")), str(body.get("key", "")))
        return web.json_response({"ok": True})

    async def media(request: web.Request) -> web.Response:
        return image_response(server.uploaded.get(request.match_info["media_id"]))

    app.router.add_get("/sandbox/wecom", wecom_page)
    app.router.add_get("/sandbox/wecom/state.json", state)
    app.router.add_post("/sandbox/wecom/say", say)
    app.router.add_post("/sandbox/wecom/press", press)
    app.router.add_get("/sandbox/wecom/media/{media_id}", media)
