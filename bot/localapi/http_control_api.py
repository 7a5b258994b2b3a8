"""Control endpoints over HTTP: faults, flood limits, privacy, membership, counters.

GET    /_control/faults                  {"plan": FaultPlan, "injected": {kind: count}}
PUT    /_control/faults                  FaultPlan fields (see faults.py), unknown keys -> 400
DELETE /_control/faults                  no more faults
GET    /_control/limits                  {"per_chat_per_second", "per_group_per_minute",
                                          "global_per_second"}  (null = unlimited)
PUT    /_control/limits                  same shape; missing keys take Telegram's values
PUT    /_control/privacy                 {"can_read_all_group_messages": bool}
PUT    /_control/chats/{chat_id}/members/{user_id}   {"status": "administrator"|"member"|
                                          "creator"|"restricted"|"left"|"kicked"};
                                          user_id "bot" means the bot itself
PUT    /_control/users/{user_id}/blocked {"blocked": bool}  the user blocked the bot
GET    /_control/stats                   {"requests_by_method", "flood": {"violations_total",
                                          "violations_by_chat", "sent_by_chat", "limits"},
                                          "faults_injected", "pending_update_count",
                                          "webhook_attempts", "webhook_failures"}
POST   /_control/stats/reset             zero the request and flood counters
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from .faults import FaultPlan
from .http_client_api import guarded
from .limits import FloodLimits

if TYPE_CHECKING:
    from .server import LocalBotApi


def setup_control_routes(app: web.Application, api: LocalBotApi) -> None:
    async def get_faults(request: web.Request) -> web.Response:
        return web.json_response(
            {"plan": api.faults.plan.to_json(), "injected": dict(api.faults.injected)}
        )

    async def put_faults(request: web.Request) -> web.Response:
        api.set_faults(FaultPlan.from_json(await request.json()))
        return await get_faults(request)

    async def delete_faults(request: web.Request) -> web.Response:
        api.clear_faults()
        return await get_faults(request)

    async def get_limits(request: web.Request) -> web.Response:
        return web.json_response(api.flood.limits.to_json())

    async def put_limits(request: web.Request) -> web.Response:
        api.set_limits(FloodLimits.from_json(await request.json()))
        return await get_limits(request)

    async def put_privacy(request: web.Request) -> web.Response:
        body = await request.json()
        api.set_privacy(can_read_all_group_messages=bool(body["can_read_all_group_messages"]))
        return web.json_response({"can_read_all_group_messages": bool(body[
            "can_read_all_group_messages"])})  # fmt: skip

    async def put_member(request: web.Request) -> web.Response:
        body = await request.json()
        raw_user = request.match_info["user_id"]
        user_id = api.bot.id if raw_user == "bot" else int(raw_user)
        api.set_member_status(int(request.match_info["chat_id"]), user_id, body["status"])
        return web.json_response({"user_id": user_id, "status": body["status"]})

    async def put_blocked(request: web.Request) -> web.Response:
        body = await request.json()
        api.block_bot(int(request.match_info["user_id"]), bool(body.get("blocked", True)))
        return web.json_response({"blocked": bool(body.get("blocked", True))})

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(api.stats())

    async def reset_stats(request: web.Request) -> web.Response:
        api.world.requests_by_method.clear()
        api.flood.reset_counters()
        return web.json_response(api.stats())

    add = app.router.add_route
    add("GET", "/_control/faults", guarded(get_faults))
    add("PUT", "/_control/faults", guarded(put_faults))
    add("DELETE", "/_control/faults", guarded(delete_faults))
    add("GET", "/_control/limits", guarded(get_limits))
    add("PUT", "/_control/limits", guarded(put_limits))
    add("PUT", "/_control/privacy", guarded(put_privacy))
    add("PUT", "/_control/chats/{chat_id}/members/{user_id}", guarded(put_member))
    add("PUT", "/_control/users/{user_id}/blocked", guarded(put_blocked))
    add("GET", "/_control/stats", guarded(stats))
    add("POST", "/_control/stats/reset", guarded(reset_stats))
