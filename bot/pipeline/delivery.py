"""One attempt at delivering one outbox message through the port."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from domain.identity import TELEGRAM, is_address, platform_of
from handlers.media import MEDIA_PREFIX, MediaStore
from messaging.outbound import (
    AnswerButton,
    DeleteMessage,
    EditCaption,
    EditText,
    Outgoing,
    SendDocument,
    SendPhoto,
    SendText,
)
from messaging.port import MessengerPort, PermanentFailure
from storage.repositories.outbox import Head

# How many unknown ids above the chat's highest known id a lost message is looked for in.
MAX_PROBES = 60


@dataclass
class Job:
    row: Head
    message: Outgoing
    send_at: float
    # The platform whose adapter delivers it (that of the row's chat).
    platform: str = ""
    reply_to_id: str | None = None
    edit_id: str | None = None
    message_id: str | None = None
    outcome: str = "sent"
    error: str = ""
    retry_in: float | None = None
    probe_ids: list[int] = field(default_factory=list)
    merged: bool = False
    # The chat's highest known message id before the first attempt (sends only).
    floor: int | None = None

    @property
    def chat_id(self) -> str:
        return self.row.chat_id

    @property
    def paced(self) -> bool:
        """Button answers are not chat messages: no chat lane paces them."""
        return not isinstance(self.message, AnswerButton)

    @property
    def creates_message(self) -> bool:
        return isinstance(self.message, SendText | SendPhoto | SendDocument)

    def plan_probes(self, floor: int, known: set[int]) -> None:
        """The ids where this message may have landed: above the floor, not known already.

        Messages the bot already knows (its own, and those people posted that it received)
        are skipped, so the search reaches past a burst of chatter after the floor."""
        top = max(known, default=floor) + MAX_PROBES
        self.probe_ids = [k for k in range(floor + 1, top + 1) if k not in known][:MAX_PROBES]


async def deliver_once(port: MessengerPort, media: MediaStore, job: Job,
                       files: Callable[[str], Awaitable[bytes]] | None = None) -> str | None:
    """`files` fetches a file another platform gave (a WeCom member's photo shown to a
    Telegram group): a platform cannot send another's file reference, only its bytes."""
    message = job.message
    match message:
        case SendText():
            return await port.send_text(message, job.reply_to_id)
        case SendPhoto():
            data = None
            if message.photo.startswith(MEDIA_PREFIX):
                data = media.get(message.photo.removeprefix(MEDIA_PREFIX))
                if data is None:
                    raise PermanentFailure("the stored photo is missing")
            elif files is not None and _platform_of_file(message.photo) != job.platform:
                data = await files(message.photo)
            return await port.send_photo(message, job.reply_to_id, data)
        case SendDocument():
            data = await asyncio.to_thread(Path(message.path).read_bytes)
            return await port.send_document(message, job.reply_to_id, data)
        case EditText():
            assert job.edit_id is not None
            await port.edit_text(message, job.edit_id)
            return job.edit_id
        case EditCaption():
            assert job.edit_id is not None
            await port.edit_caption(message, job.edit_id)
            return job.edit_id
        case DeleteMessage():
            assert job.edit_id is not None
            await port.delete_message(message, job.edit_id)
            return None
        case AnswerButton():
            await port.answer_button(message)
            return None
    raise PermanentFailure(f"unknown outgoing message {message!r}")


def _platform_of_file(ref: str) -> str:
    """An address-like file reference names its platform; a bare one is Telegram's file_id
    (as `bot.platforms.Platforms.download` reads them)."""
    return platform_of(ref) if is_address(ref) else TELEGRAM
