"""One attempt at delivering one outbox message through the port."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from domain.identity import TELEGRAM, account, is_address, platform_of
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
from storage.models import OutboxRow

# How many unknown ids above the chat's highest known id a lost message is looked for in.
MAX_PROBES = 60


@dataclass
class Job:
    row: OutboxRow
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


def _file_platform(ref: str) -> str:
    # A bare file reference is Telegram's, as stored before other platforms existed.
    return platform_of(ref) if is_address(ref) else TELEGRAM


async def deliver_once(port: MessengerPort, media: MediaStore, job: Job, *,
                       fetch: Callable[[str], Awaitable[bytes]] | None = None) -> str | None:
    """Send one job through its chat's port; `fetch` brings the bytes of a photo another
    platform holds (a WeChat rider's photo announced in a Telegram chat)."""
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
            elif fetch is not None and (_file_platform(message.photo)
                                        != platform_of(account(message.chat_id))):
                data = await fetch(message.photo)
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
