"""Acting as staff and reporters in the workflow tests."""

from __future__ import annotations

from typing import Any

from bot.localapi.models import StoredMessage
from tests.e2e.harness import GROUP, Harness


async def say(liaison: Harness, chat_id: int, user_id: int, text: str, *,
              reply_to: int | None = None) -> StoredMessage:
    """Post a message (usually a command) and wait until the bot has dealt with it."""
    sent = await liaison.server.post_text(chat_id, user_id, text, reply_to=reply_to)
    await liaison.settle()
    return sent


async def press(liaison: Harness, chat_id: int, message: StoredMessage, user_id: int,
                label: str | None = None, *, data: str | None = None) -> dict[str, Any]:
    """Press a button (by its label, or forged with any data); returns the bot's answer."""
    query = await liaison.server.press_button(chat_id, message.message_id, user_id,
                                              text=label, data=data)
    await liaison.settle()
    answer = liaison.server.callback_answer(query)
    assert answer is not None, "the bot answers every press"
    return answer


async def start_privately(liaison: Harness, user_id: int) -> None:
    """The user opens a private chat with the bot, so it may write to them."""
    liaison.server.open_private_chat(user_id)
    await say(liaison, user_id, user_id, "/start")


def replies(liaison: Harness, chat_id: int, message: StoredMessage) -> list[str]:
    return liaison.replies_to(chat_id, message.message_id)


def last_reply(liaison: Harness, chat_id: int, message: StoredMessage) -> str:
    found = replies(liaison, chat_id, message)
    assert found, f"no reply to {message.message_id}: {liaison.bot_texts(chat_id)}"
    return found[-1]


def bot_message(liaison: Harness, chat_id: int, needle: str) -> StoredMessage:
    """The latest bot message in the chat containing `needle`."""
    for message in reversed(liaison.server.bot_messages(chat_id)):
        if needle in (message.text or message.caption or ""):
            return message
    raise AssertionError(f"no bot message with {needle!r} in {chat_id}: "
                         f"{liaison.bot_texts(chat_id)}")


def labels(message: StoredMessage) -> list[str]:
    return [button["text"] for row in message.inline_keyboard for button in row]


def thread(liaison: Harness, report: StoredMessage) -> list[str]:
    """What the group was told in the report's thread."""
    return replies(liaison, GROUP, report)


def near_donghu(index: int) -> tuple[float, float]:
    """Distinct spots in Donghu, about 110 m apart, so reports are not taken as duplicates."""
    return (39.905 + 0.001 * index, 116.465 + 0.0005 * (index % 7))


async def file_reports(liaison: Harness, count: int, *, caption: str = "路面鼓包",
                       user_id: int | None = None) -> list[StoredMessage]:
    from tests.e2e.harness import RIDER

    return [await liaison.report(user_id=user_id or RIDER, caption=caption,
                                 where=near_donghu(i)) for i in range(count)]
