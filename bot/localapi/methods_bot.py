"""Bot API methods about the bot itself, chats and members, commands, callbacks and files."""

from __future__ import annotations

import re
from typing import Any

from .errors import QUERY_TOO_OLD, bad_request
from .files import MAX_DOWNLOAD_SIZE
from .models import JSON, Person
from .params import Params
from .registry import Context, api_method

_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_ADMIN_RIGHTS = {
    "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
    "can_delete_messages": True, "can_manage_video_chats": True, "can_restrict_members": True,
    "can_promote_members": False, "can_change_info": True, "can_invite_users": True,
    "can_post_stories": False, "can_edit_stories": False, "can_delete_stories": False,
    "can_send_welcome_messages": False, "can_pin_messages": True, "can_manage_topics": False,
}  # fmt: skip
_RESTRICTED_RIGHTS = {
    "is_member": True, "can_send_messages": False, "can_send_audios": False,
    "can_send_documents": False, "can_send_photos": False, "can_send_videos": False,
    "can_send_video_notes": False, "can_send_voice_notes": False, "can_send_polls": False,
    "can_send_other_messages": False, "can_add_web_page_previews": False,
    "can_react_to_messages": False, "can_edit_tag": False, "can_change_info": False,
    "can_invite_users": False, "can_pin_messages": False, "can_manage_topics": False,
    "until_date": 0,
}  # fmt: skip


def member_json(user: Person, status: str) -> JSON:
    member: JSON = {"status": status, "user": user.to_json()}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(_ADMIN_RIGHTS)
    elif status == "restricted":
        member.update(_RESTRICTED_RIGHTS)
    elif status == "kicked":
        member["until_date"] = 0
    return member


@api_method("getMe")
async def get_me(ctx: Context, params: Params) -> Any:
    me = ctx.world.bot.to_json()
    me.update(
        can_join_groups=ctx.world.can_join_groups,
        can_read_all_group_messages=ctx.world.can_read_all_group_messages,
        supports_inline_queries=False,
        can_connect_to_business=False,
        has_main_web_app=False,
    )
    return me


@api_method("getChat")
async def get_chat(ctx: Context, params: Params) -> Any:
    return ctx.world.find_chat(params.chat_id()).full_info()


def _person(ctx: Context, user_id: int) -> Person:
    world = ctx.world
    person = world.bot if user_id == world.bot.id else world.users.get(user_id)
    if person is None:
        raise bad_request("user not found")
    return person


@api_method("getChatMember")
async def get_chat_member(ctx: Context, params: Params) -> Any:
    chat = ctx.world.find_chat(params.chat_id())
    person = _person(ctx, params.required_integer("user_id"))
    return member_json(person, chat.members.get(person.id, "left"))


@api_method("getChatAdministrators")
async def get_chat_administrators(ctx: Context, params: Params) -> Any:
    chat = ctx.world.find_chat(params.chat_id())
    return [
        member_json(_person(ctx, user_id), status)
        for user_id, status in chat.members.items()
        if status in ("creator", "administrator")
    ]


@api_method("getChatMemberCount")
async def get_chat_member_count(ctx: Context, params: Params) -> Any:
    chat = ctx.world.find_chat(params.chat_id())
    present = ("creator", "administrator", "member", "restricted")
    return sum(1 for status in chat.members.values() if status in present)


def _scope_key(params: Params) -> tuple[str, str]:
    scope = params.obj("scope", "can't parse BotCommandScope JSON object") or {"type": "default"}
    if not isinstance(scope, dict) or "type" not in scope:
        raise bad_request("can't parse BotCommandScope JSON object")
    key = ":".join(str(scope.get(part, "")) for part in ("type", "chat_id", "user_id"))
    return key, params.text("language_code") or ""


@api_method("setMyCommands")
async def set_my_commands(ctx: Context, params: Params) -> Any:
    commands = params.obj("commands", "can't parse commands JSON object")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    cleaned = []
    for command in commands:
        name = str(command.get("command", "")) if isinstance(command, dict) else ""
        if not _COMMAND_NAME.match(name.lstrip("/")):
            raise bad_request("BOT_COMMAND_INVALID")
        description = str(command.get("description", ""))
        if not 1 <= len(description) <= 256:
            raise bad_request("command description is empty")
        cleaned.append({"command": name.lstrip("/"), "description": description})
    ctx.world.commands[_scope_key(params)] = cleaned
    ctx.world.feed.notify()
    return True


@api_method("getMyCommands")
async def get_my_commands(ctx: Context, params: Params) -> Any:
    return [dict(c) for c in ctx.world.commands.get(_scope_key(params), [])]


@api_method("deleteMyCommands")
async def delete_my_commands(ctx: Context, params: Params) -> Any:
    ctx.world.commands.pop(_scope_key(params), None)
    return True


@api_method("answerCallbackQuery")
async def answer_callback_query(ctx: Context, params: Params) -> Any:
    world = ctx.world
    query = world.callbacks.get(params.required_text("callback_query_id"))
    if query is None or query.answered:
        raise bad_request(QUERY_TOO_OLD)
    text = params.text("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answered = True
    query.answer = {
        "callback_query_id": query.id,
        "text": text,
        "show_alert": params.flag("show_alert"),
        "url": params.text("url"),
        "cache_time": params.integer("cache_time", 0),
        "user_id": query.user_id,
        "message_id": query.message_id,
    }
    world.feed.publish("callback_answer", query.chat_id, dict(query.answer))
    return True


@api_method("getFile")
async def get_file(ctx: Context, params: Params) -> Any:
    stored = ctx.world.files.get(params.required_text("file_id"))
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > MAX_DOWNLOAD_SIZE:
        raise bad_request("file is too big")
    return stored.file_json()


@api_method("logOut")
async def log_out(ctx: Context, params: Params) -> Any:
    return True


@api_method("close")
async def close(ctx: Context, params: Params) -> Any:
    return True
