"""The outbound port over aiogram: neutral messages in, Telegram API calls out.

Telegram's errors are mapped to the port's few kinds so the outbox sender can decide to wait,
retry, give up or carry on, without knowing which platform it talks to.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from io import BytesIO
from typing import TypeVar

import aiohttp
from aiogram import Bot, methods
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods.base import Response
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    ReplyKeyboardMarkup,
    ReplyParameters,
)

from domain.identity import native_of
from messaging.outbound import (
    AnswerButton,
    DeleteMessage,
    EditCaption,
    EditText,
    Keyboard,
    SendDocument,
    SendPhoto,
    SendText,
)
from messaging.port import NotModified, PermanentFailure, RetryLater, TargetGone, TransientFailure

T = TypeVar("T")
# The message acted on is not there (any more), or too old to delete: nothing left to do.
_GONE = ("message to edit not found", "message to be replied not found",
         "message to delete not found", "message can't be deleted")
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# aiogram reads every answer through Response[<the method's result type>], a generic model that
# pydantic caches only weakly. A model nothing else keeps alive (Response[File]) was built
# again for almost every call, a few milliseconds each; held here, each is built once.
_RESPONSE_MODELS = tuple(Response[method.__returning__] for method in (  # type: ignore[name-defined]
    methods.GetFile, methods.SendMessage, methods.EditMessageText, methods.DeleteMessage,
    methods.GetUpdates))


class TelegramMessenger:
    def __init__(self, bot: Bot, request_timeout: float = 30.0) -> None:
        self.bot = bot
        self.timeout = request_timeout

    async def send_text(self, message: SendText, reply_to_id: str | None) -> str:
        markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = _inline(message.buttons)
        if message.request_location:
            markup = ReplyKeyboardMarkup(
                keyboard=[[KeyboardButton(text=message.request_location, request_location=True)]],
                resize_keyboard=True, one_time_keyboard=True,
            )
        sent = await self._call(lambda: self.bot.send_message(
            chat_id=_chat(message.chat_id), text=message.text, reply_markup=markup,
            reply_parameters=_reply(reply_to_id), link_preview_options=_NO_PREVIEW,
            request_timeout=self.timeout,
        ))
        return str(sent.message_id)

    async def send_photo(self, message: SendPhoto, reply_to_id: str | None,
                         data: bytes | None) -> str:
        photo = BufferedInputFile(data, filename="photo.jpg") if data is not None else message.photo
        sent = await self._call(lambda: self.bot.send_photo(
            chat_id=_chat(message.chat_id), photo=photo, caption=message.caption or None,
            reply_markup=_inline(message.buttons), reply_parameters=_reply(reply_to_id),
            request_timeout=self.timeout,
        ))
        return str(sent.message_id)

    async def send_document(self, message: SendDocument, reply_to_id: str | None,
                            data: bytes) -> str:
        sent = await self._call(lambda: self.bot.send_document(
            chat_id=_chat(message.chat_id),
            document=BufferedInputFile(data, filename=message.filename),
            caption=message.caption or None, reply_parameters=_reply(reply_to_id),
            request_timeout=self.timeout,
        ))
        return str(sent.message_id)

    async def edit_text(self, message: EditText, message_id: str) -> None:
        await self._call(lambda: self.bot.edit_message_text(
            text=message.text, chat_id=_chat(message.chat_id), message_id=int(message_id),
            reply_markup=_inline(message.buttons), link_preview_options=_NO_PREVIEW,
            request_timeout=self.timeout,
        ))

    async def edit_caption(self, message: EditCaption, message_id: str) -> None:
        await self._call(lambda: self.bot.edit_message_caption(
            caption=message.caption, chat_id=_chat(message.chat_id),
            message_id=int(message_id),
            reply_markup=_inline(message.buttons), request_timeout=self.timeout,
        ))

    async def delete_message(self, message: DeleteMessage, message_id: str) -> None:
        await self._call(lambda: self.bot.delete_message(
            chat_id=_chat(message.chat_id), message_id=int(message_id),
            request_timeout=self.timeout,
        ))

    async def answer_button(self, message: AnswerButton) -> None:
        await self._call(lambda: self.bot.answer_callback_query(
            callback_query_id=message.callback_id, text=message.text or None,
            show_alert=message.alert, request_timeout=self.timeout,
        ))

    async def download(self, file_id: str) -> bytes:
        file = await self._call(lambda: self.bot.get_file(file_id,
                                                         request_timeout=self.timeout))
        if not file.file_path:
            raise PermanentFailure("the file has no download path")
        buffer = BytesIO()
        await self._call(lambda: self.bot.download_file(file.file_path, destination=buffer,
                                                        timeout=self.timeout))
        return buffer.getvalue()

    async def _call(self, request: Callable[[], Awaitable[T]]) -> T:
        try:
            return await asyncio.wait_for(request(), timeout=self.timeout + 2)
        except TelegramRetryAfter as error:
            raise RetryLater(float(error.retry_after), error.message) from error
        except TelegramBadRequest as error:
            text = error.message.lower()
            if "message is not modified" in text:
                raise NotModified(error.message) from error
            if any(gone in text for gone in _GONE):
                raise TargetGone(error.message) from error
            raise PermanentFailure(error.message) from error
        except (TelegramForbiddenError, TelegramNotFound) as error:
            raise PermanentFailure(error.message) from error
        except (TelegramServerError, TelegramNetworkError, TelegramConflictError,
                TimeoutError, aiohttp.ClientError, ConnectionError) as error:
            raise TransientFailure(f"{type(error).__name__}: {error}") from error
        except TelegramAPIError as error:
            raise PermanentFailure(error.message) from error


def _chat(address: str) -> int:
    """Telegram's own id of a chat, from its address."""
    return int(native_of(address))


def _reply(message_id: str | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    # A report deleted since is no reason to lose the reply.
    return ReplyParameters(message_id=int(message_id), allow_sending_without_reply=True)


def _inline(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=b.text, url=b.url) if b.url
         else InlineKeyboardButton(text=b.text, callback_data=b.data or "-")
         for b in row]
        for row in buttons
    ])
