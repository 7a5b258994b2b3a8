"""The port a platform's transport implements to deliver outgoing messages, and what it raises."""

from __future__ import annotations

from typing import Protocol

from messaging.outbound import (
    AnswerButton,
    DeleteMessage,
    EditCaption,
    EditText,
    SendDocument,
    SendPhoto,
    SendText,
)


class DeliveryError(Exception):
    """Base of what a transport reports when a message could not be delivered."""


class RetryLater(DeliveryError):
    """The platform asked us to slow down; try again after `seconds`."""

    def __init__(self, seconds: float, description: str = "") -> None:
        self.seconds = seconds
        super().__init__(description or f"retry after {seconds}s")


class TransientFailure(DeliveryError):
    """A server error, a timeout or a dropped connection: worth retrying with backoff."""


class PermanentFailure(DeliveryError):
    """The platform refused the message for good (bad request, bot blocked, chat gone)."""


class TargetGone(PermanentFailure):
    """The message to reply to or to edit no longer exists."""


class NotModified(DeliveryError):
    """An edit that changes nothing: the message already shows what we wanted."""


class MessengerPort(Protocol):
    async def send_text(self, message: SendText, reply_to_id: str | None) -> str: ...

    async def send_photo(self, message: SendPhoto, reply_to_id: str | None,
                         data: bytes | None) -> str: ...

    async def send_document(self, message: SendDocument, reply_to_id: str | None,
                            data: bytes) -> str: ...

    async def edit_text(self, message: EditText, message_id: str) -> None: ...

    async def edit_caption(self, message: EditCaption, message_id: str) -> None: ...

    async def delete_message(self, message: DeleteMessage, message_id: str) -> None: ...

    async def answer_button(self, message: AnswerButton) -> None: ...

    async def download(self, file_id: str) -> bytes: ...
