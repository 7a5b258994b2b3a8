"""The client API over HTTP, for the sandbox page and for tools outside Python.

All bodies are JSON unless a file is sent (then multipart/form-data, file parts named as below;
or JSON with the bytes base64-encoded in `<name>_base64`). Errors answer 400/404 with
`{"error": "..."}`. Message views are described in `views.py`.

    GET  /_client/bot                      {"bot": User, "commands": {...}, "webhook": WebhookInfo,
                                            "stats": {...}}
    GET  /_client/users                    {"users": [User]}
    POST /_client/users                    {"id", "first_name", "last_name"?, "username"?,
                                            "language_code"?}  -> User
    GET  /_client/chats                    {"chats": [Chat]}
    POST /_client/chats                    {"id", "title", "type": "supergroup"|"group",
                                            "bot_status"?: "member"|"administrator"}
                                           or {"type": "private", "user_id"}  -> Chat
    GET  /_client/chats/{chat_id}/messages {"chat": Chat, "reply_keyboard": ReplyKeyboard|null,
                                            "messages": [view]}
    POST /_client/chats/{chat_id}/messages post as a person; "user_id" plus one of:
           "text" (commands too) | "photo" (+"caption") | "photos" (album, +"caption") |
           "latitude","longitude" (+"horizontal_accuracy", +"live_period", or +"title","address"
           for a venue) | "document" (+"file_name", "mime_type", "caption");
           optional "reply_to_message_id"; forwards add one of "forward_from_user_id",
           "forward_sender_name", "forward_from_chat_id" (+"forward_date")
                                           -> {"messages": [view]}
    POST /_client/chats/{chat_id}/messages/{message_id}/edit
           {"text"} | {"caption"} | {"latitude", "longitude"} (live location)  -> view
    POST /_client/chats/{chat_id}/messages/{message_id}/press
           {"user_id", "text" (button label) | "data" (raw callback data)}
                                           -> {"callback_query_id"}
    GET  /_client/history?chat_id=         {"actions": [BotAction]}  every send/edit/delete
    GET  /_client/callback_answers?chat_id= {"answers": [...]}
    GET  /_client/files/{file_id}          the file's bytes
    GET  /_client/events?since=&chat_id=   Server-Sent Events, see `http_events.py`
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .errors import ApiError
from .http_events import stream_events
from .params import Params, Upload, read_params
from .views import message_view

if TYPE_CHECKING:
    from .server import LocalBotApi

RouteHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def guarded(handler: RouteHandler) -> RouteHandler:
    """Caller mistakes become 400/404 JSON answers instead of 500s."""

    async def wrapper(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except (ValueError, KeyError, TypeError) as error:
            return web.json_response({"error": str(error)}, status=400)
        except ApiError as error:
            return web.json_response({"error": error.description}, status=404)

    return wrapper


def setup_client_routes(app: web.Application, api: LocalBotApi) -> None:
    routes = _ClientRoutes(api)
    add = app.router.add_route
    add("GET", "/_client/bot", guarded(routes.bot))
    add("GET", "/_client/users", guarded(routes.users))
    add("POST", "/_client/users", guarded(routes.register_user))
    add("GET", "/_client/chats", guarded(routes.chats))
    add("POST", "/_client/chats", guarded(routes.create_chat))
    add("GET", "/_client/chats/{chat_id}/messages", guarded(routes.messages))
    add("POST", "/_client/chats/{chat_id}/messages", guarded(routes.post))
    add("POST", "/_client/chats/{chat_id}/messages/{message_id}/edit", guarded(routes.edit))
    add("POST", "/_client/chats/{chat_id}/messages/{message_id}/press", guarded(routes.press))
    add("GET", "/_client/history", guarded(routes.history))
    add("GET", "/_client/callback_answers", guarded(routes.callback_answers))
    add("GET", "/_client/files/{file_id}", guarded(routes.file))

    async def events(request: web.Request) -> web.StreamResponse:
        return await stream_events(request, api.world.feed)

    add("GET", "/_client/events", events)


def _file(params: Params, name: str) -> bytes | None:
    value = params.raw(name)
    if isinstance(value, Upload):
        return value.data
    encoded = params.text(f"{name}_base64")
    return base64.b64decode(encoded) if encoded else None


def _files(params: Params, name: str) -> list[bytes]:
    found = [v.data for k, v in params.items() if k.startswith(name) and isinstance(v, Upload)]
    encoded = params.obj(f"{name}_base64") or []
    return found + [base64.b64decode(item) for item in encoded]


class _ClientRoutes:
    def __init__(self, api: LocalBotApi) -> None:
        self.api = api
        self.world = api.world

    async def bot(self, request: web.Request) -> web.Response:
        return web.json_response({
            "bot": self.world.bot.to_json(),
            "commands": self.api.all_commands(),
            "webhook": self.api.webhook_info(),
            "stats": self.api.stats(),
        })  # fmt: skip

    async def users(self, request: web.Request) -> web.Response:
        return web.json_response({"users": [u.to_json() for u in self.world.users.values()]})

    async def register_user(self, request: web.Request) -> web.Response:
        body = await request.json()
        user = self.api.register_user(
            int(body["id"]),
            body["first_name"],
            body.get("last_name"),
            body.get("username"),
            body.get("language_code"),
        )
        return web.json_response(user.to_json())

    async def chats(self, request: web.Request) -> web.Response:
        return web.json_response({"chats": [c.to_json() for c in self.world.chats.values()]})

    async def create_chat(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("type") == "private":
            chat = self.api.open_private_chat(int(body["user_id"]))
        else:
            chat = self.api.create_group(
                int(body["id"]),
                body["title"],
                supergroup=body.get("type", "supergroup") == "supergroup",
                bot_status=body.get("bot_status", "member"),
                username=body.get("username"),
            )
        return web.json_response(chat.to_json())

    async def messages(self, request: web.Request) -> web.Response:
        chat = self.world.find_chat(int(request.match_info["chat_id"]))
        return web.json_response({
            "chat": chat.to_json(),
            "reply_keyboard": chat.reply_keyboard,
            "messages": [message_view(m) for m in self.api.chat_messages(chat.id)],
        })  # fmt: skip

    async def post(self, request: web.Request) -> web.Response:
        chat_id = int(request.match_info["chat_id"])
        params = await read_params(request)
        user_id = params.required_integer("user_id")
        posted = await self._post(chat_id, user_id, params)
        return web.json_response({"messages": [message_view(m) for m in posted]})

    async def _post(self, chat_id: int, user_id: int, params: Params) -> list[Any]:
        api = self.api
        reply_to = params.integer("reply_to_message_id")
        caption = params.text("caption")
        forward = {
            "from_user_id": params.integer("forward_from_user_id"),
            "hidden_user_name": params.text("forward_sender_name"),
            "from_chat_id": params.integer("forward_from_chat_id"),
        }
        if any(value is not None for value in forward.values()):
            photo = _file(params, "photo")
            text = params.text("text") or caption
            date = params.integer("forward_date")
            return [
                await api.post_forward(chat_id, user_id, text, photo=photo, date=date, **forward)
            ]
        if photos := _files(params, "photos"):
            return await api.post_album(chat_id, user_id, photos, caption)
        if (photo := _file(params, "photo")) is not None:
            return [await api.post_photo(chat_id, user_id, photo, caption, reply_to=reply_to)]
        if (document := _file(params, "document")) is not None:
            upload = params.raw("document")
            name = params.text("file_name") or getattr(upload, "filename", None) or "file"
            mime = params.text("mime_type") or getattr(upload, "content_type", None)
            return [await api.post_document(chat_id, user_id, document, name, mime, caption)]
        if params.has("latitude"):
            lat, lon = params.number("latitude") or 0.0, params.number("longitude") or 0.0
            if params.has("title"):
                title, address = params.required_text("title"), params.text("address") or ""
                return [await api.post_venue(chat_id, user_id, lat, lon, title, address)]
            return [await api.post_location(
                chat_id, user_id, lat, lon, reply_to=reply_to,
                horizontal_accuracy=params.number("horizontal_accuracy"),
                live_period=params.integer("live_period"),
            )]  # fmt: skip
        text = params.required_text("text")
        return [await api.post_text(chat_id, user_id, text, reply_to=reply_to)]

    async def edit(self, request: web.Request) -> web.Response:
        chat_id, message_id = (
            int(request.match_info["chat_id"]),
            int(request.match_info["message_id"]),
        )
        params = await read_params(request)
        if params.has("latitude"):
            message = await self.api.move_live_location(
                chat_id,
                message_id,
                params.number("latitude") or 0.0,
                params.number("longitude") or 0.0,
                params.number("horizontal_accuracy"),
            )
        elif params.has("caption"):
            message = await self.api.edit_caption(chat_id, message_id, params.text("caption") or "")
        else:
            message = await self.api.edit_text(chat_id, message_id, params.required_text("text"))
        return web.json_response(message_view(message))

    async def press(self, request: web.Request) -> web.Response:
        params = await read_params(request)
        query_id = await self.api.press_button(
            int(request.match_info["chat_id"]),
            int(request.match_info["message_id"]),
            params.required_integer("user_id"),
            text=params.text("text"),
            data=params.text("data"),
        )
        return web.json_response({"callback_query_id": query_id})

    async def history(self, request: web.Request) -> web.Response:
        chat_id = request.query.get("chat_id")
        actions = self.api.bot_history(int(chat_id) if chat_id else None)
        return web.json_response({"actions": [a.to_json() for a in actions]})

    async def callback_answers(self, request: web.Request) -> web.Response:
        chat_id = request.query.get("chat_id")
        return web.json_response(
            {"answers": self.api.callback_answers(int(chat_id) if chat_id else None)}
        )

    async def file(self, request: web.Request) -> web.Response:
        stored = self.world.files.get(request.match_info["file_id"])
        if stored is None:
            return web.json_response({"error": "file not found"}, status=404)
        return web.Response(body=stored.data, content_type=stored.mime_type or "image/jpeg")
